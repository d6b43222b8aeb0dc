from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from renda.core import selectors
from renda.core.permissions import check
from renda.core.todos import todos_for

router = Router(tags=["core"])


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
    congress: str


@router.get("/me", response=MeOut, summary="The current user")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        id=user.pk, username=user.get_username(), display_name=str(user),
        roles=selectors.role_labels(user=user),  # type: ignore[arg-type]
        unread_notifications=selectors.notification_unread_count(user=user),  # type: ignore[arg-type]
    )


@router.get("/me/todos", response=list[TodoOut], summary="The current user's to-dos")
def my_todos(request: HttpRequest) -> list[TodoOut]:
    check(request, "core.view_workbench")
    return [TodoOut(title=str(t.title), url=t.url, kind=str(t.kind), due=t.due, congress=t.congress)
            for t in todos_for(request.user)]  # type: ignore[arg-type]
