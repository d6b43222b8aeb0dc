"""The demo's clock. The demo replays months of work through the same services a user's action
calls; those read the date from ``django.utils.timezone.now``, so the replay moves that clock to
each step's day. Only for ``renda demo`` (one process, one thread, nothing else running)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


class DemoClock:
    def __init__(self) -> None:
        self.moment = timezone.now()

    def set(self, day: dt.date, step: int) -> None:
        """Office hours of ``day``; ``step`` spaces the actions of one day a minute apart."""
        start = dt.datetime.combine(day, dt.time(8, 30), tzinfo=timezone.get_current_timezone())
        self.moment = start + dt.timedelta(minutes=step % 540)

    def now(self) -> dt.datetime:
        return self.moment


@contextmanager
def demo_clock() -> Iterator[DemoClock]:
    clock = DemoClock()
    with mock.patch.object(timezone, "now", clock.now):
        yield clock
