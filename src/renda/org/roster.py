"""The deputy roster (代表名册) as an Excel file: its columns, the template, reading and checking
every row, and the plan of what an import would do. The import itself is
``renda.org.services.roster_import``; this module never writes."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from renda.core.crypto import blind_index
from renda.core.exports import xlsx_bytes
from renda.org.models import Constituency, Delegation, DeputyMandate, Education, Gender, Person, Sector, Term
from renda.org.validators import normalise_id_number, validate_id_number, validate_phone
from renda.org.vocab import ETHNICITIES, normalise_ethnicity

# The documented column set of the roster file, in order: (field, header as printed in the file).
# Headers are part of the file format used by county offices, so they are fixed Chinese strings.
ROSTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("ethnicity", "民族"),
    ("birth_date", "出生日期"),
    ("party", "政治面貌"),
    ("education", "文化程度"),
    ("occupation", "职业及职务"),
    ("sector", "代表构成"),
    ("phone", "手机号码"),
    ("id_number", "身份证号"),
    ("constituency", "选区"),
    ("delegation", "代表团"),
)
ROSTER_HEADERS = tuple(header for _field, header in ROSTER_COLUMNS)
REQUIRED_HEADERS = ("姓名", "身份证号")
SHEET_TITLE = "代表名册"
MAX_ROWS = 5000

GENDER_WORDS = {"男": Gender.MALE, "女": Gender.FEMALE, "male": Gender.MALE, "female": Gender.FEMALE}
GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
# Words seen in rosters for each education level and sector, besides the choices' own labels.
EDUCATION_WORDS = {
    "研究生": Education.POSTGRADUATE, "博士": Education.POSTGRADUATE, "硕士": Education.POSTGRADUATE,
    "大学本科": Education.UNDERGRADUATE, "本科": Education.UNDERGRADUATE,
    "大学专科": Education.COLLEGE, "大专": Education.COLLEGE, "专科": Education.COLLEGE,
    "高中": Education.SECONDARY, "中专": Education.SECONDARY, "高中（中专）": Education.SECONDARY,
    "初中及以下": Education.BELOW, "初中": Education.BELOW, "小学": Education.BELOW,
}  # fmt: skip
SECTOR_WORDS = {
    "党政领导干部": Sector.CADRE, "党政干部": Sector.CADRE, "干部": Sector.CADRE,
    "工人": Sector.WORKER, "农民": Sector.FARMER,
    "专业技术人员": Sector.PROFESSIONAL, "企业负责人": Sector.ENTERPRISE, "企业管理人员": Sector.ENTERPRISE,
    "解放军": Sector.MILITARY, "军人": Sector.MILITARY, "其他": Sector.OTHER,
}  # fmt: skip
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _choice_words(base: Mapping[str, str], choices: Sequence[tuple[str, Any]]) -> dict[str, str]:
    words: dict[str, str] = dict(base)
    with translation.override("zh-hans"):
        for value, label in choices:
            words.setdefault(str(label), value)
            words.setdefault(value, value)
    return words


@dataclass
class RosterRow:
    line: int  # the Excel row number, as the user sees it
    name: str = ""
    gender: str = ""
    ethnicity: str = ""
    birth_date: dt.date | None = None
    party: str = ""
    education: str = ""
    occupation: str = ""
    sector: str = ""
    phone: str = ""
    id_number: str = ""
    constituency: Constituency | None = None
    delegation: Delegation | None = None
    digest: str = ""
    # What the import does with the row: create (new person), add (known person, new mandate), unchanged.
    action: str = ""
    person: Person | None = None

    def person_fields(self) -> dict[str, Any]:
        return {
            "name": self.name, "gender": self.gender, "ethnicity": self.ethnicity, "birth_date": self.birth_date,
            "party": self.party, "education": self.education, "occupation": self.occupation,
            "sector": self.sector, "phone": self.phone, "id_number": self.id_number,
        }  # fmt: skip


@dataclass
class RosterPlan:
    term: Term
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return not self.errors


def template_bytes() -> bytes:
    """An empty roster with the documented columns and a sheet explaining each one."""
    with translation.override("zh-hans"):
        sectors = "、".join(str(label) for _v, label in Sector.choices)
        educations = "、".join(str(label) for _v, label in Education.choices)
    notes = [
        ("姓名", "必填", ""),
        ("性别", "男 或 女；可不填，按身份证号确定", ""),
        ("民族", "如 汉族、土家族", "、".join(ETHNICITIES[:8]) + "……"),
        ("出生日期", "日期格式，如 1975-05-01；可不填，按身份证号确定", ""),
        ("政治面貌", "如 中共党员、民盟盟员、无党派人士、群众", ""),
        ("文化程度", "填写右列之一", educations),
        ("职业及职务", "", ""),
        ("代表构成", "填写右列之一", sectors),
        ("手机号码", "11位手机号或区号加电话号码", ""),
        ("身份证号", "必填，18位；请将单元格设为文本格式", ""),
        ("选区", "须为本届已登记的选区名称", ""),
        ("代表团", "须为本届已登记的代表团名称", ""),
    ]
    return xlsx_bytes([(SHEET_TITLE, ROSTER_HEADERS, []), ("填写说明", ("列", "说明", "可选值"), notes)])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numbers typed into cells come back as floats
    return str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(text)


def read_sheet(file: IO[bytes] | bytes) -> list[list[Any]]:
    """The first sheet's cells; raises ValidationError when the file is not a readable .xlsx."""
    from python_calamine import CalamineWorkbook

    data = file if isinstance(file, bytes) else file.read()
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return list(workbook.get_sheet_by_index(0).to_python(skip_empty_area=False))
    except Exception:  # calamine raises several error types for damaged or non-Excel files
        raise ValidationError(_("The file could not be read as an Excel workbook (.xlsx).")) from None


