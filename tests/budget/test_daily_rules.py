"""The daily job runs the rules as of today over this year's payments: a line can fall behind the
time progress without any new import."""

import datetime as dt

import time_machine

from renda.budget import services
from renda.budget.models import Alert, RuleRun
from renda.core import schedule
from tests.factories.budget import pay, small_budget, write_payments


def test_the_daily_job_finds_a_line_falling_behind_as_time_passes(world):
    year = 2026
    budget = small_budget(world.county, year=year)
    building = budget.lines["building"]
    write_payments(budget.congress, [pay(building, day=dt.date(year, 2, 10), amount=300000)])
    # Early in the year the line is on track; by November it lags the time progress.
    with time_machine.travel(dt.datetime(year, 3, 2, 6, 30), tick=False):
        runs = services.rules_run_daily()
    assert [(r.congress_id, r.as_of, r.trigger) for r in runs] == [
        (world.county.pk, dt.date(year, 3, 2), "schedule")
    ]
    assert not Alert.objects.filter(rule__code="execution_lag").exists()
    with time_machine.travel(dt.datetime(year, 11, 2, 6, 30), tick=False):
        started = schedule.scheduled_runs_start()
    assert "budget.rules" in [r.job for r in started]
    assert Alert.objects.filter(rule__code="execution_lag", congress=world.county).exists()
    last = RuleRun.objects.latest("pk")
    assert last.as_of == dt.date(year, 11, 2) and last.get_trigger_display() == "每日定时"
    # A congress with no payments this year is left alone.
    assert world.township.pk not in RuleRun.objects.values_list("congress_id", flat=True)
