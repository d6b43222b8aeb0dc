from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from renda.core.lists import Column, Filter, ListPage
from renda.core.masking import mask_phone
from renda.core.models import Congress, CongressKind
from renda.core.scope import visible_congresses
from renda.org import selectors
from renda.org.models import Body, BodyKind, DeputyMandate, Gender, HandlingUnit, MandateStatus, Organ, OrganKind, Term


def _congress_filter() -> Filter:
    return Filter("congress", _("Congress"), lambda qs, v: qs.filter(congress_id=v),
                  lambda r: [(c.pk, c.name) for c in visible_congresses(r.user)])  # type: ignore[arg-type]


class CongressListPage(ListPage):
    permission = "org.view_congresses"
    title = _("Congresses")
    export_name = "congresses"
    columns = (
        Column(_("Name"), "name"),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Parent congress"), "parent.name"),
        Column(_("Division code"), "division_code"),
    )
    filters = (
        Filter("kind", _("Kind"), lambda qs, v: qs.filter(kind=v), lambda r: CongressKind.choices),
        Filter("q", _("Name"), lambda qs, v: qs.filter(name__icontains=v)),
    )

    def queryset(self) -> QuerySet[Congress]:
        return selectors.congress_list(user=self.request.user)  # type: ignore[arg-type]


class TermListPage(ListPage):
    permission = "org.view_terms"
    title = _("Terms")
    export_name = "terms"
    columns = (
        Column(_("Congress"), "congress.name"),
        Column(_("Term"), "label"),
        Column(_("Start date"), "start_date", fmt="date"),
        Column(_("End date"), "end_date", fmt="date"),
    )
    filters = (_congress_filter(),)

    def queryset(self) -> QuerySet[Term]:
        return selectors.term_list(user=self.request.user)  # type: ignore[arg-type]


class DeputyListPage(ListPage):
    permission = "org.view_roster"
    title = _("Deputies")
    export_name = "deputies"
    empty_hint = _("No deputies yet. Staff can import a roster from Excel.")
    filters = (
        _congress_filter(),
        Filter("q", _("Name"), lambda qs, v: qs.filter(person__name__icontains=v)),
        Filter("gender", _("Gender"), lambda qs, v: qs.filter(person__gender=v), lambda r: Gender.choices),
        Filter("status", _("Status"), lambda qs, v: qs.filter(status=v), lambda r: MandateStatus.choices),
    )

    def get_columns(self) -> Sequence[Column]:
        full = self.request.user.has_perm("core.view_sensitive")
        return (
            Column(_("Name"), "person.name"),
            Column(_("Gender"), "person.get_gender_display"),
            Column(_("Ethnicity"), "person.ethnicity"),
            Column(_("Birth date"), "person.birth_date", fmt="date"),
            Column(_("Party affiliation"), "person.party"),
            Column(_("Education"), "person.get_education_display"),
            Column(_("Occupation and post"), "person.occupation"),
            Column(_("Congress"), "congress.name"),
            Column(_("Term"), "term.label"),
            Column(_("Constituency"), "constituency.name"),
            Column(_("Delegation"), "delegation.name"),
            Column(_("Status"), "get_status_display"),
            Column(_("Phone"), (lambda m: m.person.phone) if full else (lambda m: mask_phone(m.person.phone))),
        )

    def queryset(self) -> QuerySet[DeputyMandate]:
        return selectors.mandate_list(user=self.request.user)  # type: ignore[arg-type]


class BodyListPage(ListPage):
    permission = "org.view_bodies"
    title = _("Bodies")
    export_name = "bodies"
    columns = (
        Column(_("Name"), "name"),
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
        Column(_("Name"), "name"),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Congress"), "congress.name"),
    )
    filters = (
        _congress_filter(),
        Filter("kind", _("Kind"), lambda qs, v: qs.filter(kind=v), lambda r: OrganKind.choices),
    )

    def queryset(self) -> QuerySet[Organ]:
        return selectors.organ_list(user=self.request.user)  # type: ignore[arg-type]


class HandlingUnitListPage(ListPage):
    permission = "org.view_handling_units"
    title = _("Handling units")
    export_name = "handling-units"
    columns = (
        Column(_("Name"), "organ.name"),
        Column(_("Code"), "code"),
        Column(_("Congress"), "congress.name"),
        Column(_("Contacts"), lambda u: "、".join(str(c) for c in u.contacts.all())),
    )
    filters = (_congress_filter(), Filter("q", _("Name"), lambda qs, v: qs.filter(organ__name__icontains=v)))

    def queryset(self) -> QuerySet[HandlingUnit]:
        return selectors.handling_unit_list(user=self.request.user)  # type: ignore[arg-type]


congress_list = CongressListPage.as_view()
term_list = TermListPage.as_view()
deputy_list = DeputyListPage.as_view()
body_list = BodyListPage.as_view()
organ_list = OrganListPage.as_view()
unit_list = HandlingUnitListPage.as_view()
