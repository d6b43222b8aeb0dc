import datetime as dt
import io

from docx import Document

from renda.budget import services
from tests.factories.budget import YEAR, pay, small_budget, write_payments


def test_monthly_report_is_an_official_document(world, client_for):
    budget = small_budget(world.county)
    write_payments(world.county, [pay(budget.lines["building"], day=dt.date(YEAR, 6, 3), amount=800000)])
    services.rules_run(actor=None, congress=world.county, year=YEAR, as_of=dt.date(YEAR, 12, 31))
    response = client_for("staff").get("/budget/report/", {"year": YEAR, "month": 6})
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "2025年06月预算执行监督情况报告" in text
    assert "截至2025年6月30日" in text and "执行率" in text
