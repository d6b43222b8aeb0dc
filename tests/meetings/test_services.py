"""Meetings, attendance, quorum and the poll lifecycle through the services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from renda.core.models import AuditEvent
from renda.meetings import selectors, services
from renda.meetings.models import (
    AttendanceStatus,
    Ballot,
    LeaveRequest,
    MeetingKind,
    ParticipantRole,
    PollStatus,
    PollVoter,
)
from renda.org import services as org
from tests.factories.meetings import MEETING_DAY, ensure_user, make_meeting, open_poll, open_sitting, voters
from tests.factories.meetings import cast as _cast

pytestmark = pytest.mark.django_db


def test_participants_come_from_memberships_and_mandates_on_the_day(world):
    sc = make_meeting(world)
    assert sc.participants.filter(role=ParticipantRole.VOTING).count() == 7
    session = make_meeting(world, MeetingKind.CONGRESS_SESSION)
    assert session.participants.count() == 12
    # A mandate that ended before the meeting day does not count.
    org.mandate_end(
        actor=None, mandate=world.deputies[11], end_date=MEETING_DAY - dt.timedelta(days=1), reason="resigned"
    )
    later = make_meeting(world, MeetingKind.CONGRESS_SESSION, title="第六次会议")
    assert later.participants.count() == 11


def test_township_congress_has_no_standing_committee_meeting(world):
    with pytest.raises(ValidationError, match="乡镇人大不设常务委员会|standing committee"):
        services.meeting_create(
            actor=world.users["staff"],
            term=world.township_term,
            kind="council_of_chairpersons",
            title="x",
            start_date=MEETING_DAY,
            body=world.standing_committee,
        )


def test_sitting_refuses_to_open_without_quorum_and_says_why(world):
    meeting = make_meeting(world)  # 7 members: 过半数 is 4
    with pytest.raises(ValidationError) as exc:
        open_sitting(world, meeting, present=3)
    assert "需全体组成人员过半数出席" in exc.value.messages[0]
    assert "现出席 3 人" in exc.value.messages[0]
    sitting = meeting.sittings.get()
    services.attendance_check_in(actor=world.users["staff"], sitting=sitting, participant=voters(meeting)[3])
    services.sitting_open(actor=world.users["staff"], sitting=sitting)
    assert AuditEvent.objects.filter(action="sitting.open").count() == 1
    assert AuditEvent.objects.filter(action="attendance.check_in").count() == 4


def test_leave_request_approved_by_staff_and_counts(world):
    meeting = make_meeting(world)
    sitting = open_sitting(world, meeting, present=5)
    absent = voters(meeting)[6]
    user = ensure_user(absent)
    lr = services.leave_request_submit(actor=user, sitting=sitting, participant=absent, reason="因公出差")
    with pytest.raises(ValidationError):
        services.leave_request_submit(actor=user, sitting=sitting, participant=absent, reason="again")
    services.leave_request_decide(actor=world.users["staff"], request=lr, approve=True)
    assert LeaveRequest.objects.get().status == "approved"
    counts = selectors.attendance_counts(sitting=sitting)
    assert (counts.entitled, counts.present, counts.leave, counts.absent) == (7, 5, 1, 1)
    services.attendance_depart(actor=world.users["staff"], sitting=sitting, participant=voters(meeting)[0])
    assert selectors.attendance_counts(sitting=sitting).present == 4
    assert selectors.attendance_counts(sitting=sitting).late == 0  # checked in before the start


def test_member_checks_in_on_own_device_but_not_for_others(world):
    meeting = make_meeting(world)
    sitting = services.sitting_create(
        actor=world.users["staff"],
        meeting=meeting,
        title="",
        starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    )
    me, other = voters(meeting)[0], voters(meeting)[1]
    user = ensure_user(me)
    row = services.attendance_check_in(actor=user, sitting=sitting, participant=me)
    assert row.status == AttendanceStatus.PRESENT and row.late  # after the start
    with pytest.raises(ValidationError):
        services.attendance_check_in(actor=user, sitting=sitting, participant=other)


def test_motion_lifecycle_with_receipts_and_audit(world):
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    poll = open_poll(world, meeting)
    members = voters(meeting)
    receipts = [_cast(poll, m, {"v": "yes" if i < 4 else "no"}).receipt for i, m in enumerate(members[:6])]
    # A retried cast with the same key returns the same receipt; another key is refused.
    again = _cast(poll, members[0], {"v": "yes"})
    assert again.replayed and again.receipt == receipts[0]
    with pytest.raises(ValidationError, match="already voted|已经表决"):
        _cast(poll, members[0], {"v": "no"}, key="other")
    assert selectors.receipts_published(poll=poll) == []  # not before close
    poll = services.poll_close(actor=world.users["staff"], poll=poll)
    assert poll.status == PollStatus.CLOSED
    result = poll.result
    assert result["options"][0]["yes"] == 4 and result["options"][0]["no"] == 2
    assert result["not_voted"] == 1 and result["base"] == 7 and result["threshold"] == 4
    assert result["passed"] is True and "第五十一条" in result["rule"]["source"]
    assert selectors.receipts_published(poll=poll) == sorted(receipts)
    assert selectors.receipt_verify(poll=poll, code=receipts[3].lower())
    assert not selectors.receipt_verify(poll=poll, code="0000000000")
    with pytest.raises(ValidationError, match="closed|已结束"):
        _cast(poll, members[6], {"v": "yes"})
    services.poll_announce(actor=world.users["staff"], poll=poll)
    with pytest.raises(ValidationError):
        services.poll_announce(actor=world.users["staff"], poll=poll)
    actions = list(AuditEvent.objects.filter(object_type="meetings.poll").values_list("action", flat=True))
    assert actions == ["poll.create", "poll.open", "poll.close", "poll.announce"]
    # A re-vote is a new poll linked to the first, which stays as it was.
    revote = services.poll_revote(actor=world.users["staff"], poll=poll)
    assert revote.revote_of_id == poll.pk and revote.status == PollStatus.DRAFT
    poll.refresh_from_db()
    assert poll.status == PollStatus.ANNOUNCED and poll.result == result


def test_vote_cannot_start_without_quorum(world):
    meeting = make_meeting(world)
    sitting = open_sitting(world, meeting, present=4)
    services.attendance_depart(actor=world.users["staff"], sitting=sitting, participant=voters(meeting)[0])
    with pytest.raises(ValidationError, match="现出席 3 人"):
        open_poll(world, meeting)


def test_member_must_be_checked_in_and_entitled(world):
    meeting = make_meeting(world)
    open_sitting(world, meeting, present=5)
    poll = open_poll(world, meeting)
    with pytest.raises(ValidationError, match="check in|签到"):
        _cast(poll, voters(meeting)[6], {"v": "yes"})
    other = make_meeting(world, title="另一次会议")
    with pytest.raises(ValidationError, match="entitled|无权"):
        _cast(poll, voters(other)[0], {"v": "yes"})
    assert Ballot.objects.count() == 0 and PollVoter.objects.count() == 0


def test_election_with_write_in_and_runoff(world):
    meeting = make_meeting(world, MeetingKind.CONGRESS_SESSION)
    open_sitting(world, meeting)
    poll = open_poll(
        world,
        meeting,
        kind="election",
        title="选举县人民政府县长",
        options=["王明", "李华"],
        seats=1,
        secret=False,
    )
    assert poll.secret  # elections are always secret
    keys = [str(k) for k in poll.options.values_list("pk", flat=True)]
    members = voters(meeting)
    for i, m in enumerate(members):
        if i < 5:
            choice = {"m": {keys[0]: "yes", keys[1]: "no"}, "w": []}
        elif i < 10:
            choice = {"m": {keys[0]: "no", keys[1]: "yes"}, "w": []}
        else:
            choice = {"m": {keys[0]: "no", keys[1]: "no"}, "w": ["赵六"]}
        _cast(poll, m, choice)
    poll = services.poll_close(actor=world.users["staff"], poll=poll)
    # 12 deputies: nobody reaches 7 votes, so nobody is elected.
    assert not poll.result["passed"]
    assert {o["label"]: o["yes"] for o in poll.result["options"]} == {"王明": 5, "李华": 5, "赵六（另选）": 2}


def test_paper_count_double_entry(world, client_for):
    meeting = make_meeting(world, MeetingKind.CONGRESS_SESSION)
    open_sitting(world, meeting)
    poll = open_poll(
        world, meeting, kind="election", title="选举县监察委员会主任", options=["陈刚"], seats=1, paper=True
    )
    key = str(poll.options.get().pk)
    counts = {
        "issued": 12,
        "returned": 12,
        "invalid": 1,
        "options": {key: {"yes": 10, "no": 1, "abstain": 0}},
        "write_ins": {},
    }
    staff, admin = world.users["staff"], world.users["admin"]
    with pytest.raises(ValidationError, match="two clerks|二人|复核"):
        services.poll_close(actor=staff, poll=poll)
    services.paper_count_enter(actor=staff, poll=poll, counts=counts)
    with pytest.raises(ValidationError, match="second clerk|另一名"):
        services.paper_count_enter(actor=staff, poll=poll, counts=counts)
    wrong = {**counts, "options": {key: {"yes": 9, "no": 2, "abstain": 0}}}
    with pytest.raises(ValidationError, match="陈刚"):
        services.paper_count_enter(actor=admin, poll=poll, counts=wrong)
    assert poll.paper_counts.count() == 1  # a mismatch changes nothing
    with pytest.raises(ValidationError):
        services.paper_count_enter(actor=admin, poll=poll, counts={**counts, "issued": "十二"})
    services.paper_count_enter(actor=admin, poll=poll, counts=counts)
    poll = services.poll_close(actor=staff, poll=poll)
    assert poll.result["passed"] and poll.result["invalid"] == 1 and poll.result["ballots"] == 12
    assert AuditEvent.objects.filter(action="poll.paper_count").count() == 2


def test_countdown_expiry_refuses_late_ballots(world, monkeypatch):
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    poll = open_poll(world, meeting, countdown_seconds=60)
    from django.utils import timezone

    later = timezone.now() + dt.timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(ValidationError):
        _cast(poll, voters(meeting)[0], {"v": "yes"})


def test_public_state_and_member_state(world):
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    item = services.agenda_item_add(actor=world.users["staff"], meeting=meeting, title="审议决算报告")
    services.meeting_set_current_item(actor=world.users["staff"], meeting=meeting, item=item)
    poll = open_poll(world, meeting)
    _cast(poll, voters(meeting)[0], {"v": "abstain"})
    state = selectors.meeting_public_state(meeting_id=meeting.pk)
    assert state["item"]["title"] == "审议决算报告"
    assert state["poll"]["voted"] == 1 and state["poll"]["entitled"] == 7
    assert state["attendance"]["present"] == 7 and state["quorum"]["ok"]
    me = selectors.member_state(meeting=meeting, participant=voters(meeting)[0])["me"]
    assert me["voted"] and me["checked_in"] and me["receipt"]
