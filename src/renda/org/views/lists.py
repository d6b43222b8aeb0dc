"""List pages of the org app (ListPage: filters, table, Excel export, pagination)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from renda.core.exports import xlsx_response
from renda.core.lists import Column, Filter, ListPage
from renda.core.masking import mask_phone
from renda.core.models import Congress, CongressKind
from renda.core.scope import visible_congresses
from renda.org import roster, selectors
from renda.org.models import (
    Body,
    BodyKind,
    DeputyMandate,
    Gender,
    HandlingUnit,
    MandateStatus,
    Organ,
    OrganKind,
    Term,
)

# "Name" of a congress, body or organ (名称), as opposed to a person's name (姓名).
UNIT_NAME = pgettext_lazy("organisation", "Name")


def _congress_options(request: HttpRequest) -> list[tuple[Any, Any]]:
    return [(c.pk, c.name) for c in visible_congresses(request.user)]


def _congress_filter() -> Filter:
    return Filter("congress", _("Congress"), lambda qs, v: qs.filter(congress_id=v), _congress_options)


def _link(url_name: str, pk: Callable[[Any], int] = lambda row: row.pk) -> Callable[[Any], str]:
    return lambda row: reverse(url_name, kwargs={"pk": pk(row)})


class CongressListPage(ListPage):
    permission = "org.view_congresses"
    title = _("Congresses")
    export_name = "congresses"
    columns = (
        Column(UNIT_NAME, "name", link=_link("org:congress_detail")),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Parent congress"), "parent.name"),
        Column(_("Division code"), "division_code"),
    )
    filters = (
        Filter("kind", _("Kind"), lambda qs, v: qs.filter(kind=v), lambda r: CongressKind.choices),
        Filter("q", UNIT_NAME, lambda qs, v: qs.filter(name__icontains=v)),
    )

    def queryset(self) -> QuerySet[Congress]:
        return selectors.congress_list(user=self.request.user)  # type: ignore[arg-type]


class TermListPage(ListPage):
    permission = "org.view_terms"
    title = _("Terms")
    export_name = "terms"
    columns = (
        Column(_("Congress"), "congress.name", link=_link("org:congress_detail", lambda t: t.congress_id)),
        Column(_("Term"), "label", link=_link("org:term_detail")),
        Column(_("Start date"), "start_date", fmt="date"),
        Column(_("End date"), "end_date", fmt="date"),
    )
    filters = (_congress_filter(),)

    def queryset(self) -> QuerySet[Term]:
        return selectors.term_list(user=self.request.user)  # type: ignore[arg-type]


def _term_options(request: HttpRequest) -> list[tuple[Any, Any]]:
    return [(t.pk, str(t)) for t in selectors.term_list(user=request.user)]  # type: ignore[arg-type]


class DeputyListPage(ListPage):
    permission = "org.view_roster"
    title = _("Deputies")
    export_name = "deputies"
    empty_hint = _("No deputies yet. Staff can import a roster from Excel on the term's page.")
    filters = (
        _congress_filter(),
        Filter("term", _("Term"), lambda qs, v: qs.filter(term_id=v), _term_options),
        Filter("q", _("Name"), lambda qs, v: qs.filter(person__name__icontains=v)),
        Filter("gender", _("Gender"), lambda qs, v: qs.filter(person__gender=v), lambda r: Gender.choices),
        Filter("status", _("Status"), lambda qs, v: qs.filter(status=v), lambda r: MandateStatus.choices),
    )

    def full_numbers(self) -> bool:
        # The rows are already limited to the user's scope; the role decides masked or not.
        return self.request.user.has_perm("core.view_sensitive")

    def get_columns(self) -> list[Column]:
        # On screen a compact set that fits 1366 px; the export carries every roster column.
        full = self.full_numbers()
        return [
            Column(_("Name"), "person.name", link=_link("org:person_detail", lambda m: m.person_id)),
            Column(_("Gender"), "person.get_gender_display"),
            Column(_("Birth date"), "person.birth_date", fmt="date"),
            Column(_("Party affiliation"), "person.party"),
            Column(_("Occupation and post"), "person.occupation"),
            Column(_("Congress"), lambda m: m.congress.short_name or m.congress.name),
            Column(_("Term"), "term.label", link=_link("org:term_detail", lambda m: m.term_id)),
            Column(_("Constituency"), "constituency.name"),
            Column(_("Delegation"), "delegation.name"),
            Column(_("Status"), "get_status_display"),
            Column(
                _("Phone"), (lambda m: m.person.phone) if full else (lambda m: mask_phone(m.person.phone))
            ),
        ]

    def export(self) -> HttpResponse:
        """The roster's own columns first (the file can be imported again), then the mandate."""
        full = self.full_numbers()
        headers = [
            *roster.ROSTER_HEADERS,
            _("Congress"),
            _("Term"),
            _("Status"),
            _("Start date"),
            _("End date"),
        ]
        rows = (
            [*roster.roster_row_values(m, full=full), m.congress.name, m.term.label, m.get_status_display(),
             m.start_date, m.end_date]
            for m in self.filtered().iterator(chunk_size=2000)
        )  # fmt: skip
        stamp = timezone.localdate().strftime("%Y%m%d")
        return xlsx_response(f"{self.export_name}-{stamp}.xlsx", roster.SHEET_TITLE, headers, rows)

    def queryset(self) -> QuerySet[DeputyMandate]:
        return selectors.mandate_list(user=self.request.user)  # type: ignore[arg-type]


