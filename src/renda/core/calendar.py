"""Working days: Monday to Friday, except the public holidays and make-up days in ``CalendarDay``
(DOMAIN_RULES.md, 'Working days')."""

from __future__ import annotations

import datetime as dt

from renda.core.models import CalendarDay


def _exceptions(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    return dict(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


def is_workday(day: dt.date) -> bool:
    exception = _exceptions(day, day).get(day)
    return exception if exception is not None else day.weekday() < 5


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    window = _exceptions(start, start + dt.timedelta(days=days * 3 + 30))
    current, remaining = start, days
    while remaining > 0:
        current += dt.timedelta(days=1)
        exception = window.get(current)
        if exception if exception is not None else current.weekday() < 5:
            remaining -= 1
    return current
