"""A unit clerk replies on a desktop page and the deputy rates the reply on a phone-sized page."""

import pytest
from django.utils import timezone

from renda.suggestions import services
from renda.suggestions.models import Status, Suggestion
from tests.browser_session import DESKTOP, PHONE, log_in
from tests.factories.suggestions import assigned, clerk_of
from tests.factories.world import build_world


@pytest.mark.django_db(transaction=True)
def test_clerk_replies_and_deputy_rates_on_phone(asgi_server, browser, artifacts_dir):
    world = build_world()
    s = assigned(world)
    clerk = clerk_of(world, world.units[0])
    services.contact_record_add(
        actor=clerk,
        suggestion=s,
        unit=world.units[0],
        contacted_on=timezone.localdate(),
        way="face",
        deputy_view="代表希望年内完成。",
    )  # noqa: DTZ011

    desk = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = desk.new_page()
    log_in(page, asgi_server, clerk.username)
    page.goto(f"{asgi_server}/suggestions/inbox/")
    page.get_by_role("link", name=s.title).first.click()
    page.select_option("#category", "B")
    page.fill("#reply-text", "护栏和警示标志已列入今年交通安全工作计划，预计九月底前完成安装。")
    page.fill("#signer", "李明")
    page.screenshot(path=str(artifacts_dir / "suggestions-clerk-reply.png"), full_page=True)
    page.click("text=提交答复")
    page.wait_for_selector("text=答复已送达代表")
    desk.close()
    s.refresh_from_db()
    assert s.status == Status.REPLIED and s.category == "B"

    phone = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = phone.new_page()
    log_in(page, asgi_server, world.users["deputy"].username)
    page.goto(f"{asgi_server}/suggestions/mine/")
    page.click("[data-testid=rate-link]")
    page.wait_for_selector("text=您对答复满意吗？")
    page.screenshot(path=str(artifacts_dir / "suggestions-deputy-rate.png"), full_page=True)
    button = page.locator("label[for=rating-basically_satisfied]")
    assert button.bounding_box()["height"] >= 44
    button.click()
    page.click("text=提交测评")
    page.wait_for_selector("[data-testid=rating]")
    page.screenshot(path=str(artifacts_dir / "suggestions-deputy-rated.png"), full_page=True)
    phone.close()
    s = Suggestion.objects.get(pk=s.pk)
    assert s.status == Status.CLOSED and s.rating == "basically_satisfied"


@pytest.mark.django_db(transaction=True)
def test_staff_sees_metrics_chart(asgi_server, browser, artifacts_dir):
    world = build_world()
    from tests.factories.suggestions import replied

    for index, category in enumerate("ABAC"):
        replied(world, category=category, unit_index=index % 3)
    assigned(world, unit_index=2)
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    log_in(page, asgi_server, world.users["staff"].username)
    page.goto(f"{asgi_server}/suggestions/metrics/?by=unit")
    page.wait_for_selector("[data-echarts][data-rendered='1'] svg")
    page.screenshot(path=str(artifacts_dir / "suggestions-metrics.png"), full_page=True)
    assert "按期答复件数 ÷ 交办件数" in page.content()
    context.close()
