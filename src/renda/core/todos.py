"""The workbench's to-do list: each app registers a provider that returns the user's open items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from renda.core.models import User


@dataclass(frozen=True)
class Todo:
    title: str | Promise
    url: str
    kind: str | Promise
    due: dt.date | None = None
    congress: str = ""


TodoProvider = Callable[[User], list[Todo]]
PROVIDERS: list[TodoProvider] = []


def register_todo_provider(provider: TodoProvider) -> TodoProvider:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def todos_for(user: User) -> list[Todo]:
    items: list[Todo] = []
    for provider in PROVIDERS:
        items.extend(provider(user))
    return sorted(items, key=lambda t: (t.due is None, t.due or dt.date.max))
