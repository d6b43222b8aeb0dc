"""Demo data: the demo county gets a year of about 200,000 treasury payments with budget lines,
known anomalies and the alerts the rules raise on them. Payments go straight to Parquet."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from renda.budget import generator, services, store
from renda.budget.models import RuleTrigger
from renda.core.demo import DemoContext

DEMO_PAYMENTS = 200_000


def load_demo(ctx: DemoContext, payments: int = DEMO_PAYMENTS) -> None:
    county = ctx.county
    year = timezone.localdate().year - 1  # the last complete year: every rule (incl. December) applies
    actor = ctx.users.get("staff")
    store.remove_congress(county.pk)
    from renda.core import services as core_services

    for y in (year - 1, year):
        core_services.calendar_seed(actor=None, year=y)
    result = generator.generate(congress_id=county.pk, year=year, payments=payments, seed=2024)
    services.generated_county_load(actor=actor, congress=county, county=result)
    run = services.rules_run(
        actor=actor, congress=county, year=year, as_of=dt.date(year, 12, 31), trigger=RuleTrigger.DEMO
    )
    ctx.extra["budget"] = {
        "year": year,
        "payments": result.payment_count,
        "alerts": sum(run.created.values()),
    }
