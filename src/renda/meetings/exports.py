"""Excel exports (attendance, poll results) and the Word result announcement (表决结果公告 /
选举结果报告) laid out as an official document."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from renda.core.documents import DOCX_CONTENT_TYPE, OfficialDocument
from renda.core.exports import XLSX_CONTENT_TYPE, attachment, xlsx_bytes
from renda.core.templatetags.renda import cn_date, cn_datetime
from renda.meetings import selectors
from renda.meetings.models import Poll, PollKind, Sitting

MARK_LABELS = {"yes": "赞成", "no": "反对", "abstain": "弃权"}


def attendance_xlsx(sitting: Sitting) -> HttpResponse:
    rows = []
    for row in selectors.attendance_rows(sitting=sitting):
        p, a, leave = row["participant"], row["attendance"], row["leave"]
        rows.append(
            [
                p.person.name,
                p.get_role_display(),
                p.group_label,
                row["status"],
                cn_datetime(a.checked_in_at) if a and a.checked_in_at else "",
                "是" if a and a.late else "",
                cn_datetime(a.left_at) if a and a.left_at else "",
                leave.reason if leave else "",
                leave.get_status_display() if leave else "",
            ]
        )
    counts = selectors.attendance_counts(sitting=sitting)
    summary = [
        ["应出席", counts.entitled],
        ["出席", counts.present],
        ["请假", counts.leave],
        ["缺席", counts.absent],
        ["迟到", counts.late],
        ["早退", counts.left],
        ["列席", counts.attendees_present],
    ]
    content = xlsx_bytes(
        [
            (
                "出席情况",
                [
                    "姓名",
                    "身份",
                    "代表团或职务",
                    "出席状态",
                    "签到时间",
                    "迟到",
                    "早退时间",
                    "请假事由",
                    "请假审批",
                ],
                rows,
            ),
            ("汇总", ["项目", "人数"], summary),
        ]
    )
    return attachment(content, f"出席情况-{sitting.meeting.title}-{sitting.title}.xlsx", XLSX_CONTENT_TYPE)


def result_rows(poll: Poll) -> list[list[Any]]:
    result = poll.result or {}
    if poll.kind == PollKind.MOTION:
        o = result["options"][0]
        return [
            ["赞成", o["yes"]],
            ["反对", o["no"]],
            ["弃权", o["abstain"]],
            ["未表决", result["not_voted"]],
        ]
    rows = []
    for o in result["options"]:
        outcome = (
            "当选"
            if o["passed"] and poll.kind == PollKind.ELECTION
            else (
                "入选"
                if o["passed"] and poll.kind == PollKind.CHOICE
                else (
                    "通过"
                    if o["passed"]
                    else ("需另行投票" if o.get("tied") else "未通过" if poll.kind == PollKind.LIST else "")
                )
            )
        )
        rows.append([o["label"], o["yes"], o["no"], o["abstain"], outcome])
    return rows


def _basis(result: dict[str, Any]) -> list[str]:
    lines = [
        f"应表决人数（全体）{result['base']} 人，收回（含电子表决）{result['ballots']} 票，"
        f"有效 {result['valid']} 票，无效 {result['invalid']} 票，未表决 {result['not_voted']} 人。"
    ]
    if result.get("threshold"):
        lines.append(f"通过或当选须至少 {result['threshold']} 票（{result['rule']['text']}）。")
    else:
        lines.append(f"{result['rule']['text']}。")
    lines.append(f"依据：{result['rule']['source']}。")
    lines.extend(result.get("notes") or [])
    return lines


def poll_result_xlsx(poll: Poll) -> HttpResponse:
    result = poll.result or {}
    if poll.kind == PollKind.MOTION:
        headers, rows = ["项目", "票数"], result_rows(poll)
    else:
        headers, rows = ["候选人或事项", "赞成", "反对", "弃权", "结果"], result_rows(poll)
    basis = [[line] for line in _basis(result)] + [["结果：" + selectors.outcome_text(result)]]
    sheets: list[tuple[str, list[str], Any]] = [("表决结果", headers, rows), ("依据", ["说明"], basis)]
    votes = selectors.recorded_votes(poll=poll)
    if votes:
        sheets.append(("记名表决", ["姓名", "表决"], [[name, _choice_text(poll, c)] for name, c in votes]))
    return attachment(xlsx_bytes(sheets), f"表决结果-{poll.title}.xlsx", XLSX_CONTENT_TYPE)


def _choice_text(poll: Poll, choice: dict[str, Any]) -> str:
    if "v" in choice:
        return MARK_LABELS.get(choice["v"], "")
    labels = {str(o.pk): o.label for o in poll.options.all()}
    if "p" in choice:
        return "、".join(labels.get(k, "") for k in choice["p"])
    return "；".join(f"{labels.get(k, '')}{MARK_LABELS.get(v, '')}" for k, v in choice.get("m", {}).items())


def announcement_docx(poll: Poll) -> HttpResponse:
    meeting = poll.meeting
    result = poll.result or {}
    title = "选举结果报告" if poll.kind == PollKind.ELECTION else "表决结果公告"
    doc = OfficialDocument(title, issuer=f"{meeting.congress.name}")
    doc.paragraph(
        f"{meeting.title}于{cn_date(poll.closed_at or timezone.now())}对《{poll.title}》进行了"
        f"{'无记名投票' if poll.secret else '表决'}，结果如下："
    )
    if poll.kind == PollKind.MOTION:
        doc.table(["项目", "票数"], result_rows(poll))
    else:
        doc.table(["候选人或事项", "赞成", "反对", "弃权", "结果"], result_rows(poll))
    for line in _basis(result):
        doc.paragraph(line)
    doc.paragraph(f"表决结果：{selectors.outcome_text(result)}。")
    doc.paragraph("特此公告。")
    doc.signature(f"{meeting.title}", (poll.closed_at or timezone.now()).date())
    return attachment(doc.to_bytes(), f"{title}-{poll.title}.docx", DOCX_CONTENT_TYPE)
