"""The demo county (示范县). ``renda demo`` builds the county with ``build_county`` and then runs
every app's registered loader in order, so each feature brings its own demo data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DemoLoader = Callable[["DemoContext"], None]


@dataclass
class DemoContext:
    """What the county builder made, for the apps' loaders to build on."""

    county: Any  # Congress
    townships: list[Any]  # Congress
    term: Any  # Term of the county congress
    users: dict[str, Any]  # role name → User (the demo logins)
    extra: dict[str, Any] = field(default_factory=dict)


LOADERS: list[tuple[int, str, DemoLoader]] = []


def register_demo_loader(order: int, name: str, loader: DemoLoader) -> None:
    if all(existing[1] != name for existing in LOADERS):
        LOADERS.append((order, name, loader))
        LOADERS.sort(key=lambda item: item[0])
