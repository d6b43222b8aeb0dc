"""Import of treasury payment files (CSV or Excel) into the Parquet store.

The bulk path is one streamed DuckDB query: the CSV goes through DuckDB's multi-threaded reader
with an explicit schema (every column as text), is mapped to our columns, typed, checked, sorted
and written straight to a staged Parquet file; a bad row stops the query. Only a file with a bad
row (or a voucher number twice) is read a second time, with line numbers, so every bad row is
reported with its line and reason. A file with any bad row imports nothing. Rows whose voucher
number is already stored are skipped (an anti-join against the stored voucher indexes), so
re-importing a file or an overlapping file adds nothing twice; the staged files are then moved
into the store by rename."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.budget import store
from renda.budget.classification import classification


@dataclass(frozen=True)
class ImportField:
    name: str
    label: str | Promise
    required: bool
    synonyms: tuple[str, ...]


FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "voucher_no",
        gettext_lazy("Voucher number"),
        True,
        ("支付凭证号", "凭证编号", "凭证号", "支付凭证编号", "voucher_no"),
    ),
    ImportField(
        "pay_date",
        gettext_lazy("Payment date"),
        True,
        ("支付日期", "凭证日期", "付款日期", "日期", "pay_date"),
    ),
    ImportField(
        "unit_code",
        gettext_lazy("Budget unit"),
        True,
        ("预算单位编码", "单位编码", "预算单位代码", "预算单位", "单位名称", "unit_code"),
    ),
    ImportField(
        "function_code",
        gettext_lazy("Function code"),
        True,
        ("功能分类科目编码", "功能科目编码", "功能分类科目", "功能分类", "支出功能分类", "function_code"),
    ),
    ImportField(
        "economic_code",
        gettext_lazy("Economic code"),
        True,
        ("经济分类科目编码", "经济科目编码", "部门经济分类", "经济分类科目", "经济分类", "economic_code"),
    ),
    ImportField(
        "project_code", gettext_lazy("Project code"), False, ("项目编码", "项目代码", "project_code")
    ),
    ImportField(
        "payee_name",
        gettext_lazy("Payee"),
        True,
        ("收款人名称", "收款人全称", "收款人", "收款单位", "payee_name"),
    ),
    ImportField(
        "payee_account_kind",
        gettext_lazy("Payee account kind"),
        False,
        ("收款账户类型", "收款人账户性质", "账户性质", "收款人类型", "payee_account_kind"),
    ),
    ImportField(
        "amount",
        gettext_lazy("Amount (yuan)"),
        True,
        ("支付金额", "金额（元）", "金额(元)", "金额", "amount"),
    ),
    ImportField("purpose", gettext_lazy("Purpose"), False, ("用途", "资金用途", "摘要", "purpose")),
    ImportField("pay_way", gettext_lazy("Payment way"), False, ("支付方式", "pay_way")),
    ImportField("fund_source", gettext_lazy("Fund source"), False, ("资金来源", "资金性质", "fund_source")),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
ACCOUNT_KINDS = {
    "单位": "unit",
    "对公": "unit",
    "单位账户": "unit",
    "unit": "unit",
    "个人": "personal",
    "对私": "personal",
    "个人账户": "personal",
    "personal": "personal",
}
PAY_WAYS = {
    "直接": "direct",
    "直接支付": "direct",
    "direct": "direct",
    "授权": "authorized",
    "授权支付": "authorized",
    "authorized": "authorized",
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S")


class ImportFileError(Exception):
    """The file cannot be read at all (wrong type, empty, no header)."""


def is_excel(path: Path) -> bool:
    return path.suffix.lower() in {".xlsx", ".xls", ".xlsm", ".ods"}


def _detect_encoding(path: Path, whole: bool = False) -> str:
    """UTF-8 (with or without BOM) or GB18030, the two encodings finance systems export. Only the
    first megabyte is looked at unless ``whole``: DuckDB's reader checks the rest of a UTF-8 file
    itself, and ``load_raw`` transcodes when it finds GB18030 further down."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                decoder.decode(chunk)
                if not whole:
                    return "utf-8"
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            return "gb18030"


