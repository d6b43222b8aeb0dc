"""The JSON API (django-ninja) under /api/v1/, with session or bearer-token authentication and the
same permissions as the pages. Each app contributes a router from its ``api.py``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from renda.core.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked=False)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="Renda API",
    version="1",
    description="人大信息平台接口 / Renda congress platform API",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "没有权限执行此操作。"}, status=403)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=422)


def _register_routers() -> None:
    from renda.budget.api import router as budget_router
    from renda.core.api import router as core_router
    from renda.meetings.api import router as meetings_router
    from renda.org.api import router as org_router
    from renda.suggestions.api import router as suggestions_router

    api.add_router("/", core_router)
    api.add_router("/org/", org_router)
    api.add_router("/meetings/", meetings_router)
    api.add_router("/budget/", budget_router)
    api.add_router("/suggestions/", suggestions_router)


_register_routers()
