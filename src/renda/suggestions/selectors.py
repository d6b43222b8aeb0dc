"""Reads of motions and suggestions, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.models import AuditEvent, User
from renda.core.scope import visible_congress_ids
from renda.org.models import HandlingUnit, Person
from renda.suggestions.models import (
    Assignment,
    CoSigner,
    Deadline,
    DeadlineKind,
    Reply,
    ReturnRequest,
    ReturnStatus,
    SignerStatus,
    Status,
    Suggestion,
    SupervisionRound,
)
from renda.suggestions.rules import clerk_unit_ids, deputy_person_id

BASE_RELATED = ("congress", "submitter", "lead_unit__organ")


def suggestion_list(*, user: User) -> QuerySet[Suggestion]:
    """Everything in the user's congresses (staff and leaders)."""
    return Suggestion.objects.filter(congress_id__in=visible_congress_ids(user)).select_related(*BASE_RELATED)


def with_due_state(qs: QuerySet[Suggestion]) -> QuerySet[Suggestion]:
    """Adds what ``Suggestion.due_state`` reads: the open reply or re-handling deadline and the
    latest reply with its due date (two subqueries, not a query per row)."""
    latest = Reply.objects.filter(suggestion=OuterRef("pk")).order_by("-round")
    return qs.annotate(
        open_due=Subquery(
            Deadline.objects.filter(
                suggestion=OuterRef("pk"),
                met_on__isnull=True,
                cancelled=False,
                kind__in=[DeadlineKind.REPLY, DeadlineKind.REHANDLE],
            )
            .order_by("-pk")
            .values("due_date")[:1]
        ),
        last_replied_on=Subquery(latest.values("replied_on")[:1]),
        last_reply_due=Subquery(latest.values("due_date")[:1]),
    )


def review_queue(*, user: User) -> QuerySet[Suggestion]:
    return (
        suggestion_list(user=user)
        .filter(status__in=[Status.SUBMITTED, Status.REVIEWED])
        .order_by("number", "pk")
    )


def my_suggestions(*, user: User) -> QuerySet[Suggestion]:
    person = deputy_person_id(user)
    if person is None:
        return Suggestion.objects.none()
    return with_due_state(
        Suggestion.objects.filter(Q(submitter_id=person) | Q(cosigners__person_id=person))
        .distinct()
        .select_related(*BASE_RELATED)
        .order_by("-pk")
    )


def awaiting_cosign(*, user: User) -> QuerySet[CoSigner]:
    person = deputy_person_id(user) or 0
    return CoSigner.objects.filter(
        person_id=person, status=SignerStatus.PENDING, suggestion__status=Status.PENDING
    ).select_related("suggestion")


def awaiting_rating(*, user: User) -> QuerySet[Suggestion]:
    person = deputy_person_id(user)
    return Suggestion.objects.filter(submitter_id=person, status=Status.REPLIED)


def awaiting_confirmation(*, user: User) -> QuerySet[Suggestion]:
    person = deputy_person_id(user)
    return Suggestion.objects.filter(
        submitter_id=person, status=Status.PENDING, on_behalf=True, confirmed_at__isnull=True
    )


def _open_due() -> Subquery:
    return Subquery(
        Deadline.objects.filter(
            assignment=OuterRef("pk"),
            met_on__isnull=True,
            cancelled=False,
            kind__in=[DeadlineKind.REPLY, DeadlineKind.REHANDLE, DeadlineKind.OPINION],
        )
        .order_by("due_date")
        .values("due_date")[:1]
    )


def unit_inbox(*, user: User) -> QuerySet[Assignment]:
    """The clerk's active assignments that still need the unit's work, with the nearest open due date."""
    return (
        Assignment.objects.filter(
            unit_id__in=clerk_unit_ids(user),
            is_active=True,
            suggestion__status__in=[Status.ASSIGNED, Status.REHANDLING, Status.REPLIED],
        )
        .select_related("suggestion__submitter", "suggestion__congress", "unit__organ")
        .annotate(
            current_due=_open_due(),
            last_replied_on=Subquery(
                Reply.objects.filter(suggestion=OuterRef("suggestion"))
                .order_by("-round")
                .values("replied_on")[:1]
            ),
            last_reply_due=Subquery(
                Reply.objects.filter(suggestion=OuterRef("suggestion"))
                .order_by("-round")
                .values("due_date")[:1]
            ),
        )
        .order_by("current_due", "pk")
    )


def suggestion_detail(*, pk: int) -> Suggestion | None:
    """The object for the permission check; views then read parts through ``detail_parts``."""
    return (
        Suggestion.objects.select_related("congress", "submitter__user", "lead_unit__organ", "merged_into")
        .filter(pk=pk)
        .first()
    )


@dataclass
class DetailParts:
    cosigners: list[CoSigner]
    assignments: list[Assignment]
    deadlines: list[Deadline]
    replies: list[Reply]
    contacts: list[Any]
    returns: list[ReturnRequest]
    notes: list[Any]
    attachments: list[Any]
    merged: list[Suggestion]
    timeline: list[AuditEvent]


