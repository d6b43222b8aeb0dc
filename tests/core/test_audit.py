import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from renda.core import services
from renda.core.audit import audit_log, audit_verify
from renda.core.models import AuditEvent, CongressKind

pytestmark = pytest.mark.django_db


def _make_events(n: int = 5) -> None:
    for i in range(n):
        services.congress_create(actor=None, name=f"测试县{i}", kind=CongressKind.COUNTY)


def test_chain_links_each_event_to_the_previous():
    _make_events(3)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == "0" * 64
    for prev, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == prev.hash
    assert audit_verify().ok


def test_verify_names_the_first_tampered_event():
    _make_events(5)
    target = AuditEvent.objects.get(seq=3)
    with connection.cursor() as cursor:  # edit the row behind the application's back
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET action = %s WHERE id = %s",  # noqa: S608
            ["congress.delete", target.pk],
        )
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == 3
    assert result.checked == 2
    with pytest.raises(CommandError, match="第 3 号事件"):
        call_command("audit", "verify")


def test_verify_detects_a_deleted_event():
    _make_events(4)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = 2")  # noqa: S608
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 2


def test_events_cannot_be_changed_or_deleted_through_the_orm():
    _make_events(1)
    event = AuditEvent.objects.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="x")


@pytest.mark.django_db(transaction=True)
def test_audit_log_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit_log(actor=None, action="x")


def test_payload_is_stored_exactly_as_hashed():
    import datetime as dt
    from decimal import Decimal

    with transaction.atomic():
        audit_log(actor=None, action="test.payload", payload={"d": dt.date(2026, 3, 5), "m": Decimal("1.50")})
    event = AuditEvent.objects.get(action="test.payload")
    assert event.payload == {"d": "2026-03-05", "m": "1.50"}
    assert audit_verify().ok


def test_verify_command_reports_success(capsys):
    _make_events(2)
    call_command("audit", "verify")
    assert "全部校验通过" in capsys.readouterr().out
