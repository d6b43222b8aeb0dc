"""Reads of the meetings app. Live pages are always recomputed from here (``meeting_public_state``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from renda.core.models import User
from renda.core.scope import visible_congress_ids
from renda.core.templatetags.renda import cn_date
from renda.meetings import rules_law
from renda.meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Ballot,
    LeaveRequest,
    Meeting,
    Paper,
    Participant,
    ParticipantRole,
    Poll,
    PollStatus,
    PollVoter,
    Sitting,
)
from renda.org.models import Person


def meeting_list(*, user: User) -> QuerySet[Meeting]:
    """Meetings in the user's scope, and meetings the user takes part in."""
    return (
        Meeting.objects.filter(
            Q(congress_id__in=visible_congress_ids(user)) | Q(participants__person__user=user)
        )
        .distinct()
        .select_related("congress", "term", "body")
    )


def participant_of(*, user: User, meeting: Meeting | int) -> Participant | None:
    meeting_id = meeting if isinstance(meeting, int) else meeting.pk
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.select_related("person").filter(meeting_id=meeting_id, person__user=user).first()
    )


@dataclass(frozen=True)
class AttendanceCounts:
    entitled: int
    present: int
    leave: int
    absent: int
    late: int
    left: int
    attendees_present: int  # non-voting (列席), recorded apart

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def attendance_counts(*, sitting: Sitting) -> AttendanceCounts:
    entitled = Participant.objects.filter(meeting_id=sitting.meeting_id, role=ParticipantRole.VOTING).count()
    agg = Attendance.objects.filter(sitting=sitting).aggregate(
        present=Count(
            "pk",
            filter=Q(
                status=AttendanceStatus.PRESENT,
                left_at__isnull=True,
                participant__role=ParticipantRole.VOTING,
            ),
        ),
        leave=Count("pk", filter=Q(status=AttendanceStatus.LEAVE, participant__role=ParticipantRole.VOTING)),
        late=Count(
            "pk",
            filter=Q(status=AttendanceStatus.PRESENT, late=True, participant__role=ParticipantRole.VOTING),
        ),
        left=Count("pk", filter=Q(left_at__isnull=False, participant__role=ParticipantRole.VOTING)),
        attendees=Count(
            "pk",
            filter=Q(
                status=AttendanceStatus.PRESENT,
                left_at__isnull=True,
                participant__role=ParticipantRole.NON_VOTING,
            ),
        ),
    )
    present, leave = agg["present"], agg["leave"]
    return AttendanceCounts(
        entitled,
        present,
        leave,
        max(entitled - present - leave, 0),
        agg["late"],
        agg["left"],
        agg["attendees"],
    )


def current_sitting(*, meeting: Meeting) -> Sitting | None:
    open_ = meeting.sittings.filter(status=Sitting.Status.OPEN).first()
    if open_ is not None:
        return open_
    return (
        meeting.sittings.filter(status=Sitting.Status.SCHEDULED).order_by("number").first()
        or meeting.sittings.order_by("-number").first()
    )


def current_poll(*, meeting: Meeting) -> Poll | None:
    """The open poll, else the most recently closed or announced one (what the screen shows)."""
    poll = meeting.polls.filter(status=PollStatus.OPEN).first()
    if poll is not None:
        return poll
    return (
        meeting.polls.filter(status__in=[PollStatus.CLOSED, PollStatus.ANNOUNCED])
        .order_by("-closed_at", "-pk")
        .first()
    )


def voted_count(*, poll: Poll | int) -> int:
    poll_id = poll if isinstance(poll, int) else poll.pk
    return PollVoter.objects.filter(poll_id=poll_id).count()


def poll_public(poll: Poll, *, counters: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": poll.pk,
        "title": poll.title,
        "kind": poll.kind,
        "kind_label": str(poll.get_kind_display()),
        "secret": poll.secret,
        "paper": poll.paper,
        "seats": poll.seats,
        "status": poll.status,
        "status_label": str(poll.get_status_display()),
        "entitled": poll.entitled,
        "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
        "options": [{"key": str(o.pk), "label": o.label} for o in poll.options.all()],
        "revote_of": poll.revote_of_id,
    }
    if poll.status == PollStatus.OPEN and counters:
        data["voted"] = voted_count(poll=poll)
    if poll.status in (PollStatus.CLOSED, PollStatus.ANNOUNCED) and poll.result:
        data["result"] = poll.result
        data["voted"] = poll.result.get("ballots", 0)
        data["outcome"] = outcome_text(poll.result)
    return data


