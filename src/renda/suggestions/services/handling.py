"""Assignment (交办), release requests (退回), co-handler opinions, contact with the deputy, the
reply, the deputy's rating, re-handling and closing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.audit import audit_log
from renda.core.models import User
from renda.core.templatetags.renda import cn_date
from renda.org.models import HandlingUnit
from renda.suggestions import deadlines
from renda.suggestions.models import (
    Assignment,
    CoHandlerOpinion,
    ContactRecord,
    ContactWay,
    Deadline,
    DeadlineKind,
    Feedback,
    Rating,
    Reply,
    ReturnRequest,
    ReturnStatus,
    Status,
    Suggestion,
    UnitRole,
)
from renda.suggestions.services.common import (
    check_date,
    clerks_of,
    deadline_create,
    deadline_payload,
    detail_url,
    fail,
    locked,
    notify_on_commit,
    staff_of,
    user_of,
)
from renda.suggestions.services.submission import attachments_add


@dataclass(frozen=True)
class AssignPlan:
    suggestion: Suggestion
    lead: HandlingUnit
    co_handlers: Sequence[HandlingUnit] = ()
    hard: bool = False


def _make_assignment(s: Suggestion, unit: HandlingUnit, role: str, today: dt.date) -> Assignment:
    if role == UnitRole.LEAD:
        reply = deadlines.reply_due(assigned_on=today, hard=s.is_hard)
        assignment = Assignment.objects.create(
            suggestion=s, unit=unit, role=role, assigned_on=today, due_date=reply.due
        )
        deadline_create(suggestion=s, kind=DeadlineKind.REPLY, due=reply, assignment=assignment)
        s.lead_unit, s.reply_due = unit, reply.due
    else:
        opinion = deadlines.opinion_due(congress=s.congress, assigned_on=today)
        assignment = Assignment.objects.create(
            suggestion=s, unit=unit, role=role, assigned_on=today, due_date=opinion.due
        )
        deadline_create(suggestion=s, kind=DeadlineKind.OPINION, due=opinion, assignment=assignment)
    window = deadlines.release_window(congress=s.congress, received_on=today)
    deadline_create(suggestion=s, kind=DeadlineKind.RELEASE, due=window, assignment=assignment)
    return assignment


def _assign(actor: User, plan: AssignPlan, today: dt.date) -> Suggestion:
    s = locked(plan.suggestion)
    if s.status != Status.REVIEWED:
        fail(_("%(t)s is not awaiting assignment.") % {"t": s.title})
    units = [plan.lead, *plan.co_handlers]
    if len({u.pk for u in units}) != len(units):
        fail(_("The lead unit cannot also be a co-handling unit, and no unit may be chosen twice."))
    for unit in units:
        if unit.congress_id != s.congress_id or not unit.is_active:
            fail(_("%(u)s is not an active handling unit of this congress.") % {"u": unit.name})
    s.is_hard = plan.hard
    _make_assignment(s, plan.lead, UnitRole.LEAD, today)
    for unit in plan.co_handlers:
        _make_assignment(s, unit, UnitRole.CO_HANDLER, today)
    s.assigned_on = today
    s.status = Status.ASSIGNED
    s.save(update_fields=["is_hard", "lead_unit", "reply_due", "assigned_on", "status"])
    reply = deadlines.reply_due(assigned_on=today, hard=plan.hard)
    audit_log(
        actor=actor,
        action="suggestion.assign",
        congress=s.congress,
        obj=s,
        payload={
            "lead": plan.lead.pk,
            "co_handlers": [u.pk for u in plan.co_handlers],
            "hard": plan.hard,
            "reply": deadline_payload(reply),
        },
    )
    notify_on_commit(
        recipients=clerks_of(u.pk for u in units),
        congress=s.congress,
        kind="suggestion.assign",
        url=detail_url(s),
        title=_("New suggestion assigned to your unit: %(t)s") % {"t": s.title},
        body=_("Reply due %(d)s") % {"d": cn_date(s.reply_due)},
    )
    return s


def suggestion_assign(
    *,
    actor: User,
    suggestion: Suggestion,
    lead: HandlingUnit,
    co_handlers: Sequence[HandlingUnit] = (),
    hard: bool = False,
) -> Suggestion:
    with transaction.atomic():
        return _assign(actor, AssignPlan(suggestion, lead, co_handlers, hard), timezone.localdate())


def suggestion_assign_batch(*, actor: User, plans: Sequence[AssignPlan]) -> list[Suggestion]:
    """交办会: many at once; one bad item assigns none."""
    if not plans:
        fail(_("Please choose the suggestions to assign."))
    today = timezone.localdate()
    with transaction.atomic():
        return [_assign(actor, plan, today) for plan in plans]


def _active_assignment(s: Suggestion, unit: HandlingUnit) -> Assignment | None:
    return s.assignments.filter(unit=unit, is_active=True).first()


def return_request_submit(*, actor: User, assignment: Assignment, reason: str) -> ReturnRequest:
    reason = (reason or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        s = locked(assignment.suggestion)
        a = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if not a.is_active or s.status not in (Status.ASSIGNED,):
            fail(_("This assignment can no longer be returned."))
        if not reason:
            fail(_("Please give the reason for asking to be released."))
        window = a.deadlines.filter(kind=DeadlineKind.RELEASE).first()
        if window is not None and today > window.due_date:
            fail(
                _("A release request must be made by %(d)s (%(rule)s); that time has passed.")
                % {"d": cn_date(window.due_date), "rule": window.rule}
            )
        if a.return_requests.filter(status=ReturnStatus.PENDING).exists():
            fail(_("A release request for this assignment is already waiting for a decision."))
        row = ReturnRequest.objects.create(
            assignment=a, reason=reason, requested_by=actor, requested_on=today
        )
        if window is not None:
            Deadline.objects.filter(pk=window.pk).update(met_on=today)
        audit_log(
            actor=actor,
            action="suggestion.return_request",
            congress=s.congress,
            obj=s,
            payload={"unit": a.unit_id, "reason": reason},
        )
        notify_on_commit(
            recipients=staff_of(s.congress),
            congress=s.congress,
            kind="suggestion.return_request",
            url=detail_url(s),
            title=_("%(u)s asks to be released from: %(t)s") % {"u": a.unit.name, "t": s.title},
            body=reason,
        )
    return row


def return_request_decide(
    *,
    actor: User,
    request: ReturnRequest,
    accept: bool,
    reason: str = "",
    new_unit: HandlingUnit | None = None,
) -> ReturnRequest:
    """Staff accept (the unit is released and, for a lead unit, another takes over with new due
    dates from today) or refuse with a reason."""
    reason = (reason or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        row = ReturnRequest.objects.select_for_update().select_related("assignment").get(pk=request.pk)
        a = row.assignment
        s = locked(a.suggestion)
        if row.status != ReturnStatus.PENDING:
            fail(_("This release request has already been decided."))
        if not accept and not reason:
            fail(_("Please give the reason for refusing."))
        if accept:
            if a.role == UnitRole.LEAD:
                if new_unit is None:
                    fail(_("Please choose the unit that takes over as lead unit."))
                if new_unit.pk == a.unit_id or new_unit.congress_id != s.congress_id:
                    fail(_("Please choose another handling unit of this congress."))
                if s.assignments.filter(unit=new_unit, is_active=True).exists():
                    fail(_("%(u)s is already assigned to this suggestion.") % {"u": new_unit.name})
            a.is_active, a.released_on = False, today
            a.save(update_fields=["is_active", "released_on"])
            a.deadlines.filter(met_on__isnull=True).update(cancelled=True)
            if a.role == UnitRole.LEAD and new_unit is not None:
                _make_assignment(s, new_unit, UnitRole.LEAD, today)
                s.assigned_on = today
                s.save(update_fields=["lead_unit", "reply_due", "assigned_on"])
                notify_on_commit(
                    recipients=clerks_of([new_unit.pk]),
                    congress=s.congress,
                    kind="suggestion.assign",
                    url=detail_url(s),
                    title=_("New suggestion assigned to your unit: %(t)s") % {"t": s.title},
                )
        row.status = ReturnStatus.ACCEPTED if accept else ReturnStatus.REFUSED
        row.decided_by, row.decision_reason = actor, reason
        row.save(update_fields=["status", "decided_by", "decision_reason"])
        audit_log(
            actor=actor,
            action="suggestion.return_decide",
            congress=s.congress,
            obj=s,
            payload={
                "unit": a.unit_id,
                "accept": accept,
                "reason": reason,
                "new_unit": new_unit.pk if new_unit else None,
            },
        )
        notify_on_commit(
            recipients=clerks_of([a.unit_id]),
            congress=s.congress,
            kind="suggestion.return_decide",
            url=detail_url(s),
            title=(_("Release accepted: %(t)s") if accept else _("Release refused: %(t)s")) % {"t": s.title},
            body=reason,
        )
    return row


def co_handler_opinion_submit(*, actor: User, assignment: Assignment, text: str) -> CoHandlerOpinion:
    text = (text or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        s = locked(assignment.suggestion)
        a = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if a.role != UnitRole.CO_HANDLER or not a.is_active:
            fail(_("Only an assigned co-handling unit sends an opinion to the lead unit."))
        if s.status not in (Status.ASSIGNED, Status.REHANDLING):
            fail(_("This suggestion is not being handled."))
        if CoHandlerOpinion.objects.filter(assignment=a).exists():
            fail(_("Your unit has already sent its opinion."))
        if not text:
            fail(_("Please write the opinion."))
        opinion = CoHandlerOpinion.objects.create(
            assignment=a, text=text, submitted_by=actor, submitted_on=today
        )
        a.deadlines.filter(kind=DeadlineKind.OPINION, met_on__isnull=True).update(met_on=today)
        audit_log(
            actor=actor, action="suggestion.opinion", congress=s.congress, obj=s, payload={"unit": a.unit_id}
        )
        lead = s.assignments.filter(role=UnitRole.LEAD, is_active=True).first()
        notify_on_commit(
            recipients=clerks_of([lead.unit_id]) if lead else [],
            congress=s.congress,
            kind="suggestion.opinion",
            url=detail_url(s),
            title=_("Co-handler opinion received: %(t)s") % {"t": s.title},
        )
    return opinion


def contact_record_add(
    *,
    actor: User,
    suggestion: Suggestion,
    unit: HandlingUnit,
    contacted_on: dt.date | None,
    way: str,
    deputy_view: str,
) -> ContactRecord:
    deputy_view = (deputy_view or "").strip()
    with transaction.atomic():
        s = locked(suggestion)
        a = _active_assignment(s, unit)
        if a is None:
            fail(_("Your unit is not assigned to this suggestion."))
        if s.status not in (Status.ASSIGNED, Status.REHANDLING):
            fail(_("This suggestion is not being handled."))
        contacted_on = check_date(contacted_on, timezone.localdate(), not_before=a.assigned_on)
        if way not in ContactWay.values:
            fail(_("Please choose how the deputy was contacted."))
        if not deputy_view:
            fail(_("Please record what the deputy said."))
        row = ContactRecord.objects.create(
            suggestion=s,
            unit=unit,
            contacted_on=contacted_on,
            way=way,
            deputy_view=deputy_view,
            recorded_by=actor,
        )
        audit_log(
            actor=actor,
            action="suggestion.contact",
            congress=s.congress,
            obj=s,
            payload={"unit": unit.pk, "on": contacted_on.isoformat(), "way": way},
        )
    return row


def reply_submit(
    *,
    actor: User,
    suggestion: Suggestion,
    unit: HandlingUnit,
    category: str,
    text: str,
    signer: str,
    is_public: bool = False,
    files: Iterable[UploadedFile] = (),
) -> Reply:
    text, signer, category = (text or "").strip(), (signer or "").strip(), (category or "").strip().upper()
    today = timezone.localdate()
    with transaction.atomic():
        s = locked(suggestion)
        if s.status == Status.CLOSED:
            fail(_("This suggestion is closed; it can no longer be replied to."))
        a = _active_assignment(s, unit)
        if a is None or a.role != UnitRole.LEAD:
            fail(_("%(u)s is not the lead unit of this suggestion and cannot reply.") % {"u": unit.name})
        if s.status not in (Status.ASSIGNED, Status.REHANDLING):
            fail(_("This suggestion is not awaiting a reply."))
        if not category:
            fail(_("Please choose the reply class."))
        classes = dict(deadlines.reply_classes(s.congress))
        if category not in classes:
            fail(_("The reply class must be one of %(c)s.") % {"c": "、".join(classes)})
        if not text:
            fail(_("Please write the reply."))
        if not signer:
            fail(_("Please enter the unit leader who signed the reply."))
        if not ContactRecord.objects.filter(suggestion=s, unit=unit).exists():
            fail(
                _("Contact the deputy and record it before replying (%(source)s).")
                % {"source": deadlines.REPLY_SOURCE}
            )
        round_ = 2 if s.status == Status.REHANDLING else 1
        kind = DeadlineKind.REHANDLE if round_ == 2 else DeadlineKind.REPLY
        deadline = s.deadlines.filter(kind=kind, met_on__isnull=True, cancelled=False).order_by("-pk").first()
        due = deadline.due_date if deadline else (s.reply_due or today)
        reply = Reply.objects.create(
            suggestion=s,
            unit=unit,
            round=round_,
            category=category,
            text=text,
            signer=signer,
            replied_on=today,
            due_date=due,
            on_time=today <= due,
            is_public=is_public,
            replied_by=actor,
            settings_used=[deadlines.reply_classes_record(s.congress)],
        )
        attachments_add(actor=actor, suggestion=s, files=files, reply_id=reply.pk)
        if deadline is not None:
            Deadline.objects.filter(pk=deadline.pk).update(met_on=today)
        # Once the lead unit has replied, asking to be released no longer makes sense.
        s.deadlines.filter(kind=DeadlineKind.RELEASE, met_on__isnull=True).update(cancelled=True)
        if round_ == 1:
            s.first_replied_on, s.replied_on_time = today, today <= due
            s.days_to_reply = (today - s.assigned_on).days if s.assigned_on else None
            s.contacted = True
        s.category, s.status = category, Status.REPLIED
        s.is_public = s.is_public or is_public
        s.save(
            update_fields=[
                "first_replied_on",
                "replied_on_time",
                "days_to_reply",
                "contacted",
                "category",
                "status",
                "is_public",
            ]
        )
        audit_log(
            actor=actor,
            action="suggestion.reply",
            congress=s.congress,
            obj=s,
            payload={
                "unit": unit.pk,
                "round": round_,
                "category": category,
                "on_time": today <= due,
                "due": due.isoformat(),
            },
        )
        notify_on_commit(
            recipients=user_of(s.submitter),
            congress=s.congress,
            kind="suggestion.reply",
            url=detail_url(s),
            title=_("Your suggestion has been answered; please rate: %(t)s") % {"t": s.title},
        )
    return reply


def feedback_submit(*, actor: User, suggestion: Suggestion, rating: str, comment: str = "") -> Feedback:
    """The lead deputy rates the latest reply. 不满意 on the first reply → re-handling with its own
    due date; otherwise the suggestion is closed (办结)."""
    comment = (comment or "").strip()
    today = timezone.localdate()
    with transaction.atomic():
        s = locked(suggestion)
        if s.status != Status.REPLIED:
            fail(_("This suggestion has no reply waiting for your rating."))
        if s.submitter.user_id != actor.pk:
            fail(_("Only the lead deputy can rate the reply."))
        if rating not in Rating.values:
            fail(_("Please choose satisfied, basically satisfied or dissatisfied."))
        if rating == Rating.DISSATISFIED and not comment:
            fail(_("Please say what you are dissatisfied with, so the unit can handle it again."))
        reply = s.replies.order_by("-round").first()
        if reply is None:
            fail(_("This suggestion has no reply waiting for your rating."))
        feedback = Feedback.objects.create(
            reply=reply, rating=rating, comment=comment, rated_on=today, rated_by=actor
        )
        s.rating = rating
        payload: dict[str, object] = {"rating": rating, "round": reply.round}
        if rating == Rating.DISSATISFIED and reply.round == 1:
            due = deadlines.rehandle_due(congress=s.congress, rated_on=today)
            lead = s.assignments.filter(role=UnitRole.LEAD, is_active=True).first()
            deadline_create(suggestion=s, kind=DeadlineKind.REHANDLE, due=due, assignment=lead)
            s.status, s.rehandled = Status.REHANDLING, True
            payload["rehandle"] = deadline_payload(due)
            notify_on_commit(
                recipients=clerks_of([reply.unit_id]),
                congress=s.congress,
                kind="suggestion.rehandle",
                url=detail_url(s),
                title=_("The deputy is dissatisfied; please handle again: %(t)s") % {"t": s.title},
                body=comment,
            )
        else:
            s.status, s.closed_on = Status.CLOSED, today
        s.save(update_fields=["rating", "status", "rehandled", "closed_on"])
        audit_log(actor=actor, action="suggestion.rate", congress=s.congress, obj=s, payload=payload)
    return feedback
