"""Signing in from a browser test: through the log-in form (what a user does), or with a session
cookie made by Django's test client (when the test is about another page)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client

from tests.factories.world import PASSWORD

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def log_in(page: Any, base_url: str, username: str, *, next_path: str = "/workbench/") -> None:
    """Fill in the log-in form and wait for the page it leads to."""
    query = "" if next_path == "/workbench/" else f"?next={next_path}"
    page.goto(f"{base_url}/login/{query}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{next_path}")


def signed_in_context(browser: Any, base_url: str, user: Any, viewport: dict[str, int] = DESKTOP) -> Any:
    """A browser context that already holds ``user``'s session."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    return context
