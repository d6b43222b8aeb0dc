"""The demo loader builds, on the county of a DemoContext, a standing committee meeting with agenda
and papers and a congress session with an election, and both can be run."""

import pytest

from renda.core.demo import LOADERS, DemoContext
from renda.meetings import demo, services
from renda.meetings.models import MeetingKind, PollStatus
from tests.factories.meetings import check_in, voters

pytestmark = pytest.mark.django_db


def test_demo_loader_is_registered_and_ready_to_run(world):
    assert any(name == "meetings" for _order, name, _fn in LOADERS)
    ctx = DemoContext(
        county=world.county,
        townships=[world.township, world.other_township],
        term=world.term,
        users=world.users,
    )
    demo.load(ctx)
    sc = world.county.meetings.get(kind=MeetingKind.STANDING_COMMITTEE)
    session = world.county.meetings.get(kind=MeetingKind.CONGRESS_SESSION)
    assert sc.items.count() == 3 and sum(i.papers.count() for i in sc.items.all()) == 4
    assert sc.participants.count() == 7 and session.participants.count() == 12
    assert session.polls.filter(kind="election").count() == 2
    assert sc.polls.get(kind="list").secret  # appointments: anonymous by default
    # Run the session: check everyone in, open the sitting and the election.
    sitting = session.sittings.get()
    check_in(world, sitting, voters(session))
    services.sitting_open(actor=world.users["staff"], sitting=sitting)
    election = session.polls.filter(kind="election").first()
    assert services.poll_open(actor=world.users["staff"], poll=election).status == PollStatus.OPEN
