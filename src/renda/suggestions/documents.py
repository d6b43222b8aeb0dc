"""Official letters of the suggestion circuit (GB/T 9704 via ``OfficialDocument``): the reply
letter, the assignment notice per unit and the supervision round's report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from renda.core.documents import OfficialDocument
from renda.core.models import Congress, CongressKind
from renda.core.templatetags.renda import cn_date
from renda.org.models import HandlingUnit
from renda.suggestions import deadlines
from renda.suggestions.models import Assignment, Reply, RoundVisit, Suggestion, SupervisionRound, UnitRole


def office_name(congress: Congress) -> str:
    # County: the standing committee's office assigns; township: the presidium (代表法 art 51).
    if congress.kind == CongressKind.TOWNSHIP:
        return f"{congress.name}主席团"
    return f"{congress.name}常务委员会办公室"


def reply_letter(reply: Reply) -> bytes:
    s: Suggestion = reply.suggestion
    unit = reply.unit.organ.name
    doc = OfficialDocument(
        f"关于{s.title}的答复" if not s.title.startswith("关于") else f"对{s.title}的答复",
        issuer=unit,
        doc_number=f"{s.year}年第{s.code}号",
    )
    doc.salutation(f"{s.submitter.name}代表：")
    doc.paragraph(
        f"您提出的《{s.title}》（第{s.code}号）收悉。"
        + ("经重新办理，" if reply.round == 2 else "")
        + "现答复如下："
    )
    for part in reply.text.splitlines():
        if part.strip():
            doc.paragraph(part.strip())
    classes = dict(deadlines.reply_classes(s.congress))
    doc.paragraph(f"答复类别：{classes.get(reply.category, reply.category)}。")
    doc.paragraph("感谢您对我们工作的关心和支持。")
    doc.paragraph(f"签发人：{reply.signer}")
    doc.signature(unit, reply.replied_on)
    return doc.to_bytes()


def assignment_notice(
    *, congress: Congress, unit: HandlingUnit, assignments: Sequence[Assignment], day: dt.date
) -> bytes:
    doc = OfficialDocument("关于交办代表建议的通知", issuer=office_name(congress))
    doc.salutation(f"{unit.organ.name}：")
    doc.paragraph(
        f"现将{len(assignments)}件代表建议交由你单位办理。请按照《代表法》第五十一条的规定，"
        "自交办之日起三个月内（重大或复杂事项六个月内）办理完毕并书面答复代表；"
        "答复前应与代表联系沟通，充分听取意见。协办单位应在规定期限内向主办单位提出书面协办意见。"
    )
    rows = [
        (
            a.suggestion.code,
            a.suggestion.title,
            a.suggestion.submitter.name,
            "主办" if a.role == UnitRole.LEAD else "协办",
            cn_date(a.due_date),
        )
        for a in assignments
    ]
    doc.table(["编号", "标题", "领衔代表", "承办方式", "期限"], rows)
    doc.signature(office_name(congress), day)
    return doc.to_bytes()


def round_report(rnd: SupervisionRound, visits: Sequence[dict[str, object]]) -> bytes:
    doc = OfficialDocument(f"关于{rnd.title}情况的报告", issuer=office_name(rnd.congress))
    led = f"，由{rnd.leader}带队" if rnd.leader else ""
    doc.paragraph(
        f"{cn_date(rnd.planned_on)}{led}，对{len(visits)}个承办单位开展代表建议巡回集中督办。情况如下："
    )
    for index, item in enumerate(visits, start=1):
        visit: RoundVisit = item["visit"]  # type: ignore[assignment]
        open_items: list[Suggestion] = item["open"]  # type: ignore[assignment]
        doc.heading(f"{'一二三四五六七八九十'[index - 1] if index <= 10 else index}、{visit.unit.organ.name}")
        doc.paragraph(f"在办建议{len(open_items)}件。办理进展：{visit.progress or '未记录'}")
        if visit.follow_ups:
            doc.paragraph(f"督办意见：{visit.follow_ups}")
    doc.signature(office_name(rnd.congress), rnd.planned_on)
    return doc.to_bytes()
