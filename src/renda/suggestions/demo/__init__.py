"""Demo data of the suggestions app (see ``renda.core.demo``): earlier years imported from Excel,
then this year's session and the suggestions sent in since, replayed through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from renda.core.demo import DemoContext, register_demo_loader


@dataclass(frozen=True)
class DemoSummary:
    imported: int
    this_year: int


def build(ctx: DemoContext) -> DemoSummary:
    from renda.suggestions.demo.clock import demo_clock
    from renda.suggestions.demo.history import import_history
    from renda.suggestions.demo.session import SESSION_AGO, SessionBuilder

    if ctx.users.get("staff") is None:
        return DemoSummary(0, 0)
    with demo_clock() as clock:
        builder = SessionBuilder(ctx, clock)
        # The office imported its records of earlier years a month before the session.
        clock.set(builder.today - dt.timedelta(days=SESSION_AGO + 30), 0)
        imported = import_history(
            actor=builder.staff,
            congress=ctx.county,
            deputies=builder.deputies,
            units=builder.units,
            places=builder.places,
        )
        made = builder.run()
    return DemoSummary(imported, made)


def load(ctx: DemoContext) -> None:
    build(ctx)


def register() -> None:
    register_demo_loader(50, "suggestions", load)
