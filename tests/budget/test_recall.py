"""Recall of every rule on generated data (must be 100 %) and the false alarms it raises."""

import datetime as dt

from renda.budget import alert_rules, generator, services
from renda.budget.models import Alert
from renda.core import services as core_services
from tests.factories.budget import YEAR, generated_county


def test_generator_is_deterministic(budget_dir):
    a = generator.generate(congress_id=90, year=YEAR, payments=3000, seed=5, write=False)
    b = generator.generate(congress_id=90, year=YEAR, payments=3000, seed=5, write=False)
    assert [i.key for i in a.injections] == [i.key for i in b.injections]
    assert [ln.adjusted_amount for ln in a.lines] == [ln.adjusted_amount for ln in b.lines]


def test_every_rule_kind_is_injected_and_found(world):
    core_services.calendar_seed(actor=None, year=YEAR)
    core_services.calendar_seed(actor=None, year=YEAR - 1)
    county = generated_county(world.county, payments=6000)
    assert {i.rule for i in county.injections} == {r.code for r in alert_rules.RULES}
    services.rules_run(actor=None, congress=world.county, year=YEAR, as_of=dt.date(YEAR, 12, 31))
    found = set(Alert.objects.filter(congress=world.county).values_list("rule__code", "key"))
    expected = generator.expected_keys(county)
    missed = expected - found
    assert missed == set(), f"recall below 100 %: {missed}"
    false_alarms = found - expected
    print(
        f"generated {county.payment_count} payments, {len(expected)} injected, "
        f"{len(false_alarms)} false alarms"
    )
    assert false_alarms == set()
