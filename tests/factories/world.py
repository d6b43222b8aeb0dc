"""A small county built through the services: one county, two townships, a term, deputies,
a standing committee, organs and handling units, and one user for every role."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from renda.core import services as core_services
from renda.core.models import Congress, CongressKind, Role, User
from renda.org import services as org
from renda.org.models import Body, BodyKind, DeputyMandate, HandlingUnit, MemberRole, OrganKind, Person, Term
from renda.org.validators import id_check_char

PASSWORD = "Renda-test-2026"
TERM_START = dt.date(2021, 12, 1)
_serial = itertools.count(1)


def make_id_number(birth: dt.date, male: bool, area: str = "430223") -> str:
    n = next(_serial) % 99
    seq = f"{n:02d}{1 if male else 2}"
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    return first17 + id_check_char(first17)


@dataclass
class World:
    county: Congress
    township: Congress
    other_township: Congress
    term: Term
    township_term: Term
    standing_committee: Body
    deputies: list[DeputyMandate]
    township_deputies: list[DeputyMandate]
    committee_members: list[Person]
    units: list[HandlingUnit]
    users: dict[str, User] = field(default_factory=dict)


def make_user(username: str, role: str | None, congress: Congress | None, display_name: str = "") -> User:
    grants = [(role, congress)] if role and congress else []
    return core_services.user_create(
        actor=None, username=username, password=PASSWORD, display_name=display_name or username, grants=grants
    )


def make_person(
    congress: Congress, name: str, *, male: bool = True, birth: dt.date = dt.date(1975, 5, 1), **extra: object
) -> Person:
    return org.person_create(
        actor=None,
        congress=congress,
        name=name,
        gender="male" if male else "female",
        birth_date=birth,
        id_number=make_id_number(birth, male),
        phone=f"138{next(_serial):08d}",
        party="中共党员",
        **extra,
    )


def build_world(deputies: int = 12, committee: int = 7, prefix: str = "") -> World:
    county = core_services.congress_create(
        actor=None, name=f"{prefix}示范县人民代表大会", kind=CongressKind.COUNTY
    )
    township = core_services.congress_create(
        actor=None, name=f"{prefix}青山镇人民代表大会", kind=CongressKind.TOWNSHIP, parent=county
    )
    other = core_services.congress_create(
        actor=None, name=f"{prefix}绿水乡人民代表大会", kind=CongressKind.TOWNSHIP, parent=county
    )
    term = org.term_create(actor=None, congress=county, number=18, start_date=TERM_START)
    township_term = org.term_create(actor=None, congress=township, number=18, start_date=TERM_START)
    constituency = org.constituency_create(
        actor=None, term=term, name="第一选区", area=township, seats=deputies
    )
    delegation = org.delegation_create(actor=None, term=term, name="青山镇代表团")
    mandates = []
    for i in range(deputies):
        person = make_person(
            county, f"代表{i + 1:02d}", male=i % 3 != 0, birth=dt.date(1960 + i % 30, 1 + i % 12, 1 + i % 27)
        )
        mandates.append(
            org.mandate_create(
                actor=None, person=person, term=term, constituency=constituency, delegation=delegation
            )
        )
    township_mandates = []
    for i in range(5):
        person = make_person(township, f"镇代表{i + 1}", male=i % 2 == 0)
        township_mandates.append(org.mandate_create(actor=None, person=person, term=township_term))
    sc = org.body_create(
        actor=None, congress=county, kind=BodyKind.STANDING_COMMITTEE, name="常务委员会", term=term
    )
    members = []
    for i in range(committee):
        person = mandates[i].person
        role = MemberRole.CHAIR if i == 0 else (MemberRole.VICE_CHAIR if i < 3 else MemberRole.MEMBER)
        org.membership_add(
            actor=None, body=sc, person=person, role=role, start_date=TERM_START, full_time=i < 3
        )
        members.append(person)
    org.body_create(
        actor=None, congress=township, kind=BodyKind.PRESIDIUM, name="青山镇人大主席团", term=township_term
    )
    government = org.organ_create(
        actor=None, congress=county, kind=OrganKind.GOVERNMENT, name="示范县人民政府"
    )
    units = []
    for name in ("县教育局", "县交通运输局", "县卫生健康局"):
        organ = org.organ_create(
            actor=None, congress=county, kind=OrganKind.DEPARTMENT, name=name, parent=government
        )
        units.append(org.handling_unit_create(actor=None, organ=organ))
    world = World(
        county, township, other, term, township_term, sc, mandates, township_mandates, members, units
    )
    world.users = {
        "admin": core_services.user_create(
            actor=None,
            username=f"{prefix}admin",
            password=PASSWORD,
            is_superuser=True,
            grants=[(Role.ADMIN, county)],
        ),
        "staff": make_user(f"{prefix}staff", Role.STAFF, county, "县人大办公室职员"),
        "leader": make_user(f"{prefix}leader", Role.LEADER, county, "常委会主任"),
        "deputy": make_user(f"{prefix}deputy", None, None, mandates[0].person.name),
        "unit_clerk": make_user(f"{prefix}clerk", None, None, "教育局联络员"),
        "township_staff": make_user(f"{prefix}township", Role.TOWNSHIP_STAFF, township, "青山镇人大干事"),
        "other_township_staff": make_user(f"{prefix}other", Role.TOWNSHIP_STAFF, other, "绿水乡人大干事"),
        "public": make_user(f"{prefix}public", Role.PUBLIC, county, "群众"),
    }
    org.person_link_user(actor=None, person=mandates[0].person, user=world.users["deputy"])
    core_services.role_grant(actor=None, user=world.users["deputy"], role=Role.DEPUTY, congress=county)
    org.unit_contact_add(
        actor=None, unit=units[0], user=world.users["unit_clerk"], title="联络员", is_primary=True
    )
    return world
