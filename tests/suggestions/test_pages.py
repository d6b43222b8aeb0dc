"""Pages, refusals, the other township, query counts, reminders and import."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from renda.core.models import Notification
from renda.suggestions import selectors, services
from renda.suggestions.models import Deadline, Status, Suggestion
from renda.suggestions.reminders import deadline_reminders_send
from tests.factories.suggestions import assigned, clerk_of, replied, submitted
from tests.suggestions.test_lifecycle import at


@pytest.mark.django_db
def test_reply_refusals_have_clear_messages(world):
    s = assigned(world)
    clerk = clerk_of(world, world.units[0])
    other_unit = world.units[1]
    with pytest.raises(ValidationError, match="不是该建议的主办单位"):
        services.reply_submit(
            actor=clerk, suggestion=s, unit=other_unit, category="A", text="答复", signer="王"
        )
    services.contact_record_add(
        actor=clerk,
        suggestion=s,
        unit=world.units[0],
        contacted_on=dt.date.today(),  # noqa: DTZ011
        way="phone",
        deputy_view="同意",
    )
    with pytest.raises(ValidationError, match="请选择答复类别"):
        services.reply_submit(
            actor=clerk, suggestion=s, unit=world.units[0], category="", text="答复", signer="王"
        )
    with pytest.raises(ValidationError, match="答复类别须为"):
        services.reply_submit(
            actor=clerk, suggestion=s, unit=world.units[0], category="E", text="答复", signer="王"
        )
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED and not s.replies.exists()


@pytest.mark.django_db
def test_bad_submissions_change_nothing(world):
    before = Suggestion.objects.count()
    for kwargs, message in [
        ({"title": ""}, "请填写标题"),
        ({"text": "太短"}, "至少用10个字"),
        ({"field": "nonsense"}, "请选择类别"),
        ({"cosigner_ids": [world.township_deputies[0].person_id]}, "联名代表须为本级人大的在任代表"),
    ]:
        with pytest.raises(ValidationError, match=message):
            submitted(world, **kwargs)
    with pytest.raises(ValidationError, match="在任代表"):
        services.suggestion_submit(
            actor=world.users["staff"],
            congress=world.county,
            title="标题",
            text="这是一条足够长的建议内容。",
            field="other",
        )
    assert Suggestion.objects.count() == before


@pytest.mark.django_db
def test_bad_page_input_shows_message(world, client_for):
    s = assigned(world)
    client = client_for("unit_clerk")
    response = client.post(
        f"/suggestions/{s.pk}/reply/",
        {"unit": world.units[0].pk, "category": "A", "text": "答复", "signer": "王"},
        follow=True,
    )
    assert "答复前须与代表联系沟通并记录" in response.content.decode()
    s.refresh_from_db()
    assert s.status == Status.ASSIGNED


@pytest.mark.django_db
def test_other_township_sees_nothing_of_township_suggestion(world, client_for):
    from renda.core.models import Role
    from renda.core.services import role_grant
    from renda.org import services as org

    person = world.township_deputies[0].person
    user = world.users["public"]
    org.person_link_user(actor=None, person=person, user=user)
    role_grant(actor=None, user=user, role=Role.DEPUTY, congress=world.township)
    s = services.suggestion_submit(
        actor=user,
        congress=world.township,
        title="关于镇区停车难的建议",
        text="镇区停车位不足，建议规划建设公共停车场。",
        field="urban",
    )
    other = client_for("other_township_staff")
    assert other.get(f"/suggestions/{s.pk}/").status_code == 403
    assert s.title not in other.get("/suggestions/").content.decode()
    own = client_for("township_staff")
    assert own.get(f"/suggestions/{s.pk}/").status_code == 200
    assert s.title in own.get("/suggestions/").content.decode()


@pytest.mark.django_db
def test_pages_do_not_query_per_row(world, client_for, django_assert_max_num_queries):
    for _ in range(3):
        replied(world)
    for _ in range(3):
        assigned(world)
    staff, clerk, deputy = client_for("staff"), client_for("unit_clerk"), client_for("deputy")
    pages = [
        (staff, "/suggestions/"),
        (clerk, "/suggestions/inbox/"),
        (deputy, "/suggestions/mine/"),
        (staff, "/suggestions/overdue/"),
        (staff, "/suggestions/metrics/?by=unit"),
        (staff, "/suggestions/assessment/"),
        (staff, "/workbench/"),
    ]
    counts = {}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for client, url in pages:
        with CaptureQueriesContext(connection) as small:
            assert client.get(url).status_code == 200
        counts[url] = len(small)
    for _ in range(6):
        replied(world)
    for client, url in pages:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_detail_query_count_is_bounded(world, client_for, django_assert_max_num_queries):
    s = replied(world)
    client = client_for("staff")
    with django_assert_max_num_queries(32):
        assert client.get(f"/suggestions/{s.pk}/").status_code == 200


@pytest.mark.django_db
def test_reminders_before_and_after_due_are_idempotent(world):
    with at("2026-01-15"):
        s = assigned(world)
    clerk = clerk_of(world, world.units[0])
    with at("2026-04-10"):
        first = deadline_reminders_send()
        again = deadline_reminders_send()
    assert (first.before, again.before) == (1, 0)
    with at("2026-04-16"):
        late = deadline_reminders_send()
        late_again = deadline_reminders_send()
    assert (late.overdue, late_again.overdue) == (1, 0)
    titles = list(
        Notification.objects.filter(recipient=clerk, kind="suggestion.reminder").values_list(
            "title", flat=True
        )
    )
    assert len(titles) == 2 and "逾期" in titles[0] + titles[1]
    assert Deadline.objects.get(suggestion=s, kind="reply").reminded_overdue_at is not None


def _workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(
        [
            "年度",
            "编号",
            "标题",
            "内容",
            "领衔代表",
            "类别",
            "主办单位",
            "交办日期",
            "答复日期",
            "答复类别",
            "满意度",
        ]
    )
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_import_all_or_nothing_and_idempotent(world):
    staff = world.users["staff"]
    good = [
        2024,
        1,
        "关于整治农村人居环境的建议",
        "农村垃圾收运体系不健全，建议完善。",
        "代表01",
        "生态环境",
        "县教育局",
        "2024-02-01",
        "2024-04-01",
        "A",
        "满意",
    ]
    bad = [
        2024,
        2,
        "关于加强校园安全的建议",
        "校门口交通拥堵，建议设置护学岗。",
        "无此人",
        "教育科技文化",
        "不存在局",
        "2024-02-01",
        "昨天",
        "B",
        "很好",
    ]
    with pytest.raises(ValidationError) as exc:
        services.suggestions_import(actor=staff, congress=world.county, content=_workbook([good, bad]))
    messages = exc.value.messages
    assert len(messages) == 1 and messages[0].startswith("第3行")
    assert "无此人" in messages[0] and "不存在局" in messages[0] and "很好" not in messages[0]
    assert not Suggestion.objects.exists()
    result = services.suggestions_import(actor=staff, congress=world.county, content=_workbook([good]))
    assert (result.created, result.unchanged) == (1, 0)
    again = services.suggestions_import(actor=staff, congress=world.county, content=_workbook([good]))
    assert (again.created, again.unchanged) == (0, 1)
    s = Suggestion.objects.get()
    assert s.status == Status.CLOSED and s.replied_on_time and s.days_to_reply == 60


@pytest.mark.django_db
def test_similar_search_and_unit_proposal(world):
    road = replied(world, title="关于改善乡村公路安全设施的建议")
    school = replied(
        world,
        title="关于农村学校校车安全的建议",
        text="农村学校学生上学路远，建议增加校车并加强校车安全管理。",
        unit_index=1,
    )
    from renda.suggestions.search import similar_suggestions, suggest_lead_units

    found = similar_suggestions(congress_ids=[world.county.pk], text="乡村公路缺少护栏，建议增设护栏和路灯")
    assert found and found[0][0] == road
    s = submitted(world, title="关于校车安全管理的建议", text="建议加强农村学校校车安全管理，增加校车数量。")
    proposals = suggest_lead_units(suggestion=s)
    assert proposals[0][0] == school.lead_unit and 0 < proposals[0][1] <= 1


@pytest.mark.django_db
def test_met_deadlines_show_done_and_timing_not_days_left(world, client_for):
    clerk = clerk_of(world, world.units[0])
    with at("2026-01-05"):
        late = assigned(world, title="关于修复青山镇水渠的建议")
    with at("2026-04-10"):  # due 2026年4月5日: five days late
        services.contact_record_add(
            actor=clerk,
            suggestion=late,
            unit=world.units[0],
            contacted_on=dt.date(2026, 4, 8),
            way="phone",
            deputy_view="同意",
        )
        services.reply_submit(
            actor=clerk, suggestion=late, unit=world.units[0], category="B", text="已列入计划。", signer="王"
        )
    with at("2026-04-12"):
        services.feedback_submit(actor=world.users["deputy"], suggestion=late, rating="satisfied")
    with at("2026-04-20"):
        on_time = replied(world, title="关于增设青山镇路灯的建议")
        still_open = assigned(world, title="关于新建青山镇幼儿园的建议")
        rows = {s.pk: str(s.due_state) for s in selectors.with_due_state(Suggestion.objects.all())}
        assert rows[late.pk] == "已办结 · 逾期 5 天"
        assert rows[on_time.pk] == "已答复 · 按期"
        assert rows[still_open.pk] == "2026年7月20日 · 还剩 91 天"
        page = client_for("staff").get("/suggestions/").content.decode()
        assert "已办结 · 逾期 5 天" in page and "已答复 · 按期" in page
        assert page.count("还剩") == 1  # only the open one
        detail = client_for("staff").get(f"/suggestions/{late.pk}/").content.decode()
        assert "已答复 · 逾期 5 天" in detail and "还剩" not in detail
        inbox = client_for("unit_clerk").get("/suggestions/inbox/").content.decode()
        assert "已答复 · 按期" in inbox
