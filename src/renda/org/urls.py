from django.urls import path

from renda.org import views

app_name = "org"

urlpatterns = [
    path("congresses/", views.congress_list, name="congress_list"),
    path("terms/", views.term_list, name="term_list"),
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("bodies/", views.body_list, name="body_list"),
    path("organs/", views.organ_list, name="organ_list"),
    path("units/", views.unit_list, name="unit_list"),
]
