"""``renda calendar seed [--year Y ...]``: load public holidays and make-up working days (调休)
from the chinese_calendar package into the working-day calendar (default: this year and next)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from renda.core.services import calendar_seed


class Command(BaseCommand):
    help = "Working-day calendar: 'seed' loads holidays and make-up days for the given years."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["seed"])
        parser.add_argument("--year", type=int, action="append", help="year to load (repeatable)")

    def handle(self, *args: Any, action: str, year: list[int] | None, **options: Any) -> None:
        this_year = timezone.localdate().year
        for y in year or [this_year, this_year + 1]:
            result = calendar_seed(actor=None, year=y)
            if result.known:
                self.stdout.write(f"{y} 年：新增 {result.created} 个节假日或调休日。")
            else:
                self.stdout.write(
                    self.style.WARNING(
                        f"{y} 年：chinese_calendar 尚未收录该年安排（国务院通常在上一年年底公布），"
                        "请在系统管理的“工作日历”中手工录入，或升级该软件包后重新运行。"
                    )
                )