def plan_import(*, term: Term, file: IO[bytes] | bytes) -> RosterPlan:
    """Reads and checks every row; lists every problem with its Excel row number. Queries are per
    file, not per row: constituencies, delegations, known people and mandates are loaded once."""
    plan = RosterPlan(term=term)
    cells = read_sheet(file)
    if not cells:
        plan.errors.append(_("The workbook is empty. Use the template and fill in one deputy per row."))
        return plan
    header = [_text(h) for h in cells[0]]
    missing = [h for h in REQUIRED_HEADERS if h not in header]
    if missing:
        plan.errors.append(
            _("Row 1: the header must contain the columns %(columns)s (see the template).")
            % {"columns": "、".join(missing)}
        )
        return plan
    index = {h: header.index(h) for h in ROSTER_HEADERS if h in header}
    body = [(n, row) for n, row in enumerate(cells[1:], start=2) if any(_text(c) for c in row)]
    if len(body) > MAX_ROWS:
        plan.errors.append(
            _("The file has more than %(max)s rows; split it into several files.") % {"max": MAX_ROWS}
        )
        return plan
    if not body:
        plan.errors.append(_("The workbook has no deputies below the header row."))
        return plan

    constituencies = {c.name: c for c in Constituency.objects.filter(term=term)}
    delegations = {d.name: d for d in Delegation.objects.filter(term=term)}
    educations = _choice_words(EDUCATION_WORDS, Education.choices)
    sectors = _choice_words(SECTOR_WORDS, Sector.choices)
    seen: dict[str, int] = {}

    for line, cells_row in body:

        def cell(header: str, cells_row: list[Any] = cells_row) -> Any:
            i = index.get(header)
            return cells_row[i] if i is not None and i < len(cells_row) else None

        row = RosterRow(line=line)
        problems: list[str] = []
        row.name = re.sub(r"\s+", "", _text(cell("姓名")))
        if not row.name:
            problems.append(_("the name is missing"))
        elif len(row.name) > 60:
            problems.append(_("the name is longer than 60 characters"))

        id_number = normalise_id_number(_text(cell("身份证号")))
        id_birth: dt.date | None = None
        id_gender = ""
        if not id_number:
            problems.append(_("the ID number is missing"))
        else:
            try:
                id_birth, id_gender = validate_id_number(id_number)
                row.id_number = id_number
            except ValidationError as exc:
                problems.append(
                    _("ID number %(value)s: %(reason)s")
                    % {"value": id_number, "reason": exc.messages[0].rstrip("。.")}
                )

        gender_text = _text(cell("性别"))
        if gender_text:
            gender = GENDER_WORDS.get(gender_text)
            if gender is None:
                problems.append(_("gender “%(value)s” is not 男 or 女") % {"value": gender_text})
            elif id_gender and gender != id_gender:
                problems.append(_("the gender does not match the ID number"))
            row.gender = gender or ""
        row.gender = row.gender or id_gender

        birth_raw = cell("出生日期")
        if _text(birth_raw):
            try:
                row.birth_date = _date(birth_raw)
                if id_birth and row.birth_date != id_birth:
                    problems.append(_("the birth date does not match the ID number"))
            except ValueError:
                problems.append(
                    _("birth date “%(value)s” is not a date such as 1975-05-01") % {"value": _text(birth_raw)}
                )
        row.birth_date = row.birth_date or id_birth

        ethnicity_text = _text(cell("民族"))
        if ethnicity_text:
            ethnicity = normalise_ethnicity(ethnicity_text)
            if ethnicity is None:
                problems.append(
                    _("ethnicity “%(value)s” is not one of the 56 ethnic groups") % {"value": ethnicity_text}
                )
            row.ethnicity = ethnicity or ""
        else:
            row.ethnicity = "汉族"

        row.party = _text(cell("政治面貌"))
        if len(row.party) > 30:
            problems.append(_("the party affiliation is longer than 30 characters"))
        row.occupation = _text(cell("职业及职务"))
        if len(row.occupation) > 200:
            problems.append(_("the occupation is longer than 200 characters"))

        education_text = _text(cell("文化程度"))
        if education_text:
            row.education = educations.get(education_text, "")
            if not row.education:
                problems.append(_("education “%(value)s” is not a known level") % {"value": education_text})
        sector_text = _text(cell("代表构成"))
        if sector_text:
            row.sector = sectors.get(sector_text, "")
            if not row.sector:
                problems.append(_("sector “%(value)s” is not a known category") % {"value": sector_text})

        phone_text = _text(cell("手机号码"))
        if phone_text:
            try:
                row.phone = validate_phone(phone_text)
            except ValidationError:
                problems.append(_("phone number %(value)s is not valid") % {"value": phone_text})

        constituency_text = _text(cell("选区"))
        if constituency_text:
            row.constituency = constituencies.get(constituency_text)
            if row.constituency is None:
                problems.append(
                    _("constituency “%(value)s” is not registered for this term")
                    % {"value": constituency_text}
                )
        delegation_text = _text(cell("代表团"))
        if delegation_text:
            row.delegation = delegations.get(delegation_text)
            if row.delegation is None:
                problems.append(
                    _("delegation “%(value)s” is not registered for this term") % {"value": delegation_text}
                )

        if row.id_number:
            row.digest = blind_index(row.id_number)
            if row.digest in seen:
                problems.append(
                    _("the same ID number is already on row %(line)s") % {"line": seen[row.digest]}
                )
            else:
                seen[row.digest] = line
        if problems:
            plan.errors.append(
                _("Row %(line)s: %(problems)s.") % {"line": line, "problems": "；".join(problems)}
            )
        plan.rows.append(row)

    if plan.errors:
        return plan
    _match_known_people(plan)
    return plan


