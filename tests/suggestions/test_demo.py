"""The demo loader on a small world: every state, every reply class and rating, overdue and
open deadlines, motions, joint signers, key supervision, a supervision round, earlier years,
and the pages that show them."""

from __future__ import annotations

import pytest
from django.db.models import Count

from renda.core.audit import audit_verify
from renda.core.demo import DemoContext
from renda.suggestions.demo import build
from renda.suggestions.models import (
    CoSigner,
    Deadline,
    Feedback,
    Kind,
    Reply,
    ReturnRequest,
    Status,
    Suggestion,
    SupervisionRound,
)
from renda.suggestions.search import suggest_lead_units


@pytest.fixture
def demo(world):
    ctx = DemoContext(
        county=world.county,
        townships=[world.township, world.other_township],
        term=world.term,
        users=world.users,
    )
    return build(ctx)


@pytest.mark.django_db
def test_demo_loader_builds_every_state(world, demo):
    this_year = Suggestion.objects.filter(congress=world.county, import_key="")
    assert demo.this_year == this_year.count() >= 150
    assert set(this_year.values_list("status", flat=True)) == set(Status.values)
    closed = this_year.filter(status=Status.CLOSED)
    assert set(closed.values_list("category", flat=True)) == {"A", "B", "C", "D"}
    assert set(closed.values_list("rating", flat=True)) == {
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
    }
    assert Feedback.objects.filter(reply__suggestion__in=this_year, rating="dissatisfied").count() >= 8
    assert Reply.objects.filter(suggestion__in=this_year, round=2).exists()
    assert (
        this_year.filter(submitter__in=[m.person for m in world.deputies])
        .values("submitter")
        .distinct()
        .count()
        >= 10
    )
    open_deadlines = Deadline.objects.filter(suggestion__in=this_year, met_on__isnull=True, cancelled=False)
    from django.utils import timezone

    today = timezone.localdate()
    assert open_deadlines.filter(kind="reply", due_date__lt=today).exists()  # overdue
    assert open_deadlines.filter(kind="reply", due_date__gt=today).exists()  # days left
    assert open_deadlines.filter(kind="rehandle", due_date__lt=today).exists()
    assert Reply.objects.filter(suggestion__in=this_year, on_time=False).exists()
    motions = this_year.filter(submitted_kind=Kind.MOTION)
    assert motions.filter(kind=Kind.MOTION).exists() and motions.filter(kind=Kind.SUGGESTION).exists()
    assert motions.annotate(n=Count("cosigners")).filter(n__gte=9).count() == motions.count()
    assert CoSigner.objects.filter(status="pending", suggestion__status=Status.PENDING).exists()
    assert this_year.filter(key_supervised=True).count() >= 5
    assert set(ReturnRequest.objects.values_list("status", flat=True)) == {"pending", "accepted", "refused"}
    rnd = SupervisionRound.objects.get(congress=world.county)
    assert rnd.visits.exclude(progress="").count() >= 1
    # Earlier years came in through the import, closed.
    assert demo.imported >= 300
    years = set(Suggestion.objects.exclude(import_key="").values_list("year", flat=True))
    assert len(years) == 3 and today.year not in years
    # The deputy's phone has something waiting.
    deputy = world.deputies[0].person
    mine = Suggestion.objects.filter(submitter=deputy)
    assert (
        mine.filter(status=Status.REPLIED).exists()
        and mine.filter(status=Status.PENDING, on_behalf=True).exists()
    )
    assert audit_verify().ok


@pytest.mark.django_db
def test_demo_history_feeds_the_lead_unit_proposal(world, demo):
    s = Suggestion.objects.filter(congress=world.county, status=Status.REVIEWED).first()
    assert s is not None
    proposals = suggest_lead_units(suggestion=s)
    assert proposals and all(0 < score <= 1 for _u, score in proposals)


@pytest.mark.django_db
def test_demo_pages_render(world, demo, client_for):
    staff = client_for("staff")
    page = staff.get("/suggestions/metrics/").content.decode()
    assert "办结率" in page and "renda-chart" in page
    assert staff.get("/suggestions/").status_code == 200
    assert staff.get("/suggestions/overdue/").status_code == 200
    deputy = client_for("deputy")
    assert "测评答复" in deputy.get("/suggestions/mine/").content.decode()
