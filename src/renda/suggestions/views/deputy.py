"""Deputies' pages (phone first): submit, similar suggestions while typing, co-sign, confirm,
rate, and the deputy's record (履职档案)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renda.core.models import Congress
from renda.core.permissions import permission_required
from renda.core.scope import home_congress, visible_congress_ids
from renda.org.models import DeputyMandate, Person
from renda.org.selectors import active_mandates
from renda.suggestions import selectors, services
from renda.suggestions.models import Field, Kind, Period, Rating, Status
from renda.suggestions.rules import deputy_person_id
from renda.suggestions.search import similar_suggestions
from renda.suggestions.services.common import detail_url
from renda.suggestions.views.common import actor_of, get_suggestion, run


def _congress_for(request: HttpRequest) -> Congress | None:
    """The deputy's congress (from the active mandate), else the staff member's home congress."""
    person = deputy_person_id(request.user)
    if person is not None:
        mandate = (
            DeputyMandate.objects.filter(person_id=person)
            .select_related("congress")
            .order_by("-start_date")
            .first()
        )
        if mandate is not None:
            return mandate.congress
    return home_congress(request.user)


@permission_required("suggestions.view_mine")
def mine(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    return render(
        request,
        "suggestions/mine.html",
        {
            "page_title": _("My suggestions"),
            "items": selectors.my_suggestions(user=user)[:200],
            "cosign": selectors.awaiting_cosign(user=user),
            "confirm": selectors.awaiting_confirmation(user=user),
            "rate": selectors.awaiting_rating(user=user),
        },
    )


@permission_required("suggestions.submit")
def new(request: HttpRequest) -> HttpResponse:
    congress = _congress_for(request)
    if congress is None:
        messages.error(request, _("You have no congress to submit to."))
        return redirect("core:workbench")
    deputies = list(
        active_mandates(congress=congress, day=timezone.localdate()).values_list("person_id", "person__name")
    )
    own = deputy_person_id(request.user)
    if request.method == "POST":
        data = request.POST
        submitter = None
        if own is None:
            submitter = Person.objects.filter(pk=data.get("submitter") or 0).first()
        try:
            s = services.suggestion_submit(
                actor=actor_of(request),
                congress=congress,
                title=data.get("title", ""),
                text=data.get("text", ""),
                field=data.get("field", ""),
                kind=data.get("kind", Kind.SUGGESTION),
                period=data.get("period", Period.SESSION),
                session_number=int(data["session_number"])
                if data.get("session_number", "").isdigit()
                else None,
                cosigner_ids=[int(i) for i in data.getlist("cosigners") if i.isdigit()],
                submitter=submitter,
                files=request.FILES.getlist("files"),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Submitted. You can follow it here."))
            return redirect("suggestions:detail", pk=s.pk)
    return render(
        request,
        "suggestions/new.html",
        {
            "page_title": _("New suggestion"),
            "congress": congress,
            "fields": Field.choices,
            "kinds": Kind.choices,
            "periods": Period.choices,
            "deputies": [(pid, name) for pid, name in deputies if pid != own],
            "on_behalf": own is None,
            "data": request.POST,
        },
    )


@permission_required("suggestions.submit")
def similar(request: HttpRequest) -> HttpResponse:
    """htmx partial: earlier suggestions like what is being typed (same congress, any year)."""
    text = f"{request.GET.get('title', '')} {request.GET.get('text', '')}".strip()
    congress = _congress_for(request)
    ids = [congress.pk] if congress is not None and congress.pk in visible_congress_ids(request.user) else []
    found = similar_suggestions(congress_ids=ids, text=text, limit=5) if len(text) >= 4 else []
    return render(request, "suggestions/_similar.html", {"found": found})


@require_POST
@permission_required("suggestions.cosign", get_object=get_suggestion)
def cosign(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    accept = request.POST.get("accept") == "1"
    return run(
        request,
        lambda: services.cosign_respond(actor=actor_of(request), suggestion=s, accept=accept),
        _("Your answer has been recorded."),
        detail_url(s),
    )


@require_POST
@permission_required("suggestions.confirm", get_object=get_suggestion)
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    return run(
        request,
        lambda: services.suggestion_confirm(actor=actor_of(request), suggestion=s),
        _("Confirmed."),
        detail_url(s),
    )


@require_POST
@permission_required("suggestions.rate", get_object=get_suggestion)
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    return run(
        request,
        lambda: services.feedback_submit(
            actor=actor_of(request),
            suggestion=s,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
        ),
        _("Thank you for your rating."),
        detail_url(s),
    )


def _get_person(request: HttpRequest, person_id: int, **_: object) -> Person:
    return get_object_or_404(Person, pk=person_id)


@permission_required("suggestions.view_record", get_object=_get_person)
def record(request: HttpRequest, person_id: int) -> HttpResponse:
    person = request.renda_object  # type: ignore[attr-defined]
    data = selectors.deputy_record(person=person)
    return render(
        request,
        "suggestions/record.html",
        {
            "page_title": _("Record of %(name)s") % {"name": person.name},
            "person": person,
            **data,
            "statuses": Status.choices,
            "ratings": Rating.choices,
        },
    )