def utf8_csv(path: Path, *, force: bool = False) -> Path:
    """DuckDB reads UTF-8 only without an extension; transcode GB18030 files once."""
    if not force and _detect_encoding(path) == "utf-8":
        return path
    target = path.with_suffix(".utf8.csv")
    if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
        return target
    with (
        path.open("r", encoding="gb18030", newline="") as src,
        target.open("w", encoding="utf-8", newline="") as dst,
    ):
        for chunk in iter(lambda: src.read(1 << 20), ""):
            dst.write(chunk)
    return target


def _not_utf8(exc: Exception) -> bool:
    return "Invalid unicode" in str(exc) or "not utf-8" in str(exc)


def _cell(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def excel_rows(path: Path) -> list[list[str | None]]:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        return [[_cell(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
    except Exception as exc:  # calamine raises its own types for broken files
        raise ImportFileError(_("The Excel file cannot be read: %(error)s") % {"error": exc}) from exc


def read_headers(path: Path) -> list[str]:
    if is_excel(path):
        rows = excel_rows(path)
        headers = [h or "" for h in rows[0]] if rows else []
    else:
        with utf8_csv(path).open("r", encoding="utf-8-sig", newline="") as fh:
            first = next(csv.reader(fh), [])
        headers = [h.strip() for h in first]
    if not any(headers):
        raise ImportFileError(_("The file has no header row."))
    return headers


def guess_mapping(headers: list[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """Our field → their column: the source's saved mapping first, then known column names."""
    mapping: dict[str, str] = {}
    present = set(headers)
    for f in FIELDS:
        if saved and saved.get(f.name) in present:
            mapping[f.name] = saved[f.name]
            continue
        for synonym in f.synonyms:
            if synonym in present and synonym not in mapping.values():
                mapping[f.name] = synonym
                break
    return mapping


def check_mapping(mapping: dict[str, str], headers: list[str]) -> list[str]:
    problems = []
    for f in FIELDS:
        column = mapping.get(f.name, "")
        if f.required and not column:
            problems.append(_("Choose the column for “%(field)s”.") % {"field": f.label})
        elif column and column not in headers:
            problems.append(_("The file has no column “%(column)s”.") % {"column": column})
    used = [c for c in mapping.values() if c]
    if len(used) != len(set(used)):
        problems.append(_("One column is mapped to two fields."))
    return problems


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def load_raw(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: dict[str, str],
    *,
    numbered: bool = True,
    transcode: bool = False,
) -> int:
    """Create table ``raw`` (line, our fields as text) from the file. Returns the row count.
    Numbering CSV lines costs a single-threaded pass, so the bulk path reads without numbers and
    only a file with errors is read again, numbered, to report them."""
    if is_excel(path):
        rows = excel_rows(path)
        if not rows:
            raise ImportFileError(_("The file is empty."))
        headers = [h or "" for h in rows[0]]
        index = {h: i for i, h in enumerate(headers)}
        data: dict[str, list[Any]] = {"line": list(range(2, len(rows) + 1))}
        for f in FIELDS:
            col = index.get(mapping.get(f.name, ""))
            data[f.name] = [(r[col] if col is not None and col < len(r) else None) for r in rows[1:]]
        table = pa.table(
            {k: pa.array(v, type=pa.int64() if k == "line" else pa.string()) for k, v in data.items()}
        )
        con.register("raw_arrow", table)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE raw AS SELECT * FROM raw_arrow "
            "WHERE NOT (coalesce(voucher_no, '') = '' AND coalesce(amount, '') = '' "
            "AND coalesce(payee_name, '') = '')"
        )
        con.unregister("raw_arrow")
    else:
        source = utf8_csv(path, force=transcode)
        headers = read_headers(source)
        # An explicit schema: no sniffing pass, and nothing is typed by guess (we check the text).
        columns = "{" + ", ".join(f"{_literal(h)}: 'VARCHAR'" for h in _unique(headers)) + "}"
        select = ", ".join(
            f"{_quote(mapping[f.name])} AS {f.name}"
            if mapping.get(f.name)
            else f"CAST(NULL AS VARCHAR) AS {f.name}"
            for f in FIELDS
        )
        con.execute("DROP VIEW IF EXISTS raw")
        con.execute("DROP TABLE IF EXISTS raw")
        reader = (
            f"read_csv('{_escape(str(source))}', header = true, columns = {columns}, auto_detect = false, "
            "delim = ',', quote = '\"', strict_mode = false, null_padding = true)"
        )
        if not numbered:
            # Streamed straight into the check (no copy of the text); the caller counts ``checked``.
            con.execute(
                f"CREATE OR REPLACE TEMP VIEW raw AS SELECT NULL::BIGINT AS line, {select} FROM {reader}"  # noqa: S608
            )  # noqa: S608
            return -1
        # Line numbers follow the file order (header is line 1); DuckDB keeps insertion order.
        try:
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE raw AS SELECT row_number() OVER () + 1 AS line, {select} "  # noqa: S608
                f"FROM {reader}"
            )
        except duckdb.InvalidInputException as exc:
            if transcode or not _not_utf8(exc):
                raise
            return load_raw(con, path, mapping, numbered=True, transcode=True)
    row = store.first_row(con, "SELECT count(*) FROM raw")
    return int(row[0]) if row else 0


def _escape(text: str) -> str:
    return text.replace("'", "''")


def _literal(text: str) -> str:
    return "'" + _escape(text) + "'"


def _unique(headers: list[str]) -> list[str]:
    """Header names as DuckDB names them (an empty header becomes column<N>, repeats get _<n>)."""
    seen: dict[str, int] = {}
    out = []
    for i, h in enumerate(headers):
        name = h or f"column{i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _case_map(expr: str, mapping: dict[str, str]) -> str:
    """A CASE over a small fixed mapping (cheaper than a join per row); NULL when not listed."""
    whens = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in mapping.items())
    return f"CASE {expr} {whens} END"


BAD_ROW = """coalesce(voucher_no, '') = '' OR pay_date IS NULL OR year(pay_date) NOT IN (SELECT y FROM years_ok)
    OR amount IS NULL OR amount = 0 OR unit_code IS NULL OR NOT coalesce(fn_ok, false) OR NOT coalesce(econ_ok, false)
    OR coalesce(payee_name, '') = '' OR payee_account_kind IS NULL OR pay_way IS NULL"""


def _lookups(con: duckdb.DuckDBPyConnection, unit_codes: dict[str, str]) -> None:
    """Temp tables the checks join: unit code or name → code, known codes, covered years."""
    cls = classification()
    tables = {
        "units_ok": pa.table({"key": list(unit_codes), "code": list(unit_codes.values())}),
        "fn_ok_codes": pa.table({"code": cls.function_items}),
        "econ_ok_codes": pa.table({"code": cls.economic_items}),
        "years_ok": pa.table({"y": pa.array(list(cls.years), type=pa.int64())}),
    }
    for name, table in tables.items():
        con.register("_lookup_arrow", table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _lookup_arrow")  # noqa: S608
        con.unregister("_lookup_arrow")


def _checked_select(source: str) -> str:
    """Typed and checked rows of ``source`` (line and our fields as text), with the raw text kept
    for the messages (the numbered reading of a bad file; ``_fast_select`` is the bulk path's)."""
    date_expr = (
        "CAST(coalesce(" + ", ".join(f"try_strptime(pay_date_t, '{f}')" for f in DATE_FORMATS) + ") AS DATE)"
    )
    return f"""
        SELECT r.line, voucher_no, pay_date_raw, {date_expr} AS pay_date,
               unit_raw, u.code AS unit_code, function_code, economic_code, project_code, payee_name, kind_raw,
               CASE WHEN coalesce(kind_t, '') = '' THEN 'unit' ELSE {_case_map("kind_t", ACCOUNT_KINDS)} END
                   AS payee_account_kind,
               amount_raw,
               coalesce(TRY_CAST(amount_t AS DECIMAL(18,2)),
                        TRY_CAST(replace(replace(replace(amount_t, ',', ''), '¥', ''), '￥', '') AS DECIMAL(18,2)))
                   AS amount,
               purpose, way_raw,
               CASE WHEN coalesce(way_t, '') = '' THEN 'direct' ELSE {_case_map("way_t", PAY_WAYS)} END AS pay_way,
               fund_source,
               function_code IN (SELECT code FROM fn_ok_codes) AS fn_ok,
               economic_code IN (SELECT code FROM econ_ok_codes) AS econ_ok
        FROM (
            SELECT line, trim(voucher_no) AS voucher_no, pay_date AS pay_date_raw, trim(pay_date) AS pay_date_t,
                   unit_code AS unit_raw, trim(unit_code) AS unit_t,
                   trim(function_code) AS function_code, trim(economic_code) AS economic_code,
                   coalesce(trim(project_code), '') AS project_code, trim(payee_name) AS payee_name,
                   payee_account_kind AS kind_raw, trim(payee_account_kind) AS kind_t,
                   amount AS amount_raw, trim(amount) AS amount_t, coalesce(trim(purpose), '') AS purpose,
                   pay_way AS way_raw, trim(pay_way) AS way_t, coalesce(trim(fund_source), '') AS fund_source
            FROM {source}
        ) r
        LEFT JOIN units_ok u ON u.key = r.unit_t
    """  # noqa: S608


def _enum(values: list[str]) -> str:
    return "ENUM(" + ", ".join(_literal(v) for v in values) + ")"


def _fast_select(source: str, unit_codes: dict[str, str]) -> str:
    """The checks of ``_checked_select`` without the text kept for messages, written for speed:
    a lookup is a cast to an inline ENUM of the known values (a dictionary probe; a join would
    copy every column through a hash table) and the trimmed text is looked at only when the raw
    text does not already match (``coalesce`` evaluates an argument only for the rows still NULL).
    Unit, function and economic codes stay ENUMs, one or two bytes each, through the sort (an
    ENUM of sorted codes sorts as the codes do) and become text only after it. ``ok`` is false
    for a row ``_checked_select`` would report."""
    cls = classification()
    codes = sorted(set(unit_codes.values()))
    if codes:
        # exact code first; else the trimmed text as a code or a name → position of its code
        code_enum = _enum(codes)
        position = {code: i + 1 for i, code in enumerate(codes)}
        keys = list(unit_codes)
        positions = "[" + ", ".join(str(position[unit_codes[k]]) for k in keys) + "]"
        code_list = "[" + ", ".join(_literal(c) for c in codes) + "]"
        unit_expr = (
            f"coalesce(TRY_CAST(unit_code AS {code_enum}), TRY_CAST({code_list}[{positions}["
            f"enum_code(TRY_CAST(trim(unit_code) AS {_enum(keys)})) + 1]] AS {code_enum}))"
        )
    else:
        unit_expr = "CAST(NULL AS VARCHAR)"
    fn_enum, econ_enum = _enum(sorted(cls.function_items)), _enum(sorted(cls.economic_items))
    formats = "[" + ", ".join(f"'{f}'" for f in DATE_FORMATS) + "]"
    # Each fallback names trim() once: DuckDB hoists a subexpression used twice into a
    # projection below, which would trim every row instead of only those the raw text failed.
    kinds = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in ACCOUNT_KINDS.items())
    ways = " ".join(f"WHEN {_literal(k)} THEN {_literal(v)}" for k, v in PAY_WAYS.items())
    kind_enum = _enum(sorted(set(ACCOUNT_KINDS.values())))
    way_enum = _enum(sorted(set(PAY_WAYS.values())))

    def trimmed_lookup(column: str, mapping: dict[str, str], empty: str) -> str:
        keys, values = ["", *mapping], [empty, *mapping.values()]
        listed = "[" + ", ".join(_literal(v) for v in values) + "]"
        return f"{listed}[enum_code(TRY_CAST(coalesce(trim({column}), '') AS {_enum(keys)})) + 1]"

    year_bad = f"year(pay_date) NOT IN ({', '.join(str(int(y)) for y in cls.years)})" if cls.years else "true"
    typed = f"""
        SELECT trim(voucher_no) AS voucher_no,
               CAST(coalesce(try_strptime(pay_date, '%Y-%m-%d'), try_strptime(trim(pay_date), {formats})) AS DATE)
                   AS pay_date,
               {unit_expr} AS unit_code,
               coalesce(TRY_CAST(function_code AS {fn_enum}), TRY_CAST(trim(function_code) AS {fn_enum}))
                   AS function_code,
               coalesce(TRY_CAST(economic_code AS {econ_enum}), TRY_CAST(trim(economic_code) AS {econ_enum}))
                   AS economic_code,
               coalesce(trim(project_code), '') AS project_code, trim(payee_name) AS payee_name,
               CAST(coalesce(CASE payee_account_kind {kinds} END,
                             {trimmed_lookup("payee_account_kind", ACCOUNT_KINDS, "unit")})
                    AS {kind_enum}) AS payee_account_kind,
               coalesce(TRY_CAST(amount AS DECIMAL(18,2)),
                        TRY_CAST(replace(replace(replace(trim(amount), ',', ''), '¥', ''), '￥', '') AS DECIMAL(18,2)))
                   AS amount,
               coalesce(trim(purpose), '') AS purpose,
               CAST(coalesce(CASE pay_way {ways} END, {trimmed_lookup("pay_way", PAY_WAYS, "direct")})
                    AS {way_enum}) AS pay_way,
               coalesce(trim(fund_source), '') AS fund_source
        FROM {source}
    """  # noqa: S608
    return f"""
        SELECT *, NOT (coalesce(voucher_no, '') = '' OR pay_date IS NULL OR {year_bad}
                       OR amount IS NULL OR amount = 0 OR unit_code IS NULL OR function_code IS NULL
                       OR economic_code IS NULL OR coalesce(payee_name, '') = ''
                       OR payee_account_kind IS NULL OR pay_way IS NULL) AS ok
        FROM ({typed})
    """  # noqa: S608


def validate(con: duckdb.DuckDBPyConnection, *, unit_codes: dict[str, str]) -> int:
    """Create ``checked`` (typed rows with line numbers) from ``raw`` and return the number of bad
    rows (``explain`` lists them). ``unit_codes`` maps both unit codes and unit names to the unit
    code."""
    _lookups(con, unit_codes)
    con.execute(f"CREATE OR REPLACE TEMP TABLE checked AS {_checked_select('raw')}")  # noqa: S608
    con.execute(
        "CREATE OR REPLACE TEMP TABLE dup_vouchers AS SELECT voucher_no, min(line) AS first_line "
        "FROM checked WHERE coalesce(voucher_no, '') <> '' GROUP BY 1 HAVING count(*) > 1"
    )
    row = store.first_row(
        con,
        f"SELECT (SELECT count(*) FROM checked WHERE {BAD_ROW}) "  # noqa: S608
        "+ (SELECT count(*) FROM dup_vouchers)",
    )
    return int(row[0]) if row else 0


def explain(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``bad`` (line, reason in Chinese) from ``checked`` read with line numbers."""
    msg = {
        "voucher": _("voucher number is missing"),
        "dup": _("voucher number already on line %(line)s"),
        "date": _("payment date is missing"),
        "bad_date": _("payment date is not a date: "),
        "year": _("the classification file does not cover the year of "),
        "amount": _("amount is missing"),
        "bad_amount": _("amount is not a number: "),
        "zero": _("amount is zero"),
        "unit": _("budget unit is missing"),
        "bad_unit": _("unknown budget unit: "),
        "fn": _("function code is missing"),
        "bad_fn": _("unknown function code (项 level, 7 digits): "),
        "econ": _("economic code is missing"),
        "bad_econ": _("unknown economic code (款 level, 5 digits): "),
        "payee": _("payee is missing"),
        "kind": _("payee account kind must be 单位 or 个人: "),
        "way": _("payment way must be 直接支付 or 授权支付: "),
    }
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE bad AS
        SELECT c.line AS line, array_to_string(list_filter([
            CASE WHEN coalesce(voucher_no, '') = '' THEN $voucher END,
            CASE WHEN d.first_line IS NOT NULL AND c.line <> d.first_line
                 THEN replace($dup, '%(line)s', CAST(d.first_line AS VARCHAR)) END,
            CASE WHEN coalesce(trim(pay_date_raw), '') = '' THEN $date END,
            CASE WHEN coalesce(trim(pay_date_raw), '') <> '' AND pay_date IS NULL THEN $bad_date || pay_date_raw END,
            CASE WHEN pay_date IS NOT NULL AND year(pay_date) NOT IN (SELECT y FROM years_ok)
                 THEN $year || pay_date_raw END,
            CASE WHEN coalesce(trim(amount_raw), '') = '' THEN $amount END,
            CASE WHEN coalesce(trim(amount_raw), '') <> '' AND amount IS NULL THEN $bad_amount || amount_raw END,
            CASE WHEN amount = 0 THEN $zero END,
            CASE WHEN coalesce(trim(unit_raw), '') = '' THEN $unit END,
            CASE WHEN coalesce(trim(unit_raw), '') <> '' AND unit_code IS NULL THEN $bad_unit || unit_raw END,
            CASE WHEN coalesce(function_code, '') = '' THEN $fn END,
            CASE WHEN coalesce(function_code, '') <> '' AND NOT fn_ok THEN $bad_fn || function_code END,
            CASE WHEN coalesce(economic_code, '') = '' THEN $econ END,
            CASE WHEN coalesce(economic_code, '') <> '' AND NOT econ_ok THEN $bad_econ || economic_code END,
            CASE WHEN coalesce(payee_name, '') = '' THEN $payee END,
            CASE WHEN payee_account_kind IS NULL THEN $kind || kind_raw END,
            CASE WHEN pay_way IS NULL THEN $way || way_raw END
        ], lambda x: x IS NOT NULL), '；') AS reason
        FROM checked c LEFT JOIN dup_vouchers d USING (voucher_no)
        WHERE (d.first_line IS NOT NULL AND c.line <> d.first_line) OR {BAD_ROW}
    """,  # noqa: S608
        msg,
    )  # noqa: S608


def bad_rows(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[list[Any]]:
    sql = "SELECT line, reason FROM bad ORDER BY line" + (f" LIMIT {int(limit)}" if limit else "")  # noqa: S608
    return [[int(line), reason] for line, reason in con.execute(sql).fetchall()]


BAD_ROW_MARK = "renda: a row of the file is bad"


@dataclass
class Staged:
    """A checked file written sorted to the staging directory, not yet in the store. ``problems``:
    a row is bad or a voucher repeats (nothing was staged; read the file again with line numbers
    to say where)."""

    directory: Path
    rows: int = 0
    years: tuple[int, ...] = ()
    problems: bool = False

    @property
    def data(self) -> Path:
        return self.directory / "payments.parquet"

    @property
    def index(self) -> Path:
        return self.directory / "vouchers.parquet"


def stage_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    mapping: dict[str, str],
    *,
    unit_codes: dict[str, str],
    congress_id: int,
    import_id: int,
) -> Staged:
    """The bulk path: read, type, check and sort the file in one streamed query straight into a
    staged Parquet file (no table of the text in between), then its sorted voucher index. A bad row
    stops the query at once (``error()``), so a clean file is read once and a bad one costs a
    second, numbered, reading. The caller removes ``staged.directory``."""
    staged = Staged(store.staging_dir(congress_id))
    staged.directory.mkdir(parents=True)
    try:
        return _stage(con, staged, path, mapping, unit_codes=unit_codes, import_id=import_id)
    except BaseException:
        shutil.rmtree(staged.directory, ignore_errors=True)
        raise


def _stage(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    path: Path,
    mapping: dict[str, str],
    *,
    unit_codes: dict[str, str],
    import_id: int,
) -> Staged:
    enums = {"unit_code", "function_code", "economic_code", "payee_account_kind", "pay_way"}
    columns = ", ".join(
        f"CAST({import_id} AS BIGINT) AS import_id"
        if name == "import_id"
        else f"CAST({name} AS VARCHAR) AS {name}"
        if name in enums
        else name
        for name, _kind in store.PAYMENT_COLUMNS
    )
    # ORDER BY on the ENUMs, below the projection that makes them text
    query = (
        f"SELECT {columns} FROM ({_fast_select('raw', unit_codes)}) "  # noqa: S608
        f"WHERE CASE WHEN ok THEN true ELSE error('{BAD_ROW_MARK}') END "
        f"ORDER BY {store.SORT_ORDER}"
    )
    with store.unordered_scans(con):
        for transcode in (False, True):
            load_raw(con, path, mapping, numbered=False, transcode=transcode)
            try:
                staged.rows = store.copy_parquet(con, query, staged.data)
                break
            except duckdb.Error as exc:
                if BAD_ROW_MARK in str(exc):
                    staged.problems = True
                    return staged
                if transcode or is_excel(path) or not _not_utf8(exc):
                    raise
                # GB18030 beyond the first megabyte
        if not staged.rows:
            return staged
        store.copy_parquet(
            con,
            f"SELECT voucher_no FROM {store.read_parquet(staged.data)} ORDER BY voucher_no",  # noqa: S608
            staged.index,
        )
    if has_repeats(staged.index):
        staged.problems = True
        return staged
    staged.years = tuple(
        int(y)
        for (y,) in con.execute(
            f"SELECT DISTINCT year(pay_date) FROM {store.read_parquet(staged.data)} ORDER BY 1"  # noqa: S608
        ).fetchall()
    )
    return staged


def has_repeats(index: Path, batch_size: int = 1 << 20) -> bool:
    """Whether a sorted voucher index holds a voucher twice: equal values are neighbours, so one
    vectorised comparison per batch while streaming the file (cheaper than any DISTINCT)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    previous = None
    for batch in pq.ParquetFile(index).iter_batches(batch_size=batch_size, columns=["voucher_no"]):
        column = batch.column(0)
        if not len(column):
            continue
        if previous is not None and previous == column[0].as_py():
            return True
        if len(column) > 1 and pc.any(pc.equal(column.slice(1), column.slice(0, len(column) - 1))).as_py():
            return True
        previous = column[len(column) - 1].as_py()
    return False


def store_staged(
    con: duckdb.DuckDBPyConnection, staged: Staged, *, congress_id: int, import_id: int
) -> tuple[int, int, list[int]]:
    """Move a staged file into the store, without the vouchers already stored. Returns (added,
    skipped, years written). The caller holds the congress's writer lock (``PaymentStore`` row),
    so two overlapping files never both add a voucher."""
    data, index = staged.data, staged.index
    existing = store.voucher_source(congress_id)
    skipped = 0
    if existing is not None:
        # Only the voucher indexes are read; DuckDB pushes the new vouchers' min/max into the
        # scan of the stored ones, skipping row groups of other voucher ranges.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stored_vouchers AS "  # noqa: S608
            f"SELECT DISTINCT e.voucher_no FROM {existing} e SEMI JOIN {store.read_parquet(index)} s "
            "ON e.voucher_no = s.voucher_no"
        )
        row = store.first_row(con, "SELECT count(*) FROM stored_vouchers")
        skipped = int(row[0]) if row else 0
    if skipped == staged.rows:
        return 0, skipped, []
    with store.unordered_scans(con):
        if skipped:
            data, index = staged.directory / "fresh.parquet", staged.directory / "fresh-vouchers.parquet"
            for source, target, order in (
                (staged.data, data, store.SORT_ORDER),
                (staged.index, index, "voucher_no"),
            ):
                store.copy_parquet(
                    con,
                    f"SELECT * FROM {store.read_parquet(source)} ANTI JOIN stored_vouchers USING (voucher_no) "  # noqa: S608
                    f"ORDER BY {order}",
                    target,
                )
        years = list(staged.years)
        if skipped and len(years) > 1:
            years = [
                int(y)
                for (y,) in con.execute(
                    f"SELECT DISTINCT year(pay_date) FROM {store.read_parquet(data)} ORDER BY 1"  # noqa: S608
                ).fetchall()
            ]
        for year in years:
            if len(years) == 1:
                year_data, year_index = data, index
            else:  # a file across years: one file per year's partition
                year_data = staged.directory / f"{year}.parquet"
                year_index = staged.directory / f"{year}-vouchers.parquet"
                where = f"year(pay_date) = {int(year)}"
                store.copy_parquet(
                    con,
                    f"SELECT * FROM {store.read_parquet(data)} WHERE {where} ORDER BY {store.SORT_ORDER}",  # noqa: S608
                    year_data,
                )
                store.copy_parquet(
                    con,
                    f"SELECT voucher_no FROM {store.read_parquet(year_data)} ORDER BY voucher_no",  # noqa: S608
                    year_index,
                )
            store.install_file(
                con,
                data=year_data,
                index=year_index,
                congress_id=congress_id,
                year=year,
                tag=f"import-{import_id}",
            )
    return staged.rows - skipped, skipped, years


def errors_csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
