"""Alert handling: review → dismiss with reason, or ask for an explanation with a due date →
answer → close; the overdue list; every step audited and refused from the wrong state."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from renda.budget import selectors, services
from renda.budget.models import Alert, AlertStatus
from renda.budget.todos import budget_todos
from renda.core.models import AuditEvent
from tests.factories.budget import YEAR, pay, small_budget, write_payments


@pytest.fixture
def alert(world):
    budget = small_budget(world.county)
    write_payments(world.county, [pay(budget.lines["building"], day=dt.date(YEAR, 6, 3), amount=800000)])
    services.rules_run(
        actor=None, congress=world.county, year=YEAR, as_of=dt.date(YEAR, 12, 31), codes=["large_payment"]
    )
    return Alert.objects.get(congress=world.county)


def trail(alert):
    return list(
        AuditEvent.objects.filter(object_type="budget.alert", object_id=str(alert.pk)).values_list(
            "action", flat=True
        )
    )


def test_request_answer_close(world, alert):
    staff = world.users["staff"]
    due = timezone.localdate() + dt.timedelta(days=10)
    services.alert_request_explanation(
        actor=staff, alert=alert, recipient="县财政局", question="请说明用途", due_date=due
    )
    services.alert_answer(actor=staff, alert=alert, answer="系教学楼维修工程进度款，已附合同。")
    closed = services.alert_close(actor=staff, alert=alert, resolution="核实无误，办结。")
    assert closed.status == AlertStatus.CLOSED and closed.closed_at is not None
    assert trail(alert) == ["budget.alert_request_explanation", "budget.alert_answer", "budget.alert_close"]


def test_dismiss_needs_a_reason_and_is_final(world, alert):
    staff = world.users["staff"]
    with pytest.raises(ValidationError):
        services.alert_dismiss(actor=staff, alert=alert, reason=" ")
    services.alert_dismiss(actor=staff, alert=alert, reason="经批准的工程款")
    with pytest.raises(ValidationError):
        services.alert_answer(actor=staff, alert=alert, answer="x")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DISMISSED and trail(alert) == ["budget.alert_dismiss"]


def test_steps_refused_from_the_wrong_state(world, alert):
    staff = world.users["staff"]
    with pytest.raises(ValidationError):
        services.alert_close(actor=staff, alert=alert, resolution="x")
    with pytest.raises(ValidationError):
        services.alert_request_explanation(
            actor=staff,
            alert=alert,
            recipient="县财政局",
            question="q",
            due_date=timezone.localdate() - dt.timedelta(days=1),
        )
    assert trail(alert) == []


def test_rerun_keeps_the_handling_state(world, alert):
    services.alert_dismiss(actor=world.users["staff"], alert=alert, reason="已核实")
    services.rules_run(actor=None, congress=world.county, year=YEAR, as_of=dt.date(YEAR, 12, 31))
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.DISMISSED
    assert Alert.objects.filter(congress=world.county, rule__code="large_payment").count() == 1


def test_overdue_list_and_todos(world, alert):
    staff = world.users["staff"]
    assert [t.kind for t in budget_todos(staff)] == ["预算预警"]
    due = timezone.localdate() + dt.timedelta(days=3)
    services.alert_request_explanation(
        actor=staff, alert=alert, recipient="县教育局", question="请说明", due_date=due
    )
    assert list(selectors.overdue_alerts(user=staff)) == []
    with time_machine.travel(due + dt.timedelta(days=2)):
        assert list(selectors.overdue_alerts(user=staff)) == [alert]
        todos = budget_todos(staff)
        assert todos and todos[0].due == due
    assert budget_todos(world.users["deputy"]) == []
