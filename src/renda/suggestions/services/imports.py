"""Import of earlier years' suggestions from Excel. Every row is checked first; one bad row imports
nothing and every bad row is reported with its line number. Re-importing the same file changes
nothing (each row has a stable key: congress, year, number)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from renda.core.audit import audit_log
from renda.core.models import Congress, User
from renda.org.models import HandlingUnit, Person
from renda.suggestions.models import (
    Assignment,
    Feedback,
    Field,
    Rating,
    Reply,
    SearchToken,
    Status,
    Suggestion,
    UnitRole,
)
from renda.suggestions.search import token_rows

HEADERS = {
    "年度": "year",
    "编号": "number",
    "标题": "title",
    "内容": "text",
    "领衔代表": "deputy",
    "类别": "field",
    "主办单位": "unit",
    "协办单位": "co_units",
    "交办日期": "assigned_on",
    "答复期限": "reply_due",
    "答复日期": "replied_on",
    "答复类别": "category",
    "满意度": "rating",
}
REQUIRED = ("year", "number", "title", "text", "deputy")
FIELD_BY_LABEL = {str(label): value for value, label in Field.choices}
RATING_BY_LABEL = {
    "满意": Rating.SATISFIED,
    "基本满意": Rating.BASICALLY_SATISFIED,
    "不满意": Rating.DISSATISFIED,
}


@dataclass
class ImportResult:
    created: int
    unchanged: int


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip().replace("/", "-"))


def _rows(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(_("The file is not an Excel workbook (.xlsx).")) from exc
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise ValidationError(_("The workbook is empty."))
    columns = [HEADERS.get(str(h).strip() if h is not None else "") for h in rows[0]]
    missing = [h for h, key in HEADERS.items() if key in REQUIRED and key not in columns]
    if missing:
        raise ValidationError(_("Missing columns: %(c)s.") % {"c": "、".join(missing)})
    out = []
    for line, values in enumerate(rows[1:], start=2):
        if all(v in (None, "") for v in values):
            continue
        out.append((line, {key: values[i] for i, key in enumerate(columns) if key and i < len(values)}))
    return out


def suggestions_import(*, actor: User, congress: Congress, content: bytes) -> ImportResult:
    parsed = _rows(content)
    people = {p.name: p for p in Person.objects.filter(congress=congress)}
    units = {u.organ.name: u for u in HandlingUnit.objects.filter(congress=congress).select_related("organ")}
    existing = set(
        Suggestion.objects.filter(congress=congress)
        .exclude(import_key="")
        .values_list("import_key", flat=True)
    )
    errors: list[str] = []
    plans: list[dict[str, Any]] = []
    seen: set[str] = set()
    unchanged = 0
    for line, row in parsed:
        problems: list[str] = []
        for key in REQUIRED:
            if row.get(key) in (None, ""):
                problems.append(
                    _("%(col)s is empty") % {"col": next(h for h, k in HEADERS.items() if k == key)}
                )
        try:
            year, number = int(row.get("year") or 0), int(row.get("number") or 0)
        except (TypeError, ValueError):
            year = number = 0
            problems.append(_("year and number must be whole numbers"))
        deputy = people.get(str(row.get("deputy") or "").strip())
        if row.get("deputy") and deputy is None:
            problems.append(_("deputy %(n)s is not in the roster") % {"n": row.get("deputy")})
        unit_name = str(row.get("unit") or "").strip()
        unit = units.get(unit_name)
        if unit_name and unit is None:
            problems.append(_("handling unit %(n)s is unknown") % {"n": unit_name})
        co_units = []
        for name in str(row.get("co_units") or "").replace("，", "、").replace(",", "、").split("、"):
            if name.strip():
                if name.strip() not in units:
                    problems.append(_("handling unit %(n)s is unknown") % {"n": name.strip()})
                else:
                    co_units.append(units[name.strip()])
        field_label = str(row.get("field") or "").strip()
        field = FIELD_BY_LABEL.get(field_label, Field.OTHER if not field_label else "")
        if not field:
            problems.append(_("field %(n)s is unknown") % {"n": field_label})
        rating_label = str(row.get("rating") or "").strip()
        rating = RATING_BY_LABEL.get(rating_label, "") if rating_label else ""
        if rating_label and not rating:
            problems.append(_("rating must be 满意, 基本满意 or 不满意"))
        category = str(row.get("category") or "").strip().upper()
        if category and category not in ("A", "B", "C", "D"):
            problems.append(_("reply class must be A, B, C or D"))
        dates: dict[str, dt.date | None] = {}
        for key in ("assigned_on", "reply_due", "replied_on"):
            try:
                dates[key] = _date(row.get(key))
            except ValueError:
                problems.append(_("%(v)s is not a date") % {"v": row.get(key)})
                dates[key] = None
        if dates.get("replied_on") and not category:
            problems.append(_("a replied suggestion needs its reply class"))
        if dates.get("replied_on") and (unit is None or dates.get("assigned_on") is None):
            problems.append(_("a replied suggestion needs its lead unit and assignment date"))
        key = f"{year}-{number}"
        if key in seen:
            problems.append(_("the number appears twice in the file"))
        seen.add(key)
        if problems:
            errors.append(_("Line %(line)s: %(p)s.") % {"line": line, "p": "；".join(problems)})
            continue
        if key in existing:
            unchanged += 1
            continue
        plans.append(
            {
                "row": row,
                "year": year,
                "number": number,
                "deputy": deputy,
                "unit": unit,
                "co_units": co_units,
                "field": field,
                "rating": rating,
                "category": category,
                "key": key,
                **dates,
            }
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        created = _create(congress, plans)
        audit_log(
            actor=actor,
            action="suggestion.import",
            congress=congress,
            payload={"created": created, "unchanged": unchanged},
        )
    return ImportResult(created, unchanged)


def _create(congress: Congress, plans: list[dict[str, Any]]) -> int:
    from renda.suggestions.deadlines import reply_due

    suggestions = []
    for p in plans:
        assigned_on, replied_on = p["assigned_on"], p["replied_on"]
        due = p["reply_due"] or (reply_due(assigned_on=assigned_on, hard=False).due if assigned_on else None)
        status = (
            Status.CLOSED
            if p["rating"]
            else (Status.REPLIED if replied_on else (Status.ASSIGNED if assigned_on else Status.REVIEWED))
        )
        suggestions.append(
            Suggestion(
                congress=congress,
                year=p["year"],
                number=p["number"],
                title=str(p["row"]["title"]).strip()[:200],
                text=str(p["row"]["text"]).strip(),
                field=p["field"],
                submitter=p["deputy"],
                status=status,
                lead_unit=p["unit"] if assigned_on else None,
                assigned_on=assigned_on,
                reply_due=due,
                first_replied_on=replied_on,
                replied_on_time=(replied_on <= due) if replied_on and due else None,
                days_to_reply=(replied_on - assigned_on).days if replied_on and assigned_on else None,
                contacted=bool(replied_on),
                category=p["category"],
                rating=p["rating"],
                closed_on=replied_on if p["rating"] else None,
                import_key=p["key"],
                confirmed_at=None,
            )
        )
    Suggestion.objects.bulk_create(suggestions, batch_size=1000)
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; read them back to be safe.
    by_key = dict(
        Suggestion.objects.filter(congress=congress, import_key__in=[p["key"] for p in plans]).values_list(
            "import_key", "pk"
        )
    )
    assignments, replies, tokens = [], [], []
    for s, p in zip(suggestions, plans, strict=True):
        s.pk = by_key[p["key"]]
        tokens.extend(token_rows(s))
        if s.assigned_on and p["unit"]:
            assignments.append(
                Assignment(
                    suggestion=s,
                    unit=p["unit"],
                    role=UnitRole.LEAD,
                    assigned_on=s.assigned_on,
                    due_date=s.reply_due or s.assigned_on,
                )
            )
            for unit in p["co_units"]:
                assignments.append(
                    Assignment(
                        suggestion=s,
                        unit=unit,
                        role=UnitRole.CO_HANDLER,
                        assigned_on=s.assigned_on,
                        due_date=s.assigned_on,
                    )
                )
        if s.first_replied_on and p["unit"]:
            replies.append(
                Reply(
                    suggestion=s,
                    unit=p["unit"],
                    round=1,
                    category=s.category,
                    text="（历史数据导入）",
                    signer="",
                    replied_on=s.first_replied_on,
                    due_date=s.reply_due or s.first_replied_on,
                    on_time=bool(s.replied_on_time),
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=1000)
    Reply.objects.bulk_create(replies, batch_size=1000)
    SearchToken.objects.bulk_create(tokens, batch_size=5000)
    rated = {
        r.suggestion_id: r
        for r in Reply.objects.filter(suggestion_id__in=[s.pk for s in suggestions if s.rating])
    }
    Feedback.objects.bulk_create(
        [
            Feedback(
                reply=rated[s.pk],
                rating=s.rating,
                rated_on=s.closed_on or s.first_replied_on or dt.date(s.year, 12, 31),
            )
            for s in suggestions
            if s.rating and s.pk in rated
        ],
        batch_size=1000,
    )
    return len(suggestions)
