"""Metrics on fixed data with rates computed by hand (DOMAIN_RULES.md §2)."""

import datetime as dt

import pytest

from renda.core.services import congress_setting_set
from renda.suggestions import metrics, services
from renda.suggestions.models import Rating
from tests.factories.suggestions import clerk_of, submitted
from tests.suggestions.test_lifecycle import at

REPORT_DATE = dt.date(2026, 6, 1)


def _assigned(world, unit, day):
    with at(day):
        s = submitted(world)
        services.suggestion_review(actor=world.users["staff"], suggestion=s, decision="accept")
        services.suggestion_assign(actor=world.users["staff"], suggestion=s, lead=unit)
    return s


def _reply(world, s, unit, day, category, rating=None):
    clerk = clerk_of(world, unit)
    with at(day):
        services.contact_record_add(
            actor=clerk,
            suggestion=s,
            unit=unit,
            contacted_on=dt.date.fromisoformat(day),
            way="phone",
            deputy_view="同意",
        )
        services.reply_submit(
            actor=clerk, suggestion=s, unit=unit, category=category, text="答复", signer="局长"
        )
        if rating:
            services.feedback_submit(
                actor=world.users["deputy"],
                suggestion=s,
                rating=rating,
                comment="不满意" if rating == Rating.DISSATISFIED else "",
            )


@pytest.fixture
def fixed(world):
    u0, u1, u2 = world.units
    s1 = _assigned(world, u0, "2026-01-15")
    _reply(world, s1, u0, "2026-02-01", "A", Rating.SATISFIED)  # 17 days, on time
    s2 = _assigned(world, u0, "2026-01-15")
    _reply(world, s2, u0, "2026-05-01", "B", Rating.BASICALLY_SATISFIED)  # 106 days, late (due 15 April)
    s3 = _assigned(world, u1, "2026-01-15")
    _reply(world, s3, u1, "2026-03-01", "C", Rating.DISSATISFIED)  # 45 days, on time
    _assigned(world, u1, "2026-01-15")  # no reply: overdue by the report date
    _assigned(world, u2, "2026-05-20")  # no reply, not yet due
    with at("2026-05-25"):
        s6 = submitted(world)
        services.suggestion_review(actor=world.users["staff"], suggestion=s6, decision="accept")
    return world


def _compute(world, by="year"):
    return metrics.compute(
        congress_ids=[world.county.pk], congress=world.county, year=2026, group_by=by, today=REPORT_DATE
    )


@pytest.mark.django_db
def test_rates_by_definition(fixed):
    total = _compute(fixed).total
    assert (total.count, total.assigned, total.replied, total.rated) == (6, 5, 3, 3)
    assert total.rates["completion"] == pytest.approx(2 / 5)
    assert total.rates["resolution"] == pytest.approx(1 / 3)
    assert total.rates["satisfaction"] == pytest.approx(2 / 3)
    assert total.rates["contact"] == pytest.approx(1.0)
    assert total.rates["on_time"] == pytest.approx(2 / 4)
    assert total.avg_days == pytest.approx((17 + 106 + 45) / 3)
    assert total.closed == 2


@pytest.mark.django_db
def test_variants_switch_by_setting(fixed):
    admin, county = fixed.users["admin"], fixed.county
    congress_setting_set(
        actor=admin, congress=county, key="suggestions.completion_rate_variant", value="replied"
    )
    congress_setting_set(actor=admin, congress=county, key="suggestions.resolution_rate_variant", value="ab")
    congress_setting_set(
        actor=admin, congress=county, key="suggestions.satisfaction_rate_variant", value="satisfied"
    )
    result = _compute(fixed)
    assert result.total.rates["completion"] == pytest.approx(3 / 5)
    assert result.total.rates["resolution"] == pytest.approx(2 / 3)
    assert result.total.rates["satisfaction"] == pytest.approx(1 / 3)
    formulas = {d.key: str(d.formula) for d in result.definitions}
    assert formulas["resolution"] == "A类与B类件数 ÷ 已答复件数（采纳率）"
    assert result.definitions[0].setting["set_at"] == county.name


@pytest.mark.django_db
def test_by_unit(fixed):
    rows = {r.label: r for r in _compute(fixed, "unit").rows}
    edu = rows["县教育局"]
    assert (edu.count, edu.replied) == (2, 2)
    assert edu.rates["completion"] == pytest.approx(1 / 2)
    assert edu.rates["satisfaction"] == pytest.approx(1.0)
    transport = rows["县交通运输局"]
    assert transport.rates["on_time"] == pytest.approx(1 / 2)
    assert transport.rates["satisfaction"] == pytest.approx(0.0)
    assert rows["县卫生健康局"].rates["on_time"] is None  # nothing due yet


@pytest.mark.django_db
def test_unit_assessment_weights(fixed):
    weights = {"on_time": 1, "contact": 0, "category": 1, "satisfaction": 0, "rehandling": 0}
    scores = {
        u.unit.name: u
        for u in metrics.unit_assessment(congress=fixed.county, year=2026, weights=weights, today=REPORT_DATE)
    }
    edu = scores["县教育局"]
    # on time 1/2; class points (A 1 + B 0.8) / 2 = 0.9 → (0.5 + 0.9) / 2 × 100 = 70
    assert edu.score == pytest.approx(70.0)
    assert edu.parts["rehandling"] == pytest.approx(1.0)
    assert scores["县交通运输局"].parts["rehandling"] == pytest.approx(0.0)


@pytest.mark.django_db
def test_metrics_page_shows_formulas_and_exports(fixed, client_for):
    client = client_for("staff")
    response = client.get("/suggestions/metrics/", {"year": 2026, "by": "unit"})
    body = response.content.decode()
    assert "按期答复件数 ÷ 交办件数" in body and "沟通见面率" in body
    export = client.get("/suggestions/metrics/", {"year": 2026, "by": "unit", "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
