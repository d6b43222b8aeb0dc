"""Budget supervision benchmark: generate N treasury payments (default 10 million), then measure
CSV import throughput, the time to run every alert rule, drill-down and dashboard latency, peak
memory, and the same rules in plain pandas for a ratio. Prints figures for docs/benchmarks.md.

    PYTHONPATH=src .venv/bin/python bench/budget/run.py [--payments 10000000]

Runs in a temporary directory (SQLite database, Parquet store, the CSV), removed at the end unless
``--keep``; nothing in var/ is touched. ``--no-pandas`` skips the pandas comparison."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process, all threads (DuckDB's included)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def timed(fn, repeat: int = 5):  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def setup_django(workdir: Path) -> None:
    os.environ["RENDA_VAR_DIR"] = str(workdir)
    os.environ["RENDA_BUDGET_DIR"] = str(workdir / "budget")
    os.environ.setdefault("RENDA_DUCKDB_MEMORY", "3GB")
    os.environ["RENDA_TESTING"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments", type=int, default=10_000_000)
    parser.add_argument("--compressions", default="zstd,snappy")  # one import into a new congress each
    parser.add_argument("--no-pandas", action="store_true")
    parser.add_argument("--keep", action="store_true")  # keep the temporary directory (CSV, Parquet)
    parser.add_argument("--pandas-only", default="")  # internal: run the pandas rules on this Parquet file
    args = parser.parse_args()
    if args.pandas_only:
        return pandas_rules(Path(args.pandas_only))

    workdir = Path(tempfile.mkdtemp(prefix="renda-bench-budget-"))
    setup_django(workdir)
    from renda.budget import engine, generator, importer, selectors, services, store
    from renda.core import services as core_services
    from renda.core.models import CongressKind

    year = 2025
    figures: dict[str, object] = {"payments_requested": args.payments, "load_start": load()}
    county = core_services.congress_create(actor=None, name="基准县人民代表大会", kind=CongressKind.COUNTY)
    for y in (year - 1, year):
        core_services.calendar_seed(actor=None, year=y)

    t = time.perf_counter()
    gen = generator.generate(congress_id=county.pk, year=year, payments=args.payments, seed=11)
    figures["generate_s"] = round(time.perf_counter() - t, 1)
    figures["payments"] = gen.payment_count
    services.generated_county_load(actor=None, congress=county, county=gen)
    figures["units"], figures["lines"] = len(gen.units), len(gen.lines)

    # --- CSV for the import (written by DuckDB, not timed)
    csv_path = workdir / "payments.csv"
    con = store.connect()
    heads = [
        "支付凭证号",
        "支付日期",
        "预算单位编码",
        "功能分类科目编码",
        "经济分类科目编码",
        "项目编码",
        "收款人名称",
        "收款账户类型",
        "支付金额",
        "用途",
        "支付方式",
        "资金来源",
    ]
    cols = [
        "voucher_no",
        "pay_date",
        "unit_code",
        "function_code",
        "economic_code",
        "project_code",
        "payee_name",
        "CASE payee_account_kind WHEN 'personal' THEN '个人' ELSE '单位' END",
        "amount",
        "purpose",
        "CASE pay_way WHEN 'direct' THEN '直接支付' ELSE '授权支付' END",
        "fund_source",
    ]
    select = ", ".join(f'{c} AS "{h}"' for c, h in zip(cols, heads, strict=True))
    con.execute(
        f"COPY (SELECT {select} FROM {store.payments_source(county.pk, [year])}) TO '{csv_path}' "  # noqa: S608
        "(HEADER, DELIMITER ',')"
    )
    con.close()
    figures["csv_mb"] = round(csv_path.stat().st_size / 1e6)

    # --- the import as the page's background task runs it (services.payment_import_run: read,
    # check, sort and stage, de-duplicate against the store, move the files in, aggregates, the
    # database bookkeeping, then the rules over the new data), into a congress with the county's
    # units and lines, once per Parquet compression. The import figure runs up to the commit that
    # makes the data visible to the pages; the rules the task then runs are reported beside it.
    mapping = importer.guess_mapping(importer.read_headers(csv_path))
    imports: dict[str, dict[str, object]] = {}
    target = county
    for n, compression in enumerate(c for c in args.compressions.split(",") if c):
        os.environ["RENDA_PARQUET_COMPRESSION"] = compression
        target = core_services.congress_create(
            actor=None, name=f"导入县{n + 1}人民代表大会", kind=CongressKind.COUNTY
        )
        services.generated_county_load(actor=None, congress=target, county=gen)
        run = import_task(target, csv_path, mapping)
        size = sum(Path(f).stat().st_size for f in store.payment_files(target.pk))
        imports[compression] = {**run, "parquet_mb": round(size / 1e6)}
    figures["import"] = imports
    # re-import of the same file into the last congress adds nothing (voucher idempotency at scale)
    figures["reimport"] = import_task(target, csv_path, mapping)
    os.environ.pop("RENDA_PARQUET_COMPRESSION", None)

    # --- every rule over the generated county
    values, _records = services.rule_values(county)
    con = store.connect()
    t, c0 = time.perf_counter(), cpu_s()
    engine.prepare(
        con,
        congress_id=county.pk,
        year=year,
        as_of=dt.date(year, 12, 31),
        lines=services.lines_for_rules(county, year),
        holidays=services.nonworkdays_of(year),
    )
    per_rule = {}
    found = set()
    for spec in engine.RULES:
        t_rule = time.perf_counter()
        findings = engine.run_rule(
            con, spec, year=year, as_of=dt.date(year, 12, 31), values=values[spec.code]
        )
        per_rule[spec.code] = round(time.perf_counter() - t_rule, 2)
        found |= {(spec.code, f.key) for f in findings}
    figures["rules_s"] = round(time.perf_counter() - t, 1)
    figures["rules_cpu_s"] = round(cpu_s() - c0, 1)
    figures["rules_load"] = load()
    figures["rules_per_rule_s"] = per_rule
    con.close()
    expected = generator.expected_keys(gen)
    figures["recall"] = f"{len(expected & found)}/{len(expected)}"
    figures["false_alarms"] = len(found - expected)
    false_by_rule: dict[str, int] = {}
    for code, _key in found - expected:
        false_by_rule[code] = false_by_rule.get(code, 0) + 1
    figures["false_alarms_by_rule"] = false_by_rule

    # --- query latency (median of 5)
    first_unit = gen.units[0].code
    _rows, next_cursor = selectors.payment_search(congress=county, year=year, filters={})
    for _ in range(3):  # a cursor a few pages in
        _rows, next_cursor = selectors.payment_search(
            congress=county, year=year, filters={}, after=next_cursor
        )
    figures["latency_ms"] = {
        "dashboard": round(timed(lambda: selectors.dashboard(congress=county, year=year))),
        "drill_unit": round(
            timed(lambda: selectors.drilldown(congress=county, year=year, level="unit", filters={}))
        ),
        "drill_function": round(
            timed(
                lambda: selectors.drilldown(
                    congress=county, year=year, level="function", filters={"unit": first_unit}
                )
            )
        ),
        "drill_economic_range": round(
            timed(
                lambda: selectors.drilldown(
                    congress=county,
                    year=year,
                    level="economic",
                    filters={"unit": first_unit},
                    date_from=dt.date(year, 3, 1),
                    date_to=dt.date(year, 6, 30),
                )
            )
        ),
        "payments_page": round(
            timed(lambda: selectors.payment_search(congress=county, year=year, filters={"unit": first_unit}))
        ),
        "payments_first_page_all": round(
            timed(lambda: selectors.payment_search(congress=county, year=year, filters={}))
        ),
        "payments_next_page": round(
            timed(lambda: selectors.payment_search(congress=county, year=year, filters={}, after=next_cursor))
        ),
        "payments_search_payee": round(
            timed(
                lambda: selectors.payment_search(
                    congress=county, year=year, filters={"payee": "华兴", "min": "10000"}
                )
            )
        ),
    }
    figures["latency_load"] = load()
    figures["peak_rss_mb"] = round(peak_mb())

    # --- the same rules in pandas, in a child process (its own memory)
    files = store.payment_files(county.pk, [year])
    if args.no_pandas:
        files = []
    t = time.perf_counter()
    out = (
        None
        if not files
        else subprocess.run(
            [sys.executable, __file__, "--pandas-only", files[0]],
            capture_output=True,
            text=True,
            timeout=3600,
            check=False,
        )
    )
    figures["pandas_wall_s"] = round(time.perf_counter() - t, 1)
    try:
        if out is not None:
            figures["pandas"] = json.loads(out.stdout.strip().splitlines()[-1])
            figures["pandas_ratio"] = round(figures["pandas"]["rules_s"] / figures["rules_s"], 1)  # type: ignore[index]
    except (IndexError, ValueError):
        figures["pandas"] = {"error": out.stderr[-2000:]}
    figures["machine"] = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GB"
    )
    figures["load_end"] = load()
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


def import_task(target, csv_path: Path, mapping: dict[str, str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Run the import task on ``csv_path`` (already uploaded: the stored file is the CSV itself) and
    time its phases: staging (read, check, sort, voucher index), storing (de-duplication, renames,
    aggregates, under the writer lock), the commit, and the rules run the task does afterwards."""
    from renda.budget import importer, services
    from renda.budget.models import ImportStatus, PaymentImport

    pi = PaymentImport.objects.create(
        congress=target,
        file_name=csv_path.name,
        stored_path=str(csv_path),
        headers=importer.read_headers(csv_path),
        mapping=mapping,
        status=ImportStatus.QUEUED,
    )
    marks: dict[str, tuple[float, float]] = {}
    originals = (importer.stage_file, importer.store_staged, services.rules_run)

    def mark(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            marks.setdefault(name + "_start", (time.perf_counter(), cpu_s()))
            result = fn(*args, **kwargs)
            marks[name + "_end"] = (time.perf_counter(), cpu_s())
            return result

        return wrapped

    importer.stage_file = mark("stage", importer.stage_file)
    importer.store_staged = mark("store", importer.store_staged)
    services.rules_run = mark("rules", services.rules_run)
    t, c0 = time.perf_counter(), cpu_s()
    try:
        services.payment_import_run(import_id=pi.pk)
    finally:
        importer.stage_file, importer.store_staged, services.rules_run = originals
    end = (time.perf_counter(), cpu_s())
    pi.refresh_from_db()
    # data visible to the pages: the commit after storing, before the rules
    visible = marks.get("rules_start", end)
    wall, cpu = visible[0] - t, visible[1] - c0

    def span(a: str, b: str) -> list[float]:
        return [round(marks[b][0] - marks[a][0], 1), round(marks[b][1] - marks[a][1], 1)]

    rows = pi.rows_total
    return {
        "status": pi.status,
        "rows": rows,
        "added": pi.rows_added,
        "skipped": pi.rows_skipped,
        "s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "rows_per_s": round(rows / wall) if wall else 0,
        "rows_per_cpu_s": round(rows / cpu) if cpu else 0,
        "stage_s_cpu": span("stage_start", "stage_end"),
        "store_s_cpu": span("store_start", "store_end"),
        "task_rules_s_cpu": span("rules_start", "rules_end") if "rules_end" in marks else None,
        "task_total_s": round(end[0] - t, 1),
        "load": load(),
    }


def pandas_rules(path: Path) -> None:
    """The row-level rules written the ordinary pandas way (load, filter, groupby, sort), for a ratio."""
    import pandas as pd

    t = time.perf_counter()
    df = pd.read_parquet(path)
    df["amount"] = df["amount"].astype("float64")
    df["pay_date"] = pd.to_datetime(df["pay_date"])
    t_load = time.perf_counter() - t
    counts = {}
    counts["large_payment"] = int((df["amount"] >= 500000).sum())
    counts["personal_account"] = int(
        ((df["payee_account_kind"] == "personal") & (df["amount"] >= 50000)).sum()
    )
    import chinese_calendar

    days = pd.Series(df["pay_date"].unique())
    off = {d for d in days if not chinese_calendar.is_workday(d.date())}
    counts["holiday_payment"] = int((df["pay_date"].isin(off) & (df["amount"] >= 10000)).sum())
    cash = (df["purpose"].fillna("") + " " + df["payee_name"].fillna("")).str.contains(
        "现金|提现|取现", regex=True
    )
    counts["cash_withdrawal"] = int((cash & (df["amount"] >= 20000)).sum())
    keys = ["unit_code", "function_code", "economic_code", "project_code"]
    paid = df.groupby(keys, sort=False)["amount"].sum()
    counts["line_totals"] = len(paid)
    tpe = df[df["economic_code"].isin(["30212", "30217", "30231", "31013"])]
    counts["three_public_units"] = int(tpe.groupby("unit_code")["amount"].sum().shape[0])
    month = df["pay_date"].dt.month
    by_unit = df.groupby("unit_code")["amount"].sum()
    dec = df[month == 12].groupby("unit_code")["amount"].sum()
    counts["year_end_rush"] = int(((dec / by_unit).fillna(0) > 0.3).sum())
    small = df[(df["amount"] > 0) & (df["amount"] < 500000)].sort_values(
        ["unit_code", "payee_name", "pay_date"]
    )
    gap = small.groupby(["unit_code", "payee_name"], sort=False)["pay_date"].diff().dt.days
    small = small.assign(g=(gap.isna() | (gap > 3)).cumsum())
    clusters = small.groupby("g").agg(n=("amount", "size"), s=("amount", "sum"))
    counts["split_payment"] = int(((clusters["n"] >= 2) & (clusters["s"] >= 500000)).sum())
    pos = df[df["amount"] > 0].sort_values(["payee_name", "amount", "purpose", "pay_date"])
    gap = pos.groupby(["payee_name", "amount", "purpose"], sort=False)["pay_date"].diff().dt.days
    counts["duplicate_payment"] = int((gap <= 7).sum())
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "rules_s": round(elapsed, 1),
                "load_s": round(t_load, 1),
                "peak_rss_mb": round(peak),
                "counts": counts,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
