"""The live pages' shared state and the member's one-query connect; the countdown closing a poll;
committee posts shown in the reader's language; the tally from grouped ballots."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from renda.core.models import AuditEvent
from renda.meetings import live, models, rules_law, selectors, services
from renda.meetings.models import Meeting, MeetingKind, PollStatus
from tests.factories.meetings import cast, ensure_user, make_meeting, open_poll, open_sitting, voters

pytestmark = pytest.mark.django_db


def test_every_live_change_changes_the_stamp_and_the_shared_state_follows(world):
    meeting = make_meeting(world)
    sitting = open_sitting(world, meeting)
    before = Meeting.objects.get(pk=meeting.pk).live_version
    base = live.member_base(meeting.pk, version=before)
    assert base is not None and base.version == before and base.poll_id is None
    assert base.sitting_id == sitting.pk

    poll = services.poll_create(actor=world.users["staff"], meeting=meeting, kind="motion", title="决议")
    created = Meeting.objects.get(pk=meeting.pk).live_version
    services.poll_open(actor=world.users["staff"], poll=poll)
    opened = Meeting.objects.get(pk=meeting.pk).live_version
    assert len({before, created, opened}) == 3
    # The process's copy has another stamp than the database: it is rebuilt, never reused.
    fresh = live.member_base(meeting.pk, version=opened)
    assert fresh is not None and fresh.version == opened and fresh.poll_id == poll.pk
    assert '"status":"open"' in fresh.head and '"voted"' not in fresh.head
    assert live.member_base(meeting.pk, version=opened) is fresh


def test_a_recreated_meeting_never_matches_an_old_copy(world):
    """A copy built for one meeting row is not reused for another row under the same id."""
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    old = live.member_base(meeting.pk, version=Meeting.objects.get(pk=meeting.pk).live_version)
    assert old is not None
    # What a restored or re-created database looks like to this process: same id, new row.
    Meeting.objects.filter(pk=meeting.pk).update(live_version=models.new_live_stamp())
    stamp = Meeting.objects.get(pk=meeting.pk).live_version
    assert live.member_base(meeting.pk, version=stamp) is not old


def test_member_connect_reads_participant_version_check_in_and_receipt_at_once(world):
    meeting = make_meeting(world)
    sitting = open_sitting(world, meeting)
    poll = open_poll(world, meeting)
    member = voters(meeting)[2]
    user = ensure_user(member)
    receipt = cast(poll, member, {"v": "no"}).receipt

    found = selectors.member_connect(
        user_id=user.pk, meeting_id=meeting.pk, sitting_id=sitting.pk, poll_id=poll.pk
    )
    assert found is not None
    assert found.participant.pk == member.pk and found.participant.person.user_id == user.pk
    assert found.version == Meeting.objects.get(pk=meeting.pk).live_version
    assert found.me == {
        "participant": member.pk,
        "voting": True,
        "checked_in": True,
        "voted": True,
        "receipt": receipt,
    }
    other = voters(meeting)[3]
    other_user = ensure_user(other)
    me = selectors.member_connect(
        user_id=other_user.pk, meeting_id=meeting.pk, sitting_id=sitting.pk, poll_id=poll.pk
    ).me
    assert me["voted"] is False and me["receipt"] is None
    # Someone who takes no part in the meeting gets nothing.
    assert (
        selectors.member_connect(
            user_id=world.users["staff"].pk, meeting_id=meeting.pk, sitting_id=sitting.pk, poll_id=poll.pk
        )
        is None
    )


def test_member_message_is_valid_json_with_the_members_part():
    import json

    base = live.MemberBase(version=3, sitting_id=1, poll_id=2, countdown=None, head='{"poll":{"id":2}')
    msg = json.loads(live.member_message(base, {"voted": True, "receipt": "ABC"}, event="connect"))
    assert msg["type"] == "state" and msg["event"] == "connect"
    assert msg["state"]["poll"] == {"id": 2} and msg["state"]["me"]["receipt"] == "ABC"
    assert msg["state"]["server_time"]


def test_countdown_end_closes_the_poll_as_the_system(world, monkeypatch):
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    poll = open_poll(world, meeting, countdown_seconds=60)
    cast(poll, voters(meeting)[0], {"v": "yes"})
    # Time left: nothing happens.
    assert services.poll_close_expired(poll_id=poll.pk) is None
    poll.refresh_from_db()
    assert poll.status == PollStatus.OPEN

    later = timezone.now() + dt.timedelta(seconds=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    closed = services.poll_close_expired(poll_id=poll.pk)
    assert closed is not None and closed.status == PollStatus.CLOSED
    assert closed.result["ballots"] == 1
    event = AuditEvent.objects.filter(action="poll.close", object_id=str(poll.pk)).get()
    assert event.actor is None and event.actor_label == "system" and event.payload["by"] == "countdown"
    # A second process's timer finds it closed and does nothing.
    assert services.poll_close_expired(poll_id=poll.pk) is None
    assert AuditEvent.objects.filter(action="poll.close", object_id=str(poll.pk)).count() == 1


def test_a_poll_without_countdown_is_never_closed_by_the_system(world):
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    poll = open_poll(world, meeting)
    assert services.poll_close_expired(poll_id=poll.pk) is None
    poll.refresh_from_db()
    assert poll.status == PollStatus.OPEN


def test_committee_posts_are_stored_as_codes_and_shown_translated(world):
    meeting = make_meeting(world, MeetingKind.STANDING_COMMITTEE)
    rows = list(meeting.participants.all())
    assert rows and all(p.post and not p.group for p in rows)
    assert {p.post for p in rows} <= {"chair", "vice_chair", "secretary_general", "member"}
    member = next(p for p in rows if p.post == "member")
    with translation.override("zh-hans"):
        assert member.group_label == "委员"
    with translation.override("en"):
        assert member.group_label == "member"
    session = make_meeting(world, MeetingKind.CONGRESS_SESSION)
    delegate = session.participants.exclude(group="").first()
    assert delegate is not None and delegate.post == "" and delegate.group_label == delegate.group


def test_grouped_tally_equals_the_ballots_one_by_one():
    ballots = [{"v": "yes"}] * 5 + [{"v": "no"}] * 2 + [{"v": "abstain"}]
    one_by_one = rules_law.tally(kind="motion", meeting_kind="congress_session", entitled=10, ballots=ballots)
    grouped = rules_law.tally(
        kind="motion",
        meeting_kind="congress_session",
        entitled=10,
        ballots=[{"v": "yes"}, {"v": "no"}, {"v": "abstain"}],
        weights=[5, 2, 1],
    )
    assert grouped.as_dict() == one_by_one.as_dict()
    assert grouped.ballots == 8 and not grouped.passed  # 5 is not more than half of all 10
