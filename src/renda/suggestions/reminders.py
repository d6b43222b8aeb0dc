"""Reminders before each due date and when it passes, to the unit's clerks and the office staff.
Each deadline is marked when reminded, so running the job again sends nothing twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.audit import audit_log
from renda.core.services import notification_send
from renda.core.templatetags.renda import cn_date
from renda.suggestions.deadlines import remind_days
from renda.suggestions.models import Deadline, DeadlineKind
from renda.suggestions.services.common import clerks_of, detail_url, staff_of

KINDS = (DeadlineKind.REPLY, DeadlineKind.OPINION, DeadlineKind.REHANDLE)


@dataclass
class ReminderCount:
    before: int = 0
    overdue: int = 0


def deadline_reminders_send(*, today: dt.date | None = None) -> ReminderCount:
    today = today or timezone.localdate()
    count = ReminderCount()
    open_rows = Deadline.objects.filter(met_on__isnull=True, cancelled=False, kind__in=KINDS).select_related(
        "suggestion__congress", "assignment__unit__organ"
    )
    horizon: dict[int, int] = {}
    for row in open_rows.filter(
        reminded_overdue_at__isnull=True, due_date__lte=today + dt.timedelta(days=60)
    ):
        congress = row.suggestion.congress
        days = horizon.setdefault(congress.pk, remind_days(congress))
        overdue = row.due_date < today
        if not overdue and (
            row.reminded_before_at is not None or row.due_date > today + dt.timedelta(days=days)
        ):
            continue
        with transaction.atomic():
            locked = Deadline.objects.select_for_update().get(pk=row.pk)
            if (overdue and locked.reminded_overdue_at) or (not overdue and locked.reminded_before_at):
                continue
            s = row.suggestion
            unit_ids = [row.assignment.unit_id] if row.assignment is not None else []
            if overdue:
                title = _("Overdue since %(d)s: %(t)s") % {"d": cn_date(row.due_date), "t": s.title}
                recipients = clerks_of(unit_ids) + staff_of(congress)
                locked.reminded_overdue_at = timezone.now()
                count.overdue += 1
            else:
                title = _("Due on %(d)s: %(t)s") % {"d": cn_date(row.due_date), "t": s.title}
                recipients = clerks_of(unit_ids)
                locked.reminded_before_at = timezone.now()
                count.before += 1
            locked.save(update_fields=["reminded_overdue_at", "reminded_before_at"])
            audit_log(
                actor=None,
                action="suggestion.reminder",
                congress=congress,
                obj=s,
                payload={"deadline": row.pk, "kind": row.kind, "overdue": overdue},
            )
            if recipients:
                notification_send(
                    actor=None,
                    recipients=recipients,
                    kind="suggestion.reminder",
                    title=title,
                    body=row.rule,
                    url=detail_url(s),
                    congress=congress,
                )
    return count
