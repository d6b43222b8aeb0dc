"""Core data: the congress tree (tenant), users and their role grants, the audit chain,
notifications, per-congress rule settings, API tokens and the working-day calendar."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class CongressKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    SUBDISTRICT = "subdistrict", _("Sub-district")


class Congress(models.Model):
    """One people's congress (or a sub-district working committee); the tenant of all data.

    ``path`` is a materialised path ("0001.0004.") so that a subtree is one indexed prefix query.
    """

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CongressKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent congress"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    division_code = models.CharField(_("division code"), max_length=12, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="congress_unique_name_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_standing_committee(self) -> bool:
        # Township congresses have a presidium, not a standing committee (组织法 arts 14, 19).
        return self.kind in {CongressKind.PROVINCE, CongressKind.CITY, CongressKind.COUNTY}

    @property
    def depth(self) -> int:
        return self.path.count(".")


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    STAFF = "staff", _("Congress office staff")
    LEADER = "leader", _("Leader")
    DEPUTY = "deputy", _("Deputy")
    UNIT_CLERK = "unit_clerk", _("Handling-unit clerk")
    TOWNSHIP_STAFF = "township_staff", _("Township congress staff")
    PUBLIC = "public", _("Public")


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleGrant(models.Model):
    """A role a user holds in one congress. The user's scope is the union of the granted
    congresses' subtrees (see ``renda.core.scope``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "congress"], name="rolegrant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.congress}"


class AuditChainHead(models.Model):
    """The single row locked while an audit event is appended, so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head #{self.last_seq}"


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """One audited action. Append-only: rows are never updated or deleted (see ``audit.py``)."""

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    congress = models.ForeignKey(Congress, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    congress = models.ForeignKey(Congress, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class CongressSetting(models.Model):
    """An admin's override of a rule setting (DOMAIN_RULES.md 'setting' rows) for one congress.
    Defaults and sources live in ``renda.core.rule_settings``."""

    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="settings")
    key = models.CharField(max_length=80)
    value = models.JSONField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")
        constraints = [models.UniqueConstraint(fields=["congress", "key"], name="congresssetting_unique")]

    def __str__(self) -> str:
        return f"{self.congress}: {self.key}"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SM3 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.new("sm3", raw.encode()).hexdigest()


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday or a make-up working day (调休).
    Seeded from the ``chinese_calendar`` package and editable by an admin."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"), help_text=_("Ticked: a make-up working day; not ticked: a holiday.")
    )
    name = models.CharField(_("name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'}"


class ScheduledRun(models.Model):
    """One start of a daily job (定时任务, ``renda.core.schedule``). The daily start is unique per job
    and day, so several scheduler processes, or a restart, never start a job twice on one day; a
    start by hand is recorded too and does not take the day's place."""

    job = models.CharField(_("job"), max_length=80)
    day = models.DateField(_("day"))
    manual = models.BooleanField(_("started by hand"), default=False)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_by = models.ForeignKey(
        User, verbose_name=_("started by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "day"], condition=models.Q(manual=False), name="scheduledrun_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"
