"""Detail pages for staff: congress, term, person (deputy), body, organ and handling unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from renda.core.masking import mask_id_number, mask_phone
from renda.core.models import Congress
from renda.core.permissions import permission_required
from renda.org import selectors
from renda.org.models import Body, HandlingUnit, Organ, Person, Term


def _loader(model: type[Model], *related: str) -> Callable[..., Any]:
    # Loads any row; the permission's object_in_scope rule then answers 403 outside the user's scope.
    def load(request: HttpRequest, pk: int) -> Any:
        return get_object_or_404(model.objects.select_related(*related), pk=pk)  # type: ignore[attr-defined]

    return load


def _page(request: HttpRequest, template: str, obj: Model, **context: Any) -> HttpResponse:
    context.update({
        "object": obj,
        "object_type": obj._meta.label_lower,
        "can_audit": request.user.has_perm("core.view_audit_trail", obj),
        "page_title": context.get("page_title", str(obj)),
    })  # fmt: skip
    return render(request, template, context)


@permission_required("org.view_congresses", get_object=_loader(Congress, "parent"))
def congress_detail(request: HttpRequest, pk: int) -> HttpResponse:
    congress: Congress = request.renda_object  # type: ignore[attr-defined]
    overview = selectors.congress_overview(user=request.user, congress=congress, day=timezone.localdate())  # type: ignore[arg-type]
    return _page(request, "org/congress_detail.html", congress, **overview)


@permission_required("org.view_terms", get_object=_loader(Term, "congress"))
def term_detail(request: HttpRequest, pk: int) -> HttpResponse:
    term: Term = request.renda_object  # type: ignore[attr-defined]
    overview = selectors.term_overview(term=term, day=timezone.localdate())
    return _page(
        request, "org/term_detail.html", term, **overview,
        can_import=request.user.has_perm("org.import_roster", term),
        can_composition=request.user.has_perm("org.view_composition", term),
    )  # fmt: skip


@permission_required("org.view_person", get_object=_loader(Person, "congress"))
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person: Person = request.renda_object  # type: ignore[attr-defined]
    full = request.user.has_perm("org.view_sensitive", person)
    return _page(
        request, "org/person_detail.html", person, **selectors.person_overview(person=person),
        phone=person.phone if full else mask_phone(person.phone),
        id_number=person.id_number if full else mask_id_number(person.id_number),
        age=person.age_on(timezone.localdate()), sensitive_shown=full,
    )  # fmt: skip


@permission_required("org.view_bodies", get_object=_loader(Body, "congress", "term", "parent"))
def body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body: Body = request.renda_object  # type: ignore[attr-defined]
    today = timezone.localdate()
    return _page(
        request, "org/body_detail.html", body, today=today,
        memberships=selectors.body_memberships(body=body), children=list(body.children.all()),
    )  # fmt: skip


@permission_required("org.view_organs", get_object=_loader(Organ, "congress", "parent"))
def organ_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organ: Organ = request.renda_object  # type: ignore[attr-defined]
    overview = selectors.organ_overview(user=request.user, organ=organ)  # type: ignore[arg-type]
    return _page(request, "org/organ_detail.html", organ, **overview)


@permission_required("org.view_handling_units", get_object=_loader(HandlingUnit, "congress", "organ"))
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit: HandlingUnit = request.renda_object  # type: ignore[attr-defined]
    return _page(request, "org/unit_detail.html", unit, contacts=selectors.unit_contacts(unit=unit))
