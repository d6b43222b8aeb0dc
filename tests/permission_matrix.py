"""Table-driven URL × role permission checks. Each app's ``test_url_matrix.py`` declares one
``Case`` per URL name; ``tests/core/test_url_coverage.py`` fails when a URL has no case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.factories.world import World

ROLES = ("admin", "staff", "leader", "deputy", "unit_clerk", "township_staff", "public")
INTERNAL = frozenset({"admin", "staff", "leader", "deputy", "unit_clerk", "township_staff"})
OFFICE = frozenset({"admin", "staff", "township_staff"})
EVERYONE = frozenset(ROLES)

REGISTRY: dict[str, Case] = {}


@dataclass(frozen=True)
class Case:
    url_name: str
    allowed: frozenset[str]
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    method: str = "get"
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    ok_status: tuple[int, ...] = (200,)
    anonymous_ok: bool = False  # public pages

    def __post_init__(self) -> None:
        REGISTRY[self.url_name] = self


def check_case(case: Case, world: World, client_for: Callable[[str], Client]) -> list[str]:
    """Returns a list of mismatches (empty when every role gets what the table says)."""
    url = reverse(case.url_name, kwargs=case.kwargs(world) or None)
    problems = []
    anonymous = getattr(Client(), case.method)(url, case.data(world))
    if case.anonymous_ok:
        if anonymous.status_code not in case.ok_status:
            problems.append(f"anonymous {case.method.upper()} {url}: {anonymous.status_code}")
    elif not (anonymous.status_code == 302 and "/login/" in anonymous["Location"]):
        problems.append(
            f"anonymous {case.method.upper()} {url}: {anonymous.status_code}, expected redirect to login"
        )
    for role in ROLES:
        response = getattr(client_for(role), case.method)(url, case.data(world))
        if role in case.allowed:
            if response.status_code not in case.ok_status:
                problems.append(
                    f"{role} {case.method.upper()} {url}: {response.status_code}, expected {case.ok_status}"
                )
        elif response.status_code != 403:
            problems.append(f"{role} {case.method.upper()} {url}: {response.status_code}, expected 403")
    return problems
