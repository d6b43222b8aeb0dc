"""Import of treasury payment files (CSV or Excel) into the Parquet store.

The bulk path runs in DuckDB: the CSV is streamed through DuckDB's multi-threaded reader with an
explicit schema (every column as text), mapped to our columns, checked and typed in one vectorised
pass that keeps only the typed columns. Only a file with a bad row is read a second time, with line
numbers, so every bad row is reported with its line and reason. A file with any bad row imports
nothing. Rows whose voucher number is already stored are skipped (an anti-join against the stored
voucher indexes), so re-importing a file or an overlapping file adds nothing twice."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
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
    OR amount IS NULL OR amount = 0 OR unit_code IS NULL OR NOT fn_ok OR NOT econ_ok
    OR coalesce(payee_name, '') = '' OR payee_account_kind IS NULL OR pay_way IS NULL"""


def validate(con: duckdb.DuckDBPyConnection, *, unit_codes: dict[str, str], detailed: bool = True) -> int:
    """Create ``checked`` (typed rows) from ``raw`` and return the number of bad rows (``explain``
    lists them). ``unit_codes`` maps both unit codes and unit names to the unit code. Not
    ``detailed``: ``checked`` keeps only the typed payment columns and an ``ok`` flag (the bulk
    path; a non-zero result only says the file must be read again with line numbers)."""
    cls = classification()
    con.register("units_arrow", pa.table({"key": list(unit_codes), "code": list(unit_codes.values())}))
    con.register("fn_arrow", pa.table({"code": cls.function_items}))
    con.register("econ_arrow", pa.table({"code": cls.economic_items}))
    con.register("years_arrow", pa.table({"y": pa.array(list(cls.years), type=pa.int64())}))
    con.execute("CREATE OR REPLACE TEMP TABLE years_ok AS SELECT * FROM years_arrow")
    date_expr = "coalesce(" + ", ".join(f"try_strptime(trim(r.pay_date), '{f}')" for f in DATE_FORMATS) + ")"
    full = f"""
        SELECT r.line, trim(r.voucher_no) AS voucher_no, r.pay_date AS pay_date_raw, CAST({date_expr} AS DATE) AS pay_date,
               r.unit_code AS unit_raw, u.code AS unit_code,
               trim(r.function_code) AS function_code, trim(r.economic_code) AS economic_code,
               coalesce(trim(r.project_code), '') AS project_code, trim(r.payee_name) AS payee_name,
               r.payee_account_kind AS kind_raw,
               CASE WHEN coalesce(trim(r.payee_account_kind), '') = '' THEN 'unit' ELSE {_case_map("trim(r.payee_account_kind)", ACCOUNT_KINDS)} END AS payee_account_kind,
               r.amount AS amount_raw,
               TRY_CAST(replace(replace(replace(trim(r.amount), ',', ''), '¥', ''), '￥', '') AS DECIMAL(18,2)) AS amount,
               coalesce(trim(r.purpose), '') AS purpose,
               r.pay_way AS way_raw,
               CASE WHEN coalesce(trim(r.pay_way), '') = '' THEN 'direct' ELSE {_case_map("trim(r.pay_way)", PAY_WAYS)} END AS pay_way,
               coalesce(trim(r.fund_source), '') AS fund_source,
               trim(r.function_code) IN (SELECT code FROM fn_arrow) AS fn_ok,
               trim(r.economic_code) IN (SELECT code FROM econ_arrow) AS econ_ok
        FROM raw r
        LEFT JOIN units_arrow u ON u.key = trim(r.unit_code)
    """  # noqa: S608
    if detailed:
        con.execute(f"CREATE OR REPLACE TEMP TABLE checked AS {full}")
    else:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE checked AS SELECT voucher_no, pay_date, unit_code, function_code, "  # noqa: S608
            "economic_code, project_code, payee_name, payee_account_kind, amount, purpose, pay_way, fund_source, "
            f"NOT ({BAD_ROW}) AS ok FROM ({full})"
        )
    for name in ("units_arrow", "fn_arrow", "econ_arrow", "years_arrow"):
        con.unregister(name)
    if not detailed:
        row = store.first_row(
            con,
            "SELECT count(*) FILTER (WHERE NOT ok) "
            "+ count(voucher_no) FILTER (WHERE voucher_no <> '') "
            "- count(DISTINCT voucher_no) FILTER (WHERE voucher_no <> '') FROM checked",
        )
        return int(row[0]) if row else 0
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


