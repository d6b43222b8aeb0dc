import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from renda.org import selectors, services
from tests.factories.org import roster_file, roster_row

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 1, 1)


@pytest.fixture
def term(world):
    """A fresh term with ten deputies of known composition, imported through the roster service."""
    term = services.term_create(actor=None, congress=world.county, number=19, start_date=dt.date(2025, 12, 1))
    births = [  # ages on 2026-01-01: 30, 35 (birthday today), 36, 45, 46, 55, 56, 60, 61, 70
        dt.date(1995, 5, 5), dt.date(1991, 1, 1), dt.date(1989, 6, 1), dt.date(1981, 1, 1), dt.date(1979, 6, 1),
        dt.date(1971, 1, 1), dt.date(1969, 6, 1), dt.date(1966, 1, 1), dt.date(1964, 6, 1), dt.date(1955, 3, 3),
    ]  # fmt: skip
    extra = [
        {"民族": "汉族", "政治面貌": "中共党员", "文化程度": "研究生", "代表构成": "党政领导干部"},
        {"民族": "土家族", "政治面貌": "中共预备党员", "文化程度": "大学本科", "代表构成": "工人"},
        {"民族": "苗族", "政治面貌": "民盟盟员", "文化程度": "大学本科", "代表构成": "农民"},
        {"民族": "土家族", "政治面貌": "无党派人士", "文化程度": "大专", "代表构成": "农民"},
        {"民族": "汉", "政治面貌": "群众", "文化程度": "高中", "代表构成": "专业技术人员"},
        {"民族": "汉族", "政治面貌": "中共党员", "文化程度": "初中", "代表构成": "企业负责人"},
        {"民族": "汉族", "政治面貌": "中共党员", "文化程度": "", "代表构成": "解放军"},
        {"民族": "汉族", "政治面貌": "", "文化程度": "大学本科", "代表构成": "其他"},
        {"民族": "汉族", "政治面貌": "九三学社社员", "文化程度": "研究生", "代表构成": "专业技术人员"},
        {"民族": "汉族", "政治面貌": "中共党员", "文化程度": "大学本科", "代表构成": ""},
    ]
    rows = [
        roster_row(f"构成{i}", male=i < 6, birth=b, 选区="", 代表团="", **extra[i])
        for i, b in enumerate(births)
    ]
    services.roster_import(actor=None, term=term, file=roster_file(rows))
    return term


def _table(comp, key):
    return {r.label: r.count for r in next(t for t in comp.tables if t.key == key).rows}


def test_composition_numbers(term):
    comp = selectors.term_composition(term=term, on=ON)
    assert comp.total == 10
    assert _table(comp, "gender") == {"男": 6, "女": 4}
    assert _table(comp, "age") == {"≤35": 2, "36–45": 2, "46–55": 2, "56–60": 2, ">60": 2}
    assert _table(comp, "ethnicity") == {"汉族": 7, "少数民族": 3}
    assert _table(comp, "minorities") == {"土家族": 2, "苗族": 1}
    assert _table(comp, "party") == {"中共党员": 5, "民主党派": 2, "无党派人士": 1, "群众": 1, "未登记": 1}
    assert _table(comp, "education") == {"研究生": 2, "大学本科": 4, "大学专科": 1, "高中（中专）": 1,
                                         "初中及以下": 1, "未登记": 1}  # fmt: skip
    sectors = _table(comp, "sector")
    assert sectors["农民"] == 2 and sectors["专业技术人员"] == 2 and sectors["未登记"] == 1
    shares = {r.label: r.share for r in comp.tables[0].rows}
    assert shares == {"男": 0.6, "女": 0.4}


def test_ended_mandates_are_not_counted_after_they_end(term):
    mandate = term.mandates.order_by("pk").first()
    services.mandate_end(actor=None, mandate=mandate, end_date=dt.date(2026, 6, 30), reason="resigned")
    assert selectors.term_composition(term=term, on=ON).total == 10
    assert selectors.term_composition(term=term, on=dt.date(2026, 7, 1)).total == 9


def test_composition_takes_a_constant_number_of_queries(term, world):
    with CaptureQueriesContext(connection) as few:
        selectors.term_composition(term=term, on=ON)
    with CaptureQueriesContext(connection) as more:
        selectors.term_composition(term=world.term, on=ON)  # 12 deputies instead of 10
    assert len(few) == len(more) == 1


def test_composition_page_and_excel_export(term, client_for):
    client = client_for("staff")
    page = client.get(f"/org/terms/{term.pk}/composition/?on=2026-01-01")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-echarts="chart-gender"' in html and 'id="chart-gender"' in html
    assert "<script>" not in html.replace("<script src", "")  # no inline scripts (CSP)
    export = client.get(f"/org/terms/{term.pk}/composition/?on=2026-01-01&export=xlsx")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames[:3] == ["概况", "性别", "年龄（按统计日期）"]
    gender = [[c.value for c in row] for row in book["性别"].iter_rows()]
    assert gender == [["类别", "人数", "占比（%）"], ["男", 6, 60], ["女", 4, 40]]
