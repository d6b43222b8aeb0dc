"""The monthly aggregates written beside each partition: for any date range and any filter they
give the same sums and counts as the payments themselves, also after re-imports and overlaps."""

import datetime as dt
import os
import shutil
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renda.budget import generator, selectors, store
from tests.budget.test_import import do_import
from tests.factories.budget import YEAR, csv_row, csv_text, small_budget

CONGRESS = 77
KEYS = ("unit_code", "function_code", "economic_code", "project_code", "fund_source", "payee_account_kind")


_cache: dict[str, generator.GeneratedCounty] = {}


def _county() -> generator.GeneratedCounty:
    """Generated once per test (hypothesis runs many examples over the same store)."""
    path = str(store.budget_dir())
    if path not in _cache:
        _cache[path] = generator.generate(congress_id=CONGRESS, year=YEAR, payments=3000, seed=3)
    return _cache[path]


@pytest.fixture
def generated(budget_dir):
    return _county()


def raw_and_aggregate(congress_id, start, end, group, where="true", kind="monthly", agg_group=None):
    con = store.connect()
    try:
        src = store.payments_source(congress_id, [YEAR])
        raw = con.execute(
            f"SELECT {group}, sum(amount), count(*) FROM {src} "  # noqa: S608
            f"WHERE pay_date BETWEEN ? AND ? AND {where} GROUP BY ALL ORDER BY ALL",
            [start, end],
        ).fetchall()
        facts = store.facts_source(con, congress_id, YEAR, kind=kind, start=start, end=end)
        agg = con.execute(
            f"SELECT {agg_group or group}, sum(amount), sum(n) FROM {facts} WHERE {where} GROUP BY ALL ORDER BY ALL"  # noqa: S608
        ).fetchall()
    finally:
        con.close()
    return raw, [(*r[:-1], int(r[-1])) for r in agg]


days = st.dates(min_value=dt.date(YEAR, 1, 1), max_value=dt.date(YEAR, 12, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=days, b=days, group=st.sampled_from([*KEYS, "month(pay_date)"]), unit=st.booleans())
def test_aggregate_equals_raw_for_any_range_and_level(budget_dir, a, b, group, unit):
    generated = _county()
    start, end = min(a, b), max(a, b)
    where = f"unit_code = '{generated.units[0].code}'" if unit else "true"
    agg_group = "month" if group == "month(pay_date)" else group
    raw, agg = raw_and_aggregate(CONGRESS, start, end, group, where, agg_group=agg_group)
    assert agg == raw


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)),  # whole year: aggregate only
        (dt.date(YEAR, 3, 1), dt.date(YEAR, 6, 30)),  # whole months
        (dt.date(YEAR, 3, 15), dt.date(YEAR, 3, 20)),  # inside one month: payments only
        (dt.date(YEAR, 2, 10), dt.date(YEAR, 3, 5)),  # two cut months, none whole
        (dt.date(YEAR, 2, 10), dt.date(YEAR, 11, 5)),  # cut months around whole ones
        (dt.date(YEAR, 5, 1), dt.date(YEAR, 4, 30)),  # empty range
    ],
)
def test_payee_aggregate_equals_raw(generated, start, end):
    raw, agg = raw_and_aggregate(CONGRESS, start, end, "payee_name, payee_account_kind", kind="payees")
    assert raw == agg
    if start <= end:
        assert raw


def test_generated_totals_match_and_every_file_is_sorted_with_an_index(generated):
    path = store.aggregate_path(CONGRESS, YEAR)
    assert path.exists() and store.aggregate_path(CONGRESS, YEAR - 1).exists()
    con = store.connect()
    try:
        (n,) = con.execute(f"SELECT sum(n) FROM {store.read_parquet(path)}").fetchone()  # noqa: S608
        assert n == generated.payment_count
        (data,) = store.payment_files(CONGRESS, [YEAR])
        rows = con.execute(
            f"SELECT unit_code, pay_date, voucher_no FROM {store.read_parquet(data)}"  # noqa: S608
        ).fetchall()  # noqa: S608
        assert rows == sorted(rows)
        index = os.path.join(os.path.dirname(data), store.VOUCHER_DIR, os.path.basename(data))
        vouchers = [
            v
            for (v,) in con.execute(f"SELECT voucher_no FROM {store.read_parquet(index)}").fetchall()  # noqa: S608
        ]  # noqa: S608
        assert vouchers == sorted(r[2] for r in rows)
    finally:
        con.close()


def test_a_stale_aggregate_is_rebuilt(generated):
    # A file written by hand (or a crash between the data rename and the aggregate rename).
    (data,) = store.payment_files(CONGRESS, [YEAR])
    shutil.copy(data, data.replace(".parquet", "-copy.parquet"))
    raw, agg = raw_and_aggregate(CONGRESS, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), "unit_code")
    assert raw == agg and sum(r[-1] for r in agg) == 2 * generated.payment_count
    # and a deleted aggregate comes back
    store.aggregate_path(CONGRESS, YEAR).unlink()
    raw, agg = raw_and_aggregate(CONGRESS, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), "economic_code")
    assert raw == agg


def test_reimport_and_overlap_keep_the_aggregate_exact(world, django_capture_on_commit_callbacks):
    small_budget(world.county)
    first = [csv_row("V001", amount="100.00"), csv_row("V002", day="2025-06-30", amount="200.00")]
    do_import(world, csv_text(first).encode(), capture=django_capture_on_commit_callbacks)
    do_import(world, csv_text(first).encode(), capture=django_capture_on_commit_callbacks)
    overlap = [
        csv_row("V002", day="2025-06-30", amount="200.00"),
        csv_row("V003", day="2025-06-01", amount="-50.00", kind="个人", payee="张伟"),
        csv_row("V004", day="2024-12-30", amount="70.00"),
    ]
    do_import(world, csv_text(overlap).encode(), capture=django_capture_on_commit_callbacks)
    congress = world.county
    group = ", ".join(KEYS)
    con = store.connect()
    try:
        for year in (YEAR, YEAR - 1):
            src = store.payments_source(congress.pk, [year])
            raw = con.execute(
                f"SELECT {group}, month(pay_date), sum(amount), count(*) FROM {src} GROUP BY ALL ORDER BY ALL"  # noqa: S608
            ).fetchall()
            agg_path = store.aggregate_path(congress.pk, year)
            agg = con.execute(
                f"SELECT {group}, month, amount, n FROM {store.read_parquet(agg_path)} ORDER BY ALL"  # noqa: S608
            ).fetchall()
            assert raw == agg
            for data in store.payment_files(congress.pk, [year]):  # each file in the files' order
                keys = con.execute(
                    f"SELECT unit_code, pay_date, voucher_no FROM {store.read_parquet(data)}"  # noqa: S608
                ).fetchall()
                assert keys == sorted(keys)
    finally:
        con.close()
    rows = selectors.drilldown(congress=congress, year=YEAR, level="unit", filters={})
    assert [(r.key, r.paid, r.count) for r in rows if r.count] == [("105001", Decimal("250.00"), 3)]
    data = selectors.dashboard(congress=congress, year=YEAR)
    assert (data["paid"], data["payments"]) == (Decimal("250.00"), 3)
    assert data["monthly"] == [(5, Decimal("100.00")), (6, Decimal("150.00"))]
    assert data["payees"][0][0] == "华兴商贸有限公司" and data["payees"][0][2] == 2
    june = selectors.dashboard(congress=congress, year=YEAR, as_of=dt.date(YEAR, 6, 15))
    assert (june["paid"], june["payments"]) == (Decimal("50.00"), 2)
