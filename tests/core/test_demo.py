"""The demo county: deterministic (two runs on empty databases give the same people and counts),
plausible composition, the bodies DOMAIN_RULES §6 names, audited, and a working login for every role.

The county is built once for this module (inside a transaction rolled back at the end); a second
build runs at the same time in a subprocess on a fresh SQLite database, through `renda demo`."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from renda.core.audit import audit_verify
from renda.core.demo import LOADERS, register_demo_loader
from renda.core.demo.county import DEMO_LOGINS, DEMO_PASSWORD, build_demo
from renda.core.models import AuditEvent, CalendarDay, Congress, CongressKind, Role
from renda.core.scope import user_roles, visible_congress_ids
from renda.org.models import Body, BodyKind, DeputyMandate, HandlingUnit, MemberRole, Organ, OrganKind, Person

SRC = Path(__file__).resolve().parents[2] / "src"
SNAPSHOT_SQL = (
    "SELECT c.name, p.name, p.gender, p.birth_date, p.party, p.sector, p.ethnicity, p.education, p.occupation "
    "FROM org_person p JOIN core_congress c ON c.id = p.congress_id"
)
COUNT_TABLES = (
    "core_congress",
    "core_user",
    "core_rolegrant",
    "org_person",
    "org_deputymandate",
    "org_body",
    "org_membership",
    "org_organ",
    "org_handlingunit",
    "org_delegation",
    "org_constituency",
)


def snapshot(cursor: Any) -> dict[str, Any]:
    cursor.execute(SNAPSHOT_SQL)
    # Sorted here, not by the database: SQLite and PostgreSQL collate Chinese differently.
    people = sorted(tuple(str(v) for v in row) for row in cursor.fetchall())
    counts = {}
    for table in COUNT_TABLES:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT username FROM core_user")
    return {"people": people, "counts": counts, "users": sorted(r[0] for r in cursor.fetchall())}


@pytest.fixture(scope="module")
def second_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.Popen[str]:
    var = tmp_path_factory.mktemp("demo-var")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RENDA_", "DATABASE_URL", "REDIS_URL"))}
    env.update(PYTHONPATH=str(SRC), RENDA_VAR_DIR=str(var))
    script = f"{sys.executable} -m renda.cli migrate -v 0 && {sys.executable} -m renda.cli demo --if-empty"
    proc = subprocess.Popen(
        ["sh", "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    proc.db_path = var / "renda.sqlite3"  # type: ignore[attr-defined]
    return proc


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any, second_run: subprocess.Popen[str]):  # type: ignore[no-untyped-def]
    seen: list[Any] = []
    register_demo_loader(999, "test-loader", seen.append)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            result = build_demo()
            with connection.cursor() as cursor:
                snap = snapshot(cursor)
            yield {"result": result, "snapshot": snap, "loader_saw": seen}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            LOADERS[:] = [entry for entry in LOADERS if entry[1] != "test-loader"]


@pytest.mark.django_db
def test_two_runs_on_empty_databases_give_the_same_county(demo, second_run):
    output, _ = second_run.communicate(timeout=600)
    assert second_run.returncode == 0, output
    assert "演示县“示范县”已建成" in output and f"密码均为 {DEMO_PASSWORD}" in output
    with sqlite3.connect(second_run.db_path) as db:  # type: ignore[attr-defined]
        other = snapshot(db.cursor())
    mine = demo["snapshot"]
    assert other["counts"] == mine["counts"]
    assert other["users"] == mine["users"]
    assert other["people"] == mine["people"]


@pytest.mark.django_db
def test_the_county_and_its_townships(demo):
    county = Congress.objects.get(kind=CongressKind.COUNTY)
    assert county.name == "示范县人民代表大会"
    townships = Congress.objects.filter(parent=county, kind=CongressKind.TOWNSHIP)
    subdistricts = Congress.objects.filter(parent=county, kind=CongressKind.SUBDISTRICT)
    assert 18 <= townships.count() + subdistricts.count() <= 22 and subdistricts.count() >= 3
    for township in townships:
        presidium = Body.objects.get(congress=township, kind=BodyKind.PRESIDIUM)
        chair = presidium.memberships.get(role=MemberRole.CHAIR)
        assert chair.full_time, township
        assert DeputyMandate.objects.filter(congress=township).count() >= 10
        assert Body.objects.filter(congress=township, kind=BodyKind.LIAISON_STATION).exists()
    for sub in subdistricts:
        committee = Body.objects.get(congress=sub, kind=BodyKind.SUBDISTRICT_WORKING_COMMITTEE)
        assert committee.memberships.get(role=MemberRole.DIRECTOR).full_time
        assert not DeputyMandate.objects.filter(congress=sub).exists()  # no congress of its own


@pytest.mark.django_db
def test_county_deputies_have_a_plausible_composition(demo):
    mandates = DeputyMandate.objects.filter(congress__kind=CongressKind.COUNTY).select_related("person")
    people = [m.person for m in mandates]
    n = len(people)
    assert 240 <= n <= 260
    women = sum(p.gender == "female" for p in people) / n
    assert 0.25 <= women <= 0.30
    ethnic = Counter(p.ethnicity for p in people)
    assert ethnic["汉族"] / n >= 0.85 and len(ethnic) >= 3
    party = Counter(p.party for p in people)
    assert 0.6 <= party["中共党员"] / n <= 0.75 and party["群众"] > 0 and party["无党派人士"] > 0
    sectors = Counter(p.sector for p in people)
    assert sectors["cadre"] / n <= 0.25
    assert (sectors["worker"] + sectors["farmer"]) / n >= 0.3
    ages = [p.age_on(dt.date(2021, 12, 1)) for p in people]
    assert min(ages) >= 21 and max(ages) <= 65  # type: ignore[type-var,operator]
    assert len({p.name for p in people}) == n  # invented names do not repeat
    assert all(len(p.name) in (2, 3) for p in people)
    assert len({m.delegation_id for m in mandates}) >= 18  # a delegation per township / sub-district


@pytest.mark.django_db
def test_the_bodies_named_in_the_seed_opinions(demo):
    county = Congress.objects.get(kind=CongressKind.COUNTY)
    sc = Body.objects.get(congress=county, kind=BodyKind.STANDING_COMMITTEE)
    roles = Counter(sc.memberships.values_list("role", flat=True))
    assert 27 <= sum(roles.values()) <= 33
    assert (
        roles[MemberRole.CHAIR] == 1
        and roles[MemberRole.VICE_CHAIR] >= 3
        and roles[MemberRole.SECRETARY_GENERAL] == 1
    )
    council = Body.objects.get(congress=county, kind=BodyKind.COUNCIL_OF_CHAIRPERSONS)
    assert council.memberships.count() == roles[MemberRole.CHAIR] + roles[MemberRole.VICE_CHAIR] + 1
    special = set(
        Body.objects.filter(congress=county, kind=BodyKind.SPECIAL_COMMITTEE).values_list("name", flat=True)
    )
    assert special == {
        "监察和司法委员会",
        "财政经济委员会",
        "教育科学文化卫生委员会",
        "环境与资源保护委员会",
        "农业与农村委员会",
        "社会建设委员会",
    }
    working = set(
        Body.objects.filter(congress=county, kind=BodyKind.WORKING_BODY).values_list("name", flat=True)
    )
    assert working == {"办公室", "选举任免联络工作委员会"}
    # Standing committee members are deputies.
    deputies = set(DeputyMandate.objects.filter(congress=county).values_list("person_id", flat=True))
    assert set(sc.memberships.values_list("person_id", flat=True)) <= deputies


@pytest.mark.django_db
def test_organs_and_handling_units_each_with_a_clerk(demo):
    kinds = set(Organ.objects.values_list("kind", flat=True))
    assert {
        OrganKind.GOVERNMENT,
        OrganKind.COURT,
        OrganKind.PROCURATORATE,
        OrganKind.SUPERVISORY_COMMISSION,
        OrganKind.PARTY_COMMITTEE,
        OrganKind.DEPARTMENT,
    } <= kinds
    units = HandlingUnit.objects.all()
    assert 55 <= units.count() <= 65
    assert all(unit.contact_rows.filter(is_primary=True).exists() for unit in units)


@pytest.mark.django_db
def test_sensitive_numbers_are_valid_and_encrypted(demo):
    from renda.org.validators import validate_id_number

    person = Person.objects.order_by("pk").first()
    assert person is not None
    birth, gender = validate_id_number(person.id_number)
    assert birth == person.birth_date and gender == person.gender
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM org_person WHERE id = %s", [person.pk])
        assert person.id_number not in cursor.fetchone()[0]


@pytest.mark.django_db
def test_every_row_is_audited_and_the_chain_verifies(demo):
    assert AuditEvent.objects.filter(action="person.create").count() == Person.objects.count()
    assert AuditEvent.objects.filter(action="mandate.create").count() == DeputyMandate.objects.count()
    assert audit_verify().ok


@pytest.mark.django_db
def test_calendar_seeded_and_app_loaders_run(demo):
    assert CalendarDay.objects.exists()
    assert demo["result"].loaders_run[-1] == "test-loader"
    context = demo["loader_saw"][0]
    assert context.county.name == "示范县人民代表大会" and len(context.townships) >= 15
    assert set(context.users) >= {
        "admin",
        "staff",
        "leader",
        "deputy",
        "unit_clerk",
        "township_staff",
        "public",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("login", DEMO_LOGINS, ids=[login.username for login in DEMO_LOGINS])
def test_every_demo_login_works(demo, login):
    client = Client()
    response = client.post(reverse("core:login"), {"username": login.username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, login
    assert client.get(reverse("core:workbench")).status_code == 200


@pytest.mark.django_db
def test_demo_roles_have_the_expected_scope(demo):
    users = demo["result"].built.users
    county = Congress.objects.get(kind=CongressKind.COUNTY)
    assert Role.STAFF in user_roles(users["staff"])
    assert len(visible_congress_ids(users["staff"])) == Congress.objects.count()
    township_ids = visible_congress_ids(users["township_staff"])
    assert len(township_ids) == 1 and county.pk not in township_ids
    assert Role.DEPUTY in user_roles(users["deputy"]) and users["deputy"].person.mandates.exists()
    assert Role.UNIT_CLERK in user_roles(users["unit_clerk"])
    assert {Role.LEADER, Role.DEPUTY} <= user_roles(users["leader"])