def _differences(row: RosterRow, person: Person, mandate: DeputyMandate | None) -> list[str]:
    labels = dict(ROSTER_COLUMNS)
    fields = row.person_fields()
    changed = [labels[f] for f in ("name", "gender", "ethnicity", "birth_date", "party", "education",
                                   "occupation", "sector", "phone") if getattr(person, f) != fields[f]]  # fmt: skip
    if mandate is not None:
        if mandate.constituency_id != (row.constituency.pk if row.constituency else None):
            changed.append(labels["constituency"])
        if mandate.delegation_id != (row.delegation.pk if row.delegation else None):
            changed.append(labels["delegation"])
    return changed


def _match_known_people(plan: RosterPlan) -> None:
    """Finds people already registered in the congress by the blind index of their ID number."""
    term = plan.term
    digests = [r.digest for r in plan.rows]
    people = {
        p.id_number_digest: p
        for p in Person.objects.filter(congress=term.congress, id_number_digest__in=digests)
    }
    mandates = {m.person_id: m for m in DeputyMandate.objects.filter(term=term, person__in=people.values())}
    for row in plan.rows:
        person = people.get(row.digest)
        if person is None:
            row.action = "create"
            continue
        row.person = person
        mandate = mandates.get(person.pk)
        if person.name != row.name:
            plan.errors.append(
                _("Row %(line)s: this ID number is registered to %(name)s, not %(row_name)s.")
                % {"line": row.line, "name": person.name, "row_name": row.name}
            )
        elif mandate is None:
            row.action = "add"
        else:
            changed = _differences(row, person, mandate)
            if changed:
                plan.errors.append(
                    _("Row %(line)s: %(name)s already holds a mandate in this term and the row differs in %(fields)s; "
                      "change the deputy's record instead of importing it again.")
                    % {"line": row.line, "name": row.name, "fields": "、".join(changed)}
                )  # fmt: skip
            else:
                row.action = "unchanged"


def roster_row_values(mandate: DeputyMandate, *, full: bool) -> list[Any]:
    """One deputy in the roster's column order (the export is importable again when ``full``)."""
    from renda.core.masking import mask_id_number, mask_phone

    person = mandate.person
    with translation.override("zh-hans"):
        education = str(person.get_education_display()) if person.education else ""
        sector = str(person.get_sector_display()) if person.sector else ""
    return [
        person.name, GENDER_LABELS.get(person.gender, ""), person.ethnicity, person.birth_date, person.party,  # type: ignore[call-overload]
        education, person.occupation, sector,
        person.phone if full else mask_phone(person.phone),
        person.id_number if full else mask_id_number(person.id_number),
        mandate.constituency.name if mandate.constituency else "",
        mandate.delegation.name if mandate.delegation else "",
    ]  # fmt: skip
