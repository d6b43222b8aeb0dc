"""``renda scheduler``: start the daily jobs when they are due (``renda.core.schedule``). ``renda
serve`` runs it beside the server; ``--once`` checks once and exits (for cron or a test)."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from renda.core import schedule

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Start the daily jobs when they are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        stopping = threading.Event()
        if not once:
            signal.signal(signal.SIGTERM, lambda *_args: stopping.set())
            signal.signal(signal.SIGINT, lambda *_args: stopping.set())
        while True:
            try:
                for run in schedule.scheduled_runs_start():
                    self.stdout.write(f"started {run.job} for {run.day}")
                schedule.scheduled_run_statuses_refresh()
            except Exception:  # one bad check must not stop tomorrow's jobs
                if once:
                    raise
                log.exception("scheduler check failed")
            if once or stopping.wait(interval):
                return
            close_old_connections()  # a connection the database dropped while we slept
