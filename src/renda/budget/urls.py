from django.urls import path

from renda.budget import views

app_name = "budget"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("drilldown/", views.drilldown, name="drilldown"),
    path("payments/", views.payments, name="payments"),
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/overdue/", views.overdue_list, name="overdue"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/<str:action>/", views.alert_action, name="alert_action"),
    path("rules/", views.rule_library, name="rules"),
    path("rules/run/", views.rules_run, name="rules_run"),
    path("summary/", views.summary, name="summary"),
    path("report/", views.monthly_report, name="report"),
]
