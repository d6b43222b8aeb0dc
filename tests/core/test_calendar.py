"""Working-day calendar (DOMAIN_RULES.md, 'Working days'): seeded from chinese_calendar, editable,
and used by add_workdays across public holidays and make-up working days (调休)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from renda.core import services
from renda.core.calendar import add_workdays, is_workday
from renda.core.models import AuditEvent, CalendarDay

pytestmark = pytest.mark.django_db
D = dt.date


def test_plain_weeks_count_monday_to_friday():
    assert add_workdays(D(2026, 6, 5), 1) == D(2026, 6, 8)  # Friday + 1 → Monday
    assert add_workdays(D(2026, 6, 8), 5) == D(2026, 6, 15)


def test_seed_loads_holidays_and_makeup_days_with_chinese_names():
    result = services.calendar_seed(actor=None, year=2026)
    assert result.known and result.created > 20
    national_day = CalendarDay.objects.get(date=D(2026, 10, 1))
    assert not national_day.is_workday and national_day.name == "国庆节"
    makeup = CalendarDay.objects.get(date=D(2026, 10, 10))  # a Saturday worked for National Day
    assert makeup.is_workday and makeup.name == "国庆节调休上班"
    assert AuditEvent.objects.filter(action="calendar.seed").count() == 1


def test_add_workdays_skips_the_national_day_holiday():
    services.calendar_seed(actor=None, year=2026)
    # Wednesday 30 September + 1 working day: 1–7 October are holidays, Thursday 8 October is next.
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert not is_workday(D(2026, 10, 5))  # a Monday inside the holiday


def test_add_workdays_counts_a_makeup_saturday():
    services.calendar_seed(actor=None, year=2026)
    assert is_workday(D(2026, 10, 10))  # Saturday, 调休
    # Thursday 8 Oct → Fri 9 (1), Sat 10 make-up (2), Mon 12 (3).
    assert add_workdays(D(2026, 10, 8), 2) == D(2026, 10, 10)
    assert add_workdays(D(2026, 10, 8), 3) == D(2026, 10, 12)


def test_reseeding_keeps_an_admins_edit_and_adds_nothing_twice(admin_user):
    services.calendar_seed(actor=None, year=2026)
    services.calendar_day_set(actor=admin_user, date=D(2026, 10, 8), is_workday=False, name="县庆（示例）")
    assert services.calendar_seed(actor=None, year=2026).created == 0
    assert CalendarDay.objects.get(date=D(2026, 10, 8)).name == "县庆（示例）"
    assert add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 9)


def test_an_edit_is_audited_and_can_be_removed(admin_user):
    services.calendar_day_set(actor=admin_user, date=D(2031, 1, 2), is_workday=False, name="元旦")
    assert not is_workday(D(2031, 1, 2))
    services.calendar_day_delete(actor=admin_user, date=D(2031, 1, 2))
    assert is_workday(D(2031, 1, 2))
    actions = list(AuditEvent.objects.filter(action__startswith="calendar.").values_list("action", flat=True))
    assert actions == ["calendar.set", "calendar.delete"]
    with pytest.raises(ValidationError):
        services.calendar_day_delete(actor=admin_user, date=D(2031, 1, 2))


def test_a_year_the_package_does_not_know_is_reported_not_invented():
    result = services.calendar_seed(actor=None, year=2099)
    assert not result.known and result.created == 0
    assert not CalendarDay.objects.filter(date__year=2099).exists()


def test_command_seeds_the_given_years(capsys):
    call_command("calendar", "seed", "--year", "2026", "--year", "2099")
    out = capsys.readouterr().out
    assert "2026 年：新增" in out and "2099 年" in out and "手工录入" in out
    assert CalendarDay.objects.filter(date__year=2026).exists()


def test_admin_can_edit_the_calendar(admin_client):
    response = admin_client.post(
        "/admin/core/calendarday/add/", {"date": "2031-05-04", "is_workday": "", "name": "青年节（示例）"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=D(2031, 5, 4)).name == "青年节（示例）"
    assert AuditEvent.objects.filter(action="calendar.set").exists()
