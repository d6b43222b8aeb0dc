"""``renda audit verify``: walk the audit chain and name the first event that does not match."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from renda.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit chain tools: 'verify' checks every event's hash and link."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"审计链校验失败：第 {result.first_bad_seq} 号事件不一致（{result.reason}）；此前 {result.checked} 条正常。"
            )
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共 {result.checked} 条事件，全部校验通过。"))
