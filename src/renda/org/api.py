"""JSON API of the org app (/api/v1/org/): congresses, terms, bodies with members, deputies,
organs and handling units. Lists are scoped by the user's visibility (the selectors); details
answer 403 outside it; permissions are the pages' own. Phone and ID numbers are masked unless the
user may read them (``org.view_sensitive`` on the row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from renda.core.masking import mask_id_number, mask_phone
from renda.core.models import Congress
from renda.core.permissions import check
from renda.org import selectors
from renda.org.models import Body, DeputyMandate, HandlingUnit, Organ, Term

router = Router(tags=["org"])


def _load(request: HttpRequest, model: type[Model], pk: int, perm: str, *related: str) -> Any:
    obj = get_object_or_404(model.objects.select_related(*related), pk=pk)  # type: ignore[attr-defined]
    check(request, perm, obj)
    return obj


class CongressOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str = Field(description="province, city, county, township or subdistrict")
    kind_label: str = Field(alias="get_kind_display")
    parent_id: int | None
    division_code: str


class TermOut(Schema):
    id: int
    congress_id: int
    number: int = Field(description="届次, e.g. 18 for 第十八届")
    label: str
    start_date: dt.date
    end_date: dt.date | None


class MemberOut(Schema):
    person_id: int
    name: str = Field(alias="person.name")
    role: str = Field(
        description="chair, vice_chair, secretary_general, member, director, deputy_director, staff"
    )
    role_label: str = Field(alias="get_role_display")
    full_time: bool
    start_date: dt.date
    end_date: dt.date | None


class BodyOut(Schema):
    id: int
    congress_id: int
    term_id: int | None
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    name: str
    parent_id: int | None


class BodyDetailOut(BodyOut):
    members: list[MemberOut]


class DeputyOut(Schema):
    """One deputy's mandate in a term, with the person's details. ``phone`` and ``id_number`` are
    masked (138****1234, 4302**********0011) unless ``masked`` is false."""

    id: int = Field(description="the mandate's id")
    person_id: int
    name: str = Field(alias="person.name")
    gender: str = Field(alias="person.gender")
    ethnicity: str = Field(alias="person.ethnicity")
    birth_date: dt.date | None = Field(alias="person.birth_date")
    party: str = Field(alias="person.party")
    education: str = Field(alias="person.education")
    occupation: str = Field(alias="person.occupation")
    sector: str = Field(alias="person.sector")
    congress_id: int
    term_id: int
    constituency: str | None = Field(alias="constituency.name", default=None)
    delegation: str | None = Field(alias="delegation.name", default=None)
    status: str = Field(description="active, suspended or ended")
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str
    masked: bool
    phone: str
    id_number: str

    @staticmethod
    def _full(obj: DeputyMandate, context: Any) -> bool:
        return bool(context["request"].user.has_perm("org.view_sensitive", obj))

    @staticmethod
    def resolve_masked(obj: DeputyMandate, context: Any) -> bool:
        return not DeputyOut._full(obj, context)

    @staticmethod
    def resolve_phone(obj: DeputyMandate, context: Any) -> str:
        phone = obj.person.phone
        return phone if DeputyOut._full(obj, context) else mask_phone(phone)

    @staticmethod
    def resolve_id_number(obj: DeputyMandate, context: Any) -> str:
        number = obj.person.id_number
        return number if DeputyOut._full(obj, context) else mask_id_number(number)


class OrganOut(Schema):
    id: int
    congress_id: int
    kind: str = Field(description="government, department, supervisory_commission, court, procuratorate, …")
    kind_label: str = Field(alias="get_kind_display")
    name: str
    short_name: str
    parent_id: int | None


class ContactOut(Schema):
    user_id: int
    name: str
    title: str
    is_primary: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user)


class UnitOut(Schema):
    id: int
    congress_id: int
    organ_id: int
    name: str = Field(alias="organ.name")
    code: str
    is_active: bool


class UnitDetailOut(UnitOut):
    contacts: list[ContactOut] = Field(alias="contact_list")


def _by_congress(qs: QuerySet[Any], congress: int | None) -> QuerySet[Any]:
    return qs.filter(congress_id=congress) if congress else qs


@router.get("/congresses", response=list[CongressOut], summary="Congresses the user may see")
@paginate(LimitOffsetPagination)
def congress_list(request: HttpRequest) -> Any:
    check(request, "org.view_congresses")
    return selectors.congress_list(user=request.user)  # type: ignore[arg-type]


@router.get("/congresses/{congress_id}", response=CongressOut, summary="One congress")
def congress_detail(request: HttpRequest, congress_id: int) -> Any:
    return _load(request, Congress, congress_id, "org.view_congresses")


@router.get("/terms", response=list[TermOut], summary="Terms, optionally of one congress")
@paginate(LimitOffsetPagination)
def term_list(request: HttpRequest, congress: int | None = None) -> Any:
    check(request, "org.view_terms")
    return _by_congress(selectors.term_list(user=request.user), congress)  # type: ignore[arg-type]


@router.get("/terms/{term_id}", response=TermOut, summary="One term")
def term_detail(request: HttpRequest, term_id: int) -> Any:
    return _load(request, Term, term_id, "org.view_terms")


@router.get(
    "/bodies", response=list[BodyOut], summary="Bodies (standing committee, committees, presidiums …)"
)
@paginate(LimitOffsetPagination)
def body_list(request: HttpRequest, congress: int | None = None, kind: str | None = None) -> Any:
    check(request, "org.view_bodies")
    qs = _by_congress(selectors.body_list(user=request.user), congress)  # type: ignore[arg-type]
    return qs.filter(kind=kind) if kind else qs


@router.get("/bodies/{body_id}", response=BodyDetailOut, summary="One body with its members")
def body_detail(request: HttpRequest, body_id: int) -> Any:
    body = _load(request, Body, body_id, "org.view_bodies")
    body.members = selectors.body_memberships(body=body)
    return body


@router.get(
    "/deputies", response=list[DeputyOut], summary="Deputies (mandates), phone and ID masked unless allowed"
)
@paginate(LimitOffsetPagination)
def deputy_list(
    request: HttpRequest, congress: int | None = None, term: int | None = None, status: str | None = None
) -> Any:
    check(request, "org.view_roster")
    qs = _by_congress(selectors.mandate_list(user=request.user), congress)  # type: ignore[arg-type]
    if term:
        qs = qs.filter(term_id=term)
    return qs.filter(status=status) if status else qs


@router.get("/deputies/{mandate_id}", response=DeputyOut, summary="One deputy's mandate")
def deputy_detail(request: HttpRequest, mandate_id: int) -> Any:
    return _load(
        request, DeputyMandate, mandate_id, "org.view_roster", "person", "constituency", "delegation"
    )


@router.get("/organs", response=list[OrganOut], summary="Organs (government, departments, court …)")
@paginate(LimitOffsetPagination)
def organ_list(request: HttpRequest, congress: int | None = None) -> Any:
    check(request, "org.view_organs")
    return _by_congress(selectors.organ_list(user=request.user), congress)  # type: ignore[arg-type]


@router.get("/organs/{organ_id}", response=OrganOut, summary="One organ")
def organ_detail(request: HttpRequest, organ_id: int) -> Any:
    return _load(request, Organ, organ_id, "org.view_organs")


@router.get("/units", response=list[UnitOut], summary="Handling units (承办单位)")
@paginate(LimitOffsetPagination)
def unit_list(request: HttpRequest, congress: int | None = None) -> Any:
    check(request, "org.view_handling_units")
    return _by_congress(selectors.handling_unit_list(user=request.user), congress)  # type: ignore[arg-type]


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="One handling unit with its contacts")
def unit_detail(request: HttpRequest, unit_id: int) -> Any:
    unit = _load(request, HandlingUnit, unit_id, "org.view_handling_units", "organ")
    unit.contact_list = selectors.unit_contacts(unit=unit)
    return unit
