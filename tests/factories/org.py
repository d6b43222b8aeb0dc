"""Builders for org tests: roster workbooks (filled from the template) and small fixed populations."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import load_workbook

from renda.org.roster import ROSTER_HEADERS, template_bytes
from tests.factories.world import make_id_number


def roster_row(
    name: str, *, male: bool = True, birth: dt.date = dt.date(1980, 6, 15), **overrides: Any
) -> dict[str, Any]:
    """One roster row as a dict keyed by the Chinese header."""
    row = {
        "姓名": name, "性别": "男" if male else "女", "民族": "汉族", "出生日期": birth.isoformat(),
        "政治面貌": "中共党员", "文化程度": "大学本科", "职业及职务": "示范县某单位职员", "代表构成": "专业技术人员",
        "手机号码": "13900001111", "身份证号": make_id_number(birth, male), "选区": "第一选区", "代表团": "青山镇代表团",
    }  # fmt: skip
    row.update(overrides)
    return row


def roster_file(rows: Sequence[dict[str, Any]], headers: Sequence[str] = ROSTER_HEADERS) -> bytes:
    """The downloadable template filled with ``rows`` (so every test also exercises the template)."""
    workbook = load_workbook(io.BytesIO(template_bytes()))
    sheet = workbook.worksheets[0]
    if list(headers) != list(ROSTER_HEADERS):
        sheet.delete_rows(1)
        sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
