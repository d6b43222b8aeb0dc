from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from renda.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("renda.core.urls")),
    path("org/", include("renda.org.urls")),
    path("meetings/", include("renda.meetings.urls")),
    path("budget/", include("renda.budget.urls")),
    path("suggestions/", include("renda.suggestions.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
