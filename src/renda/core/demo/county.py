"""The demo county 示范县: a fictional county congress for the current (18th) term, built
deterministically (seeded random) through the same services a user's actions call, so every row
has its audit event.

What it builds: 16 towns and townships (乡镇人大 with a presidium and a full-time chair) and 4
sub-districts (街道 with a 人大工作委员会), about 250 county deputies with a plausible composition,
township deputies, the standing committee (~30), the council of chairpersons, the six special
committees and two working bodies (DOMAIN_RULES §6), delegations and liaison stations per
township, the government with 60 departments as handling units (each with a clerk), the court,
procuratorate, supervisory commission and party committee, and one demo login for every role.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from renda.core import services as core
from renda.core.demo import LOADERS, DemoContext
from renda.core.demo.names import (
    DEMOCRATIC_PARTIES,
    DEPARTMENTS,
    MINORITIES,
    SPECIAL_COMMITTEES,
    SUBDISTRICTS,
    TOWNS,
    VILLAGES,
    WORKING_BODIES,
    NameMaker,
)
from renda.core.models import Congress, CongressKind, Role, User
from renda.org import services as org
from renda.org.models import (
    Body,
    BodyKind,
    DeputyMandate,
    Education,
    HandlingUnit,
    MemberRole,
    Organ,
    OrganKind,
    Person,
    Sector,
    Term,
)
from renda.org.validators import id_check_char

SEED = 20211201
TERM_NUMBER = 18
TERM_START = dt.date(2021, 12, 1)  # the 18th congresses were elected in late 2021
COUNTY_NAME = "示范县"
AREA_CODE = "439901"  # not a real division code
COUNTY_DEPUTIES = 250
TOWNSHIP_DEPUTIES = 15  # per town/township: moderate, so the demo builds in seconds
STANDING_COMMITTEE_SIZE = 30
DEMO_PASSWORD = "renda-demo-2026"  # noqa: S105 - the documented demo password

# Composition quotas of the county deputies (shares of the whole; the usual guidance: women
# about 25–30 %, cadres held down, workers and farmers at the grass roots well represented).
SECTOR_SHARES = {
    Sector.CADRE: 0.21,
    Sector.WORKER: 0.12,
    Sector.FARMER: 0.23,
    Sector.PROFESSIONAL: 0.21,
    Sector.ENTERPRISE: 0.16,
    Sector.MILITARY: 0.02,
    Sector.OTHER: 0.05,
}
WOMEN_SHARE = 0.28
MINORITY_SHARE = 0.06
PARTY_SHARES = {"中共党员": 0.68, "民主党派": 0.08, "无党派人士": 0.05, "群众": 0.19}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    label: str
    note: str


# One login for every role (README.md lists them); all share DEMO_PASSWORD.
DEMO_LOGINS = (
    DemoLogin("admin", "admin", "系统管理员", "全部功能与系统管理（/admin/）"),
    DemoLogin("staff", "staff", "机关工作人员", "县人大常委会办公室"),
    DemoLogin("leader", "leader", "领导", "常委会主任，同时是县人大代表"),
    DemoLogin("deputy", "deputy", "县人大代表", "一名农民代表"),
    DemoLogin("unit_clerk", "clerk", "承办单位联络员", "示范县教育局；其余单位为 unit01–unit60"),
    DemoLogin("township_staff", "township", "乡镇人大工作人员", "青山镇人大，只看本镇"),
    DemoLogin("township_deputy", "tdeputy", "乡镇人大代表", "青山镇人大代表"),
    DemoLogin("public", "public", "群众", "公众"),
)


@dataclass
class Built:
    county: Congress
    term: Term
    townships: list[Congress] = field(default_factory=list)
    subdistricts: list[Congress] = field(default_factory=list)
    township_terms: dict[int, Term] = field(default_factory=dict)
    county_mandates: list[DeputyMandate] = field(default_factory=list)
    township_mandates: dict[int, list[DeputyMandate]] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    sc_members: list[Person] = field(default_factory=list)
    organs: dict[str, Organ] = field(default_factory=dict)
    units: list[HandlingUnit] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def _quota(rng: random.Random, shares: dict[Any, float], n: int) -> list[Any]:
    """Exactly n labels in the given shares (largest remainders), shuffled."""
    raw = {k: v * n for k, v in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    labels = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(labels)
    return labels


class PersonMaker:
    """Invents people with valid ID numbers (GB 11643 check character) and mobile numbers."""

    EDUCATION_BY_SECTOR = {
        Sector.CADRE: ((Education.POSTGRADUATE, 3), (Education.UNDERGRADUATE, 6), (Education.COLLEGE, 1)),
        Sector.PROFESSIONAL: (
            (Education.POSTGRADUATE, 3),
            (Education.UNDERGRADUATE, 6),
            (Education.COLLEGE, 1),
        ),
        Sector.ENTERPRISE: ((Education.UNDERGRADUATE, 4), (Education.COLLEGE, 4), (Education.SECONDARY, 2)),
        Sector.MILITARY: ((Education.UNDERGRADUATE, 7), (Education.COLLEGE, 3)),
        Sector.WORKER: ((Education.COLLEGE, 3), (Education.SECONDARY, 5), (Education.BELOW, 2)),
        Sector.FARMER: ((Education.COLLEGE, 2), (Education.SECONDARY, 5), (Education.BELOW, 3)),
        Sector.OTHER: ((Education.UNDERGRADUATE, 4), (Education.COLLEGE, 4), (Education.SECONDARY, 2)),
    }
    AGE_BY_SECTOR = {
        Sector.CADRE: (36, 57),
        Sector.PROFESSIONAL: (30, 56),
        Sector.ENTERPRISE: (32, 58),
        Sector.MILITARY: (30, 48),
        Sector.WORKER: (26, 55),
        Sector.FARMER: (28, 60),
        Sector.OTHER: (28, 58),
    }

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names = NameMaker(rng)
        self.serial = 0
        self.phones: set[str] = set()

    def birth(self, age_range: tuple[int, int]) -> dt.date:
        age = self.rng.randint(*age_range)
        return dt.date(TERM_START.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def id_number(self, birth: dt.date, female: bool) -> str:
        self.serial += 1
        seq = (self.serial % 499) * 2 + (0 if female else 1)  # odd: male, even: female
        first17 = f"{AREA_CODE}{birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_char(first17)

    def phone(self) -> str:
        while True:
            number = self.rng.choice(
                ("138", "139", "137", "135", "150", "151", "158", "187", "188", "199")
            ) + (f"{self.rng.randint(0, 99_999_999):08d}")
            if number not in self.phones:
                self.phones.add(number)
                return number

    def fields(
        self,
        *,
        female: bool,
        sector: str,
        party: str,
        minority: bool,
        occupation: str,
        age: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        birth = self.birth(age or self.AGE_BY_SECTOR[Sector(sector)])
        levels, weights = zip(*self.EDUCATION_BY_SECTOR[Sector(sector)], strict=True)
        return {
            "name": self.names.make(female),
            "gender": "female" if female else "male",
            "ethnicity": self.rng.choice(MINORITIES) if minority else "汉族",
            "birth_date": birth,
            "party": party,
            "education": self.rng.choices(levels, weights)[0],
            "occupation": occupation,
            "sector": sector,
            "phone": self.phone(),
            "id_number": self.id_number(birth, female),
        }


def _occupation(rng: random.Random, sector: str, place: str) -> str:
    village = rng.choice(VILLAGES)
    options: dict[str, tuple[str, ...]] = {
        Sector.CADRE: (
            f"{place}党委书记",
            f"{place}人民政府镇长",
            f"{place}党委副书记",
            "县直机关党组书记、局长",
            f"{place}人大主席",
        ),
        Sector.WORKER: (
            "县自来水公司供水所职工",
            "县环卫中心环卫工人",
            "县供电公司线路班班长",
            "县纺织厂车间主任",
            "县公交公司驾驶员",
        ),
        Sector.FARMER: (
            f"{place}{village}村党支部书记、村委会主任",
            f"{place}{village}村村民",
            f"{place}{village}种养专业合作社理事长",
            f"{place}{village}村家庭农场主",
        ),
        Sector.PROFESSIONAL: (
            "县人民医院主任医师",
            "县第一中学高级教师",
            f"{place}中心小学校长",
            "县中医院护士长",
            "县农业技术推广中心高级农艺师",
            "县律师事务所主任",
        ),
        Sector.ENTERPRISE: (
            "示范县花炮有限公司董事长",
            "县农产品加工有限公司总经理",
            f"{place}建材有限公司经理",
            "县物流有限公司董事长",
            "县电子科技有限公司总经理",
        ),
        Sector.MILITARY: ("县人民武装部政治委员", "县人民武装部部长", "县消防救援大队大队长"),
        Sector.OTHER: ("个体工商户", "县作家协会副主席", "县慈善会志愿者", f"{place}社区居民委员会主任"),
    }
    return rng.choice(options[sector])


def _party(rng: random.Random, label: str) -> str:
    return rng.choice(DEMOCRATIC_PARTIES) if label == "民主党派" else label


class CountyBuilder:
    def __init__(
        self,
        seed: int = SEED,
        *,
        county_deputies: int = COUNTY_DEPUTIES,
        township_deputies: int = TOWNSHIP_DEPUTIES,
        password: str = DEMO_PASSWORD,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.people = PersonMaker(self.rng)
        self.n_county = county_deputies
        self.n_township = township_deputies
        self.password_hash = make_password(password)  # one argon2 run for all demo accounts
        self.log = log or (lambda _msg: None)

    # --- helpers -------------------------------------------------------------------------
    def user(
        self,
        username: str,
        display: str,
        grants: list[tuple[str, Congress]] | None = None,
        superuser: bool = False,
    ) -> User:
        return core.user_create(
            actor=None,
            username=username,
            password=None,
            password_hash=self.password_hash,
            display_name=display,
            grants=grants or [],
            is_superuser=superuser,
        )

    def person(self, congress: Congress, **kw: Any) -> Person:
        return org.person_create(actor=None, congress=congress, **self.people.fields(**kw))

    def staff_person(
        self, congress: Congress, occupation: str, *, young: bool = False, female: bool | None = None
    ) -> Person:
        female = self.rng.random() < 0.35 if female is None else female
        return self.person(
            congress,
            female=female,
            sector=Sector.CADRE,
            party="中共党员",
            minority=False,
            occupation=occupation,
            age=(31, 36) if young else None,
        )

    def member(self, body: Body, person: Person, role: str, full_time: bool = False) -> None:
        org.membership_add(
            actor=None, body=body, person=person, role=role, start_date=TERM_START, full_time=full_time
        )

    # --- the county --------------------------------------------------------------------------
    def build(self) -> Built:
        county = core.congress_create(
            actor=None,
            name=f"{COUNTY_NAME}人民代表大会",
            short_name=COUNTY_NAME,
            kind=CongressKind.COUNTY,
            division_code=AREA_CODE,
        )
        term = org.term_create(actor=None, congress=county, number=TERM_NUMBER, start_date=TERM_START)
        built = Built(county=county, term=term)
        self.build_areas(built)
        self.build_county_deputies(built)
        self.build_county_bodies(built)
        self.build_townships(built)
        self.build_organs(built)
        self.build_logins(built)
        return built

    def build_areas(self, built: Built) -> None:
        for order, (name, _class) in enumerate(TOWNS, start=1):
            built.townships.append(
                core.congress_create(
                    actor=None,
                    name=f"{name}人民代表大会",
                    short_name=name,
                    kind=CongressKind.TOWNSHIP,
                    parent=built.county,
                    division_code=f"{AREA_CODE}{order:03d}",
                    order=order,
                )
            )
        for order, name in enumerate(SUBDISTRICTS, start=len(TOWNS) + 1):
            built.subdistricts.append(
                core.congress_create(
                    actor=None,
                    name=f"{name}人大工作委员会",
                    short_name=name,
                    kind=CongressKind.SUBDISTRICT,
                    parent=built.county,
                    division_code=f"{AREA_CODE}{order:03d}",
                    order=order,
                )
            )
        self.log(f"乡镇 {len(built.townships)} 个，街道 {len(built.subdistricts)} 个")

    def build_county_deputies(self, built: Built) -> None:
        areas = built.subdistricts + built.townships
        # Seats by rough population: sub-districts and class-1 towns are bigger.
        weights = [18] * len(built.subdistricts) + [{1: 14, 2: 11, 3: 8}[c] for _n, c in TOWNS]
        seats = [max(6, round(self.n_county * w / sum(weights))) for w in weights]
        seats[0] += self.n_county - sum(seats)
        sectors = _quota(self.rng, SECTOR_SHARES, self.n_county)
        women = _quota(self.rng, {True: WOMEN_SHARE, False: 1 - WOMEN_SHARE}, self.n_county)
        minority = _quota(self.rng, {True: MINORITY_SHARE, False: 1 - MINORITY_SHARE}, self.n_county)
        parties = _quota(self.rng, PARTY_SHARES, self.n_county)
        i = 0
        for order, (area, n) in enumerate(zip(areas, seats, strict=True), start=1):
            place = area.short_name
            delegation = org.delegation_create(
                actor=None, term=built.term, name=f"{place}代表团", order=order
            )
            constituencies = [
                org.constituency_create(
                    actor=None,
                    term=built.term,
                    name=f"{place}第{k + 1}选区",
                    area=area,
                    seats=len(range(k, n, 3)),
                )
                for k in range(min(3, n))
            ]
            for j in range(n):
                sector = sectors[i]
                party = parties[i] if sector != Sector.CADRE else "中共党员"
                person = self.person(
                    built.county,
                    female=women[i],
                    sector=sector,
                    minority=minority[i],
                    party=_party(self.rng, party),
                    occupation=_occupation(self.rng, sector, place),
                )
                built.county_mandates.append(
                    org.mandate_create(
                        actor=None,
                        person=person,
                        term=built.term,
                        constituency=constituencies[j % len(constituencies)],
                        delegation=delegation,
                    )
                )
                i += 1
        self.log(f"县人大代表 {len(built.county_mandates)} 名")

    def build_county_bodies(self, built: Built) -> None:
        county, term = built.county, built.term
        sc = org.body_create(
            actor=None,
            congress=county,
            kind=BodyKind.STANDING_COMMITTEE,
            name=f"{COUNTY_NAME}人民代表大会常务委员会",
            term=term,
            order=1,
        )
        council = org.body_create(
            actor=None,
            congress=county,
            kind=BodyKind.COUNCIL_OF_CHAIRPERSONS,
            name="主任会议",
            term=term,
            parent=sc,
            order=2,
        )
        built.bodies.update(standing_committee=sc, council=council)
        # Standing committee members come from the deputies; none may hold office in the organs it
        # supervises (组织法 art 49): the leaders are full-time cadres of the congress, the other
        # members come from outside the cadres.
        cadres = [m.person for m in built.county_mandates if m.person.sector == Sector.CADRE]
        pool = [
            m.person for m in built.county_mandates if m.person.sector not in (Sector.CADRE, Sector.MILITARY)
        ]
        self.rng.shuffle(cadres)
        self.rng.shuffle(pool)
        titles = {
            MemberRole.CHAIR: "主任",
            MemberRole.VICE_CHAIR: "副主任",
            MemberRole.SECRETARY_GENERAL: "秘书长",
        }
        roles = [MemberRole.CHAIR] + [MemberRole.VICE_CHAIR] * 5 + [MemberRole.SECRETARY_GENERAL]
        leaders = [
            org.person_update(actor=None, person=person, occupation=f"{COUNTY_NAME}人大常委会{titles[role]}")
            for person, role in zip(cadres, roles, strict=False)
        ]
        members = leaders + pool[: STANDING_COMMITTEE_SIZE - len(leaders)]
        roles += [MemberRole.MEMBER] * (len(members) - len(roles))
        for person, role in zip(members, roles, strict=True):
            leading = role != MemberRole.MEMBER
            self.member(sc, person, role, full_time=leading)
            if leading:
                self.member(council, person, role, full_time=True)
        built.sc_members = members
        # Six special committees: chaired by a vice-chair or member of the standing committee.
        others = pool[STANDING_COMMITTEE_SIZE - len(leaders) :]
        heads: list[Person] = []
        for order, name in enumerate(SPECIAL_COMMITTEES, start=10):
            body = org.body_create(
                actor=None,
                congress=county,
                kind=BodyKind.SPECIAL_COMMITTEE,
                name=name,
                term=term,
                order=order,
            )
            chair = members[1 + (order - 10) % 5] if order < 15 else members[7 + order - 15]
            self.member(body, chair, MemberRole.CHAIR, full_time=True)
            heads.append(chair)
            for person in members[7 + (order - 10) * 3 : 7 + (order - 10) * 3 + 2]:
                self.member(body, person, MemberRole.VICE_CHAIR)
            for person in others[(order - 10) * 5 : (order - 10) * 5 + 5]:
                self.member(body, person, MemberRole.MEMBER)
            built.bodies[name] = body
        # Two working bodies, staffed by office workers (not deputies). Heads include young cadres:
        # the seed opinions want at least 20 % of heads about 35 years old.
        for order, name in enumerate(WORKING_BODIES, start=20):
            body = org.body_create(
                actor=None,
                congress=county,
                kind=BodyKind.WORKING_BODY,
                name=name,
                term=term,
                parent=sc,
                order=order,
            )
            director = self.staff_person(county, f"县人大常委会{name}主任", young=order == 21)
            self.member(body, director, MemberRole.DIRECTOR, full_time=True)
            deputy_director = self.staff_person(county, f"县人大常委会{name}副主任")
            self.member(body, deputy_director, MemberRole.DEPUTY_DIRECTOR, full_time=True)
            for k in range(3):
                clerk = self.staff_person(county, f"县人大常委会{name}干部", young=k == 0)
                self.member(body, clerk, MemberRole.STAFF, full_time=True)
            built.bodies[name] = body
        self.log(
            f"常委会组成人员 {len(members)} 名，专门委员会 {len(SPECIAL_COMMITTEES)} 个，工作机构 {len(WORKING_BODIES)} 个"
        )

    def build_townships(self, built: Built) -> None:
        deputies_by_area: dict[int, list[Person]] = {}
        for mandate in built.county_mandates:
            area_id = mandate.constituency.area_id if mandate.constituency else None
            deputies_by_area.setdefault(area_id or 0, []).append(mandate.person)
        for index, (township, (_name, klass)) in enumerate(zip(built.townships, TOWNS, strict=True)):
            place = township.short_name
            term = org.term_create(actor=None, congress=township, number=TERM_NUMBER, start_date=TERM_START)
            built.township_terms[township.pk] = term
            sectors = _quota(
                self.rng,
                {
                    Sector.CADRE: 0.2,
                    Sector.FARMER: 0.45,
                    Sector.WORKER: 0.1,
                    Sector.PROFESSIONAL: 0.15,
                    Sector.ENTERPRISE: 0.1,
                },
                self.n_township,
            )
            women = _quota(self.rng, {True: WOMEN_SHARE, False: 1 - WOMEN_SHARE}, self.n_township)
            mandates = []
            for k in range(self.n_township):
                person = self.person(
                    township,
                    female=women[k],
                    sector=sectors[k],
                    minority=self.rng.random() < 0.05,
                    party=_party(
                        self.rng, self.rng.choices(list(PARTY_SHARES), list(PARTY_SHARES.values()))[0]
                    ),
                    occupation=_occupation(self.rng, sectors[k], place),
                )
                mandates.append(org.mandate_create(actor=None, person=person, term=term))
            built.township_mandates[township.pk] = mandates
            # The presidium: a full-time chair (主席) — young in every fourth township — and, in
            # class-1 and class-2 townships, a full-time vice-chair (seed opinions).
            presidium = org.body_create(
                actor=None,
                congress=township,
                kind=BodyKind.PRESIDIUM,
                name=f"{place}人民代表大会主席团",
                term=term,
                order=1,
            )
            chair = self.person(
                township,
                female=self.rng.random() < 0.3,
                sector=Sector.CADRE,
                party="中共党员",
                minority=False,
                occupation=f"{place}人大主席",
                age=(31, 36) if index % 4 == 0 else None,
            )
            org.mandate_create(actor=None, person=chair, term=term)
            self.member(presidium, chair, MemberRole.CHAIR, full_time=True)
            if klass in (1, 2):
                self.member(presidium, mandates[0].person, MemberRole.VICE_CHAIR, full_time=True)
            for mandate in mandates[1:6]:
                self.member(presidium, mandate.person, MemberRole.MEMBER)
            built.bodies[f"presidium:{place}"] = presidium
            self.liaison_station(built, township, deputies_by_area.get(township.pk, []), mandates, term)
        for index, sub in enumerate(built.subdistricts):
            place = sub.short_name
            committee = org.body_create(
                actor=None,
                congress=sub,
                kind=BodyKind.SUBDISTRICT_WORKING_COMMITTEE,
                name=f"{place}人大工作委员会",
                order=1,
            )
            director = self.staff_person(sub, f"{place}人大工作委员会主任", young=index == 0)
            self.member(committee, director, MemberRole.DIRECTOR, full_time=True)
            for person in deputies_by_area.get(sub.pk, [])[:4]:
                self.member(committee, person, MemberRole.MEMBER)
            built.bodies[f"working_committee:{place}"] = committee
            self.liaison_station(built, sub, deputies_by_area.get(sub.pk, []), [], None)
        self.log(f"乡镇人大代表 {sum(len(v) for v in built.township_mandates.values())} 名（另有主席）")

    def liaison_station(
        self,
        built: Built,
        area: Congress,
        county_deputies: list[Person],
        township_mandates: list[DeputyMandate],
        term: Term | None,
    ) -> None:
        place = area.short_name
        station = org.body_create(
            actor=None,
            congress=area,
            kind=BodyKind.LIAISON_STATION,
            name=f"{place}人大代表联络站",
            term=term,
            order=90,
            address=f"{COUNTY_NAME}{place}{self.rng.choice(VILLAGES)}路{self.rng.randint(1, 99)}号",
        )
        for person in county_deputies[:6] + [m.person for m in township_mandates[:4]]:
            self.member(station, person, MemberRole.MEMBER)
        built.bodies[f"station:{place}"] = station

    def build_organs(self, built: Built) -> None:
        county = built.county
        government = org.organ_create(
            actor=None,
            congress=county,
            kind=OrganKind.GOVERNMENT,
            name=f"{COUNTY_NAME}人民政府",
            short_name="县政府",
        )
        built.organs[OrganKind.GOVERNMENT] = government
        for kind, name, short in (
            (OrganKind.PARTY_COMMITTEE, f"中共{COUNTY_NAME}委员会", "县委"),
            (OrganKind.SUPERVISORY_COMMISSION, f"{COUNTY_NAME}监察委员会", "县监委"),
            (OrganKind.COURT, f"{COUNTY_NAME}人民法院", "县法院"),
            (OrganKind.PROCURATORATE, f"{COUNTY_NAME}人民检察院", "县检察院"),
        ):
            organ = org.organ_create(actor=None, congress=county, kind=kind, name=name, short_name=short)
            built.organs[kind] = organ
        for number, name in enumerate(DEPARTMENTS, start=1):
            full = name.replace("县", COUNTY_NAME, 1)
            organ = org.organ_create(
                actor=None,
                congress=county,
                kind=OrganKind.DEPARTMENT,
                name=full,
                short_name=name.removeprefix("县"),
                parent=government,
            )
            unit = org.handling_unit_create(actor=None, organ=organ, code=f"U{number:03d}")
            built.units.append(unit)
            is_demo_clerk = name == "县教育局"
            username = "clerk" if is_demo_clerk else f"unit{number:02d}"
            clerk = self.user(username, f"{name.removeprefix('县')}联络员")
            org.unit_contact_add(actor=None, unit=unit, user=clerk, title="建议办理联络员", is_primary=True)
            if is_demo_clerk:
                built.users["unit_clerk"] = clerk
        self.log(f"承办单位 {len(built.units)} 个（各有联络员账户）")

    def build_logins(self, built: Built) -> None:
        county = built.county
        township = built.townships[0]
        users = built.users
        users["admin"] = self.user("admin", "系统管理员", [(Role.ADMIN, county)], superuser=True)
        office = built.bodies["办公室"]
        office_clerk = office.memberships.filter(role=MemberRole.STAFF).order_by("pk").first()
        assert office_clerk is not None  # noqa: S101 - built just above
        users["staff"] = self.user(
            "staff", f"{office_clerk.person.name}（县人大常委会办公室）", [(Role.STAFF, county)]
        )
        org.person_link_user(actor=None, person=office_clerk.person, user=users["staff"])
        chair = built.bodies["standing_committee"].memberships.get(role=MemberRole.CHAIR).person
        users["leader"] = self.user("leader", f"{chair.name}（常委会主任）", [(Role.LEADER, county)])
        org.person_link_user(actor=None, person=chair, user=users["leader"])
        core.role_grant(actor=None, user=users["leader"], role=Role.DEPUTY, congress=county)
        sc_ids = {p.pk for p in built.sc_members}
        # A grass-roots deputy elected in 青山镇 (the township the demo township staff work in).
        deputy = next(
            m.person
            for m in built.county_mandates
            if m.person.pk not in sc_ids
            and m.person.sector == Sector.FARMER
            and m.constituency is not None
            and m.constituency.area_id == township.pk
        )
        users["deputy"] = self.user("deputy", deputy.name)
        org.person_link_user(actor=None, person=deputy, user=users["deputy"])
        core.role_grant(actor=None, user=users["deputy"], role=Role.DEPUTY, congress=county)
        users["township_staff"] = self.user(
            "township", f"{township.short_name}人大干事", [(Role.TOWNSHIP_STAFF, township)]
        )
        township_deputy = built.township_mandates[township.pk][1].person
        users["township_deputy"] = self.user("tdeputy", township_deputy.name)
        org.person_link_user(actor=None, person=township_deputy, user=users["township_deputy"])
        core.role_grant(actor=None, user=users["township_deputy"], role=Role.DEPUTY, congress=township)
        users["public"] = self.user("public", "群众（示例）", [(Role.PUBLIC, county)])
        built.logins = [
            DemoLogin("admin", "admin", "系统管理员", "全部功能与系统管理（/admin/）"),
            DemoLogin("staff", "staff", "机关工作人员", f"{users['staff'].display_name}"),
            DemoLogin("leader", "leader", "领导", f"{users['leader'].display_name}，同时是县人大代表"),
            DemoLogin("deputy", "deputy", "县人大代表", f"{deputy.name}，{deputy.occupation}"),
            DemoLogin("unit_clerk", "clerk", "承办单位联络员", "示范县教育局；其余单位为 unit01–unit60"),
            DemoLogin(
                "township_staff", "township", "乡镇人大工作人员", f"{township.short_name}人大，只看本镇"
            ),
            DemoLogin(
                "township_deputy", "tdeputy", "乡镇人大代表", f"{township_deputy.name}，{township.short_name}"
            ),
            DemoLogin("public", "public", "群众", "公众页面"),
        ]


@dataclass(frozen=True)
class DemoResult:
    built: Built
    context: DemoContext
    loaders_run: list[str]


def build_demo(*, seed: int = SEED, log: Callable[[str], None] | None = None, **options: Any) -> DemoResult:
    """Build the county, seed the working-day calendar and run every app's registered loader, all in
    one transaction: a failure leaves the database as it was."""
    log = log or (lambda _msg: None)
    with transaction.atomic():
        built = CountyBuilder(seed, log=log, **options).build()
        this_year = timezone.localdate().year
        for year in (this_year, this_year + 1):
            core.calendar_seed(actor=None, year=year)
        context = DemoContext(
            county=built.county,
            townships=built.townships,
            term=built.term,
            users=built.users,
            extra={"built": built, "seed": seed, "rng": random.Random(seed + 1)},
        )
        ran = []
        for _order, name, loader in LOADERS:
            log(f"加载演示数据：{name}")
            loader(context)
            ran.append(name)
    return DemoResult(built, context, ran)
