"""Reads of budget supervision, scoped to the acting user. Budget figures come from the main
database, payments from the Parquet store through DuckDB."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from renda.budget import services, store
from renda.budget.classification import classification
from renda.budget.models import (
    OPEN_STATUSES,
    Alert,
    AlertStatus,
    BudgetUnit,
    PaymentImport,
    RuleRun,
)
from renda.core.models import Congress, User
from renda.core.scope import home_congress, visible_congress_ids, visible_congresses

LEVELS = ("unit", "function", "economic", "project", "payments")
LEVEL_COLUMN = {
    "unit": "unit_code",
    "function": "function_code",
    "economic": "economic_code",
    "project": "project_code",
}


def budget_congress(*, user: User, congress_id: Any = None) -> Congress | None:
    """The congress a budget page shows: the one asked for if the user may see it, else their own."""
    visible = visible_congresses(user)
    if congress_id:
        chosen = visible.filter(pk=congress_id).first()
        if chosen is not None:
            return chosen
    home = home_congress(user)
    return home if home is not None and home.pk in visible_congress_ids(user) else None


def congress_choices(*, user: User) -> QuerySet[Congress]:
    return visible_congresses(user)


def years_of(congress: Congress) -> list[int]:
    from renda.budget.models import BudgetLine

    years = set(BudgetLine.objects.filter(congress=congress).values_list("year", flat=True).distinct())
    years |= set(store.stored_years(congress.pk))
    return sorted(years, reverse=True)


def default_year(congress: Congress) -> int:
    years = years_of(congress)
    return years[0] if years else timezone.localdate().year


def alert_list(*, user: User) -> QuerySet[Alert]:
    return (
        Alert.objects.filter(congress_id__in=visible_congress_ids(user))
        .select_related("rule", "unit", "congress")
        .order_by("-first_seen_at", "-id")
    )


def overdue_alerts(*, user: User) -> QuerySet[Alert]:
    return (
        alert_list(user=user)
        .filter(status=AlertStatus.EXPLANATION_REQUESTED, due_date__lt=timezone.localdate())
        .order_by("due_date")
    )


def import_list(*, user: User) -> QuerySet[PaymentImport]:
    return PaymentImport.objects.filter(congress_id__in=visible_congress_ids(user)).select_related(
        "congress", "source", "created_by"
    )


@dataclass
class DrillRow:
    key: str
    label: str
    budget: Decimal
    adjusted: Decimal
    paid: Decimal
    count: int

    @property
    def rate(self) -> float | None:
        return float(self.paid / self.adjusted) if self.adjusted else None


def _filters_sql(filters: dict[str, str]) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for level, column in LEVEL_COLUMN.items():
        if level in filters:
            clauses.append(f"{column} = ?")
            params.append(filters[level])
    return (" AND ".join(clauses) or "true"), params


def drilldown(
    *,
    congress: Congress,
    year: int,
    level: str,
    filters: dict[str, str],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[DrillRow]:
    """Budget, adjusted budget and paid at one level of budget → unit → function → economic →
    project, within the filters of the levels above and the date range."""
    column = LEVEL_COLUMN[level]
    where, params = _filters_sql(filters)
    con = store.connect()
    try:
        con.register("lines_arrow", services.lines_for_rules(congress, year))
        # levels above the payments read the monthly aggregate (exact for any date range)
        facts = store.facts_source(con, congress.pk, year, start=date_from, end=date_to)
        rows = con.execute(
            f"""
            WITH l AS (SELECT {column} AS k, sum(initial) AS budget, sum(adjusted) AS adjusted
                       FROM lines_arrow WHERE {where} GROUP BY 1),
                 p AS (SELECT {column} AS k, sum(amount) AS paid, sum(n) AS n
                       FROM {facts} WHERE {where} GROUP BY 1)
            SELECT coalesce(l.k, p.k) AS k, coalesce(l.budget, 0), coalesce(l.adjusted, 0), coalesce(p.paid, 0),
                   coalesce(p.n, 0)
            FROM l FULL OUTER JOIN p ON l.k = p.k ORDER BY 1
        """,  # noqa: S608
            [*params, *params],
        ).fetchall()  # noqa: S608
        names: dict[str, str] = {}
        if level == "project":
            names = dict(
                con.execute(
                    f"SELECT project_code, any_value(project_name) FROM lines_arrow "  # noqa: S608
                    f"WHERE {where} GROUP BY 1",
                    params,
                ).fetchall()
            )
    finally:
        con.close()
    if level == "unit":
        names = dict(BudgetUnit.objects.filter(congress=congress).values_list("code", "name"))
    return [
        DrillRow(k, _label(level, k, names), Decimal(b), Decimal(a), Decimal(p), int(n))
        for k, b, a, p, n in rows
    ]


def _label(level: str, key: str, names: dict[str, str]) -> str:
    cls = classification()
    if level == "unit":
        return f"{key} {names[key]}" if key in names else key
    if level == "function":
        return cls.function_label(key)
    if level == "economic":
        return cls.economic_label(key)
    return f"{key} {names.get(key) or ''}".strip() if key else "基本支出"


PAYMENT_FILTERS = (
    "payee",
    "purpose",
    "min",
    "max",
    "kind",
    "unit",
    "function",
    "economic",
    "project",
    "from",
    "to",
)


def _payment_where(filters: dict[str, str]) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    text = {"payee": "payee_name", "purpose": "purpose"}
    for name, column in text.items():
        if filters.get(name):
            clauses.append(f"contains({column}, ?)")
            params.append(filters[name])
    exact = {
        "kind": "payee_account_kind",
        "unit": "unit_code",
        "function": "function_code",
        "economic": "economic_code",
        "project": "project_code",
    }
    for name, column in exact.items():
        if name in filters:
            clauses.append(f"{column} = ?")
            params.append(filters[name])
    for name, op in (("min", ">="), ("max", "<=")):
        if filters.get(name):
            try:
                params.append(Decimal(filters[name].replace(",", "")))
                clauses.append(f"amount {op} ?")
            except ArithmeticError:
                pass
    for name, op in (("from", ">="), ("to", "<=")):
        if filters.get(name):
            try:
                params.append(dt.date.fromisoformat(filters[name]))
                clauses.append(f"pay_date {op} ?")
            except ValueError:
                pass
    return (" AND ".join(clauses) or "true"), params


# The order of the payment files (store.SORT_ORDER) with the newest first inside a unit: the first
# page and every next one read only the row groups of the units they reach (min/max statistics).
PAYMENT_ORDER = "unit_code, pay_date DESC, voucher_no DESC"


def payment_search(
    *, congress: Congress, year: int, filters: dict[str, str], after: str = "", limit: int = 50
) -> tuple[list[dict[str, Any]], str]:
    """One page of payments by unit, newest first within a unit, continuing after the cursor
    ``unit|date|voucher`` (keyset pagination: no OFFSET and no full count). Returns the rows and the
    next cursor ('' at the end)."""
    where, params = _payment_where(filters)
    parts = after.split("|", 2)
    if len(parts) == 3:
        unit, day, voucher = parts
        try:
            params += [unit, unit, dt.date.fromisoformat(day), voucher]
            # the first conjunct alone is pushed into the scan and skips the units already shown
            where += " AND unit_code >= ? AND (unit_code > ? OR (pay_date, voucher_no) < (?, ?))"
        except ValueError:
            pass
    con = store.connect()
    try:
        cursor = con.execute(
            f"SELECT * FROM {store.payments_source(congress.pk, [year])} WHERE {where} "  # noqa: S608
            f"ORDER BY {PAYMENT_ORDER} LIMIT {int(limit) + 1}",
            params,
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    cursor_next = (
        f"{last['unit_code']}|{last['pay_date'].isoformat()}|{last['voucher_no']}" if more and last else ""
    )
    return rows, cursor_next


def payment_export_rows(
    *, congress: Congress, year: int, filters: dict[str, str], cap: int = 1_000_000
) -> Any:
    where, params = _payment_where(filters)
    con = store.connect()
    cursor = con.execute(
        f"SELECT voucher_no, pay_date, unit_code, function_code, economic_code, project_code, payee_name, "  # noqa: S608
        f"payee_account_kind, amount, purpose, pay_way, fund_source FROM {store.payments_source(congress.pk, [year])} "
        f"WHERE {where} ORDER BY {PAYMENT_ORDER} LIMIT {int(cap)}",
        params,
    )
    try:
        while batch := cursor.fetchmany(5000):
            yield from batch
    finally:
        con.close()


def payments_by_vouchers(*, congress: Congress, vouchers: list[str]) -> list[dict[str, Any]]:
    if not vouchers:
        return []
    con = store.connect()
    try:
        cursor = con.execute(
            f"SELECT * FROM {store.payments_source(congress.pk)} "  # noqa: S608
            "WHERE voucher_no IN (SELECT unnest(?)) ORDER BY pay_date, voucher_no",
            [vouchers],
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        con.close()


def dashboard(*, congress: Congress, year: int, as_of: dt.date | None = None) -> dict[str, Any]:
    """Figures of the dashboard and the deputies' page in a few DuckDB queries over the monthly
    aggregates. Payments count up to ``as_of`` when it is given (the monthly report), else the
    whole year (the store holds no payment after today)."""
    explicit_as_of = as_of is not None
    as_of = as_of or services.default_as_of(year)
    units = dict(BudgetUnit.objects.filter(congress=congress).values_list("code", "name"))
    cls = classification()
    con = store.connect()
    try:
        con.register("lines_arrow", services.lines_for_rules(congress, year))
        # Everything from the aggregates (tens of thousands of rows, not millions of payments).
        end = as_of if explicit_as_of else None
        src = store.facts_source(con, congress.pk, year, end=end)
        payee_src = store.facts_source(con, congress.pk, year, kind="payees", end=end)
        prev = store.facts_source(con, congress.pk, year - 1)
        totals = store.first_row(
            con,
            f"SELECT (SELECT coalesce(sum(initial), 0) FROM lines_arrow), "  # noqa: S608
            f"(SELECT coalesce(sum(adjusted), 0) FROM lines_arrow), "
            f"(SELECT coalesce(sum(amount), 0) FROM {src}), (SELECT coalesce(sum(n), 0) FROM {src})",
        ) or (0, 0, 0, 0)
        by_unit = con.execute(f"""
            WITH l AS (SELECT unit_code, sum(adjusted) AS adjusted FROM lines_arrow GROUP BY 1),
                 p AS (SELECT unit_code, sum(amount) AS paid FROM {src} GROUP BY 1)
            SELECT coalesce(l.unit_code, p.unit_code), coalesce(adjusted, 0), coalesce(paid, 0)
            FROM l FULL OUTER JOIN p ON l.unit_code = p.unit_code ORDER BY 2 DESC, 1""").fetchall()  # noqa: S608
        by_function = con.execute(f"""
            WITH l AS (SELECT substr(function_code, 1, 3) AS k, sum(adjusted) AS adjusted FROM lines_arrow GROUP BY 1),
                 p AS (SELECT substr(function_code, 1, 3) AS k, sum(amount) AS paid FROM {src} GROUP BY 1)
            SELECT coalesce(l.k, p.k), coalesce(adjusted, 0), coalesce(paid, 0)
            FROM l FULL OUTER JOIN p ON l.k = p.k ORDER BY 2 DESC, 1""").fetchall()  # noqa: S608
        monthly = con.execute(
            f"SELECT month, sum(amount) FROM {src} GROUP BY 1 ORDER BY 1"  # noqa: S608
        ).fetchall()  # noqa: S608
        tpe = cls.three_public_codes
        three_public = con.execute(
            f"""
            WITH c AS (SELECT unit_code, sum(amount) AS paid FROM {src} WHERE economic_code IN (SELECT unnest(?)) GROUP BY 1),
                 p AS (SELECT unit_code, sum(amount) AS paid FROM {prev} WHERE economic_code IN (SELECT unnest(?)) GROUP BY 1)
            SELECT coalesce(c.unit_code, p.unit_code), coalesce(p.paid, 0), coalesce(c.paid, 0)
            FROM c FULL OUTER JOIN p ON c.unit_code = p.unit_code ORDER BY 3 DESC, 1 LIMIT 15""",  # noqa: S608
            [tpe, tpe],
        ).fetchall()  # noqa: S608
        payees = con.execute(
            f"SELECT payee_name, sum(amount) AS s, sum(n) FROM {payee_src} "  # noqa: S608
            "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10"
        ).fetchall()
    finally:
        con.close()
    alerts = Alert.objects.filter(congress=congress, year=year)
    by_rule = list(alerts.values("rule__name").annotate(n=Count("id")).order_by("-n"))
    by_alert_unit = list(
        alerts.exclude(unit=None).values("unit__name").annotate(n=Count("id")).order_by("-n")[:10]
    )
    status_counts = dict(alerts.values_list("status").annotate(n=Count("id")))
    from renda.budget.engine import time_progress

    return {
        "year": year,
        "as_of": as_of,
        "progress": time_progress(as_of) if as_of.year == year else 1.0,
        "budget": Decimal(totals[0]),
        "adjusted": Decimal(totals[1]),
        "paid": Decimal(totals[2]),
        "payments": int(totals[3]),
        "rate": float(Decimal(totals[2]) / Decimal(totals[1])) if totals[1] else None,
        "by_unit": [(units.get(c, c), Decimal(a), Decimal(p)) for c, a, p in by_unit],
        "by_function": [(cls.function.get(c, c), Decimal(a), Decimal(p)) for c, a, p in by_function],
        "monthly": [(int(m), Decimal(s)) for m, s in monthly],
        "three_public": [(units.get(c, c), Decimal(p), Decimal(n)) for c, p, n in three_public],
        "payees": [(n, Decimal(s), int(c)) for n, s, c in payees],
        "alerts_by_rule": [(r["rule__name"], r["n"]) for r in by_rule],
        "alerts_by_unit": [(r["unit__name"], r["n"]) for r in by_alert_unit],
        "alerts_total": alerts.count(),
        "alerts_open": alerts.filter(status__in=OPEN_STATUSES).count(),
        "alerts_closed": sum(n for s, n in status_counts.items() if s not in OPEN_STATUSES),
    }


def alerts_answered(*, congress: Congress, year: int, limit: int = 20) -> QuerySet[Alert]:
    """What was flagged and how it was answered (deputies' page)."""
    return (
        Alert.objects.filter(congress=congress, year=year)
        .filter(Q(status__in=[AlertStatus.ANSWERED, AlertStatus.CLOSED, AlertStatus.DISMISSED]))
        .select_related("rule", "unit")
        .order_by("-closed_at", "-answered_at")[:limit]
    )


def rule_runs(*, congress: Congress) -> QuerySet[RuleRun]:
    return RuleRun.objects.filter(congress=congress).select_related("created_by")
