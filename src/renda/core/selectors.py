"""Reads of the core app, scoped to the acting user."""

from __future__ import annotations

from django.db.models import QuerySet

from renda.core.models import AuditEvent, Congress, Notification, Role, User
from renda.core.rule_settings import REGISTRY, SettingValue, setting_value
from renda.core.scope import user_roles, visible_congress_ids


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def role_labels(*, user: User) -> list[str]:
    labels = dict(Role.choices)
    return [str(labels[r]) for r in Role.values if r in user_roles(user)]


def audit_trail(*, user: User, object_type: str, object_id: str) -> QuerySet[AuditEvent]:
    """Events about one object, limited to the congresses the user may see."""
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .filter(congress_id__in=visible_congress_ids(user))
        .select_related("actor", "congress")
        .order_by("-seq")
    )


def audit_log_list(*, user: User) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.select_related("actor", "congress").order_by("-seq")
    if Role.ADMIN in user_roles(user):
        return qs
    return qs.filter(congress_id__in=visible_congress_ids(user))


def rule_setting_values(*, congress: Congress) -> list[tuple[str, SettingValue]]:
    return [(key, setting_value(congress, key)) for key in sorted(REGISTRY)]
