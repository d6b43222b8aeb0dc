from django.urls import path

from renda.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("workbench/", views.workbench, name="workbench"),
    path("inbox/", views.notifications, name="notifications"),
    path("inbox/<int:pk>/", views.notification_open, name="notification_open"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/<str:object_type>/<str:object_id>/", views.audit_trail, name="audit_trail"),
    path("settings/rules/", views.rule_settings, name="rule_settings"),
    path("settings/schedule/", views.schedule_page, name="schedule"),
    path("settings/schedule/<str:name>/run/", views.schedule_run, name="schedule_run"),
    path(
        "settings/rules/<int:congress_id>/<str:key>/", views.rule_setting_change, name="rule_setting_change"
    ),
]
