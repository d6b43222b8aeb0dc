"""JSON API under /api/v1/suggestions/: the same services, selectors and permissions as the pages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.responses import Status

from renda.core.permissions import check
from renda.core.scope import home_congress, visible_congress_ids
from renda.org.models import HandlingUnit
from renda.suggestions import metrics, selectors, services
from renda.suggestions.models import Suggestion
from renda.suggestions.rules import clerk_unit_ids, deputy_person_id
from renda.suggestions.search import similar_suggestions
from renda.suggestions.views.common import actor_of

router = Router(tags=["suggestions"])


class SuggestionOut(Schema):
    id: int
    code: str
    kind: str
    status: str
    title: str
    text: str
    field: str
    year: int
    congress: str
    deputy: str
    lead_unit: str | None
    assigned_on: dt.date | None
    reply_due: dt.date | None
    category: str
    rating: str
    key_supervised: bool


def _out(s: Suggestion) -> SuggestionOut:
    return SuggestionOut(
        id=s.pk,
        code=s.code,
        kind=s.kind,
        status=s.status,
        title=s.title,
        text=s.text,
        field=s.field,
        year=s.year,
        congress=s.congress.name,
        deputy=s.submitter.name,
        lead_unit=s.lead_unit.organ.name if s.lead_unit else None,
        assigned_on=s.assigned_on,
        reply_due=s.reply_due,
        category=s.category,
        rating=s.rating,
        key_supervised=s.key_supervised,
    )


def _get(request: HttpRequest, pk: int, perm: str = "suggestions.view") -> Suggestion:
    s = get_object_or_404(
        Suggestion.objects.select_related("congress", "submitter", "lead_unit__organ"), pk=pk
    )
    check(request, perm, s)
    return s


class SubmitIn(Schema):
    title: str
    text: str
    field: str
    kind: str = "suggestion"
    period: str = "session"
    session_number: int | None = None
    cosigner_ids: list[int] = []


class ReviewIn(Schema):
    decision: str
    reason: str = ""


class AssignIn(Schema):
    lead_unit_id: int
    co_handler_ids: list[int] = []
    hard: bool = False


class ContactIn(Schema):
    unit_id: int
    contacted_on: dt.date
    way: str
    deputy_view: str


class ReplyIn(Schema):
    unit_id: int
    category: str = ""
    text: str
    signer: str
    is_public: bool = False


class RateIn(Schema):
    rating: str
    comment: str = ""


class CosignIn(Schema):
    accept: bool


class SimilarOut(Schema):
    id: int
    year: int
    title: str
    score: float


class MetricOut(Schema):
    label: str
    count: int
    assigned: int
    replied: int
    closed: int
    avg_days: float | None
    rates: dict[str, float | None]


class PublicReplyOut(Schema):
    suggestion_id: int
    title: str
    deputy: str
    congress: str
    unit: str
    category: str
    replied_on: dt.date
    text: str


@router.get("/", response=list[SuggestionOut], summary="Suggestions the user may see")
def list_suggestions(request: HttpRequest, year: int | None = None, status: str = "") -> list[SuggestionOut]:
    user = actor_of(request)
    if user.has_perm("suggestions.view_list"):
        qs = selectors.suggestion_list(user=user)
    elif deputy_person_id(user) is not None:
        qs = selectors.my_suggestions(user=user)
    elif clerk_unit_ids(user):
        qs = Suggestion.objects.filter(
            pk__in=selectors.unit_inbox(user=user).values("suggestion_id")
        ).select_related(*selectors.BASE_RELATED)
    else:
        raise PermissionDenied
    if year:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return [_out(s) for s in qs[:500]]


@router.post("/", response={201: SuggestionOut}, summary="Submit a suggestion or motion")
def submit(request: HttpRequest, body: SubmitIn) -> Status:
    check(request, "suggestions.submit")
    from renda.suggestions.views.deputy import _congress_for

    congress = _congress_for(request)
    if congress is None:
        raise PermissionDenied
    s = services.suggestion_submit(
        actor=actor_of(request),
        congress=congress,
        title=body.title,
        text=body.text,
        field=body.field,
        kind=body.kind,
        period=body.period,
        session_number=body.session_number,
        cosigner_ids=body.cosigner_ids,
    )
    return Status(201, _out(s))


@router.get("/similar", response=list[SimilarOut], summary="Earlier suggestions like a text (top five)")
def similar(request: HttpRequest, q: str) -> list[SimilarOut]:
    check(request, "suggestions.submit")
    congress = home_congress(request.user)
    from renda.suggestions.views.deputy import _congress_for

    congress = _congress_for(request) or congress
    ids = [congress.pk] if congress is not None and congress.pk in visible_congress_ids(request.user) else []
    return [
        SimilarOut(id=s.pk, year=s.year, title=s.title, score=round(score, 3))
        for s, score in similar_suggestions(congress_ids=ids, text=q, limit=5)
    ]


@router.get("/metrics", response=list[MetricOut], summary="Handling metrics (DOMAIN_RULES §2)")
def metrics_api(request: HttpRequest, year: int | None = None, by: str = "unit") -> list[MetricOut]:
    check(request, "suggestions.view_metrics")
    congress = home_congress(request.user)
    if congress is None or by not in metrics.DIMENSIONS:
        raise PermissionDenied
    result = metrics.compute(
        congress_ids=[congress.pk], congress=congress, year=year, group_by=by, today=timezone.localdate()
    )
    return [
        MetricOut(
            label=r.label,
            count=r.count,
            assigned=r.assigned,
            replied=r.replied,
            closed=r.closed,
            avg_days=r.avg_days,
            rates=r.rates,
        )
        for r in [*result.rows, result.total]
    ]


@router.get(
    "/public/replies", response=list[PublicReplyOut], auth=None, summary="Replies disclosed to the public"
)
def public_replies(request: HttpRequest, congress_id: int | None = None) -> list[PublicReplyOut]:
    qs = selectors.public_replies(congress_ids=[congress_id] if congress_id else None)
    return [
        PublicReplyOut(
            suggestion_id=r.suggestion_id,
            title=r.suggestion.title,
            deputy=r.suggestion.submitter.name,
            congress=r.suggestion.congress.name,
            unit=r.unit.organ.name,
            category=r.category,
            replied_on=r.replied_on,
            text=r.text,
        )
        for r in qs[:200]
    ]


@router.get("/{pk}", response=SuggestionOut, summary="One suggestion")
def get_suggestion(request: HttpRequest, pk: int) -> SuggestionOut:
    return _out(_get(request, pk))


@router.post("/{pk}/cosign", response=SuggestionOut, summary="Confirm or decline joint signing")
def cosign(request: HttpRequest, pk: int, body: CosignIn) -> SuggestionOut:
    s = _get(request, pk, "suggestions.cosign")
    services.cosign_respond(actor=actor_of(request), suggestion=s, accept=body.accept)
    return _out(_get(request, pk))


@router.post("/{pk}/review", response=SuggestionOut, summary="Review (register, convert or accept)")
def review(request: HttpRequest, pk: int, body: ReviewIn) -> SuggestionOut:
    s = _get(request, pk, "suggestions.manage")
    services.suggestion_review(
        actor=actor_of(request), suggestion=s, decision=body.decision, reason=body.reason
    )
    return _out(_get(request, pk))


@router.post("/{pk}/assign", response=SuggestionOut, summary="Assign to a lead unit and co-handlers")
def assign(request: HttpRequest, pk: int, body: AssignIn) -> SuggestionOut:
    s = _get(request, pk, "suggestions.manage")
    units = HandlingUnit.objects.in_bulk([body.lead_unit_id, *body.co_handler_ids])
    lead = units.get(body.lead_unit_id)
    if lead is None:
        raise PermissionDenied
    services.suggestion_assign(
        actor=actor_of(request),
        suggestion=s,
        lead=lead,
        co_handlers=[units[i] for i in body.co_handler_ids if i in units],
        hard=body.hard,
    )
    return _out(_get(request, pk))


def _clerk_unit(request: HttpRequest, unit_id: int) -> HandlingUnit:
    if unit_id not in clerk_unit_ids(request.user):
        raise PermissionDenied
    return get_object_or_404(HandlingUnit, pk=unit_id)


@router.post("/{pk}/contact", response=SuggestionOut, summary="Record contact with the deputy")
def contact(request: HttpRequest, pk: int, body: ContactIn) -> SuggestionOut:
    s = _get(request, pk, "suggestions.handle")
    services.contact_record_add(
        actor=actor_of(request),
        suggestion=s,
        unit=_clerk_unit(request, body.unit_id),
        contacted_on=body.contacted_on,
        way=body.way,
        deputy_view=body.deputy_view,
    )
    return _out(_get(request, pk))


@router.post("/{pk}/reply", response=SuggestionOut, summary="Reply as the lead unit")
def reply(request: HttpRequest, pk: int, body: ReplyIn) -> SuggestionOut:
    s = _get(request, pk, "suggestions.handle")
    services.reply_submit(
        actor=actor_of(request),
        suggestion=s,
        unit=_clerk_unit(request, body.unit_id),
        category=body.category,
        text=body.text,
        signer=body.signer,
        is_public=body.is_public,
    )
    return _out(_get(request, pk))


@router.post("/{pk}/rate", response=SuggestionOut, summary="The deputy rates the reply")
def rate(request: HttpRequest, pk: int, body: RateIn) -> SuggestionOut:
    s = _get(request, pk, "suggestions.rate")
    services.feedback_submit(actor=actor_of(request), suggestion=s, rating=body.rating, comment=body.comment)
    return _out(_get(request, pk))
