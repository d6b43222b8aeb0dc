"""Every state change of the core app. Each function runs in one transaction, checks the state it
starts from, appends one audit event and sends messages only after commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core import outbound
from renda.core.audit import audit_log
from renda.core.models import (
    ApiToken,
    CalendarDay,
    Congress,
    CongressSetting,
    Notification,
    Role,
    RoleGrant,
    User,
)
from renda.core.rule_settings import REGISTRY
from renda.core.scope import reset_cache


def congress_create(
    *, actor: User | None, name: str, kind: str, parent: Congress | None = None, short_name: str = "",
    division_code: str = "", order: int = 0,
) -> Congress:
    with transaction.atomic():
        congress = Congress.objects.create(
            name=name, kind=kind, parent=parent, short_name=short_name, division_code=division_code, order=order
        )
        congress.path = f"{parent.path if parent else ''}{congress.pk:06d}."
        congress.save(update_fields=["path"])
        audit_log(actor=actor, action="congress.create", congress=congress, obj=congress,
                  payload={"name": name, "kind": kind, "parent": parent.pk if parent else None})
    return congress


def user_create(
    *, actor: User | None, username: str, password: str | None, display_name: str = "",
    grants: Iterable[tuple[str, Congress]] = (), is_superuser: bool = False,
) -> User:
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("The user name %(name)s is already taken.") % {"name": username})
    with transaction.atomic():
        user = User(username=username, display_name=display_name, is_superuser=is_superuser, is_staff=is_superuser)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_log(actor=actor, action="user.create", obj=user,
                  payload={"username": username, "superuser": is_superuser})
        for role, congress in grants:
            _grant(actor=actor, user=user, role=role, congress=congress)
    return user


def _grant(*, actor: User | None, user: User, role: str, congress: Congress) -> RoleGrant:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, congress=congress)
    if created:
        audit_log(actor=actor, action="role.grant", congress=congress, obj=user, payload={"role": role})
    reset_cache(user)
    return grant


def role_grant(*, actor: User | None, user: User, role: str, congress: Congress) -> RoleGrant:
    with transaction.atomic():
        return _grant(actor=actor, user=user, role=role, congress=congress)


def role_revoke(*, actor: User | None, user: User, role: str, congress: Congress) -> None:
    with transaction.atomic():
        deleted, _count = RoleGrant.objects.filter(user=user, role=role, congress=congress).delete()
        if deleted:
            audit_log(actor=actor, action="role.revoke", congress=congress, obj=user, payload={"role": role})
    reset_cache(user)


def notification_send(
    *, actor: User | None, recipients: Iterable[User], kind: str, title: str, body: str = "", url: str = "",
    congress: Congress | None = None, sms: bool = False,
) -> list[Notification]:
    """Inbox message for each recipient; with ``sms`` also through the outbound channel after commit."""
    recipients = list(recipients)
    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            [Notification(recipient=r, congress=congress, kind=kind, title=title, body=body, url=url) for r in recipients]
        )
        audit_log(actor=actor, action="notification.send", congress=congress,
                  payload={"kind": kind, "title": title, "recipients": [r.pk for r in recipients]})
        if sms:
            messages = [outbound.OutboundMessage("sms", r.username, title, body) for r in recipients]
            transaction.on_commit(lambda: [outbound.backend().send(m) for m in messages])
    return rows


def notification_mark_read(*, actor: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when no ids are given). Reading one's own
    inbox is not a business action, so it is not audited."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def congress_setting_set(*, actor: User, congress: Congress, key: str, value: Any) -> CongressSetting:
    definition = REGISTRY.get(key)
    if definition is None:
        raise ValidationError(_("Unknown setting."))
    if definition.choices and value not in [c[0] for c in definition.choices]:
        raise ValidationError(_("This value is not one of the allowed choices."))
    if isinstance(definition.default, (int, float)) and not isinstance(definition.default, bool):
        try:
            value = type(definition.default)(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Please enter a number.")) from exc
        if value < 0:
            raise ValidationError(_("The value may not be negative."))
    with transaction.atomic():
        row = CongressSetting.objects.select_for_update().filter(congress=congress, key=key).first()
        old = row.value if row else definition.default
        if row is None:
            row = CongressSetting(congress=congress, key=key)
        row.value, row.changed_by = value, actor
        row.save()
        audit_log(actor=actor, action="setting.set", congress=congress, obj=row,
                  payload={"key": key, "old": old, "new": value})
    return row


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is shown once and never stored."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name, digest=hashlib.new("sm3", raw.encode()).hexdigest())
        audit_log(actor=actor, action="api_token.create", obj=token, payload={"name": name})
    return token, raw


def calendar_seed(*, actor: User | None, year: int) -> int:
    """Load a year's public holidays and make-up working days from ``chinese_calendar``; rows an
    admin already edited are kept."""
    import datetime as dt

    import chinese_calendar

    created = 0
    with transaction.atomic():
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        try:
            holidays = chinese_calendar.get_holidays(start, end, include_weekends=False)
            workdays = [d for d in chinese_calendar.get_workdays(start, end, include_weekends=True)
                        if d.weekday() >= 5]
        except NotImplementedError:
            holidays, workdays = [], []  # the package does not know this year yet: admins enter it
        for day in holidays:
            _obj, made = CalendarDay.objects.get_or_create(
                date=day, defaults={"is_workday": False, "name": chinese_calendar.get_holiday_detail(day)[1] or ""}
            )
            created += made
        for day in workdays:
            _obj, made = CalendarDay.objects.get_or_create(date=day, defaults={"is_workday": True, "name": "调休"})
            created += made
        audit_log(actor=actor, action="calendar.seed", payload={"year": year, "created": created})
    return created
