"""The payments page: keyset pages in the order of the payment files (unit, then newest first)
walk every matching payment exactly once."""

from renda.budget import selectors, store
from tests.factories.budget import YEAR, generated_county


def all_pages(congress, filters, limit):
    rows, after = [], ""
    while True:
        page, after = selectors.payment_search(
            congress=congress, year=YEAR, filters=filters, after=after, limit=limit
        )
        rows += page
        if not after:
            return rows


def test_keyset_pages_cover_every_payment_in_file_order(world):
    county = generated_county(world.county, payments=3000)
    rows = all_pages(world.county, {}, 700)
    keys = [(r["unit_code"], r["pay_date"], r["voucher_no"]) for r in rows]
    assert len(keys) == len(set(keys)) == county.payment_count
    # unit ascending, then newest first
    assert keys == sorted(sorted(keys, key=lambda k: (k[1], k[2]), reverse=True), key=lambda k: k[0])


def test_keyset_pages_with_filters(world):
    county = generated_county(world.county, payments=3000)
    unit = county.units[1].code
    rows = all_pages(world.county, {"unit": unit, "min": "5000"}, 37)
    con = store.connect()
    try:
        expected = con.execute(
            f"SELECT voucher_no FROM {store.payments_source(world.county.pk, [YEAR])} "  # noqa: S608
            "WHERE unit_code = ? AND amount >= 5000 ORDER BY pay_date DESC, voucher_no DESC",
            [unit],
        ).fetchall()
    finally:
        con.close()
    assert [r["voucher_no"] for r in rows] == [v for (v,) in expected] and len(expected) > 37
