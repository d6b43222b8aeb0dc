"""Demo data: a session's worth of suggestions in every state (see ``renda.core.demo``)."""

from __future__ import annotations

from renda.core.demo import DemoContext, register_demo_loader


def load(ctx: DemoContext) -> None:
    from renda.suggestions.demo_data import build

    build(ctx)


def register() -> None:
    register_demo_loader(50, "suggestions", load)
