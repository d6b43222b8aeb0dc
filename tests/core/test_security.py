"""Log-in, lock-out, sessions, CSRF, security headers and the production settings."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from renda.core.models import AuditEvent
from tests.factories.world import PASSWORD

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src"


def _login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("core:login"), {"username": username, "password": password})


def test_login_with_the_right_password_lands_on_the_workbench(world):
    client = Client()
    response = _login(client, "staff", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("core:workbench")
    assert client.get(reverse("core:workbench")).status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=world.users["staff"]).exists()


def test_wrong_password_gets_a_chinese_message(world):
    response = _login(Client(), "staff", "not-the-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_sixth_attempt_is_refused_even_with_the_right_password(world):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "staff", "wrong-password").status_code == 200
    # The attempt that reaches the limit locks the account.
    assert _login(client, "staff", "wrong-password").status_code == 429
    response = _login(client, "staff", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "账户已暂时锁定" in page and "30 分钟" in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:workbench")).status_code == 302
    event = AuditEvent.objects.filter(action="auth.locked_out").last()
    assert event is not None and event.payload["username"] == "staff"
    # Another account from the same address is not locked (lock-out is per user name and address).
    assert _login(Client(), "leader", PASSWORD).status_code == 302


def test_behind_the_proxy_lock_out_counts_the_client_address_not_the_proxys(world, asgi_server):
    """`renda serve` believes X-Forwarded-For from the trusted proxy (127.0.0.1 here), so one
    client's failures neither lock everyone behind the proxy out nor hide who failed."""
    from axes.models import AccessAttempt

    def attempt(client_ip: str, password: str) -> int:
        with httpx.Client(base_url=asgi_server, headers={"X-Forwarded-For": client_ip}) as http:
            http.get(reverse("core:login"))
            form = {
                "username": "staff",
                "password": password,
                "csrfmiddlewaretoken": http.cookies["csrftoken"],
            }
            return http.post(reverse("core:login"), data=form).status_code

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        attempt("203.0.113.9", "wrong-password")
    assert attempt("203.0.113.9", PASSWORD) == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
    locked = AuditEvent.objects.filter(action="auth.locked_out").last()
    assert locked is not None and locked.payload["address"] == "203.0.113.9"
    # Another office behind the same proxy still gets in.
    assert attempt("198.51.100.7", PASSWORD) == 302
    login = AuditEvent.objects.filter(action="auth.login").last()
    assert login is not None and login.payload["address"] == "198.51.100.7"


def test_passwords_are_hashed_with_argon2_outside_tests(tmp_path):
    env = _env(RENDA_VAR_DIR=str(tmp_path))
    code = "from django.contrib.auth.hashers import make_password; print(make_password('x').split('$')[0])"
    out = subprocess.run(
        [sys.executable, "-m", "renda.cli", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "argon2"


def test_session_expires_after_the_idle_limit(world):
    client = Client()
    assert _login(client, "staff", PASSWORD).status_code == 302
    assert client.get(reverse("core:workbench")).status_code == 200
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later):
        response = client.get(reverse("core:workbench"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_post_without_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = _login(client, "staff", PASSWORD)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_security_headers_and_content_security_policy(client_for):
    response = client_for("staff").get(reverse("core:workbench"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "http" not in csp  # no outside host anywhere
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["']https?://""", html), "page loads something from another host"
    assert "<script>" not in html  # the CSP forbids inline scripts, so the page must not rely on them


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RENDA_", "DATABASE_URL", "REDIS_URL"))}
    env.update(PYTHONPATH=str(SRC), DJANGO_SETTINGS_MODULE="renda.settings")
    env.update({k: v for k, v in extra.items() if v})
    return env


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return _env(
        RENDA_PRODUCTION="1",
        RENDA_SECRET_KEY=secrets.token_urlsafe(50),
        RENDA_DATA_KEY=secrets.token_hex(32),
        RENDA_ALLOWED_HOSTS="renda.example.gov.cn",
        RENDA_VAR_DIR=str(tmp_path),
        **extra,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "renda.cli", "check", "--deploy"],
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "System check identified no issues (0 silenced).", out.stdout + out.stderr
    assert "WARNING" not in out.stderr


def test_production_refuses_to_start_without_its_keys(tmp_path):
    env = _production_env(tmp_path)
    del env["RENDA_DATA_KEY"]
    out = subprocess.run(
        [sys.executable, "-m", "renda.cli", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode != 0
    assert "RENDA_DATA_KEY" in out.stderr
