"""Benchmark of the suggestions app: 10 years of history (50,000 suggestions, 100 handling units).

Measures the metrics page for one year (target < 300 ms) and the similar-suggestion top five
(target < 100 ms). Builds its own SQLite database under var/bench-suggestions (or uses
DATABASE_URL). Run from the tree root:

    PYTHONPATH=src:. /work/main/.venv/bin/python bench/suggestions/run.py [--count 50000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("RENDA_VAR_DIR", tempfile.mkdtemp(prefix="bench-suggestions-", dir=ROOT / "var"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
os.environ.setdefault("RENDA_DEBUG", "0")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PLACES = [
    "青山镇",
    "绿水乡",
    "城东新区",
    "石门村",
    "白沙镇",
    "花园社区",
    "河西片区",
    "工业园区",
    "老城区",
    "东港村",
]
TOPICS = [
    ("乡村公路", "护栏", "警示标志", "路灯", "transport"),
    ("公交线路", "班次", "候车亭", "站点", "transport"),
    ("义务教育", "教师", "校舍", "营养餐", "education"),
    ("校车", "上学路", "护学岗", "交通安全", "education"),
    ("卫生院", "全科医生", "医共体", "设备", "health"),
    ("养老服务", "互助", "护理人员", "日间照料", "social"),
    ("河道", "污水", "截污管网", "清淤", "environment"),
    ("垃圾", "分类", "收运", "填埋场", "environment"),
    ("老旧小区", "电梯", "管网改造", "停车位", "urban"),
    ("农产品", "品牌", "电商", "冷链", "agriculture"),
    ("高标准农田", "水利", "灌溉", "机耕道", "agriculture"),
    ("营商环境", "审批", "融资", "园区", "economy"),
    ("社区警务", "监控", "治安", "调解", "law"),
    ("文化广场", "图书室", "健身器材", "非遗", "other"),
    ("饮水安全", "水厂", "管道", "水质", "urban"),
    ("就业", "技能培训", "返乡创业", "用工", "social"),
]
VERBS = ["建议加强", "建议增设", "建议完善", "恳请解决", "建议加大投入", "建议统筹规划", "建议尽快改善"]


def fake_text(rng: random.Random) -> tuple[str, str, str]:
    topic = rng.choice(TOPICS)
    place = rng.choice(PLACES)
    a, b, c = rng.sample(topic[1:4], 3)
    title = f"关于{place}{topic[0]}{a}问题的建议"
    text = (
        f"{place}{topic[0]}存在{a}不足、{b}老化等问题，群众反映强烈。{rng.choice(VERBS)}{b}和{c}，"
        f"明确责任单位，制定{rng.randint(1, 5)}年工作计划，逐步提升{topic[0]}水平。"
    )
    return title, text, topic[4]


def build(count: int, units_wanted: int) -> dict[str, object]:
    from tests.factories.world import build_world

    from renda.org import services as org
    from renda.org.models import OrganKind
    from renda.suggestions.deadlines import reply_due
    from renda.suggestions.models import Assignment, Rating, SearchToken, Status, Suggestion, UnitRole
    from renda.suggestions.search import token_rows

    call_command("migrate", verbosity=0)
    world = build_world()
    government = world.units[0].organ.parent
    units = list(world.units)
    for i in range(units_wanted - len(units)):
        organ = org.organ_create(
            actor=None,
            congress=world.county,
            kind=OrganKind.DEPARTMENT,
            name=f"县第{i + 1}承办局",
            parent=government,
        )
        units.append(org.handling_unit_create(actor=None, organ=organ))
    rng = random.Random(20260101)
    people = [m.person for m in world.deputies]
    this_year = dt.date.today().year  # noqa: DTZ011
    years = list(range(this_year - 10, this_year))
    per_year = count // len(years)
    start = time.perf_counter()
    topic_unit = {t[0]: rng.sample(units, 3) for t in TOPICS}
    for year in years:
        rows = []
        for n in range(1, per_year + 1):
            title, text, field = fake_text(rng)
            topic = next(t for t in TOPICS if t[0] in title)
            unit = rng.choice(topic_unit[topic[0]]) if rng.random() < 0.8 else rng.choice(units)
            assigned = dt.date(year, rng.randint(1, 4), rng.randint(1, 28))
            due = reply_due(assigned_on=assigned, hard=rng.random() < 0.05).due
            replied = assigned + dt.timedelta(days=rng.randint(20, 110))
            rating = rng.choices(
                [Rating.SATISFIED, Rating.BASICALLY_SATISFIED, Rating.DISSATISFIED], [70, 25, 5]
            )[0]
            rows.append(
                Suggestion(
                    congress=world.county,
                    year=year,
                    number=n,
                    title=title,
                    text=text,
                    field=field,
                    submitter=rng.choice(people),
                    status=Status.CLOSED,
                    session_number=rng.randint(1, 2),
                    lead_unit=unit,
                    assigned_on=assigned,
                    reply_due=due,
                    first_replied_on=replied,
                    replied_on_time=replied <= due,
                    days_to_reply=(replied - assigned).days,
                    contacted=rng.random() < 0.95,
                    category=rng.choices("ABCD", [45, 35, 15, 5])[0],
                    rating=rating,
                    closed_on=replied,
                    rehandled=rating == Rating.DISSATISFIED,
                    import_key=f"{year}-{n}",
                )
            )
        Suggestion.objects.bulk_create(rows, batch_size=2000)
        ids = dict(Suggestion.objects.filter(year=year).values_list("import_key", "pk"))
        tokens, assignments = [], []
        for s in rows:
            s.pk = ids[s.import_key]
            tokens.extend(token_rows(s))
            assignments.append(
                Assignment(
                    suggestion=s,
                    unit=s.lead_unit,
                    role=UnitRole.LEAD,
                    assigned_on=s.assigned_on,
                    due_date=s.reply_due,
                )
            )
        SearchToken.objects.bulk_create(tokens, batch_size=5000)
        Assignment.objects.bulk_create(assignments, batch_size=5000)
    return {
        "world": world,
        "build_seconds": time.perf_counter() - start,
        "years": years,
        "tokens": SearchToken.objects.count(),
        "suggestions": Suggestion.objects.count(),
        "units": len(units),
    }


def existing(count: int) -> dict[str, object] | None:
    """Reuse a database an earlier run built (set RENDA_VAR_DIR to its directory)."""
    from django.db.utils import OperationalError, ProgrammingError

    from renda.core.models import Congress, User
    from renda.org.models import HandlingUnit
    from renda.suggestions.models import SearchToken, Suggestion

    try:
        have = Suggestion.objects.count()
    except (OperationalError, ProgrammingError):
        return None
    if have < count:
        return None
    world = argparse.Namespace(
        county=Congress.objects.get(kind="county"), users={"staff": User.objects.get(username="staff")}
    )
    years = sorted(set(Suggestion.objects.values_list("year", flat=True)))
    return {
        "world": world,
        "build_seconds": 0.0,
        "years": years,
        "tokens": SearchToken.objects.count(),
        "suggestions": have,
        "units": HandlingUnit.objects.count(),
    }


def timed(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    fn()  # warm-up (jieba dictionary, template cache)
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    data = existing(args.count) or build(args.count, args.units)
    world = data["world"]
    from renda.suggestions.search import similar_suggestions

    client = Client()
    client.force_login(world.users["staff"])  # type: ignore[attr-defined]
    year = data["years"][-1]  # type: ignore[index]

    def metrics_page() -> None:
        response = client.get("/suggestions/metrics/", {"year": year, "by": "unit"})
        assert response.status_code == 200

    queries = [
        "青山镇乡村公路缺少护栏和路灯，建议增设警示标志",
        "建议加强农村学校校车安全管理和护学岗",
        "城东新区老旧小区加装电梯和停车位改造",
        "河道污水直排建议完善截污管网",
        "乡镇卫生院全科医生不足",
    ]
    rng = random.Random(7)

    def similar() -> None:
        found = similar_suggestions(congress_ids=[world.county.pk], text=rng.choice(queries), limit=5)  # type: ignore[attr-defined]
        assert len(found) == 5

    m_med, m_p95 = timed(metrics_page, args.repeat)
    s_med, s_p95 = timed(similar, args.repeat * 5)
    from django.db import connection

    print(
        f"database: {connection.vendor}; suggestions: {data['suggestions']}; units: {data['units']}; "
        f"index rows: {data['tokens']}; build: {data['build_seconds']:.0f} s"
    )
    print(f"metrics page, one year by unit: median {m_med:.0f} ms, p95 {m_p95:.0f} ms (target < 300 ms)")
    print(f"similar suggestions, top five: median {s_med:.1f} ms, p95 {s_p95:.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
