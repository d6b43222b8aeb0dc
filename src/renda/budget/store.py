"""The Parquet store of treasury payments (国库集中支付), queried by DuckDB in process.

Layout of a partition ``<RENDA_BUDGET_DIR or VAR_DIR/budget>/payments/congress=<id>/year=<yyyy>/``:

- ``<tag>.parquet``: payments, sorted by unit, date and voucher (so a unit's payments sit in a few
  row groups and min/max statistics skip the rest); never changed once written;
- ``_vouchers/<tag>.parquet``: the voucher numbers of that file, sorted (the de-duplication index);
- ``_aggregate/monthly.parquet`` and ``_aggregate/payees.parquet``: sums and counts per month and
  budget-line key (resp. payee), read by the dashboard and the drill-down instead of the payments.
  Each aggregate names in its metadata the payment files it covers; a reader that finds it stale
  (a crash between two renames, a store written before aggregates existed) rebuilds it, so an
  aggregate never silently disagrees with the payments.

Every file is written to a temporary name (in its directory, or for an import's files in
``staging/`` of the same store) and renamed, so a reader never sees half a file. No DuckDB extension
is installed or loaded at run time (Parquet and CSV readers are built in)."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import json
import os
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings

PAYMENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("voucher_no", "VARCHAR"),
    ("pay_date", "DATE"),
    ("unit_code", "VARCHAR"),
    ("function_code", "VARCHAR"),
    ("economic_code", "VARCHAR"),
    ("project_code", "VARCHAR"),
    ("payee_name", "VARCHAR"),
    ("payee_account_kind", "VARCHAR"),  # "unit" or "personal"
    ("amount", "DECIMAL(18,2)"),  # refunds are negative
    ("purpose", "VARCHAR"),
    ("pay_way", "VARCHAR"),  # "direct" (直接支付) or "authorized" (授权支付)
    ("fund_source", "VARCHAR"),
    ("import_id", "BIGINT"),
)
COLUMN_NAMES = tuple(name for name, _ in PAYMENT_COLUMNS)
ARROW_SCHEMA = pa.schema(
    [
        ("voucher_no", pa.string()),
        ("pay_date", pa.date32()),
        ("unit_code", pa.string()),
        ("function_code", pa.string()),
        ("economic_code", pa.string()),
        ("project_code", pa.string()),
        ("payee_name", pa.string()),
        ("payee_account_kind", pa.string()),
        ("amount", pa.decimal128(18, 2)),
        ("purpose", pa.string()),
        ("pay_way", pa.string()),
        ("fund_source", pa.string()),
        ("import_id", pa.int64()),
    ]
)


def budget_dir() -> Path:
    configured = os.environ.get("RENDA_BUDGET_DIR")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "budget"


def partition_dir(congress_id: int, year: int) -> Path:
    return budget_dir() / "payments" / f"congress={congress_id}" / f"year={year}"


# Monthly aggregate keys (the drill-down levels, plus what the dashboard splits by).
MONTHLY_KEYS = (
    "unit_code",
    "function_code",
    "economic_code",
    "project_code",
    "fund_source",
    "month",
    "payee_account_kind",
)
PAYEE_KEYS = ("payee_name", "payee_account_kind", "month")
AGGREGATES: dict[str, tuple[str, ...]] = {"monthly": MONTHLY_KEYS, "payees": PAYEE_KEYS}
AGGREGATE_DIR = "_aggregate"
VOUCHER_DIR = "_vouchers"
COVERS_KEY = b"renda.covers"


def compression() -> str:
    """Parquet compression of payment files: zstd (default; about a third smaller than snappy for
    a little more write time, docs/benchmarks.md) or snappy."""
    chosen = os.environ.get("RENDA_PARQUET_COMPRESSION", "zstd").lower()
    return chosen if chosen in {"zstd", "snappy"} else "zstd"


ROW_GROUP_SIZE = 122_880  # DuckDB's default: ~50k-payment units span one or two row groups
SORT_ORDER = "unit_code, pay_date, voucher_no"


def payment_files(congress_id: int, years: Iterable[int] | None = None) -> list[str]:
    base = budget_dir() / "payments" / f"congress={congress_id}"
    dirs = sorted(base.glob("year=*")) if years is None else [base / f"year={y}" for y in sorted(set(years))]
    return [str(p) for d in dirs if d.is_dir() for p in sorted(d.glob("*.parquet"))]


def stored_years(congress_id: int) -> list[int]:
    base = budget_dir() / "payments" / f"congress={congress_id}"
    return sorted(int(d.name.split("=", 1)[1]) for d in base.glob("year=*") if any(d.glob("*.parquet")))


_local = threading.local()


def _new_database(threads: int) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": os.environ.get("RENDA_DUCKDB_MEMORY", "2GB"),
            "threads": threads,
        },
    )


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to an in-memory DuckDB that will not fetch extensions from the network, one
    thread per core and a memory limit (it spills to a temporary directory beyond it).

    Starting a DuckDB costs tens of milliseconds, a page's whole budget, so each thread keeps one
    empty in-memory database and hands out its own connections (cursors): temporary tables, views
    and registered Arrow tables are private to a connection and go with ``close()``. The database
    holds no data, so no worker depends on another's memory."""
    count = int(threads or os.cpu_count() or 1)
    key = (os.getpid(), count, os.environ.get("RENDA_DUCKDB_MEMORY", "2GB"))
    db = getattr(_local, "db", None)
    if db is None or getattr(_local, "key", None) != key:
        if db is not None:
            db.close()
        db = _local.db = _new_database(count)
        _local.key = key
    return db.cursor()


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...] | None:
    """The first row of a query, reading the result to the end (DuckDB refuses new work on a
    connection with an unfinished result)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def _sql_list(paths: Sequence[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def read_parquet(paths: Sequence[str] | str | Path) -> str:
    """``read_parquet`` of files of the store, without the congress/year columns DuckDB would add
    from the directory names (hive partitioning)."""
    listed = [str(paths)] if isinstance(paths, (str, Path)) else list(paths)
    return f"read_parquet({_sql_list(listed)}, hive_partitioning = false)"


def empty_select() -> str:
    cols = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in PAYMENT_COLUMNS)
    return f"SELECT {cols} WHERE false"


def payments_source(congress_id: int, years: Iterable[int] | None = None) -> str:
    """A SQL expression (usable after FROM) for the congress's payments of those years."""
    files = payment_files(congress_id, years)
    if not files:
        return f"({empty_select()})"
    return read_parquet(files)


