"""Runs the rule library's SQL over one congress's payments with DuckDB. No Django database
access here: the caller passes the budget lines, the non-working days and the thresholds, so the
same code serves the service, the tests and the benchmark."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from renda.budget import store
from renda.budget.alert_rules import RULES, RuleSpec
from renda.budget.classification import classification

LINE_SCHEMA = pa.schema(
    [
        ("line_id", pa.int64()),
        ("unit_code", pa.string()),
        ("function_code", pa.string()),
        ("economic_code", pa.string()),
        ("project_code", pa.string()),
        ("adjusted", pa.decimal128(18, 2)),
        ("is_special", pa.bool_()),
        ("approved_on", pa.date32()),
        ("line_label", pa.string()),
        ("initial", pa.decimal128(18, 2)),
        ("project_name", pa.string()),
    ]
)
# The natural key of a line, used in alert keys so they survive re-creating the lines.
LINE_KEY_SQL = "unit_code || '|' || function_code || '|' || economic_code || '|' || project_code"
LINE_COLUMNS = "unit_code, function_code, economic_code, project_code"


@dataclass
class Finding:
    rule: str
    key: str
    unit_code: str | None
    amount: Decimal | None
    vouchers: list[str]
    record_count: int
    detail: dict[str, Any] = field(default_factory=dict)


def time_progress(as_of: dt.date) -> float:
    """Share of the year elapsed on ``as_of`` (days elapsed ÷ days in the year, DOMAIN_RULES §4)."""
    days = 366 if calendar.isleap(as_of.year) else 365
    return (as_of.timetuple().tm_yday) / days


def nonworkdays(year: int, exceptions: dict[dt.date, bool]) -> list[dt.date]:
    """Weekends that are not make-up working days, and public holidays, of ``year``."""
    day, end, out = dt.date(year, 1, 1), dt.date(year, 12, 31), []
    while day <= end:
        exception = exceptions.get(day)
        workday = exception if exception is not None else day.weekday() < 5
        if not workday:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def lines_table(rows: Iterable[Sequence[Any]]) -> pa.Table:
    """Rows of (line_id, unit_code, function_code, economic_code, project_code, adjusted, is_special,
    approved_on, line_label, initial, project_name)."""
    cols: list[Sequence[Any]] = list(zip(*rows, strict=True)) or [[] for _ in LINE_SCHEMA]
    return pa.table(
        [pa.array(list(c), type=f.type) for c, f in zip(cols, LINE_SCHEMA, strict=True)], schema=LINE_SCHEMA
    )


def prepare(
    con: duckdb.DuckDBPyConnection,
    *,
    congress_id: int,
    year: int,
    as_of: dt.date,
    lines: pa.Table,
    holidays: Sequence[dt.date],
    payments_sql: str | None = None,
    prev_payments_sql: str | None = None,
) -> None:
    """Create the relations the rules read. ``payments_sql`` overrides the Parquet store (bench)."""
    start = dt.date(year, 1, 1)
    prev_as_of = _same_day_last_year(as_of)
    source = payments_sql or store.payments_source(congress_id, [year])
    prev_source = prev_payments_sql or store.payments_source(congress_id, [year - 1])
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW payments AS SELECT * FROM {source} "  # noqa: S608
        f"WHERE pay_date BETWEEN DATE '{start}' AND DATE '{as_of}'"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW payments_prev AS SELECT * FROM {prev_source} "  # noqa: S608
        f"WHERE pay_date BETWEEN DATE '{dt.date(year - 1, 1, 1)}' AND DATE '{prev_as_of}'"
    )
    # Sums per budget line and month, from the monthly aggregates (whole months) and the payments
    # of a month cut by the as-of date: the rules over line totals read a few thousand rows.
    if payments_sql:
        this_year = f"({store.aggregate_query('monthly', 'payments')})"
    else:
        this_year = store.facts_source(con, congress_id, year, end=as_of)
    if prev_payments_sql:
        last_year = f"({store.aggregate_query('monthly', 'payments_prev')})"
    else:
        last_year = store.facts_source(con, congress_id, year - 1, end=prev_as_of)
    for name, facts in (("line_month", this_year), ("line_month_prev", last_year)):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {LINE_COLUMNS}, month, "  # noqa: S608
            f"sum(amount) AS paid, CAST(sum(n) AS BIGINT) AS n FROM {facts} GROUP BY ALL"
        )
    con.register("lines_arrow", lines)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE lines AS SELECT *, {LINE_KEY_SQL} AS line_key FROM lines_arrow"  # noqa: S608
    )
    con.unregister("lines_arrow")
    days = pa.table({"d": pa.array(list(holidays), type=pa.date32())})
    con.register("nonworkdays_arrow", days)
    con.execute("CREATE OR REPLACE TEMP TABLE nonworkdays AS SELECT * FROM nonworkdays_arrow")
    con.unregister("nonworkdays_arrow")
    tpe = pa.table({"code": pa.array(classification().three_public_codes, type=pa.string())})
    con.register("tpe_arrow", tpe)
    con.execute("CREATE OR REPLACE TEMP TABLE tpe AS SELECT * FROM tpe_arrow")
    con.unregister("tpe_arrow")


def _same_day_last_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def stable_key(year: int, raw: str) -> str:
    key = f"{year}:{raw}"
    if len(key) <= 200:
        return key
    return key[:150] + "#" + hashlib.sha256(key.encode()).hexdigest()[:40]


def run_rule(
    con: duckdb.DuckDBPyConnection, rule: RuleSpec, *, year: int, as_of: dt.date, values: dict[str, Any]
) -> list[Finding]:
    params: dict[str, Any] = {"as_of": as_of, "progress": time_progress(as_of), **values}
    used = {name: value for name, value in params.items() if f"${name}" in rule.sql}
    cursor = con.execute(rule.sql, used)
    names = [d[0] for d in cursor.description]
    findings = []
    for row in cursor.fetchall():
        record = dict(zip(names, row, strict=True))
        amount = record.pop("amount")
        findings.append(
            Finding(
                rule=rule.code,
                key=stable_key(year, record.pop("key")),
                unit_code=record.pop("unit_code"),
                amount=Decimal(str(amount)).quantize(Decimal("0.01")) if amount is not None else None,
                vouchers=list(record.pop("vouchers") or []),
                record_count=int(record.pop("record_count") or 0),
                detail=record,
            )
        )
    return findings


def run_all(
    con: duckdb.DuckDBPyConnection,
    *,
    year: int,
    as_of: dt.date,
    values_by_rule: dict[str, dict[str, Any]],
    rules: Sequence[RuleSpec] = RULES,
) -> dict[str, list[Finding]]:
    return {
        rule.code: run_rule(con, rule, year=year, as_of=as_of, values=values_by_rule.get(rule.code, {}))
        for rule in rules
    }


def default_values() -> dict[str, dict[str, Any]]:
    return {rule.code: {p.name: p.default for p in rule.params} for rule in RULES}
