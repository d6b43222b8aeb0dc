"""Every state change of meetings and voting. One business action per function, in one transaction,
with one audit event (except casting a ballot: auditing a cast would tie a voter to a moment and
serialise all casts on the audit chain; the cast is recorded by ``PollVoter`` instead)."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.audit import audit_log
from renda.core.models import User
from renda.core.rule_settings import setting_value
from renda.meetings import live, rules_law
from renda.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Ballot,
    LeaveRequest,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Paper,
    PaperCount,
    PaperRead,
    Participant,
    ParticipantRole,
    Poll,
    PollKind,
    PollOption,
    PollStatus,
    PollVoter,
    Sitting,
)
from renda.org.models import Body, BodyKind, Term
from renda.org.selectors import active_mandates, body_members_on

# --- meetings and participants ------------------------------------------------------------


def _participants_for(meeting: Meeting) -> list[tuple[int, str, str, str]]:
    """(person id, role, delegation, post) of everyone entitled to vote on the meeting's first day."""
    day = meeting.start_date
    if meeting.kind in (MeetingKind.CONGRESS_SESSION, MeetingKind.TOWNSHIP_SESSION):
        return [
            (m.person_id, ParticipantRole.VOTING, m.delegation.name if m.delegation else "", "")
            for m in active_mandates(congress=meeting.congress, day=day, term=meeting.term)
        ]
    if meeting.body is None:
        raise ValidationError(_("A standing committee or council meeting needs its body."))
    # The post's code, not its label: the label is translated when shown.
    return [
        (ms.person_id, ParticipantRole.VOTING, "", ms.role)
        for ms in body_members_on(body=meeting.body, day=day)
    ]