def outcome_text(result: dict[str, Any]) -> str:
    if result.get("void"):
        return "选举无效"
    kind = result.get("kind")
    if kind in ("election", "choice"):
        winners = [o["label"] for o in result["options"] if o.get("passed")]
        text = ("当选：" if kind == "election" else "入选：") + ("、".join(winners) if winners else "无")
        tied = [o["label"] for o in result["options"] if o.get("tied")]
        if tied:
            text += "；需另行投票：" + "、".join(tied)
        return text
    if kind == "list":
        return "；".join(f"{o['label']}{'通过' if o.get('passed') else '未通过'}" for o in result["options"])
    return "通过" if result.get("passed") else "未通过"


def meeting_public_state(*, meeting_id: int, counters: bool = True) -> dict[str, Any]:
    """Everything a hall screen shows; the same for every viewer, so it is computed once per event.
    A member's page shows no counters, so its (re)connect skips them."""
    meeting = Meeting.objects.select_related("current_item", "congress").get(pk=meeting_id)
    sitting = current_sitting(meeting=meeting)
    counts = attendance_counts(sitting=sitting) if sitting and counters else None
    quorum = (
        rules_law.quorum(meeting.kind, entitled=counts.entitled, present=counts.present)
        if counts is not None
        else None
    )
    poll = current_poll(meeting=meeting)
    item = meeting.current_item
    return {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "status": meeting.status,
            "date": cn_date(meeting.start_date),
        },
        "item": {"id": item.pk, "order": item.order, "title": item.title} if item else None,
        "sitting": {
            "id": sitting.pk,
            "title": sitting.title,
            "status": sitting.status,
            "status_label": str(sitting.get_status_display()),
        }
        if sitting
        else None,
        "attendance": counts.as_dict() if counts else None,
        "quorum": {"ok": quorum.ok, "message": quorum.message, "threshold": quorum.threshold}
        if quorum
        else None,
        "poll": poll_public(poll, counters=counters) if poll else None,
        "server_time": timezone.now().isoformat(),
    }


def member_state(*, meeting: Meeting, participant: Participant | None) -> dict[str, Any]:
    state = meeting_public_state(meeting_id=meeting.pk, counters=False)
    me: dict[str, Any] = {"participant": None}
    if participant is not None:
        me["participant"] = participant.pk
        me["voting"] = participant.role == ParticipantRole.VOTING
        sitting_id = (state.get("sitting") or {}).get("id")
        att = (
            Attendance.objects.filter(sitting_id=sitting_id, participant=participant).first()
            if sitting_id
            else None
        )
        me["checked_in"] = bool(att and att.status == AttendanceStatus.PRESENT and att.left_at is None)
        poll = state.get("poll")
        if poll:
            voter = PollVoter.objects.filter(poll_id=poll["id"], participant=participant).first()
            me["voted"] = voter is not None
            me["receipt"] = voter.receipt if voter else None
    state["me"] = me
    return state


@dataclass(frozen=True)
class MemberConnect:
    participant: Participant
    version: int  # the meeting's live version read with the participant
    me: dict[str, Any]


def _member_connect_sql() -> str:
    qn = connection.ops.quote_name
    part, meeting = Participant._meta.db_table, Meeting._meta.db_table
    person, att, voter = Person._meta.db_table, Attendance._meta.db_table, PollVoter._meta.db_table
    return (
        f"SELECT p.{qn('id')}, p.{qn('congress_id')}, p.{qn('person_id')}, p.{qn('role')}, "  # noqa: S608 - names from model metadata; values are parameters
        f"p.{qn('group')}, p.{qn('post')}, p.{qn('seat')}, m.{qn('live_version')}, "
        f"EXISTS(SELECT 1 FROM {qn(att)} a WHERE a.{qn('sitting_id')} = %s "
        f"AND a.{qn('participant_id')} = p.{qn('id')} AND a.{qn('status')} = %s "
        f"AND a.{qn('left_at')} IS NULL), "
        f"(SELECT v.{qn('receipt')} FROM {qn(voter)} v WHERE v.{qn('poll_id')} = %s "
        f"AND v.{qn('participant_id')} = p.{qn('id')}) "
        f"FROM {qn(part)} p JOIN {qn(meeting)} m ON m.{qn('id')} = p.{qn('meeting_id')} "
        f"JOIN {qn(person)} pe ON pe.{qn('id')} = p.{qn('person_id')} "
        f"WHERE p.{qn('meeting_id')} = %s AND pe.{qn('user_id')} = %s"
    )


