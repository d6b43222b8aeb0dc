"""The Parquet store of treasury payments (国库集中支付), queried by DuckDB in process.

Layout: ``<RENDA_BUDGET_DIR or VAR_DIR/budget>/payments/congress=<id>/year=<yyyy>/<tag>.parquet``.
Files are never changed once written; each is written to a temporary name in the same directory
and renamed, so a reader never sees half a file. No DuckDB extension is installed or loaded at run
time (Parquet and CSV readers are built in)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
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


def payment_files(congress_id: int, years: Iterable[int] | None = None) -> list[str]:
    base = budget_dir() / "payments" / f"congress={congress_id}"
    dirs = sorted(base.glob("year=*")) if years is None else [base / f"year={y}" for y in sorted(set(years))]
    return [str(p) for d in dirs if d.is_dir() for p in sorted(d.glob("*.parquet"))]


def stored_years(congress_id: int) -> list[int]:
    base = budget_dir() / "payments" / f"congress={congress_id}"
    return sorted(int(d.name.split("=", 1)[1]) for d in base.glob("year=*") if any(d.glob("*.parquet")))


def connect(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that will not fetch extensions from the network."""
    con = duckdb.connect(
        ":memory:",
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": os.environ.get("RENDA_DUCKDB_MEMORY", "2GB"),
        },
    )
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: Any = None) -> tuple[Any, ...] | None:
    """The first row of a query, reading the result to the end (DuckDB refuses new work on a
    connection with an unfinished result)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def _sql_list(paths: Sequence[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def empty_select() -> str:
    cols = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in PAYMENT_COLUMNS)
    return f"SELECT {cols} WHERE false"


def payments_source(congress_id: int, years: Iterable[int] | None = None) -> str:
    """A SQL expression (usable after FROM) for the congress's payments of those years."""
    files = payment_files(congress_id, years)
    if not files:
        return f"({empty_select()})"
    return f"read_parquet({_sql_list(files)})"


def create_payments_view(
    con: duckdb.DuckDBPyConnection,
    congress_id: int,
    years: Iterable[int] | None = None,
    name: str = "payments",
) -> None:
    con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {payments_source(congress_id, years)}")  # noqa: S608


def write_partition(
    con: duckdb.DuckDBPyConnection,
    select_sql: str,
    *,
    congress_id: int,
    year: int,
    tag: str,
    params: Sequence[Any] | None = None,
) -> Path | None:
    """Write the rows of ``select_sql`` (payment columns, in order) to a new file of the partition:
    a temporary name first, then an atomic rename. Returns the file, or None when nothing to write."""
    target_dir = partition_dir(congress_id, year)
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / f"{tag}.parquet"
    tmp = target_dir / f".{tag}.{uuid.uuid4().hex}.tmp"
    cols = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in PAYMENT_COLUMNS)
    try:
        con.execute(
            f"COPY (SELECT {cols} FROM ({select_sql}) ORDER BY pay_date, unit_code, voucher_no) "  # noqa: S608
            f"TO '{tmp}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 250000)",
            params or [],
        )
        rows = first_row(con, f"SELECT count(*) FROM read_parquet('{tmp}')")  # noqa: S608
        if not rows or rows[0] == 0:
            tmp.unlink(missing_ok=True)
            return None
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def write_arrow(table: pa.Table, *, congress_id: int, year: int, tag: str) -> Path:
    """Write an Arrow table (``ARROW_SCHEMA``) as one new file of the partition, atomically."""
    import pyarrow.parquet as pq

    target_dir = partition_dir(congress_id, year)
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / f"{tag}.parquet"
    tmp = target_dir / f".{tag}.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(table.cast(ARROW_SCHEMA), tmp, compression="zstd", row_group_size=250_000)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def remove_congress(congress_id: int) -> None:
    """Delete a congress's payment files (tests and the demo reset)."""
    import shutil

    shutil.rmtree(budget_dir() / "payments" / f"congress={congress_id}", ignore_errors=True)
