"""The suggestion's detail page (status, deadlines, timeline, the actions the user may take) and
the actions of staff and handling units."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renda.core.exports import attachment as file_response
from renda.core.permissions import check, permission_required
from renda.org.models import HandlingUnit
from renda.suggestions import deadlines, selectors, services
from renda.suggestions.models import (
    Assignment,
    Attachment,
    ContactWay,
    Rating,
    ReturnRequest,
    SignerStatus,
    Status,
    Suggestion,
    UnitRole,
)
from renda.suggestions.rules import clerk_unit_ids, deputy_person_id
from renda.suggestions.search import similar_suggestions, suggest_lead_units
from renda.suggestions.services.common import detail_url
from renda.suggestions.views.common import (
    actor_of,
    get_assignment_suggestion,
    get_request_suggestion,
    get_suggestion,
    parse_date,
    run,
)


@permission_required("suggestions.view", get_object=get_suggestion)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    s: Suggestion = request.renda_object  # type: ignore[attr-defined]
    user = request.user
    parts = selectors.detail_parts(suggestion=s)
    units = clerk_unit_ids(user)
    my_assignments = [a for a in parts.assignments if a.unit_id in units and a.is_active]
    person = deputy_person_id(user)
    can_manage = user.has_perm("suggestions.manage", s)
    context = {
        "page_title": s.title,
        "s": s,
        "p": parts,
        "timeline": [(e, selectors.ACTION_LABELS.get(e.action, e.action)) for e in parts.timeline],
        "my_assignments": my_assignments,
        "my_lead": next((a for a in my_assignments if a.role == UnitRole.LEAD), None),
        "my_co": [a for a in my_assignments if a.role == UnitRole.CO_HANDLER],
        "my_cosign": next(
            (
                c
                for c in parts.cosigners
                if c.person_id == person and c.status == SignerStatus.PENDING and s.status == Status.PENDING
            ),
            None,
        ),
        "can_confirm": s.status == Status.PENDING
        and s.on_behalf
        and s.confirmed_at is None
        and s.submitter_id == person,
        "can_rate": s.status == Status.REPLIED and s.submitter_id == person,
        "can_manage": can_manage,
        "can_note": user.has_perm("suggestions.note", s),
        "ratings": Rating.choices,
        "ways": ContactWay.choices,
        "classes": deadlines.reply_classes(s.congress),
        "signers_required": deadlines.motion_signers_required(s.congress),
        "signers_have": 1 + sum(1 for c in parts.cosigners if c.status == SignerStatus.CONFIRMED),
        "open_statuses": (Status.ASSIGNED, Status.REHANDLING),
        "latest_reply": parts.replies[-1] if parts.replies else None,
        "pending_returns": [r for r in parts.returns if r.status == "pending"],
        "units": selectors.units_for(suggestion=s) if can_manage else [],
        "duplicates": (
            similar_suggestions(
                congress_ids=[s.congress_id], text=f"{s.title} {s.text}", limit=5, exclude_ids=[s.pk]
            )
            if can_manage and s.status in (Status.SUBMITTED, Status.REVIEWED)
            else []
        ),
    }
    return render(request, "suggestions/detail.html", context)


@require_POST
@permission_required("suggestions.manage", get_object=get_suggestion)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    return run(
        request,
        lambda: services.suggestion_review(
            actor=actor_of(request),
            suggestion=s,
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("Review recorded."),
        detail_url(s),
    )


@require_POST
@permission_required("suggestions.manage", get_object=get_suggestion)
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    ids = [int(i) for i in request.POST.getlist("duplicates") if i.isdigit()]
    dups = list(Suggestion.objects.filter(pk__in=ids, congress_id=s.congress_id))
    return run(
        request,
        lambda: services.suggestion_merge(actor=actor_of(request), suggestion=s, duplicates=dups),
        _("Duplicates merged."),
        detail_url(s),
    )


@permission_required("suggestions.manage", get_object=get_suggestion)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    s: Suggestion = request.renda_object  # type: ignore[attr-defined]
    units = list(selectors.units_for(suggestion=s))
    if request.method == "POST":
        by_id = {u.pk: u for u in units}
        lead = by_id.get(int(request.POST.get("lead") or 0))
        co = [by_id[int(i)] for i in request.POST.getlist("co_handlers") if i.isdigit() and int(i) in by_id]
        if lead is None:
            messages.error(request, _("Please choose the lead unit."))
            return redirect("suggestions:assign", pk=s.pk)
        return run(
            request,
            lambda: services.suggestion_assign(
                actor=actor_of(request),
                suggestion=s,
                lead=lead,
                co_handlers=co,
                hard=request.POST.get("hard") == "1",
            ),
            _("Assigned."),
            detail_url(s),
        )
    return render(
        request,
        "suggestions/assign.html",
        {
            "page_title": _("Assign: %(t)s") % {"t": s.title},
            "s": s,
            "units": units,
            "proposals": suggest_lead_units(suggestion=s),
        },
    )


@require_POST
@permission_required("suggestions.handle", get_object=get_assignment_suggestion)
def return_request(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(Assignment, pk=pk)
    if a.unit_id not in clerk_unit_ids(request.user):
        raise PermissionDenied
    return run(
        request,
        lambda: services.return_request_submit(
            actor=actor_of(request), assignment=a, reason=request.POST.get("reason", "")
        ),
        _("Release request sent."),
        detail_url(a.suggestion),
    )


@require_POST
@permission_required("suggestions.manage", get_object=get_request_suggestion)
def return_decide(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(ReturnRequest.objects.select_related("assignment__suggestion"), pk=pk)
    s = row.assignment.suggestion
    new_unit = HandlingUnit.objects.filter(
        pk=request.POST.get("new_unit") or 0, congress_id=s.congress_id
    ).first()
    return run(
        request,
        lambda: services.return_request_decide(
            actor=actor_of(request),
            request=row,
            accept=request.POST.get("accept") == "1",
            reason=request.POST.get("reason", ""),
            new_unit=new_unit,
        ),
        _("Decision recorded."),
        detail_url(s),
    )


@require_POST
@permission_required("suggestions.handle", get_object=get_assignment_suggestion)
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(Assignment, pk=pk)
    if a.unit_id not in clerk_unit_ids(request.user):
        raise PermissionDenied
    return run(
        request,
        lambda: services.co_handler_opinion_submit(
            actor=actor_of(request), assignment=a, text=request.POST.get("text", "")
        ),
        _("Opinion sent to the lead unit."),
        detail_url(a.suggestion),
    )


def _my_unit(request: HttpRequest, s: Suggestion) -> HandlingUnit:
    unit = HandlingUnit.objects.filter(pk=request.POST.get("unit") or 0).first()
    if unit is None or unit.pk not in clerk_unit_ids(request.user):
        raise PermissionDenied
    return unit


@require_POST
@permission_required("suggestions.handle", get_object=get_suggestion)
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    unit = _my_unit(request, s)
    return run(
        request,
        lambda: services.contact_record_add(
            actor=actor_of(request),
            suggestion=s,
            unit=unit,
            contacted_on=parse_date(request.POST.get("contacted_on")),
            way=request.POST.get("way", ""),
            deputy_view=request.POST.get("deputy_view", ""),
        ),
        _("Contact recorded."),
        detail_url(s),
    )


@require_POST
@permission_required("suggestions.handle", get_object=get_suggestion)
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    unit = _my_unit(request, s)
    return run(
        request,
        lambda: services.reply_submit(
            actor=actor_of(request),
            suggestion=s,
            unit=unit,
            category=request.POST.get("category", ""),
            text=request.POST.get("text", ""),
            signer=request.POST.get("signer", ""),
            is_public=request.POST.get("is_public") == "1",
            files=request.FILES.getlist("files"),
        ),
        _("Reply sent to the deputy."),
        detail_url(s),
    )


@require_POST
@permission_required("suggestions.manage", get_object=get_suggestion)
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    return run(
        request,
        lambda: services.key_supervision_set(
            actor=actor_of(request), suggestion=s, supervisor=request.POST.get("supervisor", "")
        ),
        _("Put under key supervision."),
        detail_url(s),
    )


@require_POST
@permission_required("suggestions.note", get_object=get_suggestion)
def note(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    return run(
        request,
        lambda: services.supervision_note_add(
            actor=actor_of(request), suggestion=s, text=request.POST.get("text", "")
        ),
        _("Progress note saved."),
        detail_url(s),
    )


@require_POST
@permission_required("suggestions.manage", get_object=get_suggestion)
def disclose(request: HttpRequest, pk: int) -> HttpResponse:
    s = request.renda_object  # type: ignore[attr-defined]
    return run(
        request,
        lambda: services.suggestion_set_public(
            actor=actor_of(request), suggestion=s, is_public=request.POST.get("public") == "1"
        ),
        _("Disclosure saved."),
        detail_url(s),
    )


def _get_attachment_suggestion(request: HttpRequest, pk: int, **_kw: object) -> Suggestion:
    return get_object_or_404(Attachment.objects.select_related("suggestion__congress"), pk=pk).suggestion


@permission_required("suggestions.view", get_object=_get_attachment_suggestion)
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Attachment, pk=pk)
    check(request, "suggestions.view", row.suggestion)
    with row.file.open("rb") as fh:
        content = fh.read()
    return file_response(content, row.name, "application/octet-stream")
