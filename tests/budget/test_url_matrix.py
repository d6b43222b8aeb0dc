import datetime as dt

import pytest

from renda.budget import services
from renda.budget.models import Alert
from tests.factories.budget import YEAR, csv_row, csv_text, pay, small_budget, write_payments
from tests.permission_matrix import Case, check_case

READERS = frozenset({"admin", "staff", "leader", "township_staff"})
MANAGERS = frozenset({"admin", "staff", "township_staff"})
COUNTY_READERS = frozenset({"admin", "staff", "leader"})
COUNTY_MANAGERS = frozenset({"admin", "staff"})


def county_alert(world) -> Alert:
    """A county alert (large payment), made once per world."""
    if not hasattr(world, "_budget_alert"):
        budget = small_budget(world.county)
        write_payments(world.county, [pay(budget.lines["building"], day=dt.date(YEAR, 6, 3), amount=800000)])
        services.rules_run(
            actor=None, congress=world.county, year=YEAR, as_of=dt.date(YEAR, 12, 31), codes=["large_payment"]
        )
        world._budget_alert = Alert.objects.get(congress=world.county)
    return world._budget_alert


def county_import(world):
    content = csv_text([csv_row("V1")]).encode()
    return services.payment_import_upload(
        actor=world.users["staff"], congress=world.county, file_name="a.csv", chunks=[content]
    )


CASES = [
    Case("budget:dashboard", READERS),
    Case("budget:drilldown", READERS),
    Case("budget:payments", READERS),
    Case("budget:imports", MANAGERS),
    Case("budget:import_detail", COUNTY_MANAGERS, kwargs=lambda w: {"pk": county_import(w).pk}),
    Case("budget:import_progress", COUNTY_MANAGERS, kwargs=lambda w: {"pk": county_import(w).pk}),
    Case("budget:alerts", READERS),
    Case("budget:overdue", READERS),
    Case("budget:alert_detail", COUNTY_READERS, kwargs=lambda w: {"pk": county_alert(w).pk}),
    Case(
        "budget:alert_action",
        COUNTY_MANAGERS,
        method="post",
        ok_status=(302,),
        kwargs=lambda w: {"pk": county_alert(w).pk, "action": "dismiss"},
        data=lambda w: {"reason": "已核实"},
    ),
    Case("budget:rules", READERS),
    Case("budget:rules_run", MANAGERS, method="post", ok_status=(302,), data=lambda w: {"year": YEAR}),
    Case("budget:summary", READERS | {"deputy"}),
    Case("budget:report", READERS),
]


@pytest.mark.parametrize("case", CASES, ids=[c.url_name for c in CASES])
def test_budget_url_matrix(case, world, client_for):
    assert check_case(case, world, client_for) == []
