"""Every time limit and counted rule of motions and suggestions, in one place with its source
(DOMAIN_RULES.md §2). Each function returns the due date together with the rule, its source and
the setting values used, which the services store beside the deadline."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from renda.core.models import Congress, CongressKind
from renda.core.rule_settings import define_setting, setting_value

# --- settings (DOMAIN_RULES.md §2 rows marked 'setting') ----------------------------------
OPINION_MONTHS = define_setting(
    "suggestions.co_handler_opinion_months",
    default=1,
    label=_("Co-handler's written opinion to the lead unit, months after assignment"),
    source="福建省、宁波市代表建议办理办法",
)
RELEASE_DAYS = define_setting(
    "suggestions.release_window_days",
    default=10,
    label=_("A unit may ask to be released within this many days of receiving the assignment"),
    source="地方代表建议办理办法（5–10日）",
)
REHANDLE_MONTHS = define_setting(
    "suggestions.rehandle_months",
    default=1,
    label=_("New reply after a dissatisfied rating, months"),
    source="浙江1个月，重庆2个月，四川3个月",
)
REPLY_CLASSES = define_setting(
    "suggestions.reply_classes",
    default="four",
    label=_("Reply classes"),
    source="全国人大常委会办公厅代表建议办理规定",
    choices=(("four", _("Four classes A/B/C/D")), ("three", _("Three classes A/B/C"))),
)
REMIND_DAYS = define_setting(
    "suggestions.remind_days_before",
    default=7,
    label=_("Remind handling units this many days before a due date"),
    source="本平台默认",
)
COMPLETION_VARIANT = define_setting(
    "suggestions.completion_rate_variant",
    default="within_limit",
    label=_("Completion rate counts"),
    source="DOMAIN_RULES.md §2",
    choices=(
        ("within_limit", _("replied within the limit ÷ assigned")),
        ("replied", _("replied ÷ assigned")),
    ),
)
RESOLUTION_VARIANT = define_setting(
    "suggestions.resolution_rate_variant",
    default="a",
    label=_("Resolution rate counts"),
    source="DOMAIN_RULES.md §2",
    choices=(("a", _("class A ÷ replied")), ("ab", _("class A + B ÷ replied (adoption rate)"))),
)
SATISFACTION_VARIANT = define_setting(
    "suggestions.satisfaction_rate_variant",
    default="both",
    label=_("Satisfaction rate counts"),
    source="DOMAIN_RULES.md §2",
    choices=(("both", _("satisfied + basically satisfied ÷ rated")), ("satisfied", _("satisfied ÷ rated"))),
)

# --- fixed rules ----------------------------------------------------------------------------
# 代表法 art 51: reply within 3 months of assignment, 6 months where the matter is broad or hard.
REPLY_MONTHS = 3
REPLY_MONTHS_HARD = 6
REPLY_SOURCE = "《代表法》第五十一条"
# 组织法 arts 22, 52: a motion needs 10 county deputies, 5 township deputies, or 3 standing
# committee members jointly (the lead deputy counts).
MOTION_SIGNERS_COUNTY = 10
MOTION_SIGNERS_TOWNSHIP = 5
MOTION_SIGNERS_STANDING_COMMITTEE = 3
MOTION_SOURCE = "《地方各级人民代表大会和地方各级人民政府组织法》第二十二条、第五十二条"

REPLY_CLASS_LABELS = {
    "four": (
        ("A", _("A: solved or basically solved")),
        ("B", _("B: being solved or planned")),
        ("C", _("C: to be solved when conditions allow")),
        ("D", _("D: kept for reference")),
    ),
    "three": (
        ("A", _("A: solved or basically solved")),
        ("B", _("B: being solved or planned")),
        ("C", _("C: to be solved later or kept for reference")),
    ),
}


@dataclass(frozen=True)
class DueDate:
    due: dt.date
    start: dt.date
    rule: str
    source: str
    settings_used: list[dict[str, Any]] = field(default_factory=list)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of the month ``months`` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reply_due(*, assigned_on: dt.date, hard: bool) -> DueDate:
    months = REPLY_MONTHS_HARD if hard else REPLY_MONTHS
    rule = f"自交办之日起{months}个月内答复" + ("（重大或复杂）" if hard else "")
    return DueDate(add_months(assigned_on, months), assigned_on, rule, REPLY_SOURCE)


def opinion_due(*, congress: Congress, assigned_on: dt.date) -> DueDate:
    value = setting_value(congress, OPINION_MONTHS.key)
    months = int(value.value)
    return DueDate(
        add_months(assigned_on, months),
        assigned_on,
        f"协办单位自交办之日起{months}个月内向主办单位提出书面意见",
        value.source,
        [value.as_record()],
    )


def release_window(*, congress: Congress, received_on: dt.date) -> DueDate:
    value = setting_value(congress, RELEASE_DAYS.key)
    days = int(value.value)
    return DueDate(
        received_on + dt.timedelta(days=days),
        received_on,
        f"收到交办之日起{days}日内申请退回",
        value.source,
        [value.as_record()],
    )


def rehandle_due(*, congress: Congress, rated_on: dt.date) -> DueDate:
    value = setting_value(congress, REHANDLE_MONTHS.key)
    months = int(value.value)
    return DueDate(
        add_months(rated_on, months),
        rated_on,
        f"代表不满意的，{months}个月内重新办理并答复",
        value.source,
        [value.as_record()],
    )


def reply_classes(congress: Congress) -> tuple[tuple[str, Any], ...]:
    return REPLY_CLASS_LABELS[str(setting_value(congress, REPLY_CLASSES.key).value)]


def reply_classes_record(congress: Congress) -> dict[str, Any]:
    return setting_value(congress, REPLY_CLASSES.key).as_record()


def motion_signers_required(congress: Congress, *, standing_committee: bool = False) -> int:
    if standing_committee:
        return MOTION_SIGNERS_STANDING_COMMITTEE
    return MOTION_SIGNERS_TOWNSHIP if congress.kind == CongressKind.TOWNSHIP else MOTION_SIGNERS_COUNTY


def remind_days(congress: Congress) -> int:
    return int(setting_value(congress, REMIND_DAYS.key).value)
