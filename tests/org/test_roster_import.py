import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from renda.core.models import AuditEvent
from renda.org import services
from renda.org.models import DeputyMandate, Person
from renda.org.roster import ROSTER_HEADERS, plan_import, template_bytes
from renda.org.validators import id_check_char
from tests.factories.org import roster_file, roster_row
from tests.factories.world import make_id_number

pytestmark = pytest.mark.django_db


def _import(world, rows, **kw):
    return services.roster_import(actor=world.users["staff"], term=world.term, file=roster_file(rows, **kw))


def _errors(world, rows):
    with pytest.raises(ValidationError) as exc:
        _import(world, rows)
    return exc.value.messages


def _counts(world):
    return Person.objects.count(), DeputyMandate.objects.count(), AuditEvent.objects.count()


def test_template_has_the_documented_columns_and_round_trips(world):
    sheet = load_workbook(io.BytesIO(template_bytes())).worksheets[0]
    assert [c.value for c in sheet[1]] == list(ROSTER_HEADERS)
    assert sheet.max_row == 1  # headers only: importing the untouched template imports nobody
    result = _import(world, [roster_row("张三"), roster_row("李四", male=False)])
    assert (result.created, result.added, result.unchanged) == (2, 0, 0)
    person = Person.objects.get(name="李四")
    assert (
        person.gender == "female" and person.sector == "professional" and person.education == "undergraduate"
    )
    mandate = person.mandates.get()
    assert mandate.term == world.term and mandate.constituency.name == "第一选区"
    assert mandate.delegation.name == "青山镇代表团" and mandate.start_date == world.term.start_date


def test_reimporting_the_same_file_changes_nothing(world):
    data = roster_file([roster_row("张三"), roster_row("李四", male=False)])
    services.roster_import(actor=world.users["staff"], term=world.term, file=data)
    before = _counts(world)
    result = services.roster_import(actor=world.users["staff"], term=world.term, file=data)
    assert (result.created, result.added, result.unchanged) == (0, 0, 2)
    people, mandates, events = _counts(world)
    assert (people, mandates) == before[:2]
    assert events == before[2] + 1  # only the import's own audit event


def test_one_audit_event_without_sensitive_values(world):
    row = roster_row("王五")
    before = AuditEvent.objects.count()
    _import(world, [row, roster_row("赵六")])
    events = list(AuditEvent.objects.filter(seq__gt=before))
    assert [e.action for e in events] == ["roster.import"]
    payload = str(events[0].payload)
    assert row["身份证号"] not in payload and row["手机号码"] not in payload
    assert events[0].payload["created"] == 2


def test_existing_person_from_the_congress_gets_a_mandate(world):
    # A county deputy is registered; a new term of the same congress reuses the person (blind index).
    from renda.org.services import term_create

    person = world.deputies[3].person
    new_term = term_create(actor=None, congress=world.county, number=19, start_date=dt.date(2026, 12, 1))
    row = roster_row(
        person.name,
        male=person.gender == "male",
        birth=person.birth_date,
        身份证号=person.id_number,
        选区="",
        代表团="",
    )
    result = services.roster_import(actor=None, term=new_term, file=roster_file([row]))
    assert (result.created, result.added) == (0, 1)
    assert person.mandates.count() == 2


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"身份证号": "430223198006150012"}, "校验"),
        ({"身份证号": "43022319800615001"}, "18"),
        ({"性别": "女"}, "性别与身份证号不符"),
        ({"出生日期": "1981-06-15"}, "出生日期与身份证号不符"),
        ({"出生日期": "去年"}, "出生日期"),
        ({"选区": "第九选区"}, "第九选区"),
        ({"代表团": "不存在代表团"}, "不存在代表团"),
        ({"姓名": ""}, "姓名"),
        ({"手机号码": "1380000"}, "1380000"),
        ({"民族": "火星族"}, "火星族"),
        ({"文化程度": "幼儿园"}, "幼儿园"),
        ({"代表构成": "学生"}, "学生"),
        ({"性别": "未知"}, "未知"),
    ],
)
def test_each_bad_row_kind_is_reported_with_its_row_and_nothing_is_imported(world, overrides, fragment):
    before = _counts(world)
    messages = _errors(world, [roster_row("好人"), roster_row("坏人", **overrides)])
    assert len(messages) == 1
    assert messages[0].startswith("第3行"), messages
    assert fragment in messages[0], messages
    assert _counts(world) == before


def test_every_bad_row_is_listed(world):
    good = roster_row("甲")
    rows = [good, roster_row("乙", 选区="无此选区"), dict(good, 姓名="甲"), roster_row("丙", 手机号码="12")]
    messages = _errors(world, rows)
    assert [m[:3] for m in messages] == ["第3行", "第4行", "第5行"]
    assert "第2行" in messages[1]  # duplicate within the file names the first row


def test_person_already_holding_a_different_mandate_in_the_term(world):
    person = world.deputies[2].person
    row = roster_row(
        person.name,
        male=person.gender == "male",
        birth=person.birth_date,
        身份证号=person.id_number,
        手机号码=person.phone,
        代表团="",
        政治面貌="群众",
    )
    messages = _errors(world, [row])
    assert "第2行" in messages[0] and "已" in messages[0] and "政治面貌" in messages[0]


def test_id_number_registered_to_another_name(world):
    person = world.deputies[2].person
    messages = _errors(world, [roster_row("别人", 身份证号=person.id_number, 性别="", 出生日期="")])
    assert person.name in messages[0]


def test_missing_required_header_and_unreadable_file(world):
    data = roster_file([{"姓名": "甲"}], headers=["姓名", "性别"])
    with pytest.raises(ValidationError) as exc:
        services.roster_import(actor=None, term=world.term, file=data)
    assert "身份证号" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        services.roster_import(actor=None, term=world.term, file=b"not an excel file")
    assert "Excel" in exc.value.messages[0]


def test_empty_file_and_numeric_cells(world):
    with pytest.raises(ValidationError) as exc:
        services.roster_import(actor=None, term=world.term, file=roster_file([]))
    assert "没有" in exc.value.messages[0]
    # Phones typed as numbers and dates as real dates are read correctly.
    birth = dt.date(1970, 1, 2)
    id_number = make_id_number(birth, True)
    plan = plan_import(
        term=world.term,
        file=roster_file(
            [roster_row("数字", birth=birth, 身份证号=id_number, 手机号码=13912345678, 出生日期=birth)]
        ),
    )
    assert plan.ok, plan.errors
    assert plan.rows[0].phone == "13912345678" and plan.rows[0].birth_date == birth


def test_gender_and_birth_date_default_from_the_id_number(world):
    first17 = "43022319850304002"
    id_number = first17 + id_check_char(first17)
    _import(world, [roster_row("仅证号", 性别="", 出生日期="", 身份证号=id_number)])
    person = Person.objects.get(name="仅证号")
    assert person.gender == "female" and person.birth_date == dt.date(1985, 3, 4)
