"""A session's worth of demo suggestions in every state, built through the services."""

from __future__ import annotations

from django.utils import timezone

from renda.core.demo import DemoContext
from renda.org.models import HandlingUnit
from renda.org.selectors import active_mandates
from renda.suggestions import services
from renda.suggestions.models import Rating

TOPICS = [
    (
        "关于改善乡村公路安全设施的建议",
        "县道弯多坡陡，缺少护栏和警示标志，建议增设护栏、减速带和路灯。",
        "transport",
    ),
    (
        "关于加强农村义务教育师资配备的建议",
        "部分村小教师年龄偏大，音体美教师短缺，建议定向招聘并轮岗交流。",
        "education",
    ),
    (
        "关于提升乡镇卫生院服务能力的建议",
        "乡镇卫生院设备陈旧，缺少全科医生，建议加大投入并开展县乡医共体建设。",
        "health",
    ),
    (
        "关于治理城区河道污染的建议",
        "城区河道部分段落生活污水直排，建议完善截污管网并定期清淤。",
        "environment",
    ),
    (
        "关于完善老旧小区加装电梯政策的建议",
        "老旧小区老年住户多，加装电梯审批复杂，建议简化流程并给予补贴。",
        "urban",
    ),
    (
        "关于扶持特色农产品品牌建设的建议",
        "我县茶叶和油茶品质好但品牌弱，建议统一区域公用品牌并拓展电商销售。",
        "agriculture",
    ),
    (
        "关于增加城乡公交班次的建议",
        "偏远村组公交班次少，群众出行不便，建议优化线路并增加早晚班次。",
        "transport",
    ),
    (
        "关于加强养老服务设施建设的建议",
        "农村留守老人增多，建议建设村级互助养老服务点并培训护理人员。",
        "social",
    ),
]


def build(ctx: DemoContext) -> None:
    county = ctx.county
    staff = ctx.users.get("staff")
    units = list(HandlingUnit.objects.filter(congress=county, is_active=True).select_related("organ"))
    mandates = list(active_mandates(congress=county, day=timezone.localdate()).select_related("person__user"))
    deputies = [m.person for m in mandates if m.person.user is not None]
    users = {p.pk: p.user for p in deputies if p.user is not None}
    if staff is None or not units or not deputies:
        return
    clerks = {u.pk: u.contact_rows.select_related("user").first() for u in units}
    states = ["submitted", "reviewed", "assigned", "contacted", "replied", "rehandling", "closed", "closed"]
    for index, (title, text, field) in enumerate(TOPICS):
        deputy = deputies[index % len(deputies)]
        s = services.suggestion_submit(
            actor=staff, congress=county, title=title, text=text, field=field, submitter=deputy
        )
        services.suggestion_confirm(actor=users[deputy.pk], suggestion=s)
        state = states[index % len(states)]
        if state == "submitted":
            continue
        services.suggestion_review(actor=staff, suggestion=s, decision="accept")
        if state == "reviewed":
            continue
        staffed = [u for u in units if clerks.get(u.pk)] or units
        unit = units[index % len(units)] if state == "assigned" else staffed[index % len(staffed)]
        services.suggestion_assign(actor=staff, suggestion=s, lead=unit)
        contact = clerks.get(unit.pk)
        if state == "assigned" or contact is None:
            continue
        clerk = contact.user
        services.contact_record_add(
            actor=clerk,
            suggestion=s,
            unit=unit,
            contacted_on=timezone.localdate(),
            way="face",
            deputy_view="代表希望尽快落实。",
        )
        if state == "contacted":
            continue
        services.reply_submit(
            actor=clerk,
            suggestion=s,
            unit=unit,
            category="AB"[index % 2],
            text="经研究，已列入今年工作计划，将分步实施。",
            signer="局长",
            is_public=True,
        )
        if state == "replied":
            continue
        rating = Rating.DISSATISFIED if state == "rehandling" else Rating.SATISFIED
        services.feedback_submit(
            actor=users[deputy.pk],
            suggestion=s,
            rating=rating,
            comment="进度偏慢" if rating == Rating.DISSATISFIED else "",
        )
