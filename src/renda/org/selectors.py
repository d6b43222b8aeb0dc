"""Reads of the org app, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from renda.core.models import Congress, User
from renda.core.scope import visible_congress_ids
from renda.org.models import (
    Body,
    DeputyMandate,
    Education,
    Gender,
    HandlingUnit,
    HandlingUnitContact,
    MandateStatus,
    MemberRole,
    Membership,
    Organ,
    Person,
    Sector,
    Term,
)
from renda.org.vocab import HAN, party_group


def _active_on(day: dt.date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def term_list(*, user: User) -> QuerySet[Term]:
    return Term.objects.filter(congress_id__in=visible_congress_ids(user)).select_related("congress")


def current_term(*, congress: Congress, day: dt.date) -> Term | None:
    return (
        Term.objects.filter(congress=congress, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .order_by("-number")
        .first()
    )


def congress_list(*, user: User) -> QuerySet[Congress]:
    return Congress.objects.filter(pk__in=visible_congress_ids(user)).select_related("parent")


def mandate_list(*, user: User) -> QuerySet[DeputyMandate]:
    return DeputyMandate.objects.filter(congress_id__in=visible_congress_ids(user)).select_related(
        "person", "term", "congress", "constituency", "delegation"
    )


def active_mandates(*, congress: Congress, day: dt.date, term: Term | None = None) -> QuerySet[DeputyMandate]:
    """Deputies entitled to sit and vote in ``congress`` on ``day`` (代表资格 not ended or suspended)."""
    qs = (
        DeputyMandate.objects.filter(congress=congress)
        .filter(_active_on(day))
        .exclude(status=MandateStatus.SUSPENDED)
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
    return Organ.objects.filter(congress_id__in=visible_congress_ids(user)).select_related(
        "congress", "parent"
    )


def handling_unit_list(*, user: User) -> QuerySet[HandlingUnit]:
    return (
        HandlingUnit.objects.filter(congress_id__in=visible_congress_ids(user))
        .select_related("organ", "congress")
        .prefetch_related("contacts")
    )


def units_of_clerk(*, user: User) -> QuerySet[HandlingUnit]:
    """The handling units a clerk answers for."""
    return HandlingUnit.objects.filter(contact_rows__user=user).select_related("organ")


def person_of(*, user: User) -> Person | None:
    return Person.objects.filter(user=user).first()


def people_by_role(memberships: list[Membership]) -> list[Membership]:
    """Chair first, then vice chairs, secretary-general, members…, as rosters print them."""
    order = {value: i for i, value in enumerate(MemberRole.values)}
    return sorted(memberships, key=lambda m: (order.get(m.role, 99), m.end_date is not None, m.person.name))


def body_memberships(*, body: Body) -> list[Membership]:
    return people_by_role(list(body.memberships.select_related("person")))


def congress_overview(*, user: User, congress: Congress, day: dt.date) -> dict[str, Any]:
    """What the congress page shows: its terms, bodies, child congresses and a few counts."""
    visible = visible_congress_ids(user)
    terms = list(congress.terms.annotate(
        deputies=Count("mandates", filter=Q(mandates__start_date__lte=day)
                       & (Q(mandates__end_date__isnull=True) | Q(mandates__end_date__gte=day))
                       & ~Q(mandates__status=MandateStatus.SUSPENDED)),
    ).order_by("-number"))  # fmt: skip
    current = next((t for t in terms if t.is_current_on(day)), None)
    return {
        "terms": terms,
        "current_term": current,
        "bodies": list(congress.bodies.select_related("term").annotate(members=Count("memberships"))),
        "children": list(Congress.objects.filter(parent=congress, pk__in=visible)),
        "counts": {
            "deputies": getattr(current, "deputies", 0),
            "people": congress.people.count(),
            "organs": congress.organs.count(),
            "units": congress.handling_units.count(),
        },
    }


def term_overview(*, term: Term, day: dt.date) -> dict[str, Any]:
    counts = term.mandates.aggregate(
        total=Count("pk"),
        active=Count("pk", filter=_active_on(day) & ~Q(status=MandateStatus.SUSPENDED)),
        ended=Count("pk", filter=Q(status=MandateStatus.ENDED)),
    )
    return {
        "counts": counts,
        "constituencies": list(term.constituencies.annotate(deputies=Count("deputymandate"))),
        "delegations": list(term.delegations.annotate(deputies=Count("mandates"))),
        "bodies": list(term.bodies.all()),
    }


def person_overview(*, person: Person) -> dict[str, Any]:
    return {
        "mandates": list(person.mandates.select_related("term", "congress", "constituency", "delegation")
                         .order_by("-start_date")),
        "memberships": list(person.memberships.select_related("body").order_by("-start_date")),
    }  # fmt: skip


def organ_overview(*, user: User, organ: Organ) -> dict[str, Any]:
    unit = HandlingUnit.objects.filter(organ=organ).first()
    return {
        "children": list(organ.children.filter(congress_id__in=visible_congress_ids(user))),
        "unit": unit,
        "contacts": unit_contacts(unit=unit) if unit else [],
    }


def unit_contacts(*, unit: HandlingUnit) -> list[HandlingUnitContact]:
    return list(unit.contact_rows.select_related("user").order_by("-is_primary", "user__username"))


# Composition of a term's deputies (代表构成) -------------------------------------------------

AGE_BANDS: tuple[tuple[str, int | None, int | None], ...] = (
    ("≤35", None, 35),
    ("36–45", 36, 45),
    ("46–55", 46, 55),
    ("56–60", 56, 60),
    (">60", 61, None),
)


@dataclass(frozen=True)
class CompositionRow:
    label: str
    count: int
    share: float | None  # of all deputies counted


@dataclass(frozen=True)
class CompositionTable:
    key: str
    title: str
    rows: list[CompositionRow]


@dataclass(frozen=True)
class Composition:
    term: Term
    on: dt.date
    total: int
    tables: list[CompositionTable]


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _table(
    key: str, title: str, counts: Counter[str], labels: list[tuple[str, str]], total: int
) -> CompositionTable:
    rows = [CompositionRow(label, counts.get(value, 0), counts.get(value, 0) / total if total else None)
            for value, label in labels]  # fmt: skip
    if counts.get("", 0) and all(v != "" for v, _label in labels):
        rows.append(CompositionRow(str(_("Not recorded")), counts[""], counts[""] / total if total else None))
    return CompositionTable(key, title, rows)


def term_composition(*, term: Term, on: dt.date) -> Composition:
    """Counts and shares of the deputies serving in ``term`` on ``on``, in one query."""
    people = list(active_mandates(congress=term.congress, day=on, term=term).values_list(
        "person__gender", "person__birth_date", "person__ethnicity", "person__party", "person__education",
        "person__sector",
    ))  # fmt: skip
    total = len(people)
    gender: Counter[str] = Counter()
    ages: Counter[str] = Counter()
    ethnic: Counter[str] = Counter()
    minorities: Counter[str] = Counter()
    parties: Counter[str] = Counter()
    educations: Counter[str] = Counter()
    sectors: Counter[str] = Counter()
    for sex, birth, ethnicity, party, education, sector in people:
        gender[sex or ""] += 1
        if birth is None:
            ages[""] += 1
        else:
            age = _age(birth, on)
            band = next(label for label, low, high in AGE_BANDS
                        if (low is None or age >= low) and (high is None or age <= high))  # fmt: skip
            ages[band] += 1
        if ethnicity == HAN:
            ethnic["han"] += 1
        elif ethnicity:
            ethnic["minority"] += 1
            minorities[ethnicity] += 1
        else:
            ethnic[""] += 1
        parties[party_group(party)] += 1
        educations[education or ""] += 1
        sectors[sector or ""] += 1
    minority_labels = [
        (name, name) for name, _count in sorted(minorities.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    party_labels = [
        ("cpc", str(_("Communist Party of China"))), ("democratic", str(_("Democratic parties"))),
        ("non_partisan", str(_("Non-partisan"))), ("masses", str(_("The masses"))),
        ("unknown", str(_("Not recorded"))),
    ]  # fmt: skip
    tables = [
        _table("gender", str(_("Gender")), gender, [(v, str(label)) for v, label in Gender.choices], total),
        _table("age", str(_("Age on the reference date")), ages, [(b, b) for b, _lo, _hi in AGE_BANDS], total),
        _table("ethnicity", str(_("Ethnicity")), ethnic,
               [("han", HAN), ("minority", str(_("Ethnic minorities")))], total),
        _table("minorities", str(_("Ethnic minorities by group")), minorities, minority_labels, total),
        _table("party", str(_("Party affiliation")), parties, party_labels, total),
        _table("education", str(_("Education")), educations, [(v, str(lb)) for v, lb in Education.choices], total),
        _table("sector", str(_("Sector")), sectors, [(v, str(lb)) for v, lb in Sector.choices], total),
    ]  # fmt: skip
    return Composition(term, on, total, tables)
