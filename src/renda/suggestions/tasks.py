"""Background tasks of the suggestions app (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from renda.suggestions.reminders import deadline_reminders_send


@task()
def send_deadline_reminders() -> dict[str, int]:
    count = deadline_reminders_send()
    return {"before": count.before, "overdue": count.overdue}
