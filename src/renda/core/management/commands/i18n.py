"""``renda i18n compile`` builds every app's .mo from its .po with polib (no system gettext
needed); ``renda i18n check`` lists message ids that have no translation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib  # type: ignore[import-untyped]
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError


def catalogues(language: str = "zh_Hans") -> list[Path]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("renda."):
            continue
        po = Path(config.path) / "locale" / language / "LC_MESSAGES" / "django.po"
        if po.exists():
            found.append(po)
    return found


def untranslated(po_path: Path) -> list[str]:
    catalogue = polib.pofile(str(po_path))
    missing = [e.msgid for e in catalogue.untranslated_entries()]
    missing += [e.msgid for e in catalogue.fuzzy_entries()]
    for entry in catalogue.translated_entries():
        if entry.msgid_plural and not all(entry.msgstr_plural.values()):
            missing.append(entry.msgid)
    return missing


class Command(BaseCommand):
    help = "Compile or check the translation catalogues."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["compile", "check"])
        parser.add_argument("--language", default="zh_Hans")

    def handle(self, *args: Any, action: str, language: str, **options: Any) -> None:
        paths = catalogues(language)
        if action == "compile":
            for po in paths:
                polib.pofile(str(po)).save_as_mofile(str(po.with_suffix(".mo")))
            self.stdout.write(f"compiled {len(paths)} catalogues")
            return
        problems = {str(po): untranslated(po) for po in paths}
        problems = {k: v for k, v in problems.items() if v}
        if problems:
            lines = [f"{path}: {', '.join(ids[:10])}" for path, ids in problems.items()]
            raise CommandError("untranslated message ids:\n" + "\n".join(lines))
        self.stdout.write(f"{len(paths)} catalogues complete")