def create_payments_view(
    con: duckdb.DuckDBPyConnection,
    congress_id: int,
    years: Iterable[int] | None = None,
    name: str = "payments",
) -> None:
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {payments_source(congress_id, years)}")  # noqa: S608


def parquet_options() -> str:
    # Format version 2 (delta encodings where a dictionary does not pay): about a fifth less CPU
    # to write than version 1 and 7 % smaller; DuckDB and pyarrow read both.
    return f"FORMAT parquet, COMPRESSION {compression()}, ROW_GROUP_SIZE {ROW_GROUP_SIZE}, PARQUET_VERSION V2"


def copy_parquet(con: duckdb.DuckDBPyConnection, sql: str, target: Path, params: Sequence[Any] = ()) -> int:
    """COPY a query to a Parquet file with the store's options. Returns the rows written."""
    row = first_row(con, f"COPY ({sql}) TO '{_escape(str(target))}' ({parquet_options()})", params)  # noqa: S608
    return int(row[0]) if row else 0


@contextlib.contextmanager
def unordered_scans(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Let DuckDB return rows of queries without ORDER BY in any order (a setting of the whole
    database, so restored afterwards: the numbered reading of a file relies on scan order). The
    sort and the Parquet writer then run on every core instead of keeping the input's order."""
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute("SET preserve_insertion_order = true")


STAGING_KEPT_S = 24 * 3600  # an import never stages for a day: older directories are leftovers


def staging_dir(congress_id: int) -> Path:
    """A new directory for files being prepared for the congress (same file system as the store,
    so moving them in is a rename; readers never look there). Leftovers of a killed worker are
    removed here."""
    import shutil
    import time

    base = budget_dir() / "staging" / f"congress={congress_id}"
    if base.is_dir():
        for old in base.iterdir():
            try:
                if time.time() - old.stat().st_mtime > STAGING_KEPT_S:
                    shutil.rmtree(old, ignore_errors=True)
            except OSError:
                continue
    return base / uuid.uuid4().hex


def _escape(text: str) -> str:
    return text.replace("'", "''")


def _atomic_copy(con: duckdb.DuckDBPyConnection, sql: str, target: Path, params: Sequence[Any] = ()) -> int:
    """COPY a query to ``target`` through a temporary file and a rename. Returns the rows written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.stem}.{uuid.uuid4().hex}.tmp"
    try:
        rows = copy_parquet(con, sql, tmp, params)
        if rows:
            os.replace(tmp, target)
        return rows
    finally:
        tmp.unlink(missing_ok=True)


def write_partition(
    con: duckdb.DuckDBPyConnection,
    select_sql: str,
    *,
    congress_id: int,
    year: int,
    tag: str,
    params: Sequence[Any] | None = None,
    materialize: bool = True,
) -> Path | None:
    """Write the rows of ``select_sql`` (payment columns) as a new file of the partition, sorted by
    ``SORT_ORDER``, with its voucher index, and add them to the partition's aggregates; every file
    atomically. Returns the file, or None when there was nothing to write. Not ``materialize``: the
    query is a cheap view of a materialised table, read once per file instead of copied first.
    The caller makes sure only one writer works on a congress at a time (the import locks its
    ``PaymentStore`` row)."""
    target_dir = partition_dir(congress_id, year)
    cols = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in PAYMENT_COLUMNS)
    batch = f"(SELECT {cols} FROM ({select_sql}))"  # noqa: S608
    if materialize:
        # The file, its index and its aggregates come from the same rows without reading the
        # written file back.
        con.execute(f"CREATE OR REPLACE TEMP TABLE _batch AS SELECT * FROM {batch}", list(params or []))  # noqa: S608
        batch = "_batch"
    elif params:
        raise ValueError("an unmaterialised query takes no parameters")
    try:
        _atomic_copy(
            con,
            f"SELECT voucher_no FROM {batch} ORDER BY voucher_no",  # noqa: S608
            target_dir / VOUCHER_DIR / f"{tag}.parquet",
        )
        final = target_dir / f"{tag}.parquet"
        # ORDER BY in the COPY itself: the one order DuckDB guarantees to write
        rows = _atomic_copy(con, f"SELECT * FROM {batch} ORDER BY {SORT_ORDER}", final)  # noqa: S608
        if not rows:
            (target_dir / VOUCHER_DIR / f"{tag}.parquet").unlink(missing_ok=True)
            return None
        _aggregate_add(con, congress_id=congress_id, year=year, batch=batch, file_name=final.name)
    finally:
        con.execute("DROP TABLE IF EXISTS _batch")
    return final


def install_file(
    con: duckdb.DuckDBPyConnection, *, data: Path, index: Path, congress_id: int, year: int, tag: str
) -> Path:
    """Move a staged payment file (sorted by ``SORT_ORDER``) and its voucher index into the
    partition, each by a rename (index first: an index without its file is never read), then add
    the file's rows to the aggregates. The caller holds the congress's writer lock."""
    target_dir = partition_dir(congress_id, year)
    (target_dir / VOUCHER_DIR).mkdir(parents=True, exist_ok=True)
    final = target_dir / f"{tag}.parquet"
    os.replace(index, target_dir / VOUCHER_DIR / f"{tag}.parquet")
    os.replace(data, final)
    _aggregate_add(con, congress_id=congress_id, year=year, batch=read_parquet(final), file_name=final.name)
    return final


def write_arrow(table: pa.Table, *, congress_id: int, year: int, tag: str) -> Path | None:
    """Write an Arrow table (``ARROW_SCHEMA``) as one new file of the partition (tests)."""
    con = connect()
    try:
        con.register("_arrow_in", table.cast(ARROW_SCHEMA))
        return write_partition(con, "SELECT * FROM _arrow_in", congress_id=congress_id, year=year, tag=tag)
    finally:
        con.close()


# --- aggregates ------------------------------------------------------------------------------------------
def aggregate_path(congress_id: int, year: int, kind: str = "monthly") -> Path:
    return partition_dir(congress_id, year) / AGGREGATE_DIR / f"{kind}.parquet"


def aggregate_query(kind: str, source: str) -> str:
    keys = ", ".join("month(pay_date) AS month" if k == "month" else k for k in AGGREGATES[kind])
    return (
        f"SELECT {keys}, CAST(sum(amount) AS DECIMAL(18,2)) AS amount, count(*) AS n "  # noqa: S608
        f"FROM {source} GROUP BY ALL"
    )


def _covers(path: Path) -> list[str] | None:
    """The payment files an aggregate covers, or None when there is no readable aggregate."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path).metadata or {}
    except (OSError, ValueError):
        return None
    raw = meta.get(COVERS_KEY)
    return list(json.loads(raw)) if raw else None


def _write_aggregate(table: pa.Table, path: Path, covers: Sequence[str]) -> None:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.stem}.{uuid.uuid4().hex}.tmp"
    meta = {**(table.schema.metadata or {}), COVERS_KEY: json.dumps(sorted(covers)).encode()}
    try:
        pq.write_table(table.replace_schema_metadata(meta), tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _file_names(congress_id: int, year: int) -> list[str]:
    return sorted(Path(p).name for p in payment_files(congress_id, [year]))


def _aggregate_add(
    con: duckdb.DuckDBPyConnection, *, congress_id: int, year: int, batch: str, file_name: str
) -> None:
    """Merge the aggregates of the rows just written as ``file_name`` into the partition's."""
    present = _file_names(congress_id, year)
    for kind, keys in AGGREGATES.items():
        path = aggregate_path(congress_id, year, kind)
        covered = _covers(path) if path.exists() else []
        if covered is None or sorted({*covered, file_name}) != present:
            rebuild_aggregate(con, congress_id=congress_id, year=year, kind=kind)
            continue
        old = (
            f"SELECT * FROM {read_parquet(path)}"  # noqa: S608
            if covered
            else f"SELECT * FROM ({aggregate_query(kind, batch)}) WHERE false"  # noqa: S608
        )
        merged = con.sql(
            f"SELECT {', '.join(keys)}, CAST(sum(amount) AS DECIMAL(18,2)) AS amount, "  # noqa: S608
            f"CAST(sum(n) AS BIGINT) AS n FROM ({old} UNION ALL {aggregate_query(kind, batch)}) "
            f"GROUP BY ALL ORDER BY ALL"
        ).to_arrow_table()
        _write_aggregate(merged, path, [*covered, file_name])


def rebuild_aggregate(con: duckdb.DuckDBPyConnection, *, congress_id: int, year: int, kind: str) -> None:
    """Recompute an aggregate from every payment file of the partition."""
    files = payment_files(congress_id, [year])
    path = aggregate_path(congress_id, year, kind)
    if not files:
        path.unlink(missing_ok=True)
        return
    table = con.sql(
        f"{aggregate_query(kind, read_parquet(files))} ORDER BY ALL"  # noqa: S608
    ).to_arrow_table()
    _write_aggregate(table, path, [Path(f).name for f in files])


def aggregate_source(
    con: duckdb.DuckDBPyConnection, congress_id: int, year: int, kind: str = "monthly"
) -> str:
    """A SQL expression (usable after FROM) for a partition's aggregate, rebuilt first if stale."""
    present = _file_names(congress_id, year)
    if not present:
        keys = ", ".join(
            f"CAST(NULL AS {'INTEGER' if k == 'month' else 'VARCHAR'}) AS {k}" for k in AGGREGATES[kind]
        )
        return (
            f"(SELECT {keys}, CAST(NULL AS DECIMAL(18,2)) AS amount, CAST(NULL AS BIGINT) AS n WHERE false)"
        )
    path = aggregate_path(congress_id, year, kind)
    if (_covers(path) if path.exists() else None) != present:
        rebuild_aggregate(con, congress_id=congress_id, year=year, kind=kind)
    return read_parquet(path)


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def facts_source(
    con: duckdb.DuckDBPyConnection,
    congress_id: int,
    year: int,
    *,
    kind: str = "monthly",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> str:
    """Sums and counts of payments from ``start`` to ``end`` within ``year``, as a relation with the
    aggregate's columns: whole months come from the aggregate, the days of a month cut by the range
    from the payments themselves, so any date range is exact."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    start, end = max(start or first, first), min(end or last, last)
    agg = aggregate_source(con, congress_id, year, kind)
    if start > end:
        return f"(SELECT * FROM {agg} WHERE false)"  # noqa: S608
    # whole months inside [start, end]
    m_from = start.month if start.day == 1 else start.month + 1
    m_to = end.month if end == _month_end(end) else end.month - 1
    parts = []
    raw_ranges: list[tuple[dt.date, dt.date]] = []
    if m_from <= m_to:
        parts.append(f"SELECT * FROM {agg} WHERE month BETWEEN {m_from} AND {m_to}")  # noqa: S608
        if start.day != 1:
            raw_ranges.append((start, _month_end(start)))
        if end != _month_end(end):
            raw_ranges.append((end.replace(day=1), end))
    else:
        raw_ranges.append((start, end))  # within one or two months, none of them whole
    if raw_ranges:
        where = " OR ".join(f"pay_date BETWEEN DATE '{a}' AND DATE '{b}'" for a, b in raw_ranges)
        parts.append(aggregate_query(kind, f"{payments_source(congress_id, [year])} WHERE {where}"))
    return "(" + " UNION ALL ".join(parts) + ")"


def voucher_source(congress_id: int, years: Iterable[int] | None = None) -> str | None:
    """A SQL expression for the stored voucher numbers: each file's sorted index, or the file's
    voucher column where an index is missing. None when nothing is stored."""
    sources = []
    for f in payment_files(congress_id, years):
        index = Path(f).parent / VOUCHER_DIR / Path(f).name
        sources.append(str(index) if index.exists() else f)
    if not sources:
        return None
    return f"(SELECT voucher_no FROM {read_parquet(sources)})"  # noqa: S608


def remove_congress(congress_id: int) -> None:
    """Delete a congress's payment files (tests and the demo reset)."""
    import shutil

    shutil.rmtree(budget_dir() / "payments" / f"congress={congress_id}", ignore_errors=True)
