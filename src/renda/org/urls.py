from django.urls import path

from renda.org import views

app_name = "org"

urlpatterns = [
    path("congresses/", views.congress_list, name="congress_list"),
    path("congresses/<int:pk>/", views.congress_detail, name="congress_detail"),
    path("terms/", views.term_list, name="term_list"),
    path("terms/<int:pk>/", views.term_detail, name="term_detail"),
    path("terms/<int:pk>/composition/", views.term_composition, name="term_composition"),
    path("terms/<int:pk>/roster/import/", views.roster_import, name="roster_import"),
    path("roster/template.xlsx", views.roster_template, name="roster_template"),
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("bodies/", views.body_list, name="body_list"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("organs/", views.organ_list, name="organ_list"),
    path("organs/<int:pk>/", views.organ_detail, name="organ_detail"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
]
