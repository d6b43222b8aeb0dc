"""Imports: column mapping saved per source, row validation with line numbers, nothing imported
from a bad file, voucher-number idempotency, CSV (UTF-8 and GB18030) and Excel."""

import pytest
from django.core.exceptions import ValidationError

from renda.budget import importer, services, store
from renda.budget.models import Alert, ImportSource, ImportStatus, PaymentStore
from renda.core.exports import xlsx_bytes
from renda.core.models import AuditEvent
from tests.factories.budget import HEADERS, csv_row, csv_text, small_budget


@pytest.fixture
def budget(world):
    return small_budget(world.county)


def do_import(world, content: bytes, name="payments.csv", source="国库集中支付系统", capture=None):
    staff = world.users["staff"]
    pi = services.payment_import_upload(actor=staff, congress=world.county, file_name=name, chunks=[content])
    mapping = importer.guess_mapping(pi.headers)
    with capture(execute=True):
        services.payment_import_start(actor=staff, payment_import=pi, source_name=source, mapping=mapping)
    pi.refresh_from_db()
    return pi


def stored(world):
    con = store.connect()
    return con.execute(
        f"SELECT voucher_no FROM {store.payments_source(world.county.pk)} ORDER BY 1"  # noqa: S608
    ).fetchall()


def test_good_file_imports_and_runs_the_rules(world, budget, django_capture_on_commit_callbacks):
    rows = [
        csv_row("V001"),
        csv_row("V002", amount="600000"),
        csv_row("V003", unit="城关镇中心小学", kind="个人", payee="张伟", amount="-500.00"),
    ]
    pi = do_import(world, csv_text(rows).encode(), capture=django_capture_on_commit_callbacks)
    assert (pi.status, pi.rows_total, pi.rows_added, pi.rows_skipped, pi.progress) == (
        ImportStatus.DONE,
        3,
        3,
        0,
        100,
    )
    assert [v for (v,) in stored(world)] == ["V001", "V002", "V003"]
    assert PaymentStore.objects.get(congress=world.county).payment_count == 3
    assert Alert.objects.filter(rule__code="large_payment", key="2025:voucher:V002").exists()
    assert AuditEvent.objects.filter(action="budget.import_done", object_id=str(pi.pk)).count() == 1


def test_every_bad_row_is_reported_and_nothing_is_imported(world, budget, django_capture_on_commit_callbacks):
    rows = [
        csv_row("V001"),
        csv_row("", amount="abc"),  # line 3
        csv_row("V003", day="2025-13-01", unit="不存在的单位"),  # line 4
        csv_row("V004", fn="2059999", econ="399"),  # line 5
        csv_row("V001"),  # line 6: repeats line 2
        csv_row("V006", kind="其他", payee=""),  # line 7
        csv_row("V007", day="2019-05-01", amount="0"),  # line 8
    ]
    pi = do_import(world, csv_text(rows).encode(), capture=django_capture_on_commit_callbacks)
    assert pi.status == ImportStatus.FAILED and pi.error_count == 6
    errors = dict(pi.errors)
    assert sorted(errors) == [3, 4, 5, 6, 7, 8]
    assert "支付凭证号" in errors[3] and "金额不是数字：abc" in errors[3]
    assert "支付日期不是有效日期：2025-13-01" in errors[4] and "预算单位不存在：不存在的单位" in errors[4]
    assert "2059999" in errors[5] and "399" in errors[5]
    assert "第2行" in errors[6]
    assert "收款人" in errors[7] and "单位或个人" in errors[7]
    assert "2019-05-01" in errors[8] and "金额为零" in errors[8]
    assert stored(world) == []
    assert "6" in pi.message


def test_reimport_and_overlap_add_nothing_twice(world, budget, django_capture_on_commit_callbacks):
    first = csv_text([csv_row("V001"), csv_row("V002")]).encode()
    do_import(world, first, capture=django_capture_on_commit_callbacks)
    again = do_import(world, first, capture=django_capture_on_commit_callbacks)
    assert (again.status, again.rows_added, again.rows_skipped) == (ImportStatus.DONE, 0, 2)
    overlap = csv_text([csv_row("V002"), csv_row("V003", day="2024-12-30")]).encode()
    third = do_import(world, overlap, capture=django_capture_on_commit_callbacks)
    assert (third.rows_added, third.rows_skipped) == (1, 1)
    assert [v for (v,) in stored(world)] == ["V001", "V002", "V003"]
    assert store.stored_years(world.county.pk) == [2024, 2025]


def test_gb18030_csv(world, budget, django_capture_on_commit_callbacks):
    pi = do_import(
        world,
        csv_text([csv_row("V001", purpose="办公楼维修")]).encode("gb18030"),
        capture=django_capture_on_commit_callbacks,
    )
    assert pi.status == ImportStatus.DONE and pi.rows_added == 1