class BodyListPage(ListPage):
    permission = "org.view_bodies"
    title = _("Bodies")
    export_name = "bodies"
    columns = (
        Column(UNIT_NAME, "name", link=_link("org:body_detail")),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Congress"), "congress.name"),
        Column(_("Term"), "term.label"),
    )
    filters = (
        _congress_filter(),
        Filter("kind", _("Kind"), lambda qs, v: qs.filter(kind=v), lambda r: BodyKind.choices),
    )

    def queryset(self) -> QuerySet[Body]:
        return selectors.body_list(user=self.request.user)  # type: ignore[arg-type]


class OrganListPage(ListPage):
    permission = "org.view_organs"
    title = _("Organs")
    export_name = "organs"
    columns = (
        Column(UNIT_NAME, "name", link=_link("org:organ_detail")),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Parent organ"), "parent.name"),
        Column(_("Congress"), "congress.name"),
    )
    filters = (
        _congress_filter(),
        Filter("kind", _("Kind"), lambda qs, v: qs.filter(kind=v), lambda r: OrganKind.choices),
        Filter("q", UNIT_NAME, lambda qs, v: qs.filter(name__icontains=v)),
    )

    def queryset(self) -> QuerySet[Organ]:
        return selectors.organ_list(user=self.request.user)  # type: ignore[arg-type]


class HandlingUnitListPage(ListPage):
    permission = "org.view_handling_units"
    title = _("Handling units")
    export_name = "handling-units"
    columns = (
        Column(UNIT_NAME, "organ.name", link=_link("org:unit_detail")),
        Column(_("Code"), "code"),
        Column(_("Congress"), "congress.name"),
        Column(_("Contacts"), lambda u: "、".join(str(c) for c in u.contacts.all())),
    )
    filters = (_congress_filter(), Filter("q", UNIT_NAME, lambda qs, v: qs.filter(organ__name__icontains=v)))

    def queryset(self) -> QuerySet[HandlingUnit]:
        return selectors.handling_unit_list(user=self.request.user)  # type: ignore[arg-type]


congress_list = CongressListPage.as_view()
term_list = TermListPage.as_view()
deputy_list = DeputyListPage.as_view()
body_list = BodyListPage.as_view()
organ_list = OrganListPage.as_view()
unit_list = HandlingUnitListPage.as_view()
