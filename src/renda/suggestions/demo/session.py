"""This year's suggestions of the demo county: a congress session's worth (with motions, joint
signers, duplicates merged, a batch assignment meeting) and those deputies sent in between
sessions, replayed day by day through the services so every state appears with its deadlines,
audit events and timeline: awaiting confirmation, review and assignment, in handling (some overdue,
some broad or hard), replied and awaiting the rating, re-handled, closed with every reply class and
rating, key supervised, and one supervision round.

Dates are relative to the day the demo is built (the session was about four months ago), so the
overdue items stay overdue and the open ones have days left whenever the demo is built."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.utils import timezone

from renda.core.demo import DemoContext
from renda.core.demo.names import VILLAGES, NameMaker
from renda.core.models import Role, User
from renda.core.services import user_create
from renda.org import services as org
from renda.org.models import HandlingUnit, Person
from renda.org.selectors import active_mandates, person_of
from renda.suggestions import services
from renda.suggestions.deadlines import add_months
from renda.suggestions.demo.clock import DemoClock
from renda.suggestions.demo.texts import (
    CONTACT_VIEWS,
    DISSATISFIED,
    SATISFIED,
    SIGNERS,
    TOPICS,
    Topic,
    compose,
    reply_text,
)
from renda.suggestions.models import Assignment, Kind, Period, Rating, ReturnRequest, Suggestion

SEED = 20260305
SESSION_NUMBER = 4
SESSION_AGO = 116  # days from the session to the day the demo is built
ASSIGN_AFTER = 14  # the assignment meeting (交办会) two weeks after the session

# How this year's session suggestions end up (count, fate).
SESSION_FATES = (
    (74, "closed"),
    (6, "closed_late"),
    (8, "closed_rehandled"),
    (5, "rehandling"),
    (1, "rehandling_overdue"),
    (14, "replied"),
    (4, "replied_late"),
    (7, "handling"),
    (5, "handling_hard"),
    (1, "release_accept"),
    (1, "release_refuse"),
    (3, "merged"),
)
MOTIONS = ("motion_closed", "motion_hard", "convert_closed", "convert_replied")
# Between sessions: (days before today submitted, assigned or None, fates).
INTERVAL_WAVES = (
    (92, 80, ("closed",) * 4 + ("replied",) * 3 + ("handling",) * 3),
    (48, 36, ("replied",) * 2 + ("handling",) * 8),
    (18, 10, ("handling",) * 5 + ("release_pending",)),
    (8, None, ("reviewed",) * 7),
    (4, None, ("submitted",) * 8),
    (2, None, ("pending_cosign", "pending_confirm")),
)
SUPERVISORS = {
    "education": "教育科学文化卫生委员会",
    "health": "教育科学文化卫生委员会",
    "agriculture": "农业与农村委员会",
    "environment": "环境与资源保护委员会",
    "economy": "财政经济委员会",
    "social": "社会建设委员会",
    "law": "监察和司法委员会",
}
CONVERT_REASON = "所提事项属于政府职责范围内的具体工作，不宜作为议案，按代表建议交有关单位办理。"
REFUSE_REASON = "所提事项属于贵单位法定职责，请认真研究办理，协办单位予以配合。"
NOTES = (
    "督办组实地查看，承办单位已制定办理方案并落实责任人。",
    "主任会议听取办理情况汇报，要求在答复期限前完成主体工作。",
    "承办单位报告：资金已落实，工程进入施工阶段。",
)


@dataclass
class Item:
    topic: Topic
    place: str
    village: str
    title: str
    text: str
    submitter: Person
    fate: str
    submit_day: dt.date
    kind: str = Kind.SUGGESTION
    period: str = Period.SESSION
    on_behalf: bool = False
    cosigners: list[Person] = field(default_factory=list)
    declines: set[int] = field(default_factory=set)
    review_day: dt.date | None = None
    review: str = "accept"
    merge_into: Item | None = None
    assign_day: dt.date | None = None
    batch: bool = False
    lead: HandlingUnit | None = None
    co: list[HandlingUnit] = field(default_factory=list)
    hard: bool = False
    supervised: bool = False
    s: Suggestion | None = None


Step = tuple[dt.date, int, int, Callable[[], object]]


class SessionBuilder:
    def __init__(self, ctx: DemoContext, clock: DemoClock) -> None:
        self.ctx = ctx
        self.clock = clock
        self.rng = random.Random(SEED)
        self.names = NameMaker(random.Random(SEED + 1))
        self.today = timezone.localdate()
        self.county = ctx.county
        self.staff: User = ctx.users["staff"]
        self.leader: User = ctx.users.get("leader") or self.staff
        mandates = list(
            active_mandates(congress=ctx.county, day=self.today, term=ctx.term)
            .select_related("person__user")
            .order_by("pk")
        )
        self.deputies = [m.person for m in mandates]
        self.index = {p.pk: i for i, p in enumerate(self.deputies, start=1)}
        demo_user = ctx.users.get("deputy")
        self.demo_deputy = person_of(user=demo_user) if demo_user is not None else None
        self.units = list(
            HandlingUnit.objects.filter(congress=ctx.county, is_active=True)
            .select_related("organ")
            .order_by("pk")
        )
        self.places = [c.short_name or c.name.removesuffix("人民代表大会") for c in ctx.townships] or [
            "城关镇"
        ]
        self.clerks: dict[int, User] = {}
        self.signers: dict[int, str] = {}
        self.items: list[Item] = []
        self.steps: list[Step] = []

    # --- who acts ------------------------------------------------------------------------------
    def user_of(self, person: Person) -> User:
        """The deputy's login; deputies without one get an account (no password until an
        administrator sets one), as every deputy needs one to sign, confirm and rate."""
        if person.user_id is not None:
            return person.user  # type: ignore[return-value]
        username = f"deputy{self.index.get(person.pk, 0):03d}"
        if User.objects.filter(username=username).exists():
            username = f"{username}-{self.county.pk}"
        user = user_create(
            actor=None,
            username=username,
            password=None,
            display_name=person.name,
            grants=[(Role.DEPUTY, self.county)],
        )
        org.person_link_user(actor=None, person=person, user=user)
        return user

    def clerk_of(self, unit: HandlingUnit) -> User:
        if unit.pk not in self.clerks:
            row = unit.contact_rows.select_related("user").order_by("pk").first()
            if row is None:
                user = user_create(
                    actor=None,
                    username=f"unit-clerk-{unit.pk}",
                    password=None,
                    display_name=f"{unit.organ.name}联络员",
                )
                org.unit_contact_add(actor=None, unit=unit, user=user, title="联络员", is_primary=True)
                self.clerks[unit.pk] = user
            else:
                self.clerks[unit.pk] = row.user
        return self.clerks[unit.pk]

    def signer_of(self, unit: HandlingUnit) -> str:
        if unit.pk not in self.signers:
            self.signers[unit.pk] = self.names.make(self.rng.random() < 0.25)
        return self.signers[unit.pk]

    def unit_for(self, name: str, exclude: tuple[HandlingUnit, ...] = ()) -> HandlingUnit:
        for unit in self.units:
            if unit.organ.name.endswith(name) and unit not in exclude:
                return unit
        others = [u for u in self.units if u not in exclude] or self.units
        return others[sum(map(ord, name)) % len(others)]

    def day(self, ago: int) -> dt.date:
        return self.today - dt.timedelta(days=ago)

    # --- the plan --------------------------------------------------------------------------------
    def new_item(self, fate: str, submit_day: dt.date, submitter: Person, **kw: object) -> Item:
        topic = self.rng.choice(TOPICS)
        place = self.rng.choice(self.places)
        village = self.rng.choice(VILLAGES)
        title, text = compose(self.rng, topic, place, village)
        item = Item(topic, place, village, title, text, submitter, fate, submit_day, **kw)  # type: ignore[arg-type]
        self.items.append(item)
        return item

    def plan(self) -> None:
        rng = self.rng
        session = self.day(SESSION_AGO)
        assign_day = session + dt.timedelta(days=ASSIGN_AFTER)
        pool = rng.sample(self.deputies, k=min(len(self.deputies), 110))
        fates = [fate for count, fate in SESSION_FATES for _ in range(count)]
        rng.shuffle(fates)
        survivors: list[Item] = []
        for fate in fates:
            item = self.new_item(
                fate,
                session - dt.timedelta(days=rng.randint(0, 2)),
                rng.choice(pool),
                on_behalf=rng.random() < 0.1,
            )
            item.review_day = session + dt.timedelta(days=rng.randint(3, 9))
            if fate == "merged":
                continue
            item.assign_day, item.batch = assign_day, True
            self.units_for(item)
            if rng.random() < 0.3:
                others = [p for p in pool if p.pk != item.submitter.pk]
                item.cosigners = rng.sample(others, k=rng.randint(1, 3))
            survivors.append(item)
        for item in self.items:
            if item.fate == "merged":
                # A duplicate: same matter and place as an earlier one, written by another deputy.
                target = rng.choice([s for s in survivors if s.fate == "closed"])
                item.topic, item.place, item.village = target.topic, target.place, target.village
                item.title, item.text = compose(rng, target.topic, target.place, target.village)
                item.review, item.merge_into = "merge", target
        for fate in MOTIONS:
            lead = rng.choice(pool)
            signers = rng.sample(
                [p for p in self.deputies if p.pk != lead.pk], k=min(len(self.deputies) - 1, 11)
            )
            item = self.new_item(fate, session - dt.timedelta(days=1), lead, kind=Kind.MOTION)
            item.title = item.title.removesuffix("的建议") + "的议案"
            item.cosigners = signers
            if fate == "motion_closed" and len(signers) > 9:
                item.declines = {signers[-1].pk}
            item.review_day = session + dt.timedelta(days=2)
            item.review = "register" if fate.startswith("motion") else "convert"
            item.assign_day, item.batch = assign_day, True
            item.hard = fate == "motion_hard"
            self.units_for(item)
        for submitted_ago, assigned_ago, wave in INTERVAL_WAVES:
            for fate in wave:
                item = self.new_item(
                    fate,
                    self.day(submitted_ago - rng.randint(0, min(submitted_ago, 6))),
                    rng.choice(pool),
                    period=Period.INTERVAL,
                )
                if fate in ("pending_cosign", "pending_confirm", "submitted"):
                    continue
                item.review_day = min(self.today, item.submit_day + dt.timedelta(days=rng.randint(1, 3)))
                if assigned_ago is not None:
                    item.assign_day = max(item.review_day, self.day(assigned_ago))
                    self.units_for(item)
        for item in self.items:
            if item.fate == "pending_cosign":
                others = [p for p in pool if p.pk != item.submitter.pk]
                item.cosigners = rng.sample(others, k=min(len(others), 3))
        # 重点督办: a few open ones, one that closed since, and the hard motion.
        for fate, count in (
            ("handling", 2),
            ("handling_hard", 1),
            ("rehandling", 1),
            ("closed", 2),
            ("motion_hard", 1),
        ):
            for item in [i for i in self.items if i.fate == fate and i.period == Period.SESSION][:count]:
                item.supervised = True
        self.give_demo_deputy_work()

    def units_for(self, item: Item) -> None:
        item.lead = self.unit_for(item.topic.unit)
        if self.rng.random() < 0.35 and item.topic.co_units:
            item.co = [self.unit_for(self.rng.choice(item.topic.co_units), exclude=(item.lead,))]

    def give_demo_deputy_work(self) -> None:
        """The demo deputy's phone shows a bit of everything, and something waiting for them."""
        me = self.demo_deputy
        if me is None:
            return
        wanted = ["closed", "replied", "rehandling", "handling", "submitted", "pending_confirm"]
        for fate in wanted:
            item = next((i for i in self.items if i.fate == fate and i.submitter.pk != me.pk), None)
            if item is not None:
                item.submitter = me
                item.cosigners = [p for p in item.cosigners if p.pk != me.pk]
        for item in self.items:
            if item.fate == "pending_confirm":
                item.on_behalf = True
            if item.fate == "pending_cosign" and item.submitter.pk != me.pk:
                item.cosigners = [me, *[p for p in item.cosigners if p.pk != me.pk][:2]]
            if item.kind == Kind.MOTION and me.pk != item.submitter.pk and me not in item.cosigners:
                item.cosigners = [me, *item.cosigners[:-1]]

    # --- the steps -------------------------------------------------------------------------------
    def add(self, day: dt.date, phase: int, fn: Callable[[], object]) -> None:
        self.steps.append((min(day, self.today), phase, len(self.steps), fn))

    def schedule(self) -> None:
        rng = self.rng
        batch = [i for i in self.items if i.batch]
        for item in self.items:
            self.schedule_submission(item)
        if batch:
            self.add(batch[0].assign_day or self.today, 3, lambda: self.assign_batch(batch))
        for item in self.items:
            if item.assign_day is not None:
                self.schedule_handling(item, rng)
        self.schedule_round()

    def schedule_submission(self, item: Item) -> None:
        def submit() -> None:
            actor = self.staff if item.on_behalf else self.user_of(item.submitter)
            item.s = services.suggestion_submit(
                actor=actor,
                congress=self.county,
                title=item.title,
                text=item.text,
                field=item.topic.field,
                kind=item.kind,
                period=item.period,
                session_number=SESSION_NUMBER if item.period == Period.SESSION else None,
                cosigner_ids=[p.pk for p in item.cosigners],
                submitter=item.submitter if item.on_behalf else None,
            )

        self.add(item.submit_day, 0, submit)
        if item.on_behalf and item.fate != "pending_confirm":
            self.add(
                item.submit_day,
                1,
                lambda: services.suggestion_confirm(
                    actor=self.user_of(item.submitter), suggestion=self.s(item)
                ),
            )
        for k, person in enumerate(item.cosigners):
            if item.fate == "pending_cosign" and k == 0:
                continue  # the first invited signer has not answered yet
            self.add(
                item.submit_day,
                1,
                partial(self.cosign, item, person),
            )
        if item.review_day is None:
            return
        if item.review == "merge" and item.merge_into is not None:
            target = item.merge_into
            self.add(
                item.review_day,
                2,
                lambda: services.suggestion_merge(
                    actor=self.staff, suggestion=self.s(target), duplicates=[self.s(item)]
                ),
            )
            return
        reason = CONVERT_REASON if item.review == "convert" else ""
        self.add(
            item.review_day,
            2,
            lambda: services.suggestion_review(
                actor=self.staff, suggestion=self.s(item), decision=item.review, reason=reason
            ),
        )
        if item.assign_day is not None and not item.batch:
            self.add(
                item.assign_day,
                3,
                lambda: services.suggestion_assign(
                    actor=self.staff,
                    suggestion=self.s(item),
                    lead=self.lead(item),
                    co_handlers=item.co,
                    hard=item.hard,
                ),
            )

    def assign_batch(self, items: list[Item]) -> None:
        services.suggestion_assign_batch(
            actor=self.staff,
            plans=[services.AssignPlan(self.s(i), self.lead(i), tuple(i.co), i.hard) for i in items],
        )

    def s(self, item: Item) -> Suggestion:
        assert item.s is not None  # noqa: S101 - the submit step ran first
        return item.s

    def lead(self, item: Item) -> HandlingUnit:
        assert item.lead is not None  # noqa: S101 - planned with a unit
        return item.lead

    def schedule_handling(self, item: Item, rng: random.Random) -> None:
        assigned = item.assign_day
        assert assigned is not None  # noqa: S101
        fate = item.fate
        due = add_months(assigned, 6 if item.hard else 3)
        t = self.today
        reply: dt.date | None = None
        if fate in ("closed", "motion_closed", "convert_closed", "release_refuse", "release_accept"):
            reply = assigned + dt.timedelta(days=rng.randint(20, min(85, max(21, (t - assigned).days - 12))))
        elif fate == "closed_late":
            reply = due + dt.timedelta(days=rng.randint(2, 7))
        elif fate == "closed_rehandled":
            reply = assigned + dt.timedelta(days=rng.randint(25, 45))
        elif fate == "rehandling":
            reply = assigned + dt.timedelta(days=rng.randint(55, 72))
        elif fate == "rehandling_overdue":
            reply = assigned + dt.timedelta(days=30)
        elif fate in ("replied", "convert_replied"):
            latest = min(due, t) - assigned
            reply = assigned + dt.timedelta(
                days=rng.randint(max(10, latest.days - 35), max(11, latest.days - 2))
            )
        elif fate == "replied_late":
            reply = t - dt.timedelta(days=rng.randint(1, 8))
        # 退回: asked within the window; accepted (another unit leads) or refused.
        if fate in ("release_accept", "release_refuse", "release_pending"):
            asked = assigned + dt.timedelta(days=4 if fate != "release_pending" else 7)
            self.add(asked, 4, lambda: self.release_ask(item))
            if fate != "release_pending":
                new_unit = self.unit_for("人民政府办公室", exclude=(self.lead(item), *item.co))
                self.add(
                    asked + dt.timedelta(days=2),
                    5,
                    lambda: self.release_decide(item, fate == "release_accept", new_unit),
                )
                if fate == "release_accept":
                    assigned = asked + dt.timedelta(days=2)
        for co in item.co:
            opinion_day = assigned + dt.timedelta(days=rng.randint(8, 28))
            if (reply is None or opinion_day < reply) and opinion_day <= t and rng.random() < 0.85:
                self.add(opinion_day, 6, partial(self.opinion, item, co))
        contact: dt.date | None = None
        if reply is not None:
            contact = max(assigned + dt.timedelta(days=1), reply - dt.timedelta(days=rng.randint(3, 12)))
        elif fate not in ("release_pending",) and rng.random() < 0.55:
            contact = min(t, assigned + dt.timedelta(days=rng.randint(5, 30)))
        if contact is not None:
            self.add(contact, 7, lambda: self.contact(item, contact))
        if item.supervised:
            self.supervise(item, assigned + dt.timedelta(days=10))
        if reply is None:
            return
        category = rng.choices("ABCD", weights=(40, 35, 15, 10))[0]
        self.add(reply, 8, lambda: self.reply(item, category))
        if fate in ("replied", "replied_late", "convert_replied"):
            return
        rated = min(t, reply + dt.timedelta(days=rng.randint(2, 10)))
        if fate in ("rehandling", "closed_rehandled"):
            rated = reply + dt.timedelta(days=rng.randint(3, 7))
            if fate == "rehandling":
                rated = max(rated, t - dt.timedelta(days=rng.randint(5, 22)))
        if fate == "rehandling_overdue":
            rated = t - dt.timedelta(days=45)
        if fate.startswith("rehandling") or fate == "closed_rehandled":
            self.add(rated, 9, lambda: self.rate(item, Rating.DISSATISFIED, rng.choice(DISSATISFIED)))
            if fate != "closed_rehandled":
                return
            reply2 = rated + dt.timedelta(days=rng.randint(12, 25))
            second = rng.choice("AAB")
            self.add(reply2, 8, lambda: self.reply(item, second))
            rating2 = rng.choice(
                (
                    Rating.SATISFIED,
                    Rating.BASICALLY_SATISFIED,
                    Rating.BASICALLY_SATISFIED,
                    Rating.DISSATISFIED,
                )
            )
            comment = rng.choice(DISSATISFIED) if rating2 == Rating.DISSATISFIED else ""
            self.add(
                reply2 + dt.timedelta(days=rng.randint(2, 6)), 9, lambda: self.rate(item, rating2, comment)
            )
            return
        rating = rng.choices((Rating.SATISFIED, Rating.BASICALLY_SATISFIED), weights=(65, 35))[0]
        self.add(rated, 9, lambda: self.rate(item, rating, rng.choice(SATISFIED)))

    def supervise(self, item: Item, day: dt.date) -> None:
        supervisor = SUPERVISORS.get(item.topic.field, "主任会议")
        self.add(
            day,
            10,
            lambda: services.key_supervision_set(
                actor=self.staff, suggestion=self.s(item), supervisor=supervisor
            ),
        )
        for k, text in enumerate(NOTES[: self.rng.randint(1, 3)]):
            author = self.leader if k == 1 else self.staff
            self.add(
                day + dt.timedelta(days=12 + 25 * k),
                11,
                partial(self.note, item, author, text),
            )

    # --- one action each -------------------------------------------------------------------------
    def active(self, item: Item, unit: HandlingUnit) -> Assignment:
        return Assignment.objects.get(suggestion=self.s(item), unit=unit, is_active=True)

    def cosign(self, item: Item, person: Person) -> None:
        services.cosign_respond(
            actor=self.user_of(person), suggestion=self.s(item), accept=person.pk not in item.declines
        )

    def note(self, item: Item, author: User, text: str) -> None:
        services.supervision_note_add(actor=author, suggestion=self.s(item), text=text)

    def release_ask(self, item: Item) -> None:
        unit = self.lead(item)
        services.return_request_submit(
            actor=self.clerk_of(unit),
            assignment=self.active(item, unit),
            reason=f"该事项主要涉及其他部门职责，{unit.organ.name}难以牵头办理，申请调整主办单位。",
        )

    def release_decide(self, item: Item, accept: bool, new_unit: HandlingUnit) -> None:
        request = ReturnRequest.objects.filter(assignment__suggestion=self.s(item)).latest("pk")
        services.return_request_decide(
            actor=self.staff,
            request=request,
            accept=accept,
            reason="同意调整主办单位。" if accept else REFUSE_REASON,
            new_unit=new_unit if accept else None,
        )
        if accept:
            item.lead = new_unit

    def opinion(self, item: Item, unit: HandlingUnit) -> None:
        services.co_handler_opinion_submit(
            actor=self.clerk_of(unit),
            assignment=self.active(item, unit),
            text=f"{unit.organ.name}将在职责范围内积极配合，相关资金和政策支持意见已书面送主办单位。",
        )

    def contact(self, item: Item, day: dt.date) -> None:
        unit = self.lead(item)
        services.contact_record_add(
            actor=self.clerk_of(unit),
            suggestion=self.s(item),
            unit=unit,
            contacted_on=day,
            way=self.rng.choice(("face", "face", "phone", "site", "meeting")),
            deputy_view=self.rng.choice(CONTACT_VIEWS),
        )

    def reply(self, item: Item, category: str) -> None:
        unit = self.lead(item)
        title = self.rng.choice(SIGNERS)
        services.reply_submit(
            actor=self.clerk_of(unit),
            suggestion=self.s(item),
            unit=unit,
            category=category,
            text=reply_text(self.rng, item.topic, item.submitter.name, item.title, category),
            signer=f"{self.signer_of(unit)}（{title}）",
            is_public=self.rng.random() < 0.6,
        )

    def rate(self, item: Item, rating: str, comment: str) -> None:
        services.feedback_submit(
            actor=self.user_of(item.submitter), suggestion=self.s(item), rating=rating, comment=comment
        )

    # --- the supervision round -------------------------------------------------------------------
    def schedule_round(self) -> None:
        day = self.day(30)
        self.add(day, 12, self.round)

    def round(self) -> None:
        open_units = Counter(
            Suggestion.objects.filter(congress=self.county, status__in=["assigned", "rehandling"])
            .exclude(lead_unit__isnull=True)
            .values_list("lead_unit_id", flat=True)
        )
        by_pk = {u.pk: u for u in self.units}
        units = [
            by_pk[pk]
            for pk, _n in sorted(open_units.items(), key=lambda kv: (-kv[1], kv[0]))[:6]
            if pk in by_pk
        ]
        if not units:
            return
        day = timezone.localdate()
        quarter = (day.month - 1) // 3 + 1
        rnd = services.supervision_round_create(
            actor=self.staff,
            congress=self.county,
            title=f"{day.year}年第{'一二三四'[quarter - 1]}季度代表建议巡回集中督办",
            planned_on=day,
            leader=self.leader.display_name or "常委会主任",
            units=units,
        )
        for visit in list(rnd.visits.select_related("unit__organ"))[:4]:
            n = open_units[visit.unit_id]
            services.round_visit_record(
                actor=self.staff,
                visit=visit,
                progress=f"{visit.unit.organ.name}报告：在办建议{n}件，均已与代表见面沟通，"
                "已落实资金的项目正在施工，其余列入明年计划。",
                follow_ups="对照答复期限倒排工期；涉及多部门的事项由分管县领导召集协调；下次督办前书面报告进展。",
            )

    # --- run -------------------------------------------------------------------------------------
    def run(self) -> int:
        self.plan()
        self.schedule()
        per_day: Counter[dt.date] = Counter()
        for day, _phase, _n, fn in sorted(self.steps, key=lambda s: (s[0], s[1], s[2])):
            self.clock.set(day, per_day[day])
            per_day[day] += 1
            fn()
        return len(self.items)
