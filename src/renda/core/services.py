"""Every state change of the core app. Each function runs in one transaction, checks the state it
starts from, appends one audit event and sends messages only after commit."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
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
    *,
    actor: User | None,
    name: str,
    kind: str,
    parent: Congress | None = None,
    short_name: str = "",
    division_code: str = "",
    order: int = 0,
) -> Congress:
    with transaction.atomic():
        congress = Congress.objects.create(
            name=name,
            kind=kind,
            parent=parent,
            short_name=short_name,
            division_code=division_code,
            order=order,
        )
        congress.path = f"{parent.path if parent else ''}{congress.pk:06d}."
        congress.save(update_fields=["path"])
        audit_log(
            actor=actor,
            action="congress.create",
            congress=congress,
            obj=congress,
            payload={"name": name, "kind": kind, "parent": parent.pk if parent else None},
        )
    return congress


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    display_name: str = "",
    grants: Iterable[tuple[str, Congress]] = (),
    is_superuser: bool = False,
    password_hash: str = "",
) -> User:
    """A new login. ``password_hash`` (from ``make_password``) lets a bulk set-up such as the demo
    pay for one argon2 computation instead of one per account."""
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("The user name %(name)s is already taken.") % {"name": username})
    with transaction.atomic():
        user = User(
            username=username, display_name=display_name, is_superuser=is_superuser, is_staff=is_superuser
        )
        if password_hash:
            user.password = password_hash
        elif password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit_log(
            actor=actor,
            action="user.create",
            obj=user,
            payload={"username": username, "superuser": is_superuser},
        )
        for role, congress in grants:
            _grant(actor=actor, user=user, role=role, congress=congress)
    return user


def user_admin_save(*, actor: User, user: User, created: bool, changed: list[str]) -> User:
    """Save a user edited in the admin form (the form has validated it)."""
    with transaction.atomic():
        if not created:
            User.objects.select_for_update().get(pk=user.pk)
        user.save()
        audit_log(
            actor=actor,
            action="user.create" if created else "user.update",
            obj=user,
            payload={"username": user.username, "changed": sorted(changed)},
        )
    reset_cache(user)
    return user


def user_unlock(*, actor: User, user: User) -> int:
    """Clear the lock-out after failed log-ins (django-axes) for this user name."""
    from axes.utils import reset

    with transaction.atomic():
        cleared = reset(username=user.get_username())
        audit_log(actor=actor, action="user.unlock", obj=user, payload={"cleared": cleared})
    return int(cleared)


def user_set_password(*, actor: User, user: User, password: str) -> User:
    """Set a new password (validated by AUTH_PASSWORD_VALIDATORS). Only the user or an admin may."""
    from django.contrib.auth.password_validation import validate_password

    if actor.pk != user.pk and not actor.is_superuser:
        raise ValidationError(_("You may only change your own password."))
    validate_password(password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_log(actor=actor, action="user.set_password", obj=user, payload={})
    return user


def _grant(*, actor: User | None, user: User, role: str, congress: Congress) -> RoleGrant:
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, congress=congress)
    if role == Role.ADMIN and not user.is_staff:
        user.is_staff = True  # the Django admin (users, role grants, calendar) needs it
        user.save(update_fields=["is_staff"])
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
    *,
    actor: User | None,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    congress: Congress | None = None,
    sms: bool = False,
    email: bool = False,
) -> list[Notification]:
    """An inbox message for each recipient; with ``sms``/``email`` also through the outbound
    channel (``renda.core.outbound``), handed over only after the transaction commits."""
    recipients = list(recipients)
    if not title.strip():
        raise ValidationError(_("A message needs a title."))
    channels = [c for c, wanted in ((outbound.SMS, sms), (outbound.EMAIL, email)) if wanted]
    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            [
                Notification(recipient=r, congress=congress, kind=kind, title=title, body=body, url=url)
                for r in recipients
            ]
        )
        audit_log(
            actor=actor,
            action="notification.send",
            congress=congress,
            payload={
                "kind": kind,
                "title": title,
                "recipients": [r.pk for r in recipients],
                "channels": channels,
            },
        )
        messages = [m for c in channels for m in outbound.messages_for(recipients, c, title, body)]
        if messages:
            transaction.on_commit(lambda: outbound.deliver(messages))
    return rows


def notification_mark_read(*, actor: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when no ids are given). Reading one's own
    inbox is not a business action, so it is not audited."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens (an admin may revoke anyone's)."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.user_id != actor.pk and not actor.is_superuser:
            raise ValidationError(_("You can only revoke your own tokens."))
        if token.revoked:
            raise ValidationError(_("This token has already been revoked."))
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit_log(actor=actor, action="api_token.revoke", obj=token, payload={"name": token.name})
    return token


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
        audit_log(
            actor=actor,
            action="setting.set",
            congress=congress,
            obj=row,
            payload={"key": key, "old": old, "new": value},
        )
    return row


MAX_ACTIVE_TOKENS = 10


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the raw token, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Please give the token a name, for example the system that will use it."))
    if len(name) > 80:
        raise ValidationError(_("The name may have at most 80 characters."))
    raw = "renda_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)  # serialises concurrent creations per user
        if ApiToken.objects.filter(user=actor, revoked=False).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                _("You already have %(n)s active tokens. Revoke one you no longer use first.")
                % {"n": MAX_ACTIVE_TOKENS}
            )
        token = ApiToken.objects.create(user=actor, name=name, digest=ApiToken.digest_of(raw))
        audit_log(actor=actor, action="api_token.create", obj=token, payload={"name": name})
    return token, raw


def calendar_day_set(*, actor: User | None, date: dt.date, is_workday: bool, name: str = "") -> CalendarDay:
    """Record a public holiday (is_workday False) or a make-up working day on a weekend (True)."""
    if not is_workday and date.weekday() >= 5 and not name:
        raise ValidationError(_("A weekend is a day off already; name the holiday or leave the day out."))
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        old = {"is_workday": day.is_workday, "name": day.name} if day else None
        if day is None:
            day = CalendarDay(date=date)
        day.is_workday, day.name = is_workday, name
        day.save()
        audit_log(
            actor=actor,
            action="calendar.set",
            obj=day,
            payload={"date": date, "is_workday": is_workday, "name": name, "old": old},
        )
    return day


def calendar_day_delete(*, actor: User | None, date: dt.date) -> None:
    """Remove an exception: the day follows the Monday–Friday rule again."""
    with transaction.atomic():
        day = CalendarDay.objects.select_for_update().filter(date=date).first()
        if day is None:
            raise ValidationError(_("There is no calendar entry for this day."))
        payload = {"date": date, "is_workday": day.is_workday, "name": day.name}
        day.delete()
        audit_log(actor=actor, action="calendar.delete", payload=payload)


@dataclass(frozen=True)
class CalendarSeedResult:
    year: int
    created: int
    known: bool  # False when the package does not know the year yet (admins enter it by hand)


def calendar_seed(*, actor: User | None, year: int) -> CalendarSeedResult:
    """Load a year's public holidays and make-up working days (调休) from ``chinese_calendar``;
    days already in the calendar (perhaps edited by an admin) are kept as they are."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    chinese_names = {h.value: h.chinese for h in Holiday}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    try:
        holidays = chinese_calendar.get_holidays(start, end, include_weekends=False)
        makeup = [
            d for d in chinese_calendar.get_workdays(start, end, include_weekends=True) if d.weekday() >= 5
        ]
        known = True
    except NotImplementedError:
        holidays, makeup, known = [], [], False
    rows = [
        (d, False, chinese_names.get(chinese_calendar.get_holiday_detail(d)[1] or "", "")) for d in holidays
    ]
    rows += [
        (d, True, f"{chinese_names.get(chinese_calendar.get_holiday_detail(d)[1] or '', '')}调休上班")
        for d in makeup
    ]
    created = 0
    with transaction.atomic():
        existing = set(CalendarDay.objects.filter(date__range=(start, end)).values_list("date", flat=True))
        new = [CalendarDay(date=d, is_workday=w, name=n) for d, w, n in rows if d not in existing]
        CalendarDay.objects.bulk_create(new)
        created = len(new)
        audit_log(
            actor=actor, action="calendar.seed", payload={"year": year, "created": created, "known": known}
        )
    return CalendarSeedResult(year, created, known)
