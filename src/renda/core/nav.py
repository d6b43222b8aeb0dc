"""Navigation registry: each app registers its menu entries in ``AppConfig.ready``; the menu
shows an entry only to users who hold its permission. Workbench quick links work the same way
(``renda.core.todos.register_quick_link``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from renda.core.todos import QuickLink, register_quick_link


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


SYSTEM = _("System")

register(
    NavItem(_("Workbench"), "core:workbench", "core.view_workbench", "house", 0),
    NavItem(_("Inbox"), "core:notifications", "core.view_notifications", "bell", 1),
    NavItem(_("Audit log"), "core:audit_log", "core.view_audit_log", "shield-check", 900, SYSTEM),
    NavItem(_("Rule settings"), "core:rule_settings", "core.view_rule_settings", "sliders", 910, SYSTEM),
    NavItem(_("Scheduled jobs"), "core:schedule", "core.view_schedule", "clock-history", 920, SYSTEM),
    NavItem(
        _("Users and roles"), "admin:core_user_changelist", "core.use_admin_site", "people-fill", 920, SYSTEM
    ),
    NavItem(
        _("Working-day calendar"),
        "admin:core_calendarday_changelist",
        "core.use_admin_site",
        "calendar-week",
        930,
        SYSTEM,
    ),
)

register_quick_link(
    QuickLink(
        _("Inbox"), "core:notifications", "core.view_notifications", "bell", 10, _("Notices and reminders")
    ),
    QuickLink(
        _("Users and roles"),
        "admin:core_user_changelist",
        "core.use_admin_site",
        "people-fill",
        20,
        _("Accounts, role grants, lock-outs"),
    ),
    QuickLink(
        _("Audit log"),
        "core:audit_log",
        "core.view_audit_log",
        "shield-check",
        80,
        _("Who did what, and when"),
    ),
    QuickLink(
        _("Rule settings"),
        "core:rule_settings",
        "core.view_rule_settings",
        "sliders",
        85,
        _("Local time limits and options"),
    ),
    QuickLink(_("API tokens"), "core:tokens", "core.manage_tokens", "key", 95, _("Connect other systems")),
    QuickLink(
        _("Change password"),
        "core:password_change",
        "core.change_own_password",
        "lock",
        99,
        _("Keep your account safe"),
    ),
)
