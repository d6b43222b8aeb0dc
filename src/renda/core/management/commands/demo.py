"""``renda demo``: build the demo county 示范县 (deterministic), then every app's demo loader, and
print the demo logins. ``--if-empty`` does nothing when the database already has data (make demo)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from renda.core.demo.county import DEMO_PASSWORD, build_demo
from renda.core.models import Congress


class Command(BaseCommand):
    help = "Load the demo county (示范县) with a login for every role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="skip quietly when data already exists")
        parser.add_argument(
            "--seed", type=int, default=None, help="random seed (default: the fixed demo seed)"
        )

    def handle(self, *args: Any, if_empty: bool, seed: int | None, **options: Any) -> None:
        if Congress.objects.exists():
            if if_empty:
                self.stdout.write("数据库中已有数据，跳过演示数据加载。")
                self.print_logins(None)
                return
            raise CommandError(
                "数据库中已有数据。演示数据只能加载到空数据库；请换一个空数据库，或使用 --if-empty。"
            )
        started = time.monotonic()
        kwargs = {"seed": seed} if seed is not None else {}
        result = build_demo(log=lambda msg: self.stdout.write(f"  {msg}"), **kwargs)
        self.stdout.write(
            self.style.SUCCESS(
                f"演示县“示范县”已建成（{time.monotonic() - started:.1f} 秒）；演示模块：{'、'.join(result.loaders_run) or '无'}。"
            )
        )
        self.print_logins(result.built.logins)

    def print_logins(self, logins: Any) -> None:
        from renda.core.demo.county import DEMO_LOGINS

        rows = logins or DEMO_LOGINS
        self.stdout.write("")
        self.stdout.write(f"演示账户（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write(f"  {'角色':<10}{'用户名':<12}说明")
        for login in rows:
            self.stdout.write(f"  {login.label:<10}{login.username:<12}{login.note}")
