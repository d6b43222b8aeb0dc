from renda.budget import alert_rules
from renda.budget.demo import load_demo
from renda.budget.models import Alert, BudgetLine, BudgetUnit
from renda.core.demo import LOADERS, DemoContext


def test_demo_loader_is_registered_and_builds_a_supervised_year(world):
    assert any(name == "budget" for _order, name, _fn in LOADERS)
    ctx = DemoContext(
        county=world.county,
        townships=[world.township, world.other_township],
        term=world.term,
        users=world.users,
    )
    load_demo(ctx, payments=4000)
    info = ctx.extra["budget"]
    assert info["payments"] >= 4000
    assert BudgetUnit.objects.filter(congress=world.county).count() == 14
    assert BudgetLine.objects.filter(congress=world.county, year=info["year"]).exists()
    codes = set(Alert.objects.filter(congress=world.county).values_list("rule__code", flat=True))
    assert (
        len(codes) == len(alert_rules.RULES) == 14
        and info["alerts"] == Alert.objects.filter(congress=world.county).count()
    )
