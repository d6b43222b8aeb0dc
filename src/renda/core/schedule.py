"""Daily jobs (定时任务): work that must happen every day without anyone pressing a button, such as
reminding handling units of deadlines. Apps register jobs in ``AppConfig.ready``; ``renda
scheduler`` (started by ``renda serve``) wakes every half minute and hands each job that is due to
the task worker once a day. A missed time (server down at 08:00) is caught up when it comes back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import pgettext_lazy

from renda.core.audit import audit_log
from renda.core.models import ScheduledRun, User


@dataclass(frozen=True)
class DailyJob:
    name: str
    label: str | Promise
    task: str  # dotted path of a django-tasks task taking no arguments; it must be idempotent
    at: dt.time  # local time

    def next_start(self, now: dt.datetime, ran_today: bool) -> dt.datetime:
        today = timezone.localtime(now).date()
        day = today + dt.timedelta(days=1) if ran_today else today
        return timezone.make_aware(dt.datetime.combine(day, self.at))


JOBS: dict[str, DailyJob] = {}
UNFINISHED = ("READY", "RUNNING")
STATUS_LABELS = {
    "READY": pgettext_lazy("task", "Waiting for the worker"),
    "RUNNING": pgettext_lazy("task", "Running"),
    "FAILED": pgettext_lazy("task", "Failed"),
    "SUCCESSFUL": pgettext_lazy("task", "Done"),
}


def register_daily(name: str, label: str | Promise, task: str, at: dt.time) -> None:
    JOBS[name] = DailyJob(name, label, task, at)


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def job_label(name: str) -> str:
    job = JOBS.get(name)
    return str(job.label) if job else name


def _enqueue(run: ScheduledRun, job: DailyJob) -> None:
    result = import_string(job.task).enqueue()
    run.task_id = str(result.id)
    run.status = str(result.status)
    run.save(update_fields=["task_id", "status"])


def scheduled_runs_start(*, now: dt.datetime | None = None) -> list[ScheduledRun]:
    """Start every job whose time has come today and that has not started today. Safe to call
    from several processes at once: the day's row is unique, the loser skips the job."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    started = []
    for job in JOBS.values():
        if local.time() < job.at:
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, day=local.date())
                audit_log(actor=None, action="schedule.start", obj=run, payload={"job": job.name})
                # Enqueued inside the transaction: with the database task backend the task row
                # commits with the run, so a crash leaves neither or both.
                _enqueue(run, job)
        except IntegrityError:
            continue
        started.append(run)
    return started


def scheduled_run_start_now(*, actor: User, name: str) -> ScheduledRun:
    """Start a job at once, by hand (the job is idempotent, so this never does the work twice)."""
    job = JOBS[name]
    with transaction.atomic():
        run = ScheduledRun.objects.create(
            job=job.name, day=timezone.localdate(), manual=True, started_by=actor
        )
        audit_log(actor=actor, action="schedule.start", obj=run, payload={"job": job.name, "manual": True})
        _enqueue(run, job)
    return run


def scheduled_run_statuses_refresh() -> int:
    """Copy the task worker's status onto unfinished runs (a mirror of the worker's own record,
    so the page reads one table). Returns how many changed."""
    from django_tasks_db.models import DBTaskResult

    runs = list(ScheduledRun.objects.filter(status__in=UNFINISHED).exclude(task_id=""))
    rows = DBTaskResult.objects.filter(id__in=[r.task_id for r in runs]).values_list("id", "status")
    found = {str(pk): status for pk, status in rows}
    changed = [r for r in runs if found.get(r.task_id, r.status) != r.status]
    for run in changed:
        run.status = found[run.task_id]
    ScheduledRun.objects.bulk_update(changed, ["status"])
    return len(changed)
