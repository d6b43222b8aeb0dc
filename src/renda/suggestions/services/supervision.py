"""Key supervision (重点督办), supervision rounds (巡回集中督办), disclosure and assessment weights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.audit import audit_log
from renda.core.models import Congress, User
from renda.org.models import HandlingUnit
from renda.suggestions.models import (
    AssessmentWeights,
    RoundVisit,
    Status,
    Suggestion,
    SupervisionNote,
    SupervisionRound,
)
from renda.suggestions.services.common import fail, locked

WEIGHT_KEYS = ("on_time", "contact", "category", "satisfaction", "rehandling")


def key_supervision_set(*, actor: User, suggestion: Suggestion, supervisor: str) -> Suggestion:
    """重点督办 as decided by the council of chairpersons (代表法 art 52)."""
    supervisor = (supervisor or "").strip()
    with transaction.atomic():
        s = locked(suggestion)
        if s.status in (Status.MERGED, Status.CLOSED, Status.PENDING):
            fail(_("Only a suggestion in handling can be put under key supervision."))
        if not supervisor:
            fail(_("Please name the leader or committee that supervises."))
        s.key_supervised, s.supervisor = True, supervisor[:100]
        s.save(update_fields=["key_supervised", "supervisor"])
        audit_log(
            actor=actor,
            action="suggestion.key_supervision",
            congress=s.congress,
            obj=s,
            payload={"supervisor": s.supervisor},
        )
    return s


def supervision_note_add(*, actor: User, suggestion: Suggestion, text: str) -> SupervisionNote:
    text = (text or "").strip()
    with transaction.atomic():
        s = locked(suggestion)
        if not s.key_supervised:
            fail(_("Progress notes are kept for key supervised suggestions."))
        if not text:
            fail(_("Please write the progress note."))
        note = SupervisionNote.objects.create(
            suggestion=s, text=text, written_by=actor, written_on=timezone.localdate()
        )
        audit_log(actor=actor, action="suggestion.supervision_note", congress=s.congress, obj=s)
    return note


def suggestion_set_public(*, actor: User, suggestion: Suggestion, is_public: bool) -> Suggestion:
    with transaction.atomic():
        s = locked(suggestion)
        if is_public and not s.replies.exists():
            fail(_("Only a suggestion with a reply can be made public."))
        s.is_public = is_public
        s.save(update_fields=["is_public"])
        s.replies.update(is_public=is_public)
        audit_log(
            actor=actor,
            action="suggestion.disclose",
            congress=s.congress,
            obj=s,
            payload={"public": is_public},
        )
    return s


def supervision_round_create(
    *,
    actor: User,
    congress: Congress,
    title: str,
    planned_on: dt.date | None,
    leader: str,
    units: Sequence[HandlingUnit],
) -> SupervisionRound:
    title = (title or "").strip()
    if not title:
        fail(_("Please enter a title."))
    if planned_on is None:
        fail(_("Please enter a date."))
    if not units:
        fail(_("Please choose the units to visit."))
    if any(u.congress_id != congress.pk for u in units):
        fail(_("Please choose handling units of this congress."))
    with transaction.atomic():
        row = SupervisionRound.objects.create(
            congress=congress,
            title=title,
            planned_on=planned_on,
            leader=(leader or "").strip()[:100],
            created_by=actor,
        )
        RoundVisit.objects.bulk_create([RoundVisit(round=row, unit=u) for u in dict.fromkeys(units)])
        audit_log(
            actor=actor,
            action="suggestion.round_create",
            congress=congress,
            obj=row,
            payload={"units": [u.pk for u in units]},
        )
    return row


def round_visit_record(*, actor: User, visit: RoundVisit, progress: str, follow_ups: str) -> RoundVisit:
    progress, follow_ups = (progress or "").strip(), (follow_ups or "").strip()
    if not progress:
        fail(_("Please record the progress the unit reported."))
    with transaction.atomic():
        row = RoundVisit.objects.select_for_update().select_related("round").get(pk=visit.pk)
        row.progress, row.follow_ups, row.recorded_on = progress, follow_ups, timezone.localdate()
        row.save(update_fields=["progress", "follow_ups", "recorded_on"])
        audit_log(
            actor=actor,
            action="suggestion.round_visit",
            congress=row.round.congress,
            obj=row.round,
            payload={"unit": row.unit_id},
        )
    return row


def assessment_weights_set(
    *, actor: User, congress: Congress, weights: dict[str, object]
) -> AssessmentWeights:
    clean: dict[str, int] = {}
    for key in WEIGHT_KEYS:
        try:
            value = int(str(weights.get(key, "")).strip())
        except ValueError:
            fail(_("Each weight must be a whole number from 0 to 100."))
        if not 0 <= value <= 100:
            fail(_("Each weight must be a whole number from 0 to 100."))
        clean[key] = value
    if sum(clean.values()) == 0:
        fail(_("At least one weight must be above zero."))
    with transaction.atomic():
        row, _created = AssessmentWeights.objects.select_for_update().get_or_create(congress=congress)
        old = {k: getattr(row, k) for k in WEIGHT_KEYS}
        for key, value in clean.items():
            setattr(row, key, value)
        row.changed_by = actor
        row.save()
        audit_log(
            actor=actor,
            action="suggestion.weights",
            congress=congress,
            obj=row,
            payload={"old": old, "new": clean},
        )
    return row
