"""The full circuit driven only through services, with frozen time and every due date checked."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from renda.core.models import AuditEvent
from renda.core.services import congress_setting_set
from renda.suggestions import services
from renda.suggestions.deadlines import add_months
from renda.suggestions.models import Deadline, DeadlineKind, Kind, Rating, Status, Suggestion
from tests.factories.suggestions import clerk_of, deputy_user, entered_for_deputy, submitted

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: str):  # noqa: ANN201
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ), tick=False)


def deadline(s: Suggestion, kind: str, unit=None) -> Deadline:  # noqa: ANN001
    qs = Deadline.objects.filter(suggestion=s, kind=kind, cancelled=False)
    if unit is not None:
        qs = qs.filter(assignment__unit=unit)
    return qs.get()


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


@pytest.mark.django_db
def test_full_lifecycle(world):
    staff = world.users["staff"]
    lead, co = world.units[0], world.units[1]
    lead_clerk, co_clerk = clerk_of(world, lead), clerk_of(world, co)
    signer1, signer2 = deputy_user(world, 1), deputy_user(world, 2)
    deputy = world.users["deputy"]

    with at("2026-01-10"):
        s = submitted(world, cosigner_ids=[world.deputies[1].person_id, world.deputies[2].person_id])
        assert s.status == Status.PENDING and s.number is None
        services.cosign_respond(actor=signer1, suggestion=s, accept=True)
        s.refresh_from_db()
        assert s.status == Status.PENDING
        services.cosign_respond(actor=signer2, suggestion=s, accept=True)
        s.refresh_from_db()
        assert s.status == Status.SUBMITTED and s.number == 1 and s.code == "2026-001"
        with pytest.raises(ValidationError):
            services.cosign_respond(actor=signer2, suggestion=s, accept=False)

    with at("2026-01-12"):
        services.suggestion_review(actor=staff, suggestion=s, decision="accept")

    with at("2026-01-15"):
        services.suggestion_assign(actor=staff, suggestion=s, lead=lead, co_handlers=[co])
        s.refresh_from_db()
        assert s.status == Status.ASSIGNED and s.assigned_on == dt.date(2026, 1, 15)
        # 代表法 art 51: three months from assignment.
        assert s.reply_due == dt.date(2026, 4, 15)
        reply_deadline = deadline(s, DeadlineKind.REPLY)
        assert reply_deadline.due_date == dt.date(2026, 4, 15)
        assert "第五十一条" in reply_deadline.source
        opinion = deadline(s, DeadlineKind.OPINION)
        assert opinion.due_date == dt.date(2026, 2, 15)
        assert opinion.settings_used == [
            {"key": "suggestions.co_handler_opinion_months", "value": 1, "default": True, "set_at": "default"}
        ]
        release_lead = deadline(s, DeadlineKind.RELEASE, lead)
        assert release_lead.due_date == dt.date(2026, 1, 25)
        assert release_lead.settings_used[0]["key"] == "suggestions.release_window_days"
        assert deadline(s, DeadlineKind.RELEASE, co).due_date == dt.date(2026, 1, 25)

    with at("2026-02-01"):
        co_assignment = s.assignments.get(unit=co)
        services.co_handler_opinion_submit(
            actor=co_clerk, assignment=co_assignment, text="我局将配合做好路灯安装。"
        )
        assert deadline(s, DeadlineKind.OPINION).met_on == dt.date(2026, 2, 1)

    with at("2026-02-20"):
        with pytest.raises(ValidationError, match="沟通"):
            services.reply_submit(
                actor=lead_clerk, suggestion=s, unit=lead, category="B", text="答复", signer="李局长"
            )
        services.contact_record_add(
            actor=lead_clerk,
            suggestion=s,
            unit=lead,
            contacted_on=dt.date(2026, 2, 20),
            way="face",
            deputy_view="代表希望年内完成护栏安装。",
        )

    with at("2026-03-01"):
        reply1 = services.reply_submit(
            actor=lead_clerk,
            suggestion=s,
            unit=lead,
            category="B",
            text="护栏已列入今年计划。",
            signer="李局长",
        )
        assert reply1.round == 1 and reply1.on_time and reply1.due_date == dt.date(2026, 4, 15)
        assert deadline(s, DeadlineKind.REPLY).met_on == dt.date(2026, 3, 1)
        s.refresh_from_db()
        assert s.status == Status.REPLIED and s.first_replied_on == dt.date(2026, 3, 1) and s.replied_on_time

    with at("2026-03-05"):
        services.feedback_submit(actor=deputy, suggestion=s, rating=Rating.DISSATISFIED, comment="进度太慢。")
        s.refresh_from_db()
        assert s.status == Status.REHANDLING and s.rehandled
        rehandle = deadline(s, DeadlineKind.REHANDLE)
        assert rehandle.start_date == dt.date(2026, 3, 5)
        assert rehandle.due_date == dt.date(2026, 4, 5)
        assert rehandle.settings_used[0]["key"] == "suggestions.rehandle_months"

    with at("2026-03-30"):
        reply2 = services.reply_submit(
            actor=lead_clerk, suggestion=s, unit=lead, category="A", text="护栏已完工。", signer="李局长"
        )
        assert reply2.round == 2 and reply2.on_time and reply2.due_date == dt.date(2026, 4, 5)
        assert deadline(s, DeadlineKind.REHANDLE).met_on == dt.date(2026, 3, 30)

    with at("2026-04-02"):
        services.feedback_submit(actor=deputy, suggestion=s, rating=Rating.SATISFIED)
        s.refresh_from_db()
        assert s.status == Status.CLOSED and s.closed_on == dt.date(2026, 4, 2)
        assert s.category == "A" and s.rating == Rating.SATISFIED and s.replied_on_time
        with pytest.raises(ValidationError, match="已办结"):
            services.reply_submit(
                actor=lead_clerk, suggestion=s, unit=lead, category="A", text="再答复", signer="李局长"
            )

    actions = list(
        AuditEvent.objects.filter(object_type="suggestions.suggestion", object_id=str(s.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "suggestion.submit",
        "suggestion.cosign",
        "suggestion.cosign",
        "suggestion.review",
        "suggestion.assign",
        "suggestion.opinion",
        "suggestion.contact",
        "suggestion.reply",
        "suggestion.rate",
        "suggestion.reply",
        "suggestion.rate",
    ]
    assert not Deadline.objects.filter(
        suggestion=s, met_on__isnull=True, kind__in=["reply", "opinion", "rehandle"]
    ).exists()


@pytest.mark.django_db
def test_hard_matter_six_months_and_setting_override_recorded(world):
    congress_setting_set(
        actor=world.users["admin"], congress=world.county, key="suggestions.rehandle_months", value=2
    )
    with at("2026-08-31"):
        s = submitted(world)
        services.suggestion_review(actor=world.users["staff"], suggestion=s, decision="accept")
        services.suggestion_assign(actor=world.users["staff"], suggestion=s, lead=world.units[0], hard=True)
        s.refresh_from_db()
        assert s.reply_due == dt.date(2027, 2, 28)  # six months, clamped to the month's end
        clerk = clerk_of(world, world.units[0])
        services.contact_record_add(
            actor=clerk,
            suggestion=s,
            unit=world.units[0],
            contacted_on=dt.date(2026, 8, 31),
            way="phone",
            deputy_view="同意",
        )
        services.reply_submit(
            actor=clerk, suggestion=s, unit=world.units[0], category="C", text="答复", signer="王"
        )
        services.feedback_submit(
            actor=world.users["deputy"], suggestion=s, rating="dissatisfied", comment="不行"
        )
        rehandle = deadline(s, DeadlineKind.REHANDLE)
        assert rehandle.due_date == dt.date(2026, 10, 31)
        assert rehandle.settings_used == [
            {"key": "suggestions.rehandle_months", "value": 2, "default": False, "set_at": world.county.name}
        ]


@pytest.mark.django_db
def test_motion_needs_ten_signers_and_conversion_reason(world):
    staff = world.users["staff"]
    with pytest.raises(ValidationError, match="10"):
        submitted(world, kind=Kind.MOTION, cosigner_ids=[m.person_id for m in world.deputies[1:5]])
    ids = [m.person_id for m in world.deputies[1:10]]
    s = submitted(world, kind=Kind.MOTION, cosigner_ids=ids)
    users = [deputy_user(world, i) for i in range(1, 10)]
    for i, user in enumerate(users):
        services.cosign_respond(actor=user, suggestion=s, accept=i != 0)  # one declines: 9 signers remain
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED
    with pytest.raises(ValidationError, match="10"):
        services.suggestion_review(actor=staff, suggestion=s, decision="register")
    with pytest.raises(ValidationError):
        services.suggestion_review(actor=staff, suggestion=s, decision="convert", reason="")
    services.suggestion_review(
        actor=staff, suggestion=s, decision="convert", reason="联名人数不足，作为建议办理。"
    )
    s.refresh_from_db()
    assert s.kind == Kind.SUGGESTION and s.submitted_kind == Kind.MOTION and s.status == Status.REVIEWED


@pytest.mark.django_db
def test_staff_enter_on_behalf_and_deputy_confirms(world):
    s = entered_for_deputy(world)
    assert s.on_behalf and s.status == Status.PENDING
    with pytest.raises(ValidationError):
        services.suggestion_confirm(actor=deputy_user(world, 1), suggestion=s)
    services.suggestion_confirm(actor=world.users["deputy"], suggestion=s)
    s.refresh_from_db()
    assert s.status == Status.SUBMITTED and s.number == 1


@pytest.mark.django_db
def test_release_request_window_and_reassignment(world):
    staff = world.users["staff"]
    with at("2026-03-01"):
        s = submitted(world)
        services.suggestion_review(actor=staff, suggestion=s, decision="accept")
        services.suggestion_assign(actor=staff, suggestion=s, lead=world.units[0])
    a = s.assignments.get()
    clerk = clerk_of(world, world.units[0])
    with at("2026-03-12"), pytest.raises(ValidationError, match="2026年3月11日"):
        services.return_request_submit(actor=clerk, assignment=a, reason="不属于我局职责")
    with at("2026-03-11"):
        request = services.return_request_submit(actor=clerk, assignment=a, reason="不属于我局职责")
        with pytest.raises(ValidationError):
            services.return_request_decide(actor=staff, request=request, accept=True)  # no new unit
        services.return_request_decide(actor=staff, request=request, accept=True, new_unit=world.units[1])
    s.refresh_from_db()
    assert s.lead_unit == world.units[1]
    assert s.reply_due == dt.date(2026, 6, 11)  # three months from the reassignment
    assert not Deadline.objects.filter(assignment=a, met_on__isnull=True, cancelled=False).exists()


@pytest.mark.django_db
def test_merge_duplicates_follow_survivor(world):
    staff = world.users["staff"]
    first = submitted(world)
    dup = submitted(world, title="关于县道增设护栏的建议")
    services.suggestion_merge(actor=staff, suggestion=first, duplicates=[dup])
    dup.refresh_from_db()
    assert dup.status == Status.MERGED and dup.merged_into == first
    with pytest.raises(ValidationError):
        services.suggestion_review(actor=staff, suggestion=dup, decision="accept")
