"""Reads of the core app, scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core import schedule
from renda.core.models import (
    ApiToken,
    AuditEvent,
    Congress,
    Notification,
    Role,
    RoleGrant,
    ScheduledRun,
    User,
)
from renda.core.rule_settings import REGISTRY, SettingValue, setting_value
from renda.core.scope import user_roles, visible_congress_ids
from renda.core.todos import Todo


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def role_labels(*, user: User) -> list[str]:
    labels = dict(Role.choices)
    return [str(labels[r]) for r in Role.values if r in user_roles(user)]


def role_grant_list(*, user: User) -> QuerySet[RoleGrant]:
    """The user's own grants, highest congress first (the workbench's role badges)."""
    return user.role_grants.select_related("congress").order_by("congress__path", "role")


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def audit_trail(*, user: User, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Events about one object, limited to the congresses the user may see."""
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .filter(congress_id__in=visible_congress_ids(user))
        .select_related("actor", "congress")
        .order_by("-seq")
    )


def audit_log_list(*, user: User) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor", "congress").order_by("-seq")
    if Role.ADMIN in user_roles(user):
        return qs
    return qs.filter(congress_id__in=visible_congress_ids(user))


def rule_setting_values(*, congress: Congress) -> list[tuple[str, SettingValue]]:
    return [(key, setting_value(congress, key)) for key in sorted(REGISTRY)]


def greeting(*, now: dt.datetime) -> str:
    hour = now.hour
    if hour < 5:
        return _("Good evening")
    if hour < 12:
        return _("Good morning")
    if hour < 18:
        return _("Good afternoon")
    return _("Good evening")


@dataclass(frozen=True)
class WorkbenchSummary:
    todos: int
    overdue: int
    due_this_week: int
    unread: int


def workbench_summary(*, user: User, todos: Sequence[Todo], today: dt.date) -> WorkbenchSummary:
    week_end = today + dt.timedelta(days=7)
    return WorkbenchSummary(
        todos=len(todos),
        overdue=sum(1 for t in todos if t.due is not None and t.due < today),
        due_this_week=sum(1 for t in todos if t.due is not None and today <= t.due <= week_end),
        unread=notification_unread_count(user=user),
    )


@dataclass(frozen=True)
class JobState:
    name: str
    label: str
    at: dt.time
    last: ScheduledRun | None  # the last start, daily or by hand
    status_label: str
    next_start: dt.datetime
    due: bool  # its time has passed today and it has not started: the scheduler's next check starts it


def scheduled_run_list() -> QuerySet[ScheduledRun]:
    return ScheduledRun.objects.select_related("started_by")


def scheduled_jobs(*, now: dt.datetime) -> list[JobState]:
    """Every registered daily job with its last start and next start (two queries for all jobs)."""
    jobs = sorted(schedule.JOBS.values(), key=lambda j: (j.at, j.name))
    names = [j.name for j in jobs]
    latest = ScheduledRun.objects.filter(job__in=names).order_by().values("job").annotate(last_pk=Max("pk"))
    last = {r.job: r for r in ScheduledRun.objects.filter(pk__in=latest.values("last_pk"))}
    today = timezone.localtime(now).date()
    ran_today = set(
        ScheduledRun.objects.filter(job__in=names, day=today, manual=False).values_list("job", flat=True)
    )
    states = []
    for job in jobs:
        run = last.get(job.name)
        next_start = job.next_start(now, job.name in ran_today)
        status = schedule.status_label(run.status) if run else ""
        states.append(JobState(job.name, str(job.label), job.at, run, status, next_start, next_start <= now))
    return states