def check_file(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: dict[str, str], *, unit_codes: dict[str, str]
) -> int:
    """The bulk path: read, type and check the file in one streamed pass into ``checked``. Returns
    the number of problems (0: ``checked`` is ready to import; else read it again with
    ``load_raw(numbered=True)``, ``validate`` and ``explain`` to say where)."""
    load_raw(con, path, mapping, numbered=False)
    try:
        return validate(con, unit_codes=unit_codes, detailed=False)
    except duckdb.InvalidInputException as exc:
        if is_excel(path) or not _not_utf8(exc):
            raise
    # GB18030 beyond the first megabyte
    load_raw(con, path, mapping, numbered=False, transcode=True)
    return validate(con, unit_codes=unit_codes, detailed=False)


def checked_count(con: duckdb.DuckDBPyConnection) -> int:
    row = store.first_row(con, "SELECT count(*) FROM checked")
    return int(row[0]) if row else 0


def new_rows(
    con: duckdb.DuckDBPyConnection, *, congress_id: int, import_id: int
) -> tuple[int, int, list[int]]:
    """Create ``fresh``: checked rows whose voucher is not yet stored. Returns (fresh, skipped, years).
    Only the sorted voucher indexes are read (one narrow column; DuckDB pushes the new vouchers'
    min/max into their scan, skipping row groups of other voucher ranges), and when no voucher is
    stored yet ``fresh`` is a view of ``checked`` rather than a copy."""
    columns = (
        "voucher_no, pay_date, unit_code, function_code, economic_code, project_code, payee_name, "
        f"payee_account_kind, amount, purpose, pay_way, fund_source, CAST({int(import_id)} AS BIGINT) AS import_id"
    )
    existing = store.voucher_source(congress_id)
    stored = 0
    if existing is not None:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stored_vouchers AS "  # noqa: S608
            f"SELECT DISTINCT e.voucher_no FROM {existing} e SEMI JOIN checked c ON e.voucher_no = c.voucher_no"
        )
        row = store.first_row(con, "SELECT count(*) FROM stored_vouchers")
        stored = int(row[0]) if row else 0
    if stored:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW fresh AS SELECT {columns} FROM checked c "  # noqa: S608
            "ANTI JOIN stored_vouchers s ON s.voucher_no = c.voucher_no"
        )
    else:
        con.execute(f"CREATE OR REPLACE TEMP VIEW fresh AS SELECT {columns} FROM checked")  # noqa: S608
    total = checked_count(con)
    years = [
        int(y) for (y,) in con.execute("SELECT DISTINCT year(pay_date) FROM checked ORDER BY 1").fetchall()
    ]
    n_fresh = total - stored
    if n_fresh == 0:
        years = []
    return n_fresh, stored, years


def write_fresh(
    con: duckdb.DuckDBPyConnection,
    *,
    congress_id: int,
    import_id: int,
    years: list[int],
    direct: bool = False,
) -> list[Path]:
    """Write ``fresh`` per year. ``direct``: nothing was skipped, so ``fresh`` is a plain view of
    the materialised ``checked`` and needs no copy of its own before the sorted write."""
    written = []
    for year in years:
        where = "true" if len(years) == 1 else f"year(pay_date) = {int(year)}"
        path = store.write_partition(
            con,
            f"SELECT * FROM fresh WHERE {where}",  # noqa: S608
            congress_id=congress_id,
            year=year,
            tag=f"import-{import_id}",
            materialize=not direct,
        )
        if path is not None:
            written.append(path)
    return written


def errors_csv(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
