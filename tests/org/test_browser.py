"""Staff pages of the org app in Chromium at 1366×768; screenshots go to the artifacts directory."""

import pytest

from tests.browser_session import signed_in_context
from tests.factories.org import roster_file, roster_row

pytestmark = pytest.mark.django_db(transaction=True)


def _page_for(browser, base, user):
    context = signed_in_context(browser, base, user)
    return context, context.new_page()


def test_staff_pages_render_at_1366(world, asgi_server, browser, artifacts_dir, tmp_path):
    base = asgi_server
    context, page = _page_for(browser, base, world.users["staff"])
    errors: list[str] = []
    # Script errors and failed assets (the favicon is the core app's business).
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response", lambda r: errors.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )
    person = world.deputies[1].person
    shots = {
        "org-congress": f"/org/congresses/{world.county.pk}/",
        "org-term": f"/org/terms/{world.term.pk}/",
        "org-person-staff": f"/org/people/{person.pk}/",
        "org-body": f"/org/bodies/{world.standing_committee.pk}/",
        "org-unit": f"/org/units/{world.units[0].pk}/",
        "org-deputies": "/org/deputies/",
    }
    for name, path in shots.items():
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
        if name == "org-person-staff":
            assert page.get_by_test_id("phone").inner_text() == person.phone

    page.goto(f"{base}/org/terms/{world.term.pk}/composition/")
    page.wait_for_selector("[data-echarts='chart-gender'] svg")
    assert page.locator(".renda-chart svg").count() == 6
    page.screenshot(path=str(artifacts_dir / "org-composition.png"), full_page=True)

    bad = tmp_path / "roster.xlsx"
    bad.write_bytes(
        roster_file([roster_row("甲", 选区="火星选区"), roster_row("乙", 身份证号="430223198006150012")])
    )
    page.goto(f"{base}/org/terms/{world.term.pk}/roster/import/")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_selector("[data-testid=import-errors]")
    assert page.locator("[data-testid=import-errors] li").count() == 2
    page.screenshot(path=str(artifacts_dir / "org-import-errors.png"), full_page=True)

    good = tmp_path / "good.xlsx"
    good.write_bytes(roster_file([roster_row("浏览器甲"), roster_row("浏览器乙", male=False)]))
    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_selector("[data-testid=import-preview]")
    page.screenshot(path=str(artifacts_dir / "org-import-preview.png"), full_page=True)
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"**/org/terms/{world.term.pk}/")
    assert "代表名册已导入" in page.content()
    assert errors == []
    context.close()

    context, page = _page_for(browser, base, world.users["leader"])
    page.goto(f"{base}/org/people/{person.pk}/")
    assert page.get_by_test_id("phone").inner_text() == person.phone[:3] + "****" + person.phone[-4:]
    page.screenshot(path=str(artifacts_dir / "org-person-leader.png"), full_page=True)
    context.close()
