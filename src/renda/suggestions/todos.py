"""Workbench to-dos: the unit's inbox, what awaits the deputy (co-sign, confirm, rate) and the
staff's review queue and release requests. A fixed number of queries per user, never one per item."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renda.core.models import User
from renda.core.todos import Todo, register_todo_provider
from renda.suggestions import selectors
from renda.suggestions.rules import clerk_unit_ids, deputy_person_id

LIMIT = 30


def _url(pk: int) -> str:
    return reverse("suggestions:detail", kwargs={"pk": pk})


def suggestion_todos(user: User) -> list[Todo]:
    items: list[Todo] = []
    if clerk_unit_ids(user):
        for a in selectors.unit_inbox(user=user)[:LIMIT]:
            if a.suggestion.status != "replied":
                items.append(
                    Todo(
                        a.suggestion.title,
                        _url(a.suggestion_id),
                        _("Handle suggestion"),
                        a.current_due,  # type: ignore[attr-defined]
                        a.suggestion.congress.name,
                    )
                )
    if deputy_person_id(user) is not None:
        for c in selectors.awaiting_cosign(user=user)[:LIMIT]:
            items.append(Todo(c.suggestion.title, _url(c.suggestion_id), _("Confirm joint signing")))
        for s in selectors.awaiting_confirmation(user=user)[:LIMIT]:
            items.append(Todo(s.title, _url(s.pk), _("Confirm suggestion entered for you")))
        for s in selectors.awaiting_rating(user=user)[:LIMIT]:
            items.append(Todo(s.title, _url(s.pk), _("Rate the reply")))
    if user.has_perm("suggestions.manage"):
        for s in selectors.review_queue(user=user)[:LIMIT]:
            label = _("Review") if s.status == "submitted" else _("Assign")
            items.append(Todo(s.title, _url(s.pk), label, None, s.congress.name))
        for r in selectors.pending_returns(user=user).select_related("assignment__suggestion")[:LIMIT]:
            items.append(
                Todo(
                    r.assignment.suggestion.title,
                    _url(r.assignment.suggestion_id),
                    _("Decide release request"),
                )
            )
    return items


register_todo_provider(suggestion_todos)
