"""Secret ballots: the schema and the stored rows after a secret poll hold nothing that links a
ballot to a voter — no voter id, no time, no key or storage order that follows the cast order."""

import uuid

import pytest
from django.db import connection

from renda.core.models import AuditEvent
from renda.meetings import services
from renda.meetings.models import Ballot, MeetingKind, PollVoter
from tests.factories.meetings import ensure_user, make_meeting, open_poll, open_sitting, voters

pytestmark = pytest.mark.django_db

TIME_TYPES = ("date", "time", "timestamp")


def _columns(model):
    with connection.cursor() as cursor:
        desc = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {col.name: str(col.type_code).lower() for col in desc}


def _physical_order(table: str, poll_id: int) -> list[str]:
    """Rows in storage order: SQLite's rowid, PostgreSQL's heap position (ctid)."""
    order = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE poll_id = %s ORDER BY {order}", [poll_id])  # noqa: S608
        return [str(r[0]).replace("-", "") for r in cursor.fetchall()]


def test_secret_ballots_cannot_be_linked_to_voters(world):
    meeting = make_meeting(world, MeetingKind.CONGRESS_SESSION)
    open_sitting(world, meeting)
    poll = open_poll(world, meeting, kind="election", title="选举县人大常委会主任", options=["周平"], seats=1)
    key = str(poll.options.get().pk)
    members = voters(meeting)
    cast_order = []
    for i, m in enumerate(members):
        # Each write-in name is unique, so a ballot's content reveals who cast it in which order.
        name = f"测试{i:02d}"
        cast_order.append(name)
        services.ballot_cast(
            actor=ensure_user(m),
            poll_id=poll.pk,
            participant=m,
            choice={"m": {key: "no"}, "w": [name]},
            idempotency_key=f"k{i}",
        )
    receipts = set(PollVoter.objects.filter(poll=poll).values_list("receipt", flat=True))
    services.poll_close(actor=world.users["staff"], poll=poll)

    # Schema: the ballot table has a UUID key, the poll, a voter column that a check constraint keeps
    # empty on secret polls, and the choice. Neither table has a time column or a link to the other.
    ballot_cols = _columns(Ballot)
    assert set(ballot_cols) == {"id", "poll_id", "voter_id", "secret", "choice"}
    voter_cols = _columns(PollVoter)
    assert set(voter_cols) == {"id", "poll_id", "participant_id", "receipt", "idempotency_key"}
    for model in (Ballot, PollVoter):
        for field in model._meta.concrete_fields:
            assert field.get_internal_type() not in ("DateTimeField", "DateField", "TimeField"), field
            assert not (field.is_relation and field.related_model in (Ballot, PollVoter)), field
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"

    # Rows: no voter, random version-4 keys, no receipt inside a ballot.
    rows = list(Ballot.objects.filter(poll=poll).values("id", "voter_id", "choice"))
    assert len(rows) == len(members) == len(receipts)
    assert all(r["voter_id"] is None for r in rows)
    assert all(uuid.UUID(str(r["id"])).version == 4 for r in rows)
    assert not any(rc in str(r["choice"]) for r in rows for rc in receipts)
    by_id = {str(r["id"]).replace("-", ""): r["choice"]["w"][0] for r in rows}

    # Neither the key order nor the storage order follows the cast order (the close rewrote the
    # ballots in a random order; 12! orders make a chance match negligible).
    key_order = [by_id[k] for k in sorted(by_id)]
    storage_order = [by_id[k] for k in _physical_order(Ballot._meta.db_table, poll.pk)]
    assert sorted(storage_order) == sorted(cast_order)
    assert storage_order not in (cast_order, cast_order[::-1])
    assert key_order not in (cast_order, cast_order[::-1])

    # The audit chain records opening and closing, never a cast.
    payloads = " ".join(str(e.payload) for e in AuditEvent.objects.filter(object_type="meetings.poll"))
    assert "测试" not in payloads
    assert not AuditEvent.objects.filter(action__contains="cast").exists()


def test_recorded_poll_keeps_who_voted_how(world):
    meeting = make_meeting(world)
    open_sitting(world, meeting)
    poll = open_poll(world, meeting)
    m = voters(meeting)[2]
    services.ballot_cast(
        actor=ensure_user(m), poll_id=poll.pk, participant=m, choice={"v": "no"}, idempotency_key="x"
    )
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.voter_id == m.pk and not ballot.secret
