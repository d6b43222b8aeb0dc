"""Committee staff see and do everything; deputies read the summary only; other townships see
nothing of a budget that is not theirs."""

import datetime as dt

import pytest

from renda.budget import selectors, services
from renda.budget.models import Alert
from tests.factories.budget import YEAR, pay, small_budget, write_payments


@pytest.fixture
def township_alert(world):
    """An alert in the township 青山镇, which 绿水乡 must never see."""
    budget = small_budget(world.township)
    write_payments(world.township, [pay(budget.lines["building"], day=dt.date(YEAR, 6, 3), amount=800000)])
    services.rules_run(
        actor=None, congress=world.township, year=YEAR, as_of=dt.date(YEAR, 12, 31), codes=["large_payment"]
    )
    return Alert.objects.get(congress=world.township)


def test_township_staff_see_their_own_budget(world, township_alert, client_for):
    client = client_for("township_staff")
    assert client.get(f"/budget/alerts/{township_alert.pk}/").status_code == 200
    page = client.get("/budget/", {"year": YEAR}).content.decode()
    assert "¥800,000.00" in page


def test_other_township_sees_nothing(world, township_alert, client_for):
    other = world.users["other_township_staff"]
    assert list(selectors.alert_list(user=other)) == []
    client = client_for("other_township_staff")
    assert client.get(f"/budget/alerts/{township_alert.pk}/").status_code == 403
    # asking for the other township's pages falls back to their own (empty) congress
    page = client.get("/budget/", {"congress": world.township.pk, "year": YEAR}).content.decode()
    assert "¥800,000.00" not in page and world.other_township.name in page
    assert (
        "800,000"
        not in client.get("/budget/payments/", {"congress": world.township.pk, "year": YEAR}).content.decode()
    )


def test_county_staff_see_townships_below(world, township_alert, client_for):
    assert township_alert in selectors.alert_list(user=world.users["staff"])
    assert client_for("staff").get(f"/budget/alerts/{township_alert.pk}/").status_code == 200


def test_deputies_read_only_the_summary(world, township_alert, client_for):
    client = client_for("deputy")
    assert client.get("/budget/summary/").status_code == 200
    for url in ("/budget/", "/budget/alerts/", f"/budget/alerts/{township_alert.pk}/", "/budget/payments/"):
        assert client.get(url).status_code == 403
    response = client.post(f"/budget/alerts/{township_alert.pk}/dismiss/", {"reason": "x"})
    assert response.status_code == 403


def test_leaders_read_but_do_not_handle(world, township_alert, client_for):
    client = client_for("leader")
    assert client.get(f"/budget/alerts/{township_alert.pk}/").status_code == 200
    assert client.post(f"/budget/alerts/{township_alert.pk}/dismiss/", {"reason": "x"}).status_code == 403
    assert client.get("/budget/imports/").status_code == 403
