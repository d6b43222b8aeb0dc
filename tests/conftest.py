"""Shared fixtures: a small county built through the services, logged-in clients per role, a
headless Chromium (Debian's) and an in-process ASGI server for WebSocket pages."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from tests.factories.world import World, build_world

ARTIFACTS = Path(
    os.environ.get("RENDA_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "var" / "test-artifacts")
)
CHROMIUM = os.environ.get("RENDA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def client_for(world: World):  # type: ignore[no-untyped-def]
    """client_for("staff") → a Django test client logged in as that demo role."""

    def make(role: str) -> Client:
        client = Client()
        client.force_login(world.users[role])
        return client

    return make


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. Install it with: "  # noqa: S608 - a message, not SQL
            "apt-get update && apt-get install -y chromium fonts-noto-cjk (or set RENDA_CHROMIUM)."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django must allow ORM calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the apps' catalogues (polib, as `renda i18n compile` does) so pages render in Chinese
    even when pytest runs without `make setup` first."""
    import polib

    compiled = False
    for po in (Path(__file__).resolve().parent.parent / "src" / "renda").glob(
        "*/locale/*/LC_MESSAGES/django.po"
    ):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            polib.pofile(str(po)).save_as_mofile(str(mo))
            compiled = True
    if compiled:  # Django may have loaded the old catalogues already: drop its and gettext's caches
        import gettext

        from asgiref.local import Local
        from django.utils.translation import trans_real

        gettext._translations.clear()  # type: ignore[attr-defined]
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = Local()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """The real ASGI application (HTTP and WebSockets) served by uvicorn in a thread of this process,
    so it shares the test database and the in-memory channel layer. Yields the base URL."""
    import uvicorn

    from renda.asgi import application
    from renda.core.management.commands.serve import uvicorn_options
    from renda.meetings.consumers import close_pool_connections

    port = _free_port()
    config = uvicorn.Config(application, host="127.0.0.1", port=port, lifespan="off", **uvicorn_options())
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("ASGI test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    close_pool_connections()