def test_excel_file_with_line_numbers(world, budget, django_capture_on_commit_callbacks):
    rows = [csv_row("V001"), csv_row("V002", unit="999")]
    content = xlsx_bytes([("支付明细", HEADERS, rows)])
    pi = do_import(world, content, name="支付.xlsx", capture=django_capture_on_commit_callbacks)
    assert pi.status == ImportStatus.FAILED
    assert pi.errors == [[3, "预算单位不存在：999"]]


def test_mapping_is_saved_per_source_and_reused(world, budget, django_capture_on_commit_callbacks):
    headers = [
        "单据号",
        "日期",
        "单位",
        "功能",
        "经济",
        "项目",
        "收款方",
        "账户",
        "金额",
        "说明",
        "方式",
        "来源",
    ]
    content = csv_text([csv_row("V001")], headers=headers).encode()
    staff = world.users["staff"]
    pi = services.payment_import_upload(
        actor=staff, congress=world.county, file_name="a.csv", chunks=[content]
    )
    guessed = importer.guess_mapping(pi.headers)
    assert "voucher_no" not in guessed
    with pytest.raises(ValidationError) as exc:
        services.payment_import_start(actor=staff, payment_import=pi, source_name="乡镇财政", mapping=guessed)
    assert any("支付凭证号" in m for m in exc.value.messages)
    mapping = dict(zip([f.name for f in importer.FIELDS], headers, strict=True))
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_import_start(actor=staff, payment_import=pi, source_name="乡镇财政", mapping=mapping)
    assert ImportSource.objects.get(name="乡镇财政").mapping == mapping
    assert importer.guess_mapping(headers, ImportSource.objects.get(name="乡镇财政").mapping) == mapping


def test_upload_refuses_other_files(world):
    with pytest.raises(ValidationError):
        services.payment_import_upload(
            actor=world.users["staff"], congress=world.county, file_name="a.pdf", chunks=[b"%PDF"]
        )


def test_gb18030_beyond_the_first_megabyte(world, budget, django_capture_on_commit_callbacks):
    # Only the start of a file is sniffed; DuckDB finds the GB18030 further down and it is transcoded.
    ascii_row = {"payee": "ACME Ltd", "kind": "unit", "way": "direct", "fund": "general"}
    rows = [csv_row(f"A{i:06d}", purpose="office", **ascii_row) for i in range(12000)]
    rows.append(csv_row("V999999", purpose="办公楼维修"))
    content = csv_text(rows, headers=[f.name for f in importer.FIELDS]).encode("gb18030")
    assert content[: 1 << 20].decode("utf-8") and len(content) > 1 << 20
    pi = do_import(world, content, capture=django_capture_on_commit_callbacks)
    assert pi.status == ImportStatus.DONE and pi.rows_added == 12001
    con = store.connect()
    (purpose,) = con.execute(
        f"SELECT purpose FROM {store.payments_source(world.county.pk)} WHERE voucher_no = 'V999999'"  # noqa: S608
    ).fetchone()
    assert purpose == "办公楼维修"


def test_bulk_checks_agree_with_the_reported_checks():
    """The bulk path's checks (ENUM casts, raw text first) accept exactly the rows the numbered
    checks accept, with the same typed values: one odd spelling per row of a good base row."""
    import pyarrow as pa

    from renda.budget.classification import classification

    cls = classification()
    units = {"105": "105", "105001": "105001", "县教育局": "105", "城关镇中心小学": "105001"}
    names = [f.name for f in importer.FIELDS]
    base = dict(zip(names, csv_row("V1", amount="12.50"), strict=True))
    variants = {
        "voucher_no": [" V1 ", "", None, "V1\u3000", "\tV1"],
        "pay_date": [
            " 2025-01-02 ",
            "2025/01/02",
            "20250102",
            "2025年01月02日",
            "2025-01-02 10:00:00",
            "2025/1/2 00:00:00",
            "2025-13-01",
            "",
            None,
            "2025-1-2",
            "2019-05-01",
            "2025 01 02",
            "2025-01-02T00:00:00",
            "02025-01-02",
            "12025-01-02",
            "2025-02-29",
        ],
        "unit_code": ["105", " 105001 ", "县教育局", " 城关镇中心小学 ", "999", "", None, "105 001"],
        "function_code": [" 2050202 ", "2059999", "", None, cls.function_items[0], "205"],
        "economic_code": [" 31005 ", "399", "", None, cls.economic_items[-1]],
        "project_code": [None, "", " XM01 "],
        "payee_name": ["", None, " 张三 ", "\u3000张三"],
        "payee_account_kind": [
            "个人",
            " 个人 ",
            "对私",
            "对公",
            "单位账户",
            "personal",
            "",
            None,
            "其他",
            " ",
        ],
        "amount": [
            "12.5",
            " 12.5 ",
            "1,234.50",
            "¥12",
            "￥1,000.00",
            "abc",
            "0",
            "0.00",
            "",
            None,
            "-500.00",
            "1e3",
            "12.345",
            "1_000",
            "99999999999999999.99",
            "+7",
        ],
        "purpose": [None, " 维修 "],
        "pay_way": ["授权", " 授权支付 ", "direct", "", None, "x"],
        "fund_source": [None, " 上级补助 "],
    }
    rows = [dict(base)]
    for field, values in variants.items():
        rows += [{**base, field: value} for value in values]
    table = pa.table(
        {
            "line": pa.array(range(2, len(rows) + 2), pa.int64()),
            **{n: pa.array([r[n] for r in rows], pa.string()) for n in names},
        }
    )
    con = store.connect()
    try:
        con.register("variants", table)
        importer._lookups(con, units)
        columns = [name for name, _kind in store.PAYMENT_COLUMNS if name != "import_id"]
        text = ", ".join(f"CAST({c} AS VARCHAR)" for c in columns)
        reported = con.execute(
            f"SELECT line, NOT ({importer.BAD_ROW}), {text} FROM ({importer._checked_select('variants')}) ORDER BY line"  # noqa: S608
        ).fetchall()
        bulk = con.execute(
            f"SELECT row_number() OVER () + 1, ok, {text} FROM ({importer._fast_select('variants', units)})"  # noqa: S608
        ).fetchall()
    finally:
        con.close()
    assert len(bulk) == len(reported) == len(rows)
    for want, got in zip(reported, sorted(bulk), strict=True):
        assert want[1] == got[1], (rows[want[0] - 2], want, got)
        if want[1]:
            assert want == got, rows[want[0] - 2]
    assert sum(1 for r in reported if r[1]) > 20  # the odd but valid spellings are there


