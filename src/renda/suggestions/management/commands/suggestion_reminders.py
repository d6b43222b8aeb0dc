"""``renda suggestion_reminders``: remind units before due dates and when they pass (idempotent;
run it daily from the task worker or cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from renda.suggestions.reminders import deadline_reminders_send


class Command(BaseCommand):
    help = "Send reminders for suggestion deadlines that are near or passed."

    def handle(self, *args: Any, **options: Any) -> None:
        count = deadline_reminders_send()
        self.stdout.write(f"reminders: {count.before} before due, {count.overdue} overdue")
