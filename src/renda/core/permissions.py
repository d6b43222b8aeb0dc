"""View guards. Every view declares its permission with ``@permission_required`` or ``@public``;
``PermissionDeclaredMiddleware`` refuses any view that declares neither (deny by default)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from renda.core.models import User

F = TypeVar("F", bound=Callable[..., HttpResponseBase])


class AuthedRequest(HttpRequest):
    """For type checking only: the request of a view behind ``permission_required`` has a real user
    and, when ``get_object`` was given, the checked object."""

    user: User
    renda_object: Any


def public(view: F) -> F:
    view.renda_permission = "public"  # type: ignore[attr-defined]
    return view


def permission_required(perm: str, get_object: Callable[..., Any] | None = None) -> Callable[[F], F]:
    """Anonymous users go to the login page; logged-in users without ``perm`` get 403.
    ``get_object(request, **kwargs)`` supplies the object for object-level rules."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = get_object(request, **kwargs) if get_object else None
            if not request.user.has_perm(perm, obj):
                raise PermissionDenied
            if obj is not None:
                request.renda_object = obj  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapped.renda_permission = perm  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def check(request: HttpRequest, perm: str, obj: Any = None) -> None:
    """For API handlers and views that load their object themselves."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
