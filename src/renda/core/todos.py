"""The workbench: each app registers a provider of the user's open to-dos, and quick links that
appear for the users who hold their permission."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise

from renda.core.models import User


@dataclass(frozen=True)
class Todo:
    title: str | Promise
    url: str
    kind: str | Promise
    due: dt.date | None = None
    congress: str = ""
    # Which rule produced the due date (e.g. "代表法第五十一条：三个月内答复"), shown beside it.
    rule: str | Promise = ""

    def days_left(self, today: dt.date | None = None) -> int | None:
        if self.due is None:
            return None
        return (self.due - (today or timezone.localdate())).days


TodoProvider = Callable[[User], list[Todo]]
PROVIDERS: list[TodoProvider] = []


def register_todo_provider(provider: TodoProvider) -> TodoProvider:
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


def todos_for(user: User) -> list[Todo]:
    """Everything waiting for the user, the most urgent first (undated items last)."""
    items: list[Todo] = []
    for provider in PROVIDERS:
        items.extend(provider(user))
    return sorted(items, key=lambda t: (t.due is None, t.due or dt.date.max, str(t.title)))


@dataclass(frozen=True)
class QuickLink:
    label: str | Promise
    url_name: str
    perm: str
    icon: str = "link-45deg"
    order: int = 100
    hint: str | Promise = ""


QUICK_LINKS: list[QuickLink] = []


def register_quick_link(*links: QuickLink) -> None:
    for link in links:
        if link not in QUICK_LINKS:
            QUICK_LINKS.append(link)
    QUICK_LINKS.sort(key=lambda link: link.order)


def quick_links_for(user: User) -> list[QuickLink]:
    return [link for link in QUICK_LINKS if user.has_perm(link.perm)]
