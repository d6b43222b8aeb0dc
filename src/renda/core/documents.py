"""Official documents as .docx laid out after GB/T 9704-2012 (党政机关公文格式): A4, margins
37/35/28/26 mm, title in 小标宋 二号 (22 pt), body in 仿宋_GB2312 三号 (16 pt), 22 lines of
28 characters, headings in 黑体 and 楷体. Features build letters and reports with ``OfficialDocument``."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from renda.core.templatetags.renda import cn_date

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"


def _set_font(run: Any, name: str, size_pt: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


class OfficialDocument:
    def __init__(self, title: str, *, issuer: str = "", doc_number: str = "") -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        normal = self.doc.styles["Normal"]
        normal.font.name = BODY_FONT
        normal.font.size = Pt(16)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28.9)  # 22 lines on the 225 mm type area
        fmt.space_before = fmt.space_after = Pt(0)
        if issuer:
            self._centered(issuer, HEADING1_FONT, 22)
        if doc_number:
            self._centered(doc_number, BODY_FONT, 16)
        self._centered(title, TITLE_FONT, 22)
        self.doc.add_paragraph()

    def _centered(self, text: str, font: str, size: float) -> None:
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(p.add_run(text), font, size)

    def salutation(self, text: str) -> None:
        p = self.doc.add_paragraph()
        _set_font(p.add_run(text), BODY_FONT, 16)

    def paragraph(self, text: str) -> None:
        p = self.doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)  # two characters
        _set_font(p.add_run(text), BODY_FONT, 16)

    def heading(self, text: str, level: int = 1) -> None:
        p = self.doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        _set_font(p.add_run(text), HEADING1_FONT if level == 1 else HEADING2_FONT, 16)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, headers, strict=True):
            cell.text = ""
            _set_font(cell.paragraphs[0].add_run(str(header)), HEADING1_FONT, 12)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = ""
                _set_font(cell.paragraphs[0].add_run("" if value is None else str(value)), BODY_FONT, 12)

    def signature(self, signer: str, date: dt.date) -> None:
        self.doc.add_paragraph()
        for text in (signer, cn_date(date)):
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(64)
            _set_font(p.add_run(text), BODY_FONT, 16)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
