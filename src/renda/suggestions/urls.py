from django.urls import URLPattern

app_name = "suggestions"

urlpatterns: list[URLPattern] = []
