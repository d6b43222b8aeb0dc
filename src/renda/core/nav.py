"""Navigation registry: each app registers its menu entries in ``AppConfig.ready``; the menu
shows an entry only to users who hold its permission."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    perm: str
    icon: str = "circle"
    order: int = 100
    group: str | Promise = ""


NAV: list[NavItem] = []


def register(*items: NavItem) -> None:
    for item in items:
        if item not in NAV:
            NAV.append(item)
    NAV.sort(key=lambda i: i.order)


register(
    NavItem(_("Workbench"), "core:workbench", "core.view_workbench", "house", 0),
    NavItem(_("Inbox"), "core:notifications", "core.view_notifications", "bell", 1),
    NavItem(_("Audit log"), "core:audit_log", "core.view_audit_log", "shield-check", 900, _("System")),
    NavItem(_("Rule settings"), "core:rule_settings", "core.view_rule_settings", "sliders", 910, _("System")),
)
