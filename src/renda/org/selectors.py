"""Reads of the org app, scoped to the acting user."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from renda.core.models import Congress, User
from renda.core.scope import visible_congress_ids
from renda.org.models import (
    Body,
    DeputyMandate,
    HandlingUnit,
    MandateStatus,
    Membership,
    Organ,
    Person,
    Term,
)


def _active_on(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def term_list(*, user: User) -> QuerySet[Term]:
    return Term.objects.filter(congress_id__in=visible_congress_ids(user)).select_related("congress")


def current_term(*, congress: Congress, day: dt.date) -> Term | None:
    return (Term.objects.filter(congress=congress, start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day)).order_by("-number").first())


def congress_list(*, user: User) -> QuerySet[Congress]:
    return Congress.objects.filter(pk__in=visible_congress_ids(user)).select_related("parent")


def mandate_list(*, user: User) -> QuerySet[DeputyMandate]:
    return (DeputyMandate.objects.filter(congress_id__in=visible_congress_ids(user))
            .select_related("person", "term", "congress", "constituency", "delegation"))


def active_mandates(*, congress: Congress, day: dt.date, term: Term | None = None) -> QuerySet[DeputyMandate]:
    """Deputies entitled to sit and vote in ``congress`` on ``day`` (代表资格 not ended or suspended)."""
    qs = DeputyMandate.objects.filter(congress=congress).filter(_active_on(day)).exclude(
        status=MandateStatus.SUSPENDED
    )
    if term is not None:
        qs = qs.filter(term=term)
    return qs.select_related("person", "delegation", "constituency")


def body_members_on(*, body: Body, day: dt.date) -> QuerySet[Membership]:
    return body.memberships.filter(_active_on(day)).select_related("person")


def body_list(*, user: User) -> QuerySet[Body]:
    return Body.objects.filter(congress_id__in=visible_congress_ids(user)).select_related("congress", "term")


def person_list(*, user: User) -> QuerySet[Person]:
    return Person.objects.filter(congress_id__in=visible_congress_ids(user)).select_related("congress")


def organ_list(*, user: User) -> QuerySet[Organ]:
    return Organ.objects.filter(congress_id__in=visible_congress_ids(user)).select_related("congress", "parent")


def handling_unit_list(*, user: User) -> QuerySet[HandlingUnit]:
    return (HandlingUnit.objects.filter(congress_id__in=visible_congress_ids(user))
            .select_related("organ", "congress").prefetch_related("contacts"))


def units_of_clerk(*, user: User) -> QuerySet[HandlingUnit]:
    """The handling units a clerk answers for."""
    return HandlingUnit.objects.filter(contact_rows__user=user).select_related("organ")


def person_of(*, user: User) -> Person | None:
    return Person.objects.filter(user=user).first()