def test_a_missing_code_is_reported(world, budget, django_capture_on_commit_callbacks):
    rows = [csv_row("V001"), csv_row("V002", fn=""), csv_row("V003", econ=" ")]
    pi = do_import(world, csv_text(rows).encode(), capture=django_capture_on_commit_callbacks)
    assert pi.status == ImportStatus.FAILED and sorted(dict(pi.errors)) == [3, 4]
    assert stored(world) == []


def test_a_repeated_voucher_alone_is_reported(world, budget, django_capture_on_commit_callbacks):
    rows = [csv_row("V001"), csv_row("V002"), csv_row("V001", amount="5.00")]
    pi = do_import(world, csv_text(rows).encode(), capture=django_capture_on_commit_callbacks)
    assert pi.status == ImportStatus.FAILED and pi.errors == [[4, "支付凭证号与第2行重复"]]
    assert stored(world) == []


@pytest.mark.parametrize(
    "vouchers",
    [["A", "B", "C", "D", "E"], ["A", "B", "B", "C", "D"], ["A", "B", "C", "C", "D"], ["A", "A"]],
)
def test_repeats_are_found_within_and_across_batches(tmp_path, vouchers):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "index.parquet"
    pq.write_table(pa.table({"voucher_no": vouchers}), path)
    repeated = len(set(vouchers)) < len(vouchers)
    # batches of two: B-B above straddles a batch boundary, C-C does not
    assert importer.has_repeats(path, batch_size=2) is repeated
    assert importer.has_repeats(path) is repeated


def test_leftover_staging_directories_are_removed(budget_dir):
    import os
    import time

    fresh = store.staging_dir(1)
    fresh.mkdir(parents=True)
    old = fresh.parent / "leftover"
    old.mkdir()
    (old / "payments.parquet").write_bytes(b"x")
    day_ago = time.time() - store.STAGING_KEPT_S - 60
    os.utime(old, (day_ago, day_ago))
    store.staging_dir(1)
    assert fresh.is_dir() and not old.exists()


def test_excel_file_with_other_spellings_imports(world, budget, django_capture_on_commit_callbacks):
    rows = [
        csv_row(
            "V001", day="2025/03/05", unit="城关镇中心小学", amount="¥1,234.50", kind="对私", payee=" 张伟 "
        ),
        csv_row("V002", unit=" 105 ", fn="2050101", econ="30201", project="", way="授权"),
    ]
    content = xlsx_bytes([("支付明细", HEADERS, rows)])
    pi = do_import(world, content, name="支付.xlsx", capture=django_capture_on_commit_callbacks)
    assert (pi.status, pi.rows_added) == (ImportStatus.DONE, 2)
    con = store.connect()
    columns = (
        "voucher_no, pay_date::VARCHAR, unit_code, payee_name, payee_account_kind, amount::VARCHAR, pay_way"
    )
    source = store.payments_source(world.county.pk)
    got = con.execute(f"SELECT {columns} FROM {source} ORDER BY 1").fetchall()  # noqa: S608
    assert got == [
        ("V001", "2025-03-05", "105001", "张伟", "personal", "1234.50", "direct"),
        ("V002", "2025-05-06", "105", "华兴商贸有限公司", "unit", "12000.00", "authorized"),
    ]
