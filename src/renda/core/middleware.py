from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

# Views that protect themselves: Django admin (is_staff), the JSON API (its own auth), static files.
SELF_GUARDED_MODULES = ("django.contrib.admin", "ninja", "django.views.static", "django.contrib.staticfiles")


class PermissionDeclaredMiddleware:
    """Deny by default: a view that declares no permission is a programming error, never public."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> None:
        target = getattr(view_func, "view_class", view_func)
        while isinstance(target, functools.partial):  # ninja's schema and docs views are partials
            target = target.func
        if getattr(view_func, "renda_permission", None) or getattr(target, "renda_permission", None):
            return None
        module = getattr(target, "__module__", "") or ""
        if module.startswith(SELF_GUARDED_MODULES):
            return None
        raise ImproperlyConfigured(
            f"view {module}.{getattr(target, '__name__', target)} declares no permission"
        )
