"""Core API: the current user, their to-dos and inbox, and their personal API tokens."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from renda.core import selectors, services
from renda.core.models import User
from renda.core.permissions import check
from renda.core.todos import todos_for

router = Router(tags=["core"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # the API's auth guarantees a real user  # noqa: S101
    return user


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    unread_notifications: int


class TodoOut(Schema):
    title: str
    url: str
    kind: str
    due: dt.date | None
    days_left: int | None
    congress: str
    rule: str


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read: bool


class MarkReadIn(Schema):
    ids: list[int] | None = None  # none: mark everything read


class CountOut(Schema):
    count: int


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked: bool


class NewTokenOut(TokenOut):
    token: str  # the raw token: returned once, never stored


@router.get("/me", response=MeOut, summary="The current user")
def me(request: HttpRequest) -> MeOut:
    user = _user(request)
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        display_name=str(user),
        roles=selectors.role_labels(user=user),
        unread_notifications=selectors.notification_unread_count(user=user),
    )


@router.get("/me/todos", response=list[TodoOut], summary="The current user's to-dos, most urgent first")
def my_todos(request: HttpRequest) -> list[TodoOut]:
    check(request, "core.view_workbench")
    return [
        TodoOut(
            title=str(t.title),
            url=t.url,
            kind=str(t.kind),
            due=t.due,
            days_left=t.days_left(),
            congress=t.congress,
            rule=str(t.rule),
        )
        for t in todos_for(_user(request))
    ]


@router.get("/me/notifications", response=list[NotificationOut], summary="The current user's inbox")
def my_notifications(request: HttpRequest, unread: bool = False) -> list[NotificationOut]:
    check(request, "core.view_notifications")
    qs = selectors.notification_list(user=_user(request))
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        NotificationOut(
            id=n.pk,
            kind=n.kind,
            title=n.title,
            body=n.body,
            url=n.url,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in qs[:200]
    ]


@router.post("/me/notifications/read", response=CountOut, summary="Mark messages read (all when no ids)")
def my_notifications_read(request: HttpRequest, data: MarkReadIn) -> CountOut:
    check(request, "core.view_notifications")
    return CountOut(count=services.notification_mark_read(actor=_user(request), notification_ids=data.ids))


def _token_out(token: object) -> TokenOut:
    return TokenOut.model_validate(token)


@router.get("/me/tokens", response=list[TokenOut], summary="The current user's API tokens")
def my_tokens(request: HttpRequest) -> list[TokenOut]:
    check(request, "core.manage_tokens")
    return [_token_out(t) for t in selectors.api_token_list(user=_user(request))]


@router.post("/me/tokens", response={201: NewTokenOut}, summary="Create an API token (shown once)")
def my_token_create(request: HttpRequest, data: TokenIn) -> Status[NewTokenOut]:
    check(request, "core.manage_tokens")
    token, raw = services.api_token_create(actor=_user(request), name=data.name)
    return Status(201, NewTokenOut(**_token_out(token).model_dump(), token=raw))


@router.delete("/me/tokens/{token_id}", response=TokenOut, summary="Revoke one of the current user's tokens")
def my_token_revoke(request: HttpRequest, token_id: int) -> TokenOut:
    check(request, "core.manage_tokens")
    user = _user(request)
    token = get_object_or_404(selectors.api_token_list(user=user), pk=token_id)
    return _token_out(services.api_token_revoke(actor=user, token=token))
