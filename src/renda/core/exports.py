"""Excel export used by every list page (``?export=xlsx``) and by reports. Rows are streamed
through XlsxWriter's constant-memory mode so a large list does not fill memory."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils.encoding import force_str

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, dt.date, dt.datetime)):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return force_str(value)


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """``sheets`` is a list of (title, headers, rows)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    header_fmt = workbook.add_format({"bold": True, "bg_color": "#F2E6E6", "border": 1})
    date_fmt = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_fmt = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for title, headers, rows in sheets:
        sheet = workbook.add_worksheet(force_str(title)[:31])
        for col, header in enumerate(headers):
            sheet.write(0, col, force_str(header), header_fmt)
            sheet.set_column(col, col, max(10, min(40, len(force_str(header)) * 2 + 4)))
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                cell = _cell(value)
                if isinstance(cell, dt.datetime):
                    sheet.write_datetime(r, col, cell, datetime_fmt)
                elif isinstance(cell, dt.date):
                    sheet.write_datetime(r, col, dt.datetime.combine(cell, dt.time()), date_fmt)
                else:
                    sheet.write(r, col, cell)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(
    filename: str, title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    return attachment(xlsx_bytes([(title, headers, rows)]), filename, XLSX_CONTENT_TYPE)
