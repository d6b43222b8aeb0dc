"""Budget data for tests, built through the services; payments go straight to the Parquet store."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pyarrow as pa

from renda.budget import generator, services, store
from renda.budget.models import BudgetLine, BudgetUnit
from renda.core.models import Congress

YEAR = 2025
_voucher = itertools.count(1)


@dataclass
class Budget:
    congress: Congress
    units: dict[str, BudgetUnit]
    lines: dict[str, BudgetLine] = field(default_factory=dict)


def small_budget(congress: Congress, *, year: int = YEAR) -> Budget:
    """Two units of one department with a few lines (amounts in yuan)."""
    edu = services.budget_unit_create(actor=None, congress=congress, code="105", name="县教育局")
    school = services.budget_unit_create(
        actor=None, congress=congress, code="105001", name="城关镇中心小学", department=edu
    )
    budget = Budget(congress, {"105": edu, "105001": school})
    jan1 = dt.date(year, 1, 1)
    for name, unit, fn, econ, amount, extra in (
        ("office", edu, "2050101", "30201", 100000, {}),
        ("reception", edu, "2050101", "30217", 20000, {}),
        ("vehicle", edu, "2050101", "30231", 30000, {}),
        (
            "building",
            school,
            "2050202",
            "31005",
            2000000,
            {"project_code": "XM01", "project_name": "教学楼维修"},
        ),
        (
            "special",
            school,
            "2050202",
            "30227",
            400000,
            {
                "project_code": "ZX01",
                "project_name": "上级专项",
                "is_special_fund": True,
                "approved_on": dt.date(year, 3, 3),
            },
        ),
    ):
        kwargs: dict[str, Any] = {"approved_on": jan1, **extra}
        budget.lines[name] = services.budget_line_create(
            actor=None,
            unit=unit,
            year=year,
            function_code=fn,
            economic_code=econ,
            amount=Decimal(amount),
            **kwargs,
        )
    return budget


def pay(
    line: BudgetLine | None = None,
    *,
    day: dt.date,
    amount: float | Decimal,
    payee: str = "华兴商贸有限公司",
    kind: str = "unit",
    purpose: str = "办公费支出",
    unit: str | None = None,
    function_code: str | None = None,
    economic_code: str | None = None,
    project_code: str | None = None,
    voucher: str | None = None,
) -> dict:
    return {
        "voucher_no": voucher or f"T{next(_voucher):08d}",
        "pay_date": day,
        "unit_code": unit or (line.unit.code if line else ""),
        "function_code": function_code or (line.function_code if line else ""),
        "economic_code": economic_code or (line.economic_code if line else ""),
        "project_code": project_code if project_code is not None else (line.project_code if line else ""),
        "payee_name": payee,
        "payee_account_kind": kind,
        "amount": Decimal(str(amount)).quantize(Decimal("0.01")),
        "purpose": purpose,
        "pay_way": "direct",
        "fund_source": "一般公共预算",
        "import_id": 0,
    }


def write_payments(congress: Congress, rows: list[dict], *, tag: str = "test") -> None:
    by_year: dict[int, list[dict]] = {}
    for row in rows:
        by_year.setdefault(row["pay_date"].year, []).append(row)
    for year, year_rows in by_year.items():
        store.write_arrow(
            pa.Table.from_pylist(year_rows, schema=store.ARROW_SCHEMA),
            congress_id=congress.pk,
            year=year,
            tag=f"{tag}-{next(_voucher)}",
        )


def generated_county(congress: Congress, *, payments: int = 5000, seed: int = 7) -> generator.GeneratedCounty:
    county = generator.generate(congress_id=congress.pk, year=YEAR, payments=payments, seed=seed)
    services.generated_county_load(actor=None, congress=congress, county=county)
    return county


HEADERS = [
    "凭证编号",
    "支付日期",
    "预算单位",
    "功能分类科目编码",
    "经济分类科目编码",
    "项目编码",
    "收款人全称",
    "收款账户类型",
    "金额（元）",
    "摘要",
    "支付方式",
    "资金来源",
]


def csv_text(rows: list[list[str]], headers: list[str] = HEADERS) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_row(
    voucher: str,
    day: str = "2025-05-06",
    unit: str = "105001",
    fn: str = "2050202",
    econ: str = "31005",
    project: str = "XM01",
    payee: str = "华兴商贸有限公司",
    kind: str = "单位",
    amount: str = "12,000.00",
    purpose: str = "维修款",
    way: str = "直接支付",
    fund: str = "一般公共预算",
) -> list[str]:
    return [voucher, day, unit, fn, econ, project, payee, kind, amount, purpose, way, fund]
