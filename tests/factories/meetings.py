"""Meetings built through the services: a standing committee meeting and a congress session,
each with a sitting in session and members checked in."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from renda.meetings import services
from renda.meetings.models import Meeting, MeetingKind, Participant, ParticipantRole, Poll, Sitting
from tests.factories.world import World

MEETING_DAY = dt.date(2026, 3, 5)


def make_meeting(world: World, kind: str = MeetingKind.STANDING_COMMITTEE, title: str = "") -> Meeting:
    body = world.standing_committee if kind in (MeetingKind.STANDING_COMMITTEE,) else None
    title = title or (
        "县第十八届人大常委会第二十次会议"
        if kind == MeetingKind.STANDING_COMMITTEE
        else "县第十八届人民代表大会第五次会议"
    )
    return services.meeting_create(
        actor=world.users["staff"],
        term=world.term,
        kind=kind,
        title=title,
        start_date=MEETING_DAY,
        end_date=MEETING_DAY,
        body=body,
        venue="县人大常委会会议室",
    )


def voters(meeting: Meeting) -> list[Participant]:
    return list(
        meeting.participants.filter(role=ParticipantRole.VOTING)
        .select_related("person", "person__user")
        .order_by("pk")
    )


def check_in(world: World, sitting: Sitting, participants: list[Participant]) -> None:
    for p in participants:
        services.attendance_check_in(actor=world.users["staff"], sitting=sitting, participant=p)


def open_sitting(world: World, meeting: Meeting, present: int | None = None) -> Sitting:
    sitting = services.sitting_create(
        actor=world.users["staff"],
        meeting=meeting,
        title="第一次全体会议",
        starts_at=timezone.now() + dt.timedelta(hours=1),
    )
    members = voters(meeting)
    check_in(world, sitting, members if present is None else members[:present])
    services.sitting_open(actor=world.users["staff"], sitting=sitting)
    return sitting


def open_poll(world: World, meeting: Meeting, kind: str = "motion", **kwargs: object) -> Poll:
    poll = services.poll_create(
        actor=world.users["staff"],
        meeting=meeting,
        kind=kind,
        title=kwargs.pop("title", "关于批准2025年县级决算的决议（草案）"),
        **kwargs,
    )  # type: ignore[arg-type]
    return services.poll_open(actor=world.users["staff"], poll=poll)


def ensure_user(participant: Participant):  # type: ignore[no-untyped-def]
    """Give a member a login (the world links only the first deputy)."""
    from renda.org import services as org
    from tests.factories.world import make_user

    person = participant.person
    if person.user_id is None:
        user = make_user(f"m{person.pk}", None, None, person.name)
        org.person_link_user(actor=None, person=person, user=user)
        person.refresh_from_db()
        participant.person = person
    return person.user


def cast(poll: Poll, participant: Participant, choice: dict[str, object], key: str = "k1"):  # type: ignore[no-untyped-def]
    """The member casts in person (a login is made for them first)."""
    user = ensure_user(participant)
    return services.ballot_cast(
        actor=user, poll_id=poll.pk, participant=participant, choice=choice, idempotency_key=key
    )
