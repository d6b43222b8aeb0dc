"""One voter, one ballot, enforced by the database even when many casts for the same voter arrive
at once. Runs on SQLite and on PostgreSQL (DATABASE_URL); on PostgreSQL the casts run truly in
parallel, each thread on its own connection."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from renda.meetings import services
from renda.meetings.models import Ballot, PollVoter
from tests.factories.meetings import ensure_user, make_meeting, open_poll, open_sitting, voters

THREADS = 16


def _fire(poll, participant, user, keys):
    barrier = threading.Barrier(len(keys))
    results: list[object] = [None] * len(keys)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            results[i] = services.ballot_cast(
                actor=user,
                poll_id=poll.pk,
                participant=participant,
                choice={"v": "yes"},
                idempotency_key=keys[i],
            )
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(keys))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_casts_for_one_voter_store_exactly_one_ballot(world):
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    poll = open_poll(world, meeting)
    member = voters(meeting)[1]
    user = ensure_user(member)
    results = _fire(poll, member, user, [f"key-{i}" for i in range(THREADS)])
    receipts = [r for r in results if isinstance(r, services.CastReceipt)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    errors = [r for r in results if not isinstance(r, (services.CastReceipt, ValidationError))]
    assert errors == []
    assert len(receipts) == 1, results
    assert len(refused) == THREADS - 1, results
    assert all("already voted" in str(e) or "已经表决" in str(e) for e in refused)
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert PollVoter.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_return_one_receipt(world):
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    poll = open_poll(world, meeting)
    member = voters(meeting)[2]
    user = ensure_user(member)
    results = _fire(poll, member, user, ["same-key"] * THREADS)
    assert all(isinstance(r, services.CastReceipt) for r in results), results
    assert len({r.receipt for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert Ballot.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db
def test_group_commit_applies_the_same_rules(world):
    meeting = make_meeting(world)
    open_sitting(world, meeting, present=6)
    poll = open_poll(world, meeting)
    members = voters(meeting)
    users = [ensure_user(m) for m in members]
    first = services.ballot_cast(
        actor=users[0], poll_id=poll.pk, participant=members[0], choice={"v": "yes"}, idempotency_key="k0"
    )
    req = services.CastRequest
    out = services.ballot_cast_many(
        requests=[
            req(users[0], poll.pk, members[0], {"v": "yes"}, "k0"),  # retry of an earlier cast
            req(users[0], poll.pk, members[0], {"v": "no"}, "other"),  # second ballot: refused
            req(users[1], poll.pk, members[1], {"v": "no"}, "k1"),
            req(users[1], poll.pk, members[1], {"v": "no"}, "k1"),  # same member twice in a batch, same key
            req(users[2], poll.pk, members[2], {"v": "no"}, "k2"),
            req(users[2], poll.pk, members[2], {"v": "yes"}, "k2b"),  # same member twice, another key
            req(users[3], poll.pk, members[3], {"v": "maybe"}, "k3"),  # malformed
            req(users[6], poll.pk, members[6], {"v": "yes"}, "k6"),  # not checked in
            req(users[5], poll.pk, members[4], {"v": "yes"}, "k4"),  # someone else's seat
        ]
    )
    assert out[0] == services.CastReceipt(first.receipt, True)
    assert "已经表决" in str(out[1])
    assert isinstance(out[2], services.CastReceipt) and out[3] == services.CastReceipt(out[2].receipt, True)
    assert isinstance(out[4], services.CastReceipt) and "已经表决" in str(out[5])
    assert "赞成、反对或弃权" in str(out[6])
    assert "check in" in str(out[7]) or "签到" in str(out[7])
    assert "in person" in str(out[8]) or "本人" in str(out[8])
    assert Ballot.objects.filter(poll=poll).count() == PollVoter.objects.filter(poll=poll).count() == 3
    services.poll_close(actor=world.users["staff"], poll=poll)
    late = services.ballot_cast_many(requests=[req(users[5], poll.pk, members[5], {"v": "yes"}, "k5")])
    assert "closed" in str(late[0]) or "已结束" in str(late[0])
