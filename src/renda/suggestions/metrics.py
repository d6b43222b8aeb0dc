"""The rates of DOMAIN_RULES.md §2, computed in one aggregate query over the figures the services
keep on each suggestion. No law defines them; the formula of each is shown on the page and a
per-congress setting switches the variants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from renda.core.models import Congress
from renda.core.rule_settings import setting_value
from renda.org.models import HandlingUnit
from renda.suggestions import deadlines
from renda.suggestions.models import Field, Rating, Status, Suggestion

DIMENSIONS = {
    "congress": ("congress_id", _("Congress")),
    "year": ("year", _("Year")),
    "session": ("session_number", _("Session")),
    "unit": ("lead_unit_id", _("Lead unit")),
    "field": ("field", _("Field")),
}
RATE_KEYS = ("completion", "resolution", "satisfaction", "contact", "on_time")
COUNTED = Q(~Q(status__in=[Status.PENDING, Status.MERGED]))


@dataclass
class MetricRow:
    key: Any
    label: str
    count: int = 0
    assigned: int = 0
    replied: int = 0
    replied_in_limit: int = 0
    due: int = 0
    due_in_limit: int = 0
    class_a: int = 0
    class_ab: int = 0
    rated: int = 0
    satisfied: int = 0
    basically: int = 0
    contacted: int = 0
    closed: int = 0
    avg_days: float | None = None
    rates: dict[str, float | None] = field(default_factory=dict)

    @property
    def rate_values(self) -> list[float | None]:
        """The rates in the order of the page's columns (one loop in the template)."""
        return [self.rates.get(key) for key in RATE_KEYS]


@dataclass
class Definition:
    key: str
    name: Any
    formula: Any
    setting: dict[str, Any] | None = None


@dataclass
class MetricsResult:
    rows: list[MetricRow]
    total: MetricRow
    definitions: list[Definition]


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _variants(congress: Congress | None) -> dict[str, Any]:
    if congress is None:
        return {"completion": "within_limit", "resolution": "a", "satisfaction": "both", "records": {}}
    values = {
        "completion": setting_value(congress, deadlines.COMPLETION_VARIANT.key),
        "resolution": setting_value(congress, deadlines.RESOLUTION_VARIANT.key),
        "satisfaction": setting_value(congress, deadlines.SATISFACTION_VARIANT.key),
    }
    result: dict[str, Any] = {k: v.value for k, v in values.items()}
    result["records"] = {k: v.as_record() for k, v in values.items()}
    return result


def definitions(congress: Congress | None) -> list[Definition]:
    v = _variants(congress)
    rec = v["records"]
    return [
        Definition(
            "completion",
            _("Completion rate"),
            _("replied within the limit ÷ assigned")
            if v["completion"] == "within_limit"
            else _("replied ÷ assigned"),
            rec.get("completion"),
        ),
        Definition(
            "resolution",
            _("Resolution rate"),
            _("class A ÷ replied") if v["resolution"] == "a" else _("class A + B ÷ replied (adoption rate)"),
            rec.get("resolution"),
        ),
        Definition(
            "satisfaction",
            _("Satisfaction rate"),
            _("(satisfied + basically satisfied) ÷ rated")
            if v["satisfaction"] == "both"
            else _("satisfied ÷ rated"),
            rec.get("satisfaction"),
        ),
        Definition("contact", _("Contact rate"), _("replies with a recorded contact ÷ replied")),
        Definition(
            "on_time", _("On-time reply rate"), _("replied within the limit ÷ due by the reporting date")
        ),
        Definition("avg_days", _("Average days to reply"), _("mean of (first reply date − assignment date)")),
    ]


def _fill_rates(row: MetricRow, v: dict[str, Any]) -> None:
    completion_num = row.replied_in_limit if v["completion"] == "within_limit" else row.replied
    resolution_num = row.class_a if v["resolution"] == "a" else row.class_ab
    satisfaction_num = row.satisfied + row.basically if v["satisfaction"] == "both" else row.satisfied
    row.rates = {
        "completion": _ratio(completion_num, row.assigned),
        "resolution": _ratio(resolution_num, row.replied),
        "satisfaction": _ratio(satisfaction_num, row.rated),
        "contact": _ratio(row.contacted, row.replied),
        "on_time": _ratio(row.due_in_limit, row.due),
    }


