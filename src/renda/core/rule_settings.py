"""Registry of the rule settings of DOMAIN_RULES.md (the rows marked 'setting').

Each app defines its settings once, with the default and its source; an admin may override a
value per congress (``CongressSetting``), and a township inherits its county's override. Every
deadline or result computed with a setting can record the ``SettingValue`` it used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from renda.core.models import Congress, CongressSetting


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    default: Any
    label: str | Promise
    source: str
    choices: tuple[tuple[Any, str | Promise], ...] = ()


@dataclass(frozen=True)
class SettingValue:
    key: str
    value: Any
    is_default: bool
    set_at: str  # name of the congress whose override applies, or "default"
    source: str

    def as_record(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "default": self.is_default, "set_at": self.set_at}


REGISTRY: dict[str, SettingDefinition] = {}


def define_setting(
    key: str,
    *,
    default: Any,
    label: str | Promise,
    source: str,
    choices: tuple[tuple[Any, str | Promise], ...] = (),
) -> SettingDefinition:
    definition = SettingDefinition(key, default, label, source, choices)
    existing = REGISTRY.get(key)
    if existing is not None and existing != definition:
        raise ValueError(f"rule setting {key} defined twice")
    REGISTRY[key] = definition
    return definition


def ancestor_ids(congress: Congress) -> list[int]:
    """The congress and its ancestors, nearest first, read from the materialised path."""
    ids = [int(part) for part in congress.path.split(".") if part]
    return list(reversed(ids)) or [congress.pk]


def setting_value(congress: Congress, key: str) -> SettingValue:
    definition = REGISTRY[key]
    chain = ancestor_ids(congress)
    overrides = {
        row.congress_id: row
        for row in CongressSetting.objects.filter(key=key, congress_id__in=chain).select_related("congress")
    }
    for congress_id in chain:
        row = overrides.get(congress_id)
        if row is not None:
            return SettingValue(key, row.value, False, row.congress.name, definition.source)
    return SettingValue(key, definition.default, True, "default", definition.source)