def member_connect(
    *, user_id: int, meeting_id: int, sitting_id: int | None, poll_id: int | None
) -> MemberConnect | None:
    """A member's (re)connect in ONE query: the participant, the meeting's live version, whether
    they are checked in to ``sitting_id`` and their receipt on ``poll_id`` (the ids of the shared
    state the caller holds; it compares the version to know they are current).

    Written as SQL: this runs once per handshake, thousands of times when a hall connects, and
    building the same query through the ORM (joins, EXISTS, a subquery) cost ten times running it."""
    with connection.cursor() as cursor:
        cursor.execute(
            _member_connect_sql(), [sitting_id, AttendanceStatus.PRESENT, poll_id, meeting_id, user_id]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    pk, congress_id, person_id, role, group, post, seat, version, checked_in, receipt = row
    participant = Participant(
        id=pk,
        congress_id=congress_id,
        meeting_id=meeting_id,
        person_id=person_id,
        role=role,
        group=group,
        post=post,
        seat=seat,
    )
    participant._state.adding = False
    participant._state.db = connection.alias
    # The person as far as casting needs it (the member in person); other fields load on access.
    participant.person = Person.from_db(connection.alias, ["id", "user_id"], [person_id, user_id])
    me: dict[str, Any] = {
        "participant": pk,
        "voting": role == ParticipantRole.VOTING,
        "checked_in": bool(checked_in) if sitting_id is not None else False,
    }
    if poll_id is not None:
        me["voted"] = receipt is not None
        me["receipt"] = receipt
    return MemberConnect(participant, int(version), me)


def not_voted(*, poll: Poll) -> tuple[int, list[Participant]]:
    """Who has not yet voted: names for recorded polls, only the count for secret ones."""
    voted_ids = PollVoter.objects.filter(poll=poll).values("participant_id")
    qs = (
        Participant.objects.filter(meeting_id=poll.meeting_id, role=ParticipantRole.VOTING)
        .exclude(pk__in=voted_ids)
        .select_related("person")
    )
    count = qs.count()
    return count, ([] if poll.secret else list(qs[:500]))


def recorded_votes(*, poll: Poll) -> list[tuple[str, dict[str, Any]]]:
    """Who voted how, for recorded polls only (authorised staff)."""
    if poll.secret:
        return []
    return [
        (b.voter.person.name if b.voter else "", b.choice)
        for b in Ballot.objects.filter(poll=poll)
        .select_related("voter__person")
        .order_by("voter__person__name")
    ]


def receipts_published(*, poll: Poll) -> list[str]:
    """After close: every receipt code counted, sorted so the order says nothing."""
    if poll.status not in (PollStatus.CLOSED, PollStatus.ANNOUNCED):
        return []
    return sorted(PollVoter.objects.filter(poll=poll).values_list("receipt", flat=True))


def receipt_verify(*, poll: Poll, code: str) -> bool:
    if poll.status not in (PollStatus.CLOSED, PollStatus.ANNOUNCED):
        return False
    return PollVoter.objects.filter(poll=poll, receipt=code.strip().upper()).exists()


def attendance_rows(*, sitting: Sitting) -> list[dict[str, Any]]:
    rows = {a.participant_id: a for a in Attendance.objects.filter(sitting=sitting)}
    leaves = {lr.participant_id: lr for lr in LeaveRequest.objects.filter(sitting=sitting).order_by("pk")}
    out = []
    for p in Participant.objects.filter(meeting_id=sitting.meeting_id).select_related("person"):
        a = rows.get(p.pk)
        out.append(
            {
                "participant": p,
                "attendance": a,
                "leave": leaves.get(p.pk),
                "status": a.get_status_display() if a else AttendanceStatus.ABSENT.label,
            }
        )
    return out


def papers_with_read(*, meeting: Meeting, participant: Participant | None) -> list[tuple[Paper, bool]]:
    papers = list(
        Paper.objects.filter(item__meeting=meeting).select_related("item").order_by("item__order", "pk")
    )
    read = set()
    if participant is not None:
        read = set(participant.paper_reads.values_list("paper_id", flat=True))
    return [(p, p.pk in read) for p in papers]


def agenda_with_papers(*, meeting: Meeting) -> list[AgendaItem]:
    """Agenda items with their papers, each paper annotated with ``read_n`` (members who read it)."""
    papers = Paper.objects.annotate(read_n=Count("reads")).order_by("pk")
    return list(meeting.items.prefetch_related(Prefetch("papers", queryset=papers)))


def pending_leave_requests(*, user: User) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(
        congress_id__in=visible_congress_ids(user), status=LeaveRequest.Status.PENDING
    ).select_related("participant__person", "sitting__meeting")