def _aggregates(today: dt.date) -> dict[str, Any]:
    replied = Q(first_replied_on__isnull=False)
    return {
        "count": Count("id"),
        "assigned": Count("id", filter=Q(assigned_on__isnull=False)),
        "replied": Count("id", filter=replied),
        "replied_in_limit": Count("id", filter=Q(replied_on_time=True)),
        "due": Count("id", filter=Q(reply_due__lte=today)),
        "due_in_limit": Count("id", filter=Q(reply_due__lte=today, replied_on_time=True)),
        "class_a": Count("id", filter=Q(category="A")),
        "class_ab": Count("id", filter=Q(category__in=["A", "B"])),
        "rated": Count("id", filter=~Q(rating="")),
        "satisfied": Count("id", filter=Q(rating=Rating.SATISFIED)),
        "basically": Count("id", filter=Q(rating=Rating.BASICALLY_SATISFIED)),
        "contacted": Count("id", filter=replied & Q(contacted=True)),
        "closed": Count("id", filter=Q(status=Status.CLOSED)),
        "avg_days": Avg("days_to_reply"),
    }


def compute(
    *,
    congress_ids: list[int],
    congress: Congress | None,
    year: int | None,
    group_by: str,
    today: dt.date,
    unit_id: int | None = None,
    field_value: str = "",
) -> MetricsResult:
    """Rows per value of ``group_by`` plus a total row, for suggestions and motions counted in
    ``year`` (all years when None). ``today`` is the reporting date of the on-time rate."""
    column, _label = DIMENSIONS[group_by]
    qs = Suggestion.objects.filter(COUNTED, congress_id__in=congress_ids)
    if year:
        qs = qs.filter(year=year)
    if unit_id:
        qs = qs.filter(lead_unit_id=unit_id)
    if field_value:
        qs = qs.filter(field=field_value)
    aggs = _aggregates(today)
    grouped = list(qs.order_by().values(column).annotate(**aggs).order_by(column))
    total_values = qs.order_by().aggregate(**aggs)
    labels = _labels(group_by, [g[column] for g in grouped])
    v = _variants(congress)
    rows = []
    for g in grouped:
        key = g.pop(column)
        row = MetricRow(key=key, label=labels.get(key, "—"), **g)
        _fill_rates(row, v)
        rows.append(row)
    total = MetricRow(key=None, label=str(_("Total")), **total_values)
    _fill_rates(total, v)
    return MetricsResult(rows, total, definitions(congress))


def _labels(group_by: str, keys: list[Any]) -> dict[Any, str]:
    if group_by == "congress":
        return {c.pk: c.name for c in Congress.objects.filter(pk__in=keys)}
    if group_by == "unit":
        return {u.pk: u.organ.name for u in HandlingUnit.objects.filter(pk__in=keys).select_related("organ")}
    if group_by == "field":
        return {k: str(v) for k, v in Field.choices}
    if group_by == "session":
        return {k: (f"第{k}次会议" if k else str(_("between sessions"))) for k in keys}
    return {k: f"{k}年" for k in keys}


@dataclass
class UnitScore:
    unit: HandlingUnit
    row: MetricRow
    parts: dict[str, float | None]
    score: float | None


CATEGORY_POINTS = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4}


def unit_assessment(
    *, congress: Congress, year: int, weights: dict[str, int], today: dt.date
) -> list[UnitScore]:
    """绩效考核: per lead unit, each part scored 0..1, combined with the staff's weights.
    Parts: on-time reply, contact, reply class (A 1, B 0.8, C 0.6, D 0.4), satisfaction, and not
    needing re-handling."""
    qs = Suggestion.objects.filter(COUNTED, congress=congress, year=year, lead_unit__isnull=False)
    aggs = _aggregates(today)
    aggs.update({f"cat_{k}": Count("id", filter=Q(category=k)) for k in CATEGORY_POINTS})
    aggs["rehandled_n"] = Count("id", filter=Q(rehandled=True))
    grouped = list(qs.order_by().values("lead_unit_id").annotate(**aggs))
    units = HandlingUnit.objects.select_related("organ").in_bulk([g["lead_unit_id"] for g in grouped])
    v = _variants(congress)
    total_weight = sum(weights.values()) or 1
    result = []
    for g in grouped:
        unit_id = g.pop("lead_unit_id")
        cats = {k: g.pop(f"cat_{k}") for k in CATEGORY_POINTS}
        rehandled = g.pop("rehandled_n")
        row = MetricRow(key=unit_id, label=units[unit_id].organ.name, **g)
        _fill_rates(row, v)
        points = sum(CATEGORY_POINTS[k] * n for k, n in cats.items())
        category = points / row.replied if row.replied else None
        parts = {
            "on_time": row.rates["on_time"],
            "contact": row.rates["contact"],
            "category": category,
            "satisfaction": row.rates["satisfaction"],
            "rehandling": (1 - rehandled / row.replied) if row.replied else None,
        }
        score = sum((parts[k] or 0.0) * weights.get(k, 0) for k in parts) / total_weight * 100
        result.append(UnitScore(units[unit_id], row, parts, round(score, 1)))
    return sorted(result, key=lambda u: -(u.score or 0))