def meeting_create(
    *,
    actor: User | None,
    term: Term,
    kind: str,
    title: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    body: Body | None = None,
    number: int = 1,
    venue: str = "",
) -> Meeting:
    if kind not in MeetingKind.values:
        raise ValidationError(_("Unknown meeting kind."))
    if not title.strip():
        raise ValidationError(_("The title is required."))
    end_date = end_date or start_date
    if end_date < start_date:
        raise ValidationError(_("The meeting cannot end before it starts."))
    congress = term.congress
    if kind == MeetingKind.STANDING_COMMITTEE and (body is None or body.kind != BodyKind.STANDING_COMMITTEE):
        raise ValidationError(_("A standing committee meeting needs the standing committee as its body."))
    if (
        kind in (MeetingKind.STANDING_COMMITTEE, MeetingKind.COUNCIL_OF_CHAIRPERSONS)
        and not congress.has_standing_committee
    ):
        raise ValidationError(_("A township congress has no standing committee."))
    if body is not None and body.congress_id != congress.pk:
        raise ValidationError(_("The body belongs to another congress."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            congress=congress,
            term=term,
            kind=kind,
            body=body,
            number=number,
            title=title.strip(),
            start_date=start_date,
            end_date=end_date,
            venue=venue,
        )
        rows = _participants_for(meeting)
        Participant.objects.bulk_create(
            [
                Participant(
                    congress=congress, meeting=meeting, person_id=pid, role=role, group=group, post=post
                )
                for pid, role, group, post in rows
            ]
        )
        audit_log(
            actor=actor,
            action="meeting.create",
            congress=congress,
            obj=meeting,
            payload={"kind": kind, "title": meeting.title, "participants": len(rows)},
        )
    return meeting


def participant_add_attendee(
    *, actor: User | None, meeting: Meeting, person_id: int, group: str = ""
) -> Participant:
    """A non-voting attendee (列席: officials of the government, court, procuratorate, commission)."""
    with transaction.atomic():
        if Participant.objects.filter(meeting=meeting, person_id=person_id).exists():
            raise ValidationError(_("This person already takes part in the meeting."))
        row = Participant.objects.create(
            congress=meeting.congress,
            meeting=meeting,
            person_id=person_id,
            role=ParticipantRole.NON_VOTING,
            group=group,
        )
        audit_log(
            actor=actor,
            action="meeting.attendee_add",
            congress=meeting.congress,
            obj=meeting,
            payload={"person": person_id},
        )
    return row


def sitting_create(*, actor: User | None, meeting: Meeting, title: str, starts_at: dt.datetime) -> Sitting:
    with transaction.atomic():
        number = (meeting.sittings.aggregate(n=Max("number"))["n"] or 0) + 1
        sitting = Sitting.objects.create(
            congress=meeting.congress,
            meeting=meeting,
            number=number,
            title=title or f"第{number}次全体会议",
            starts_at=starts_at,
        )
        audit_log(
            actor=actor,
            action="sitting.create",
            congress=meeting.congress,
            obj=sitting,
            payload={"number": number},
        )
    return sitting


def _lock_sitting(sitting: Sitting) -> Sitting:
    return Sitting.objects.select_for_update().select_related("meeting").get(pk=sitting.pk)


def sitting_open(*, actor: User, sitting: Sitting) -> rules_law.QuorumResult:
    with transaction.atomic():
        sitting = _lock_sitting(sitting)
        if sitting.status != Sitting.Status.SCHEDULED:
            raise ValidationError(_("Only a scheduled sitting can be opened."))
        if sitting.meeting.sittings.filter(status=Sitting.Status.OPEN).exists():
            raise ValidationError(_("Another sitting of this meeting is in session."))
        result = quorum_check(sitting=sitting)
        if not result.ok:
            raise ValidationError(result.message)
        sitting.status = Sitting.Status.OPEN
        sitting.save(update_fields=["status"])
        Meeting.objects.filter(pk=sitting.meeting_id).update(status=MeetingStatus.IN_PROGRESS)
        audit_log(
            actor=actor,
            action="sitting.open",
            congress=sitting.congress,
            obj=sitting,
            payload={"present": result.present, "entitled": result.entitled, "rule": result.rule.key},
        )
        live.broadcast_on_commit(sitting.meeting_id, event="sitting")
    return result


def sitting_close(*, actor: User, sitting: Sitting) -> None:
    with transaction.atomic():
        sitting = _lock_sitting(sitting)
        if sitting.status != Sitting.Status.OPEN:
            raise ValidationError(_("Only a sitting in session can be ended."))
        if Poll.objects.filter(sitting=sitting, status=PollStatus.OPEN).exists():
            raise ValidationError(_("Close the open poll before ending the sitting."))
        sitting.status = Sitting.Status.CLOSED
        sitting.save(update_fields=["status"])
        audit_log(actor=actor, action="sitting.close", congress=sitting.congress, obj=sitting)
        live.broadcast_on_commit(sitting.meeting_id, event="sitting")


def meeting_close(*, actor: User, meeting: Meeting) -> None:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status == MeetingStatus.CLOSED:
            raise ValidationError(_("The meeting is already closed."))
        if meeting.sittings.filter(status=Sitting.Status.OPEN).exists():
            raise ValidationError(_("End the sitting in session first."))
        meeting.status = MeetingStatus.CLOSED
        meeting.save(update_fields=["status"])
        audit_log(actor=actor, action="meeting.close", congress=meeting.congress, obj=meeting)
        live.broadcast_on_commit(meeting.pk, event="meeting")


# --- agenda and papers ----------------------------------------------------------------------


def agenda_item_add(*, actor: User | None, meeting: Meeting, title: str, description: str = "") -> AgendaItem:
    if not title.strip():
        raise ValidationError(_("The title is required."))
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        order = (meeting.items.aggregate(n=Max("order"))["n"] or 0) + 1
        item = AgendaItem.objects.create(
            congress=meeting.congress,
            meeting=meeting,
            order=order,
            title=title.strip(),
            description=description,
        )
        audit_log(
            actor=actor, action="agenda.add", congress=meeting.congress, obj=item, payload={"title": title}
        )
    return item


ALLOWED_PAPER_SUFFIXES = (".pdf", ".doc", ".docx", ".png", ".jpg", ".jpeg")


def paper_add(*, actor: User | None, item: AgendaItem, title: str, file: File) -> Paper:
    name = (getattr(file, "name", "") or "").lower()
    if not name.endswith(ALLOWED_PAPER_SUFFIXES):
        raise ValidationError(_("A paper must be a PDF, Word document or image."))
    if not title.strip():
        raise ValidationError(_("The title is required."))
    with transaction.atomic():
        paper = Paper(congress=item.congress, item=item, title=title.strip())
        paper.file.save(name.rsplit("/", 1)[-1], file, save=False)
        paper.save()
        audit_log(
            actor=actor, action="paper.add", congress=item.congress, obj=paper, payload={"title": title}
        )
    return paper


def paper_mark_read(*, actor: User, paper: Paper, participant: Participant) -> PaperRead:
    if participant.meeting_id != paper.item.meeting_id or participant.person.user_id != actor.pk:
        raise ValidationError(_("Only a participant of the meeting can mark a paper read."))
    with transaction.atomic():
        row, _created = PaperRead.objects.get_or_create(
            paper=paper, participant=participant, defaults={"read_at": timezone.now()}
        )
    return row


def meeting_set_current_item(*, actor: User, meeting: Meeting, item: AgendaItem | None) -> None:
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError(_("The item belongs to another meeting."))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.current_item = item
        meeting.save(update_fields=["current_item"])
        audit_log(
            actor=actor,
            action="meeting.current_item",
            congress=meeting.congress,
            obj=meeting,
            payload={"item": item.pk if item else None},
        )
        live.broadcast_on_commit(meeting.pk, event="item")


# --- attendance -----------------------------------------------------------------------------


def quorum_check(*, sitting: Sitting) -> rules_law.QuorumResult:
    from renda.meetings.selectors import attendance_counts

    counts = attendance_counts(sitting=sitting)
    return rules_law.quorum(sitting.meeting.kind, entitled=counts.entitled, present=counts.present)


def _is_staff_for(actor: User, meeting: Meeting) -> bool:
    return actor.has_perm("meetings.run_meeting", meeting)


def attendance_check_in(*, actor: User, sitting: Sitting, participant: Participant) -> Attendance:
    """The member on their own device, or staff for them (代签)."""
    if participant.meeting_id != sitting.meeting_id:
        raise ValidationError(_("This person does not take part in the meeting."))
    if participant.person.user_id != actor.pk and not _is_staff_for(actor, sitting.meeting):
        raise ValidationError(_("Only the member or meeting staff can check in."))
    if sitting.status == Sitting.Status.CLOSED:
        raise ValidationError(_("The sitting has ended."))
    with transaction.atomic():
        row, _created = Attendance.objects.select_for_update().get_or_create(
            sitting=sitting, participant=participant, defaults={"congress": sitting.congress}
        )
        if row.status == AttendanceStatus.PRESENT and row.left_at is None:
            raise ValidationError(_("Already checked in."))
        now = timezone.now()
        row.status = AttendanceStatus.PRESENT
        row.checked_in_at = row.checked_in_at or now
        row.checked_in_by = actor
        row.late = row.checked_in_at > sitting.starts_at
        row.left_at = None
        row.save()
        audit_log(
            actor=actor,
            action="attendance.check_in",
            congress=sitting.congress,
            obj=sitting,
            payload={
                "participant": participant.pk,
                "by_staff": participant.person.user_id != actor.pk,
                "late": row.late,
            },
        )
        live.monitor_on_commit(sitting.meeting_id, event="attendance")
    return row


def attendance_depart(*, actor: User, sitting: Sitting, participant: Participant) -> Attendance:
    """Early departure (早退), recorded by staff."""
    with transaction.atomic():
        row = Attendance.objects.select_for_update().filter(sitting=sitting, participant=participant).first()
        if row is None or row.status != AttendanceStatus.PRESENT or row.left_at is not None:
            raise ValidationError(_("Only a member who is present can leave early."))
        row.left_at = timezone.now()
        row.save(update_fields=["left_at"])
        audit_log(
            actor=actor,
            action="attendance.depart",
            congress=sitting.congress,
            obj=sitting,
            payload={"participant": participant.pk},
        )
        live.monitor_on_commit(sitting.meeting_id, event="attendance")
    return row


def leave_request_submit(
    *, actor: User, sitting: Sitting, participant: Participant, reason: str
) -> LeaveRequest:
    if not reason.strip():
        raise ValidationError(_("Please give the reason for the leave request."))
    if participant.person.user_id != actor.pk and not _is_staff_for(actor, sitting.meeting):
        raise ValidationError(_("Only the member or meeting staff can ask for leave."))
    with transaction.atomic():
        if LeaveRequest.objects.filter(
            sitting=sitting, participant=participant, status=LeaveRequest.Status.PENDING
        ).exists():
            raise ValidationError(_("A leave request is already waiting for approval."))
        row = LeaveRequest.objects.create(
            congress=sitting.congress, sitting=sitting, participant=participant, reason=reason.strip()
        )
        audit_log(
            actor=actor,
            action="leave.submit",
            congress=sitting.congress,
            obj=row,
            payload={"participant": participant.pk},
        )
    return row


def leave_request_decide(*, actor: User, request: LeaveRequest, approve: bool) -> LeaveRequest:
    with transaction.atomic():
        row = LeaveRequest.objects.select_for_update().select_related("sitting").get(pk=request.pk)
        if row.status != LeaveRequest.Status.PENDING:
            raise ValidationError(_("This leave request has already been decided."))
        row.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REFUSED
        row.decided_by, row.decided_at = actor, timezone.now()
        row.save(update_fields=["status", "decided_by", "decided_at"])
        if approve:
            att, _created = Attendance.objects.select_for_update().get_or_create(
                sitting=row.sitting, participant_id=row.participant_id, defaults={"congress": row.congress}
            )
            if att.status != AttendanceStatus.PRESENT:
                att.status = AttendanceStatus.LEAVE
                att.save(update_fields=["status"])
        audit_log(
            actor=actor,
            action="leave.approve" if approve else "leave.refuse",
            congress=row.congress,
            obj=row,
            payload={"participant": row.participant_id},
        )
        live.monitor_on_commit(row.sitting.meeting_id, event="attendance")
    return row


# --- polls ----------------------------------------------------------------------------------


def poll_create(
    *,
    actor: User | None,
    meeting: Meeting,
    kind: str,
    title: str,
    options: Sequence[str] = (),
    secret: bool | None = None,
    seats: int = 1,
    sitting: Sitting | None = None,
    item: AgendaItem | None = None,
    countdown_seconds: int | None = None,
    paper: bool = False,
    appointment: bool = False,
    revote_of: Poll | None = None,
) -> Poll:
    if kind not in PollKind.values:
        raise ValidationError(_("Unknown poll kind."))
    if not title.strip():
        raise ValidationError(_("The title is required."))
    labels = [o.strip() for o in options if o and o.strip()]
    if kind == PollKind.MOTION and labels:
        raise ValidationError(_("A yes/no/abstain vote has no options."))
    if kind != PollKind.MOTION and not labels:
        raise ValidationError(_("Add at least one option or candidate."))
    if len(set(labels)) != len(labels):
        raise ValidationError(_("Options must not repeat."))
    if kind in (PollKind.ELECTION, PollKind.CHOICE) and not 1 <= seats <= max(len(labels), 1):
        raise ValidationError(_("The number of seats must be between 1 and the number of options."))
    if kind == PollKind.ELECTION:
        secret = True  # 组织法 art 28: elections are by secret ballot
    elif secret is None:
        secret = (
            appointment
            and meeting.kind == MeetingKind.STANDING_COMMITTEE
            and bool(setting_value(meeting.congress, rules_law.SC_APPOINTMENT_SECRET.key).value)
        )
    if paper and kind == PollKind.MOTION:
        raise ValidationError(_("Paper counts are for elections and list votes."))
    if countdown_seconds is not None and countdown_seconds <= 0:
        raise ValidationError(_("The countdown must be positive."))
    with transaction.atomic():
        poll = Poll.objects.create(
            congress=meeting.congress,
            meeting=meeting,
            sitting=sitting,
            item=item,
            kind=kind,
            title=title.strip(),
            secret=bool(secret),
            seats=seats if kind in (PollKind.ELECTION, PollKind.CHOICE) else 1,
            countdown_seconds=countdown_seconds,
            paper=paper,
            revote_of=revote_of,
        )
        PollOption.objects.bulk_create(
            [PollOption(poll=poll, order=i, label=label) for i, label in enumerate(labels, start=1)]
        )
        audit_log(
            actor=actor,
            action="poll.create",
            congress=meeting.congress,
            obj=poll,
            payload={
                "kind": kind,
                "secret": poll.secret,
                "options": labels,
                "revote_of": revote_of.pk if revote_of else None,
            },
        )
        live.broadcast_on_commit(meeting.pk, event="poll")
    return poll


def poll_revote(*, actor: User, poll: Poll) -> Poll:
    """A re-vote is a new poll linked to the first; the first never changes."""
    if poll.status not in (PollStatus.CLOSED, PollStatus.ANNOUNCED):
        raise ValidationError(_("Only a closed poll can be voted again."))
    options = list(poll.options.values_list("label", flat=True))
    result = poll.result or {}
    if poll.kind in (PollKind.ELECTION, PollKind.CHOICE) and result.get("runoff"):
        # Another round only among those tied at the last seat.
        tied = {o["key"] for o in result["options"] if o.get("tied")}
        winners = sum(1 for o in result["options"] if o.get("passed"))
        options = [o["label"] for o in result["options"] if o["key"] in tied]
        seats = max(poll.seats - winners, 1)
    else:
        seats = poll.seats
    return poll_create(
        actor=actor,
        meeting=poll.meeting,
        kind=poll.kind,
        title=f"{poll.title}（再次表决）",
        options=options,
        secret=poll.secret,
        seats=seats,
        sitting=poll.sitting,
        item=poll.item,
        countdown_seconds=poll.countdown_seconds,
        paper=poll.paper,
        revote_of=poll,
    )


def _open_sitting(meeting: Meeting) -> Sitting | None:
    return meeting.sittings.filter(status=Sitting.Status.OPEN).first()


def poll_open(*, actor: User, poll: Poll) -> Poll:
    with transaction.atomic():
        poll = Poll.objects.select_for_update().select_related("meeting").get(pk=poll.pk)
        if poll.status != PollStatus.DRAFT:
            raise ValidationError(_("Only a draft poll can be opened."))
        sitting = poll.sitting or _open_sitting(poll.meeting)
        if sitting is None or sitting.status != Sitting.Status.OPEN:
            raise ValidationError(_("A vote can start only while a sitting is in session."))
        if Poll.objects.filter(meeting=poll.meeting_id, status=PollStatus.OPEN).exists():
            raise ValidationError(_("Another poll of this meeting is open."))
        result = quorum_check(sitting=sitting)
        if not result.ok:
            raise ValidationError(result.message)
        now = timezone.now()
        poll.sitting = sitting
        poll.status = PollStatus.OPEN
        poll.entitled = result.entitled  # the base: ALL entitled members, fixed now
        poll.opened_at = now
        poll.closes_at = (
            now + dt.timedelta(seconds=poll.countdown_seconds) if poll.countdown_seconds else None
        )
        poll.save(update_fields=["sitting", "status", "entitled", "opened_at", "closes_at"])
        audit_log(
            actor=actor,
            action="poll.open",
            congress=poll.congress,
            obj=poll,
            payload={"entitled": result.entitled, "present": result.present, "quorum_rule": result.rule.key},
        )
        live.broadcast_on_commit(poll.meeting_id, event="poll")
    return poll


# Definitions of open polls never change, so a process may keep them; the status is always read
# from the database inside the cast's transaction.
@dataclass(frozen=True)
class PollDef:
    id: int
    meeting_id: int
    kind: str
    secret: bool
    paper: bool
    seats: int
    sitting_id: int | None
    option_keys: tuple[str, ...]
    opened_at: dt.datetime | None  # tells a cached definition from a poll that reuses its id


_POLL_DEFS: dict[int, PollDef] = {}
# SQLite has one writer; queueing casts here avoids its busy-wait back-off (which would cost
# tens of milliseconds a cast). PostgreSQL casts run in parallel.
_SQLITE_WRITE_LOCK = threading.Lock()


def poll_def(poll_id: int) -> PollDef:
    cached = _POLL_DEFS.get(poll_id)
    if cached is not None:
        return cached
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None:
        raise ValidationError(_("No such poll."))
    definition = PollDef(
        poll.pk,
        poll.meeting_id,
        poll.kind,
        poll.secret,
        poll.paper,
        poll.seats,
        poll.sitting_id,
        tuple(str(pk) for pk in poll.options.values_list("pk", flat=True)),
        poll.opened_at,
    )
    if poll.status != PollStatus.DRAFT:
        _POLL_DEFS[poll_id] = definition
    return definition


@contextmanager
def _writer() -> Iterator[None]:
    if connection.vendor == "sqlite":
        with _SQLITE_WRITE_LOCK:
            yield
    else:
        yield


@dataclass(frozen=True)
class CastReceipt:
    receipt: str
    replayed: bool  # a retried cast with the same idempotency key


class _StaleDefinition(Exception):
    pass


def _poll_status_locked(poll_id: int) -> tuple[str, dt.datetime | None, dt.datetime | None]:
    """Read the poll's status under a shared lock: casts run side by side, while closing (FOR
    UPDATE) waits for casts in flight and casts after it see the poll closed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT status, closes_at, opened_at FROM meetings_poll WHERE id = %s FOR SHARE", [poll_id]
            )
            row = cursor.fetchone()
    else:
        row = Poll.objects.filter(pk=poll_id).values_list("status", "closes_at", "opened_at").first()
    if row is None:
        raise ValidationError(_("No such poll."))
    return row[0], row[1], row[2]


def ballot_cast(
    *,
    actor: User,
    poll_id: int,
    participant: Participant,
    choice: Mapping[str, Any],
    idempotency_key: str,
) -> CastReceipt:
    """Cast one ballot in one short transaction; acknowledged only after commit. The database's
    unique constraint on (poll, voter) makes a second ballot impossible, even under concurrent casts."""
    for attempt in range(3):
        try:
            with _writer():
                return _ballot_cast(
                    actor=actor,
                    poll_id=poll_id,
                    participant=participant,
                    choice=choice,
                    idempotency_key=idempotency_key,
                )
        except _StaleDefinition:
            _POLL_DEFS.pop(poll_id, None)
        except ValidationError:
            # A refusal based on a cached definition is checked once more against the database.
            if attempt > 0 or _POLL_DEFS.pop(poll_id, None) is None:
                raise
    raise ValidationError(_("The ballot could not be recorded; please try again."))


def _ballot_cast(
    *, actor: User, poll_id: int, participant: Participant, choice: Mapping[str, Any], idempotency_key: str
) -> CastReceipt:
    definition = poll_def(poll_id)
    if participant.meeting_id != definition.meeting_id or participant.role != ParticipantRole.VOTING:
        raise ValidationError(_("You are not entitled to vote on this poll."))
    if participant.person.user_id != actor.pk:
        raise ValidationError(_("A ballot can only be cast by the member in person."))
    if definition.paper:
        raise ValidationError(_("This poll is by paper ballot."))
    key = (idempotency_key or "").strip()[:64]
    if not key:
        raise ValidationError(_("The idempotency key is missing."))
    try:
        clean = rules_law.validate_choice(
            kind=definition.kind, choice=choice, option_keys=definition.option_keys, seats=definition.seats
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    for _attempt in range(2):
        try:
            with transaction.atomic():
                status, closes_at, opened_at = _poll_status_locked(poll_id)
                if opened_at != definition.opened_at:
                    raise _StaleDefinition
                if status != PollStatus.OPEN or (closes_at is not None and timezone.now() > closes_at):
                    raise ValidationError(_("Voting on this poll is closed."))
                if (
                    definition.sitting_id is not None
                    and not Attendance.objects.filter(
                        sitting_id=definition.sitting_id,
                        participant_id=participant.pk,
                        status=AttendanceStatus.PRESENT,
                        left_at__isnull=True,
                    ).exists()
                ):
                    raise ValidationError(_("Please check in before voting."))
                voter = PollVoter.objects.create(
                    poll_id=poll_id, participant_id=participant.pk, idempotency_key=key
                )
                Ballot.objects.create(
                    poll_id=poll_id,
                    secret=definition.secret,
                    choice=clean,
                    voter_id=None if definition.secret else participant.pk,
                )
            return CastReceipt(voter.receipt, False)
        except IntegrityError:
            existing = PollVoter.objects.filter(poll_id=poll_id, participant_id=participant.pk).first()
            if existing is None:
                continue  # a receipt collision (40 random bits): draw again
            if existing.idempotency_key == key:
                return CastReceipt(existing.receipt, True)
            raise ValidationError(_("You have already voted on this poll.")) from None
    raise ValidationError(_("The ballot could not be recorded; please try again."))


@dataclass(frozen=True)
class CastRequest:
    actor: User
    poll_id: int
    participant: Participant
    choice: Mapping[str, Any]
    idempotency_key: str


CastOutcome = CastReceipt | ValidationError


def ballot_cast_many(*, requests: Sequence[CastRequest]) -> list[CastOutcome]:
    """Group commit: the casts that arrived together are checked with a few set queries and written
    in one short transaction, then all acknowledged. Same rules and the same database constraint as
    ``ballot_cast``; if the batch hits a constraint (a concurrent cast elsewhere), each request is
    replayed alone through ``ballot_cast``."""
    results: list[CastOutcome | None] = [None] * len(requests)
    fresh: dict[tuple[int, int], int] = {}  # (poll, participant) -> index of the first request
    later: list[int] = []
    cleaned: dict[int, dict[str, Any]] = {}
    for i, req in enumerate(requests):
        try:
            definition = poll_def(req.poll_id)
            if (
                req.participant.meeting_id != definition.meeting_id
                or req.participant.role != ParticipantRole.VOTING
            ):
                raise ValidationError(_("You are not entitled to vote on this poll."))
            if req.participant.person.user_id != req.actor.pk:
                raise ValidationError(_("A ballot can only be cast by the member in person."))
            if definition.paper:
                raise ValidationError(_("This poll is by paper ballot."))
            if not req.idempotency_key.strip():
                raise ValidationError(_("The idempotency key is missing."))
            try:
                cleaned[i] = rules_law.validate_choice(
                    kind=definition.kind,
                    choice=req.choice,
                    option_keys=definition.option_keys,
                    seats=definition.seats,
                )
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc
        except ValidationError as exc:
            results[i] = exc
            continue
        key = (req.poll_id, req.participant.pk)
        if key in fresh:
            later.append(i)
        else:
            fresh[key] = i
    try:
        with _writer(), transaction.atomic():
            by_poll: dict[int, list[int]] = {}
            for (poll_id, _pid), i in fresh.items():
                by_poll.setdefault(poll_id, []).append(i)
            voters: list[PollVoter] = []
            ballots: list[Ballot] = []
            for poll_id, indexes in by_poll.items():
                definition = poll_def(poll_id)
                status, closes_at, opened_at = _poll_status_locked(poll_id)
                if opened_at != definition.opened_at:
                    raise _StaleDefinition
                if status != PollStatus.OPEN or (closes_at is not None and timezone.now() > closes_at):
                    for i in indexes:
                        results[i] = ValidationError(_("Voting on this poll is closed."))
                    continue
                pids = [requests[i].participant.pk for i in indexes]
                present = set(pids)
                if definition.sitting_id is not None:
                    present = set(
                        Attendance.objects.filter(
                            sitting_id=definition.sitting_id,
                            participant_id__in=pids,
                            status=AttendanceStatus.PRESENT,
                            left_at__isnull=True,
                        ).values_list("participant_id", flat=True)
                    )
                existing = {
                    v.participant_id: v
                    for v in PollVoter.objects.filter(poll_id=poll_id, participant_id__in=pids)
                }
                for i in indexes:
                    req = requests[i]
                    pid = req.participant.pk
                    if pid in existing:
                        old = existing[pid]
                        results[i] = (
                            CastReceipt(old.receipt, True)
                            if old.idempotency_key == req.idempotency_key
                            else ValidationError(_("You have already voted on this poll."))
                        )
                    elif pid not in present:
                        results[i] = ValidationError(_("Please check in before voting."))
                    else:
                        voter = PollVoter(
                            poll_id=poll_id,
                            participant_id=pid,
                            idempotency_key=req.idempotency_key.strip()[:64],
                        )
                        voters.append(voter)
                        results[i] = CastReceipt(voter.receipt, False)
                        ballots.append(
                            Ballot(
                                poll_id=poll_id,
                                secret=definition.secret,
                                choice=cleaned[i],
                                voter_id=None if definition.secret else pid,
                            )
                        )
            secrets.SystemRandom().shuffle(ballots)  # even within a batch, no cast order
            PollVoter.objects.bulk_create(voters)
            Ballot.objects.bulk_create(ballots)
    except (IntegrityError, _StaleDefinition):
        _POLL_DEFS.clear()
        return [_cast_alone(req) for req in requests]
    for i in later:  # the same member twice in one batch: the first counts, a retry replays it
        req = requests[i]
        first = results[fresh[(req.poll_id, req.participant.pk)]]
        same_key = requests[fresh[(req.poll_id, req.participant.pk)]].idempotency_key == req.idempotency_key
        if isinstance(first, CastReceipt) and same_key:
            results[i] = CastReceipt(first.receipt, True)
        elif isinstance(first, CastReceipt):
            results[i] = ValidationError(_("You have already voted on this poll."))
        else:
            results[i] = first
    return [
        r if r is not None else ValidationError(_("The ballot could not be recorded; please try again."))
        for r in results
    ]


def _cast_alone(req: CastRequest) -> CastOutcome:
    try:
        return ballot_cast(
            actor=req.actor,
            poll_id=req.poll_id,
            participant=req.participant,
            choice=req.choice,
            idempotency_key=req.idempotency_key,
        )
    except ValidationError as exc:
        return exc


def _ballot_groups(poll: Poll) -> list[tuple[dict[str, Any], int]]:
    """Identical ballots grouped by the database: (choice, how many). A motion has at most three
    groups, so closing reads a handful of rows, not one per voter."""
    rows = poll.ballots.order_by().values("choice").annotate(n=Count("pk")).values_list("choice", "n")
    return [(choice, n) for choice, n in rows]


def _confirmed_paper(poll: Poll) -> dict[str, Any] | None:
    entries = list(poll.paper_counts.all())
    if len(entries) == 2:
        return dict(entries[1].counts)
    return None


def poll_result(
    poll: Poll, groups: Sequence[tuple[dict[str, Any], int]] | None = None
) -> rules_law.PollResult:
    """Tally a poll from its stored ballots (and confirmed paper count) with the rule of its kind."""
    project_majority = True
    setting_record = None
    if poll.kind == PollKind.CHOICE:
        sv = setting_value(poll.congress, rules_law.PROJECT_MAJORITY.key)
        project_majority, setting_record = bool(sv.value), sv.as_record()
    if groups is None:
        groups = _ballot_groups(poll)
    result = rules_law.tally(
        kind=poll.kind,
        meeting_kind=poll.meeting.kind,
        entitled=poll.entitled,
        ballots=[choice for choice, _n in groups],
        weights=[n for _choice, n in groups],
        options=[(str(o.pk), o.label) for o in poll.options.all()],
        seats=poll.seats,
        paper=_confirmed_paper(poll) if poll.paper else None,
        project_majority=project_majority,
    )
    result.setting = setting_record
    return result


def _shuffle_secret_ballots(poll: Poll, groups: Sequence[tuple[dict[str, Any], int]]) -> None:
    """Rewrite the ballots in a random order under fresh random keys, so that neither keys nor
    storage order (PostgreSQL heap, SQLite rowid) follow the order in which they were cast."""
    choices = [choice for choice, n in groups for _i in range(n)]
    secrets.SystemRandom().shuffle(choices)
    poll.ballots.all().delete()
    Ballot.objects.bulk_create([Ballot(poll=poll, secret=True, choice=c) for c in choices], batch_size=1000)


def _close_locked(poll: Poll, *, actor: User | None, reason: str) -> Poll:
    """Count and close ``poll`` (locked by the caller). One aggregate query for the tally; the
    meeting's pages get ONE broadcast after commit (``live``)."""
    groups = _ballot_groups(poll)
    if poll.secret:
        _shuffle_secret_ballots(poll, groups)
    result = poll_result(poll, groups)
    poll.status = PollStatus.CLOSED
    poll.closed_at = timezone.now()
    poll.result = result.as_dict()
    poll.save(update_fields=["status", "closed_at", "result"])
    audit_log(
        actor=actor,
        action="poll.close",
        congress=poll.congress,
        obj=poll,
        payload={
            "ballots": result.ballots,
            "passed": result.passed,
            "outcome": result.outcome_text,
            "by": reason,
        },
    )
    live.broadcast_on_commit(poll.meeting_id, event="poll")
    return poll


def _lock_poll(poll_id: int) -> Poll | None:
    return Poll.objects.select_for_update().select_related("meeting", "congress").filter(pk=poll_id).first()


def poll_close(*, actor: User, poll: Poll) -> Poll:
    with transaction.atomic():
        locked = _lock_poll(poll.pk)
        if locked is None or locked.status != PollStatus.OPEN:
            raise ValidationError(_("Only an open poll can be closed."))
        if locked.paper and _confirmed_paper(locked) is None:
            raise ValidationError(
                _("The paper count must be entered and checked by two clerks before closing.")
            )
        return _close_locked(locked, actor=actor, reason="staff")


def poll_close_expired(*, poll_id: int) -> Poll | None:
    """The countdown has run out: the system closes the poll (audited with no actor). Does nothing
    when the poll is no longer open, has time left, or still waits for its paper count — so any
    process may call it, any number of times."""
    with transaction.atomic():
        poll = _lock_poll(poll_id)
        if (
            poll is None
            or poll.status != PollStatus.OPEN
            or poll.closes_at is None
            or timezone.now() < poll.closes_at
            or (poll.paper and _confirmed_paper(poll) is None)
        ):
            return None
        return _close_locked(poll, actor=None, reason="countdown")


def poll_announce(*, actor: User, poll: Poll) -> Poll:
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.status != PollStatus.CLOSED:
            raise ValidationError(_("Only a closed poll can be announced."))
        poll.status = PollStatus.ANNOUNCED
        poll.announced_at = timezone.now()
        poll.save(update_fields=["status", "announced_at"])
        audit_log(
            actor=actor,
            action="poll.announce",
            congress=poll.congress,
            obj=poll,
            payload={"outcome": (poll.result or {}).get("passed")},
        )
        live.broadcast_on_commit(poll.meeting_id, event="poll")
    return poll


def _clean_counts(poll: Poll, counts: Mapping[str, Any]) -> dict[str, Any]:
    def number(value: Any, label: str) -> int:
        try:
            n = int(value)
        except (TypeError, ValueError):
            raise ValidationError(_("%(label)s must be a whole number.") % {"label": label}) from None
        if n < 0:
            raise ValidationError(_("%(label)s cannot be negative.") % {"label": label})
        return n

    option_keys = [str(pk) for pk in poll.options.values_list("pk", flat=True)]
    raw_options = counts.get("options") or {}
    options = {}
    for key in option_keys:
        row = raw_options.get(key) or {}
        options[key] = {m: number(row.get(m, 0), _("Count")) for m in rules_law.MARKS}
    write_ins = {
        str(k).strip(): number(v, _("Count"))
        for k, v in (counts.get("write_ins") or {}).items()
        if str(k).strip()
    }
    return {
        "issued": number(counts.get("issued"), _("Ballots issued")),
        "returned": number(counts.get("returned"), _("Ballots returned")),
        "invalid": number(counts.get("invalid", 0), _("Invalid ballots")),
        "options": options,
        "write_ins": write_ins,
    }


def paper_count_enter(*, actor: User, poll: Poll, counts: Mapping[str, Any]) -> PaperCount:
    """二人录入复核: the first clerk enters the count; a second clerk enters it again; it counts only
    when both entries match. A mismatch changes nothing and names the differing lines."""
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if not poll.paper:
            raise ValidationError(_("This poll is not by paper ballot."))
        if poll.status != PollStatus.OPEN:
            raise ValidationError(_("Paper counts are entered while the poll is open, before it closes."))
        clean = _clean_counts(poll, counts)
        entries = list(poll.paper_counts.all())
        if len(entries) >= 2:
            raise ValidationError(_("The paper count has already been checked."))
        if entries:
            first = entries[0]
            if first.entered_by_id == actor.pk:
                raise ValidationError(_("The check entry must be made by a second clerk."))
            if first.counts != clean:
                diffs = _count_differences(poll, first.counts, clean)
                raise ValidationError(
                    _(
                        "The two entries differ: %(lines)s. Check the tally sheet; the first "
                        "entry can be discarded and entered again."
                    )
                    % {"lines": "、".join(diffs)}
                )
        row = PaperCount.objects.create(
            poll=poll, entry=len(entries) + 1, entered_by=actor, entered_at=timezone.now(), counts=clean
        )
        audit_log(
            actor=actor,
            action="poll.paper_count",
            congress=poll.congress,
            obj=poll,
            payload={"entry": row.entry, "counts": clean},
        )
    return row


def _count_differences(poll: Poll, a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    labels = {str(o.pk): o.label for o in poll.options.all()}
    names = {"issued": "发出票数", "returned": "收回票数", "invalid": "无效票数"}
    diffs = [names[k] for k in names if a.get(k) != b.get(k)]
    for key, label in labels.items():
        if a.get("options", {}).get(key) != b.get("options", {}).get(key):
            diffs.append(label)
    if a.get("write_ins") != b.get("write_ins"):
        diffs.append("另选他人")
    return diffs


def paper_count_discard(*, actor: User, poll: Poll) -> None:
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        if poll.status != PollStatus.OPEN:
            raise ValidationError(_("Paper counts are entered while the poll is open, before it closes."))
        deleted, _rows = poll.paper_counts.all().delete()
        if not deleted:
            raise ValidationError(_("There is no paper count to discard."))
        audit_log(actor=actor, action="poll.paper_count_discard", congress=poll.congress, obj=poll)
