"""Log in through the login form as each demo role in headless Chromium, land on the workbench,
and save a screenshot per role (phone size for deputies and the public, 1366×768 for staff)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from renda.core import services
from renda.core.todos import PROVIDERS, Todo
from tests.browser_session import DESKTOP, PHONE, log_in
from tests.factories.world import PASSWORD

pytestmark = pytest.mark.browser

ROLES = {  # role → (user name in the test county, viewport)
    "admin": ("admin", DESKTOP),
    "staff": ("staff", DESKTOP),
    "leader": ("leader", DESKTOP),
    "deputy": ("deputy", PHONE),
    "unit_clerk": ("clerk", DESKTOP),
    "township_staff": ("township", DESKTOP),
    "public": ("public", PHONE),
}


def _sample_todos(user):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    return [
        Todo(
            "关于加快城南片区雨污分流改造的建议",
            "/workbench/",
            "代表建议",
            today - dt.timedelta(days=3),
            "示范县人民代表大会",
            "代表法第五十一条：交办之日起三个月内答复",
        ),
        Todo(
            "常委会第三十二次会议材料送阅",
            "/workbench/",
            "会议",
            today + dt.timedelta(days=2),
            "示范县人民代表大会",
        ),
        Todo("2026年第三季度预算执行预警复核", "/workbench/", "预算监督", today + dt.timedelta(days=12)),
        Todo("阅读本月代表履职通报", "/workbench/", "通知"),
    ]


@pytest.fixture
def todos():  # type: ignore[no-untyped-def]
    PROVIDERS.append(_sample_todos)
    yield
    PROVIDERS.remove(_sample_todos)


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_logs_in_and_sees_the_workbench(
    role, transactional_db, live_server, browser, world, todos, artifacts_dir
):
    username, viewport = ROLES[role]
    user = world.users[role]
    services.notification_send(
        actor=None,
        recipients=[user],
        kind="notice",
        title="关于召开县人大常委会第三十二次会议的通知",
        url="/workbench/",
    )
    context = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        page.goto(f"{live_server.url}/login/")
        assert page.locator("h1").inner_text() == "登录"
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/workbench/")
        assert "工作台" in page.title()
        assert page.locator("#greeting").inner_text().endswith(str(user))
        assert page.get_by_test_id("unread-count").inner_text() == "1"
        assert page.get_by_test_id("todo-count").inner_text() == "4"
        assert page.locator(".renda-due.is-overdue").inner_text().endswith("已逾期 3 天")
        quick = page.get_by_test_id("quick-links").inner_text()
        assert "修改密码" in quick
        assert ("审计日志" in quick) == (role in {"admin", "staff", "township_staff"})
        assert ("用户与角色" in quick) == (role == "admin")
        # Nothing sticks out sideways, at any width.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(artifacts_dir / f"workbench-{role}.png"), full_page=True)
        assert errors == []  # no script errors, nothing blocked by the content-security policy
    finally:
        context.close()


def test_phone_menu_opens_and_the_staff_workbench_fits(
    transactional_db, live_server, browser, world, todos, artifacts_dir
):
    """Staff pages also work on a phone: the menu is an off-canvas panel behind the toggler."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/login/")
        page.screenshot(path=str(artifacts_dir / "login-phone.png"))
        page.fill("#id_username", "staff")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/workbench/")
        assert not page.locator("#sidebar").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(artifacts_dir / "workbench-staff-phone.png"), full_page=True)
        page.click("button.navbar-toggler")
        page.locator("#sidebar").wait_for(state="visible")
        page.wait_for_timeout(400)  # the slide-in transition
        assert page.locator("#sidebar").get_by_text("审计日志").is_visible()
        page.screenshot(path=str(artifacts_dir / "menu-staff-phone.png"))
    finally:
        context.close()


def test_inbox_and_token_pages_in_the_browser(transactional_db, live_server, browser, world, artifacts_dir):
    user = world.users["deputy"]
    services.notification_send(
        actor=None,
        recipients=[user],
        kind="notice",
        title="请于3月5日前提交代表建议",
        body="本次会议收集代表建议，请通过平台提交。",
        url="/workbench/",
    )
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "deputy", next_path="/inbox/")
        page.screenshot(path=str(artifacts_dir / "inbox-deputy-phone.png"), full_page=True)
        page.get_by_test_id("mark-all-read").click()
        page.wait_for_url(f"{live_server.url}/inbox/")
        assert page.get_by_test_id("unread-count").count() == 0
        page.goto(f"{live_server.url}/account/tokens/")
        page.fill("#id_name", "手机应用")
        page.click("form.card button[type=submit]")
        raw = page.get_by_test_id("raw-token").locator(".renda-token").inner_text()
        assert raw.startswith("renda_")
        page.screenshot(path=str(artifacts_dir / "tokens-deputy-phone.png"), full_page=True)
        page.goto(f"{live_server.url}/account/tokens/")  # the raw token is not shown again
        assert page.get_by_test_id("raw-token").count() == 0
    finally:
        context.close()


def test_admin_manages_users_and_role_grants(transactional_db, live_server, browser, world, artifacts_dir):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    try:
        log_in(page, live_server.url, "admin", next_path="/admin/core/user/")
        assert "用户与角色" not in page.title()  # the admin keeps its own titles
        assert page.get_by_text("机关工作人员").first.is_visible()
        page.screenshot(path=str(artifacts_dir / "admin-users.png"), full_page=True)
        page.get_by_role("link", name="township", exact=True).click()
        page.wait_for_load_state()
        page.screenshot(path=str(artifacts_dir / "admin-user-change.png"), full_page=True)
        assert errors == []
    finally:
        context.close()


def test_admin_starts_a_daily_job_by_hand(transactional_db, live_server, browser, world, artifacts_dir):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_server.url, "admin")
        page.get_by_role("link", name="定时任务").click()
        job = page.get_by_test_id("job-suggestions.deadline_reminders")
        assert "08:00" in job.inner_text() and "立即启动" in job.inner_text()
        job.get_by_role("button", name="立即启动").click()
        page.wait_for_url(f"{live_server.url}/settings/schedule/")
        assert "已交给后台任务执行" in page.locator(".alert").inner_text()
        assert "已完成" in page.get_by_test_id("job-suggestions.deadline_reminders").inner_text()
        admin = world.users["admin"]
        assert (admin.get_full_name() or admin.username) in page.locator("table").last.inner_text()
        page.screenshot(path=str(artifacts_dir / "schedule-admin.png"), full_page=True)
    finally:
        context.close()
