"""Daily jobs: started once a day at their time, caught up after a stop, never twice on one day
even from two schedulers; by hand on the page; the task worker's status shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from renda.core import schedule
from renda.core.models import AuditEvent, ScheduledRun

pytestmark = pytest.mark.django_db
JOB = "suggestions.deadline_reminders"


@pytest.fixture(autouse=True)
def only_the_reminders(monkeypatch):  # type: ignore[no-untyped-def]
    """The other apps' jobs (and their times) stay out of these tests."""
    monkeypatch.setattr(schedule, "JOBS", {JOB: schedule.JOBS[JOB]})


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def test_the_reminder_job_is_registered_for_eight_in_the_morning():
    job = schedule.JOBS[JOB]
    assert job.at == dt.time(8, 0)
    assert str(job.label) == "向承办单位发送办理时限提醒"


def test_a_job_starts_at_its_time_once_a_day_and_again_the_next_day(world):
    day = dt.date(2026, 11, 30)
    assert schedule.scheduled_runs_start(now=at(day, 7, 59)) == []
    started = schedule.scheduled_runs_start(now=at(day, 8, 0))
    assert [(r.job, r.day, r.manual) for r in started] == [(JOB, day, False)]
    # The immediate backend of the tests ran the task inside the start.
    assert started[0].status == "SUCCESSFUL" and started[0].task_id
    assert schedule.scheduled_runs_start(now=at(day, 8, 1)) == []
    assert schedule.scheduled_runs_start(now=at(day, 23, 59)) == []
    # Down all morning the next day: caught up in the afternoon.
    later = schedule.scheduled_runs_start(now=at(day + dt.timedelta(days=1), 15, 30))
    assert [r.day for r in later] == [day + dt.timedelta(days=1)]
    events = AuditEvent.objects.filter(action="schedule.start")
    assert events.count() == 2 and all(e.payload == {"job": JOB} for e in events)


def test_the_day_is_unique_so_a_second_scheduler_starts_nothing(world):
    day = dt.date(2026, 11, 30)
    ScheduledRun.objects.create(job=JOB, day=day)  # another process got there first
    assert schedule.scheduled_runs_start(now=at(day, 9)) == []
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledRun.objects.create(job=JOB, day=day)
    # A start by hand does not take the day's place.
    ScheduledRun.objects.create(job=JOB, day=day + dt.timedelta(days=1), manual=True)
    assert len(schedule.scheduled_runs_start(now=at(day + dt.timedelta(days=1), 9))) == 1


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_page_shows_the_workers_status(world):
    from django_tasks_db.models import DBTaskResult

    day = timezone.localdate()
    run = schedule.scheduled_run_start_now(actor=world.users["admin"], name=JOB)
    assert run.status == "READY" and run.manual and run.day == day
    assert schedule.scheduled_run_statuses_refresh() == 0
    DBTaskResult.objects.filter(id=run.task_id).update(status="SUCCESSFUL")
    assert schedule.scheduled_run_statuses_refresh() == 1
    run.refresh_from_db()
    assert run.status == "SUCCESSFUL"


def test_admin_starts_a_job_by_hand_from_the_page(world, client_for):
    client = client_for("admin")
    page = client.get(reverse("core:schedule")).content.decode()
    assert "定时任务" in page and "向承办单位发送办理时限提醒" in page and "08:00" in page
    response = client.post(reverse("core:schedule_run", kwargs={"name": JOB}), follow=True)
    assert "已交给后台任务执行" in response.content.decode()
    run = ScheduledRun.objects.get()
    assert run.manual and run.started_by == world.users["admin"] and run.status == "SUCCESSFUL"
    event = AuditEvent.objects.get(action="schedule.start")
    assert event.actor == world.users["admin"] and event.payload["manual"] is True
    assert client.post(reverse("core:schedule_run", kwargs={"name": "no.such.job"})).status_code == 404
    export = client.get(reverse("core:schedule") + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_scheduler_command_checks_once(world, time_machine):
    time_machine.move_to(at(dt.date(2026, 12, 1), 8, 30), tick=False)
    call_command("scheduler", "--once")
    assert ScheduledRun.objects.filter(job=JOB, day=dt.date(2026, 12, 1), manual=False).exists()
    call_command("scheduler", "--once")
    assert ScheduledRun.objects.count() == 1


def test_the_page_says_when_each_job_starts_next(world, client_for, time_machine):
    day = dt.date(2026, 12, 1)
    time_machine.move_to(at(day, 7, 0), tick=False)
    client = client_for("admin")
    assert "2026年12月1日 08:00" in client.get(reverse("core:schedule")).content.decode()
    time_machine.move_to(at(day, 9, 0), tick=False)
    assert "调度程序下次检查时" in client.get(reverse("core:schedule")).content.decode()
    schedule.scheduled_runs_start()
    assert "2026年12月2日 08:00" in client.get(reverse("core:schedule")).content.decode()


def test_the_jobs_overview_takes_two_queries_whatever_the_number_of_jobs(
    world, monkeypatch, django_assert_num_queries
):
    from renda.core import selectors

    other = schedule.DailyJob("other.job", "另一项任务", schedule.JOBS[JOB].task, dt.time(6, 0))
    monkeypatch.setattr(schedule, "JOBS", {JOB: schedule.JOBS[JOB], other.name: other})
    now = at(dt.date(2026, 12, 1), 9)
    schedule.scheduled_runs_start(now=now)
    with django_assert_num_queries(2):
        states = selectors.scheduled_jobs(now=now)
    assert [(s.name, s.last is not None, s.due) for s in states] == [
        ("other.job", True, False),
        (JOB, True, False),
    ]
