"""In a real browser: upload a payment file through the page, map its columns, watch the progress
bar (htmx polling) run to the end, then open the alert the import raised."""

import datetime as dt
import threading
import time

from django.utils import timezone

from renda.budget import services
from renda.budget.models import PaymentImport
from tests.browser_session import log_in
from tests.factories.budget import csv_row, csv_text, small_budget


class HeldTask:
    """Holds the queued import so the test can run it while the page polls."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def enqueue(self, import_id: int) -> None:
        self.ids.append(import_id)


def test_import_progress_and_alert(world, asgi_server, browser, artifacts_dir, tmp_path, monkeypatch):
    small_budget(world.county)
    held = HeldTask()
    monkeypatch.setattr("renda.budget.tasks.payment_import_task", held)
    rows = [
        csv_row(f"V{i:04d}", day=f"2025-05-{6 + i % 20:02d}", amount=f"{1000 + i}.00") for i in range(200)
    ]
    rows.append(
        csv_row(
            "V9999",
            day="2025-06-03",
            amount="786,500.00",
            payee="恒通建筑工程有限公司",
            purpose="教学楼维修工程进度款",
        )
    )
    upload = tmp_path / "国库集中支付明细.csv"
    upload.write_text(csv_text(rows), encoding="utf-8")

    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    log_in(page, asgi_server, "staff")
    page.goto(f"{asgi_server}/budget/imports/")
    page.set_input_files("#id_file", str(upload))
    page.click("[data-testid=upload]")
    page.wait_for_selector("[data-testid=start-import]")
    assert page.input_value("#id_map_voucher_no") == "凭证编号"
    page.screenshot(path=str(artifacts_dir / "budget-import-mapping.png"), full_page=True)
    page.click("[data-testid=start-import]")
    page.wait_for_selector("[data-testid=progress-bar]")
    assert page.inner_text("[data-testid=import-status]") == "排队中"
    page.screenshot(path=str(artifacts_dir / "budget-import-queued.png"))

    # the worker runs while the page polls every second
    worker = threading.Thread(target=services.payment_import_run, kwargs={"import_id": held.ids[0]})
    worker.start()
    worker.join(timeout=60)
    page.wait_for_selector("[data-testid=import-result]", timeout=15000)
    assert page.inner_text("[data-testid=progress-bar]") == "100%"
    # The bar's width is set by renda.js from data-progress (the CSP blocks inline styles).
    assert page.eval_on_selector("[data-testid=progress-bar]", "el => el.style.width") == "100%"
    assert "新增201笔支付" in page.inner_text("[data-testid=import-result]")
    assert PaymentImport.objects.get(pk=held.ids[0]).rows_added == 201
    page.screenshot(path=str(artifacts_dir / "budget-import-done.png"), full_page=True)

    page.click("text=查看预警")
    page.click("text=恒通建筑工程有限公司")
    page.wait_for_selector("[data-testid=alert-title]")
    assert "大额单笔支付" in page.inner_text("h1")
    assert "¥786,500.00" in page.inner_text("[data-testid=alert-title]")
    page.fill("#id_question", "请说明该笔大额支付的合同依据")
    page.fill("#id_due_date", (timezone.localdate() + dt.timedelta(days=10)).isoformat())
    page.screenshot(path=str(artifacts_dir / "budget-alert-detail.png"), full_page=True)
    page.click("[data-testid=request-explanation]")
    page.wait_for_selector("text=待说明")
    time.sleep(0.2)
    page.screenshot(path=str(artifacts_dir / "budget-alert-requested.png"), full_page=True)
    page.goto(f"{asgi_server}/budget/?year=2025")
    page.wait_for_selector("[data-echarts] svg")
    page.screenshot(path=str(artifacts_dir / "budget-dashboard.png"), full_page=True)
    page.close()

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    log_in(phone, asgi_server, "deputy")
    phone.goto(f"{asgi_server}/budget/summary/?year=2025")
    phone.wait_for_selector("[data-echarts] svg")
    assert "预算明白账" in phone.inner_text("h1")
    phone.screenshot(path=str(artifacts_dir / "budget-deputy-summary.png"), full_page=True)
    phone.close()
