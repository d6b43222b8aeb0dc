"""Demo data: in the demo county, a standing committee meeting with its agenda and papers, and a
congress session with an election, both ready to run (sittings scheduled, polls in draft)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from renda.core.demo import DemoContext
from renda.core.documents import OfficialDocument
from renda.meetings import services
from renda.meetings.models import Meeting, MeetingKind
from renda.org.models import Body, BodyKind

SC_AGENDA = [
    ("审议县人民政府关于2025年县级决算的报告", ["关于2025年县级决算的报告", "2025年县级决算草案"]),
    ("审议县人民政府关于2025年度环境状况和环境保护目标完成情况的报告", ["关于2025年度环境状况的报告"]),
    ("审议有关人事任免事项", ["人事任免事项说明"]),
]
SESSION_AGENDA = [
    ("听取和审议县人民政府工作报告", ["政府工作报告"]),
    ("选举县人民政府县长、县人大常委会委员", ["选举办法（草案）", "候选人简况"]),
    ("票决2026年县级民生实事项目", ["民生实事候选项目说明"]),
]


def _paper_file(title: str, meeting: Meeting) -> ContentFile[bytes]:
    doc = OfficialDocument(title, issuer=meeting.congress.name)
    doc.paragraph(f"本材料为{meeting.title}会议材料（演示数据）。")
    return ContentFile(doc.to_bytes(), name=f"{title}.docx")


def _agenda(actor: Any, meeting: Meeting, agenda: list[tuple[str, list[str]]]) -> list[Any]:
    items = []
    for title, papers in agenda:
        item = services.agenda_item_add(actor=actor, meeting=meeting, title=title)
        for paper in papers:
            services.paper_add(actor=actor, item=item, title=paper, file=_paper_file(paper, meeting))
        items.append(item)
    return items


def load(ctx: DemoContext) -> None:
    actor = ctx.users.get("staff") or ctx.users.get("admin")
    today = timezone.localdate()
    day = today + dt.timedelta(days=1)
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    sc_body = Body.objects.filter(
        congress=ctx.county, kind=BodyKind.STANDING_COMMITTEE, term=ctx.term
    ).first()
    if sc_body is not None:
        sc = services.meeting_create(
            actor=actor,
            term=ctx.term,
            kind=MeetingKind.STANDING_COMMITTEE,
            body=sc_body,
            number=20,
            title="县第十八届人大常委会第二十次会议",
            start_date=day,
            venue="县人大常委会第一会议室",
        )
        items = _agenda(actor, sc, SC_AGENDA)
        services.sitting_create(actor=actor, meeting=sc, title="第一次全体会议", starts_at=starts)
        services.poll_create(
            actor=actor,
            meeting=sc,
            kind="motion",
            item=items[0],
            title="关于批准2025年县级决算的决议（草案）",
        )
        services.poll_create(
            actor=actor,
            meeting=sc,
            kind="list",
            item=items[2],
            appointment=True,
            title="人事任免名单",
            options=[
                "任命张伟为县教育局局长",
                "任命李娜为县卫生健康局局长",
                "免去王强的县交通运输局局长职务",
            ],
        )
    session = services.meeting_create(
        actor=actor,
        term=ctx.term,
        kind=MeetingKind.CONGRESS_SESSION,
        number=5,
        title="县第十八届人民代表大会第五次会议",
        start_date=day + dt.timedelta(days=7),
        end_date=day + dt.timedelta(days=9),
        venue="县人民会堂",
    )
    items = _agenda(actor, session, SESSION_AGENDA)
    services.sitting_create(
        actor=actor, meeting=session, title="第一次全体会议", starts_at=starts + dt.timedelta(days=7)
    )
    services.poll_create(
        actor=actor,
        meeting=session,
        kind="motion",
        item=items[0],
        title="关于县人民政府工作报告的决议（草案）",
    )
    services.poll_create(
        actor=actor,
        meeting=session,
        kind="election",
        item=items[1],
        seats=1,
        title="选举县人民政府县长",
        options=["陈建国"],
    )
    services.poll_create(
        actor=actor,
        meeting=session,
        kind="election",
        item=items[1],
        seats=2,
        title="补选县人大常委会委员（差额）",
        options=["刘芳", "赵磊", "孙敏"],
    )
    services.poll_create(
        actor=actor,
        meeting=session,
        kind="choice",
        item=items[2],
        seats=4,
        title="2026年县级民生实事项目票决",
        options=[
            "农村饮水安全巩固提升",
            "城区学校扩容",
            "乡镇卫生院设备更新",
            "老旧小区改造",
            "农村公路安全防护",
            "县城停车场建设",
        ],
    )
