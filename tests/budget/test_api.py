import datetime as dt
import json

from renda.budget import services
from renda.budget.models import Alert
from tests.factories.budget import YEAR, pay, small_budget, write_payments


def setup_data(world):
    budget = small_budget(world.county)
    rows = [pay(budget.lines["building"], day=dt.date(YEAR, 6, d), amount=1000 * d) for d in range(2, 9)]
    rows.append(pay(budget.lines["building"], day=dt.date(YEAR, 6, 10), amount=700000))
    write_payments(world.county, rows)
    services.rules_run(actor=None, congress=world.county, year=YEAR, as_of=dt.date(YEAR, 12, 31))


def test_summary_drilldown_payments_and_alert_flow(world, client_for):
    setup_data(world)
    staff = client_for("staff")
    s = staff.get("/api/v1/budget/summary", {"year": YEAR}).json()
    assert s["payments"] == 8 and s["paid"] == "735000.00"
    units = staff.get("/api/v1/budget/drilldown", {"year": YEAR, "level": "unit"}).json()
    assert [u["key"] for u in units] == ["105", "105001"]
    page1 = staff.get("/api/v1/budget/payments", {"year": YEAR, "limit": 5}).json()
    page2 = staff.get("/api/v1/budget/payments", {"year": YEAR, "limit": 5, "after": page1["next"]}).json()
    vouchers = [p["voucher_no"] for p in page1["items"] + page2["items"]]
    assert len(vouchers) == 8 == len(set(vouchers)) and page2["next"] == ""
    alert = Alert.objects.get(rule__code="large_payment")
    r = staff.post(
        f"/api/v1/budget/alerts/{alert.pk}/dismiss",
        json.dumps({"reason": "工程款"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "dismissed"
    again = staff.post(
        f"/api/v1/budget/alerts/{alert.pk}/dismiss",
        json.dumps({"reason": "x"}),
        content_type="application/json",
    )
    assert again.status_code == 400


def test_api_permissions(world, client_for):
    setup_data(world)
    deputy = client_for("deputy")
    assert deputy.get("/api/v1/budget/summary", {"year": YEAR}).status_code == 200
    assert deputy.get("/api/v1/budget/alerts").status_code == 403
    assert client_for("other_township_staff").get("/api/v1/budget/alerts").json() == []
    alert = Alert.objects.filter(congress=world.county).first()
    r = client_for("leader").post(
        f"/api/v1/budget/alerts/{alert.pk}/dismiss",
        json.dumps({"reason": "x"}),
        content_type="application/json",
    )
    assert r.status_code == 403
