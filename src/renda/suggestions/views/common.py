"""Helpers of the suggestion views: loading the object for the permission check, running one
service and reporting its outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from renda.core.models import User
from renda.suggestions.models import Assignment, ReturnRequest, Suggestion, SupervisionRound


def actor_of(request: HttpRequest) -> User:
    """The logged-in user (the permission decorators have already refused anonymous users)."""
    return cast(User, request.user)


def get_suggestion(request: HttpRequest, pk: int, **_: Any) -> Suggestion:
    return get_object_or_404(
        Suggestion.objects.select_related("congress", "submitter", "lead_unit__organ"), pk=pk
    )


def get_round(request: HttpRequest, pk: int, **_: Any) -> SupervisionRound:
    return get_object_or_404(SupervisionRound.objects.select_related("congress"), pk=pk)


def get_assignment_suggestion(request: HttpRequest, pk: int, **_: Any) -> Suggestion:
    return get_object_or_404(Assignment.objects.select_related("suggestion__congress"), pk=pk).suggestion


def get_request_suggestion(request: HttpRequest, pk: int, **_: Any) -> Suggestion:
    row = get_object_or_404(ReturnRequest.objects.select_related("assignment__suggestion__congress"), pk=pk)
    return row.assignment.suggestion


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def run(request: HttpRequest, action: Callable[[], Any], success: str, back: str) -> HttpResponse:
    """Run one service; a ValidationError becomes a Chinese error message and nothing changes."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(back)
