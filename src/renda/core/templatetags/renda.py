"""Chinese formatting of dates, money and counts, used by templates and documents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def cn_date(value: dt.date | dt.datetime | None) -> str:
    """2026年3月5日"""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.year}年{value.month}月{value.day}日"


WEEKDAYS = "一二三四五六日"


@register.filter
def cn_weekday(value: dt.date | None) -> str:
    """星期四"""
    if value is None or value == "":
        return ""
    return f"星期{WEEKDAYS[value.weekday()]}"


@register.filter
def cn_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{cn_date(local)} {local:%H:%M}"


@register.filter
def money(value: Any) -> str:
    """¥1,234.56"""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def wan(value: Any) -> str:
    """Amount in 万元 with two decimals (tables that say 万元)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)) / Decimal(10000):,.2f}"


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def days_left(due: dt.date | None) -> str:
    """'还剩 5 天' / '今天到期' / '已逾期 3 天'."""
    if due is None:
        return ""
    today = timezone.localdate()
    delta = (due - today).days
    if delta > 0:
        return _("%(days)s days left") % {"days": delta}
    if delta == 0:
        return _("due today")
    return _("%(days)s days overdue") % {"days": -delta}


@register.filter
def overdue(due: dt.date | None) -> bool:
    return due is not None and due < timezone.localdate()


@register.simple_tag(takes_context=True)
def url_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (pagination, export links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def setting_label(key: str) -> str:
    """The Chinese label of a rule setting recorded beside a result (users never see raw keys)."""
    from renda.core.rule_settings import REGISTRY

    definition = REGISTRY.get(key)
    return str(definition.label) if definition else key