def detail_parts(*, suggestion: Suggestion) -> DetailParts:
    s = suggestion
    return DetailParts(
        cosigners=list(s.cosigners.select_related("person")),
        assignments=list(
            s.assignments.select_related("unit__organ")
            .prefetch_related("opinion")
            .order_by("-is_active", "role", "pk")
        ),
        deadlines=list(s.deadlines.select_related("assignment__unit__organ")),
        replies=list(s.replies.select_related("unit__organ", "feedback").prefetch_related("attachments")),
        contacts=list(s.contacts.select_related("unit__organ")),
        returns=list(
            ReturnRequest.objects.filter(assignment__suggestion=s).select_related("assignment__unit__organ")
        ),
        notes=list(s.supervision_notes.select_related("written_by")),
        attachments=list(s.attachments.filter(reply__isnull=True)),
        merged=list(s.merged_ones.select_related("submitter")),
        timeline=list(
            AuditEvent.objects.filter(object_type="suggestions.suggestion", object_id=str(s.pk))
            .select_related("actor")
            .order_by("seq")
        ),
    )


def overdue_deadlines(*, user: User, today: dt.date | None = None) -> QuerySet[Deadline]:
    today = today or timezone.localdate()
    return (
        Deadline.objects.filter(
            suggestion__congress_id__in=visible_congress_ids(user),
            met_on__isnull=True,
            cancelled=False,
            due_date__lt=today,
            kind__in=[DeadlineKind.REPLY, DeadlineKind.REHANDLE, DeadlineKind.OPINION],
        )
        .select_related("suggestion__congress", "suggestion__submitter", "assignment__unit__organ")
        .order_by("due_date", "pk")
    )


def pending_returns(*, user: User) -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.filter(
        status=ReturnStatus.PENDING, assignment__suggestion__congress_id__in=visible_congress_ids(user)
    )


def units_for(*, suggestion: Suggestion) -> QuerySet[HandlingUnit]:
    return HandlingUnit.objects.filter(congress_id=suggestion.congress_id, is_active=True).select_related(
        "organ"
    )


def deputy_record(*, person: Person) -> dict[str, Any]:
    """履职档案: what the deputy submitted and co-signed, and how it went."""
    led = (
        Suggestion.objects.filter(submitter=person)
        .select_related("lead_unit__organ")
        .order_by("-year", "-pk")
    )
    cosigned = (
        Suggestion.objects.filter(cosigners__person=person, cosigners__status=SignerStatus.CONFIRMED)
        .select_related("submitter", "lead_unit__organ")
        .order_by("-year", "-pk")
    )
    by_status = dict(led.order_by().values_list("status").annotate(n=Count("id")))
    by_rating = dict(led.exclude(rating="").order_by().values_list("rating").annotate(n=Count("id")))
    return {"led": led, "cosigned": cosigned, "by_status": by_status, "by_rating": by_rating}


def public_replies(*, congress_ids: list[int] | None = None) -> QuerySet[Reply]:
    """Replies marked public, for the public site (no personal data beyond the deputy's name)."""
    qs = Reply.objects.filter(is_public=True, suggestion__is_public=True).select_related(
        "suggestion__congress", "suggestion__submitter", "unit__organ"
    )
    if congress_ids is not None:
        qs = qs.filter(suggestion__congress_id__in=congress_ids)
    return qs.order_by("-replied_on", "-pk")


def round_list(*, user: User) -> QuerySet[SupervisionRound]:
    return (
        SupervisionRound.objects.filter(congress_id__in=visible_congress_ids(user))
        .select_related("congress")
        .annotate(unit_count=Count("visits"))
        .order_by("-planned_on", "-pk")  # Meta.ordering is dropped from GROUP BY queries
    )


def round_detail(*, rnd: SupervisionRound) -> list[dict[str, Any]]:
    """Each visited unit with its open suggestions (one query for the visits, one for the counts)."""
    visits = list(rnd.visits.select_related("unit__organ"))
    open_by_unit: dict[int, list[Suggestion]] = {}
    for s in with_due_state(
        Suggestion.objects.filter(
            lead_unit_id__in=[v.unit_id for v in visits], status__in=[Status.ASSIGNED, Status.REHANDLING]
        )
    ).order_by("open_due", "pk"):
        open_by_unit.setdefault(s.lead_unit_id or 0, []).append(s)
    return [{"visit": v, "open": open_by_unit.get(v.unit_id, [])} for v in visits]


ACTION_LABELS = {
    "suggestion.submit": _("submitted"),
    "suggestion.confirm": _("confirmed by the deputy"),
    "suggestion.cosign": _("joint signer answered"),
    "suggestion.review": _("reviewed"),
    "suggestion.merge": _("duplicates merged in"),
    "suggestion.assign": _("assigned"),
    "suggestion.return_request": _("unit asked to be released"),
    "suggestion.return_decide": _("release request decided"),
    "suggestion.opinion": _("co-handler opinion sent"),
    "suggestion.contact": _("contact with the deputy recorded"),
    "suggestion.reply": _("replied"),
    "suggestion.rate": _("rated by the deputy"),
    "suggestion.key_supervision": _("put under key supervision"),
    "suggestion.supervision_note": _("supervision progress noted"),
    "suggestion.disclose": _("disclosure changed"),
    "suggestion.reminder": _("reminder sent"),
}
