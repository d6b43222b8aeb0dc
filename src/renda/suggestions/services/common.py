"""Helpers shared by the suggestion services: locking, notifications after commit, recipients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from renda.core.models import Congress, Role, User
from renda.core.services import notification_send
from renda.org.models import HandlingUnitContact, Person
from renda.suggestions.deadlines import DueDate
from renda.suggestions.models import Assignment, Deadline, Suggestion


def fail(message: str) -> NoReturn:
    raise ValidationError(message)


def locked(suggestion: Suggestion) -> Suggestion:
    return Suggestion.objects.select_for_update().get(pk=suggestion.pk)


def detail_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", kwargs={"pk": suggestion.pk})


def clerks_of(unit_ids: Iterable[int]) -> list[User]:
    return [
        row.user
        for row in HandlingUnitContact.objects.filter(unit_id__in=list(unit_ids)).select_related("user")
    ]


def staff_of(congress: Congress) -> list[User]:
    return list(
        User.objects.filter(
            role_grants__congress=congress, role_grants__role__in=[Role.STAFF, Role.TOWNSHIP_STAFF]
        ).distinct()
    )


def user_of(person: Person | None) -> list[User]:
    return [person.user] if person is not None and person.user is not None else []


def notify_on_commit(
    *, recipients: list[User], congress: Congress, kind: str, title: str, body: str = "", url: str = ""
) -> None:
    if not recipients:
        return
    transaction.on_commit(
        lambda: notification_send(
            actor=None,
            recipients=recipients,
            kind=kind,
            title=title,
            body=body,
            url=url,
            congress=congress,
        )
    )


def deadline_create(
    *, suggestion: Suggestion, kind: str, due: DueDate, assignment: Assignment | None = None
) -> Deadline:
    return Deadline.objects.create(
        suggestion=suggestion,
        assignment=assignment,
        kind=kind,
        start_date=due.start,
        due_date=due.due,
        rule=due.rule,
        source=due.source,
        settings_used=due.settings_used,
    )


def deadline_payload(due: DueDate) -> dict[str, Any]:
    return {"due": due.due.isoformat(), "rule": due.rule, "source": due.source, "settings": due.settings_used}


def check_date(day: dt.date | None, today: dt.date, *, not_before: dt.date | None = None) -> dt.date:
    from django.utils.translation import gettext as _

    if day is None:
        fail(_("Please enter a date."))
    if day > today:
        fail(_("The date may not be in the future."))
    if not_before is not None and day < not_before:
        fail(_("The date may not be before the assignment."))
    return day
