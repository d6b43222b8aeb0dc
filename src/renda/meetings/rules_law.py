"""The legal rules of meetings and voting, in one place, each with its source (DOMAIN_RULES.md §1).

Pure arithmetic on counts: no database access, so the rules are table-tested at every boundary.
"三分之二以上" includes the bound; "过半数" is strictly more than half; the base of a majority is
ALL entitled members, never those present or voting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from renda.core.rule_settings import define_setting


class Kind:
    CONGRESS_SESSION = "congress_session"
    TOWNSHIP_SESSION = "township_session"
    STANDING_COMMITTEE = "standing_committee"
    COUNCIL_OF_CHAIRPERSONS = "council_of_chairpersons"


@dataclass(frozen=True)
class Rule:
    key: str
    text: str  # the rule as printed beside a result (Chinese: users read it)
    source: str


# --- quorum -------------------------------------------------------------------------------
QUORUM_TWO_THIRDS = Rule(
    "quorum_two_thirds",
    "全体代表的三分之二以上出席，始得举行",
    "《地方各级人民代表大会和地方各级人民政府组织法》第十四条",
)
QUORUM_MAJORITY = Rule(
    "quorum_majority",
    "全体组成人员过半数出席，始得举行",
    "《地方各级人民代表大会和地方各级人民政府组织法》第五十一条",
)
# The law sets no quorum for the council of chairpersons; provincial rules of procedure use 过半数.
QUORUM_COUNCIL = Rule("quorum_council", "主任会议组成人员过半数出席，始得举行", "常委会议事规则（主任会议）")

# --- passing ------------------------------------------------------------------------------
PASS_SESSION = Rule(
    "pass_session", "以全体代表的过半数通过", "《地方各级人民代表大会和地方各级人民政府组织法》第二十五条"
)
PASS_STANDING = Rule(
    "pass_standing",
    "以全体组成人员的过半数通过",
    "《地方各级人民代表大会和地方各级人民政府组织法》第五十一条",
)
PASS_COUNCIL = Rule("pass_council", "以主任会议组成人员的过半数通过", "常委会议事规则（主任会议）")
ELECTED = Rule(
    "elected",
    "获得全体代表过半数的选票始得当选；超过应选名额时以得票多的当选，末位票数相等的另行选举",
    "《地方各级人民代表大会和地方各级人民政府组织法》第二十九条",
)
PROJECT_CHOSEN = Rule(
    "project_chosen",
    "按得票多少确定，且须获得全体代表过半数的选票；末位票数相等的另行投票",
    "民生实事项目人大代表票决制（设置项 meetings.project_vote_majority）",
)
PROJECT_CHOSEN_PLURALITY = Rule(
    "project_chosen_plurality",
    "按得票多少确定；末位票数相等的另行投票",
    "民生实事项目人大代表票决制（设置项 meetings.project_vote_majority）",
)
OVERMARKED_INVALID = Rule(
    "overmarked_invalid", "所选人数多于应选名额的选票无效", "《选举法》第四十四条、第四十五条"
)
ROUND_VOID = Rule("round_void", "收回的选票多于发出的选票，选举无效", "《选举法》第四十四条")

PROJECT_MAJORITY = define_setting(
    "meetings.project_vote_majority",
    default=True,
    label=_("A livelihood project must receive votes of more than half of all deputies"),
    source="民生实事项目人大代表票决制（各地办法）",
    choices=((True, _("Required")), (False, _("No, votes in order only"))),
)
SC_APPOINTMENT_SECRET = define_setting(
    "meetings.sc_appointment_secret",
    default=True,
    label=_("Appointments at a standing committee meeting are voted by anonymous ballot"),
    source="《监督法》第六十一条、第六十二条；省级议事规则",
    choices=((True, _("Anonymous ballot")), (False, _("Recorded vote"))),
)

SESSION_KINDS = {Kind.CONGRESS_SESSION, Kind.TOWNSHIP_SESSION}


def more_than_half(count: int, base: int) -> bool:
    """过半数: strictly more than half."""
    return 2 * count > base


def at_least_two_thirds(count: int, base: int) -> bool:
    """三分之二以上: 以上 includes the bound."""
    return 3 * count >= 2 * base


def majority_threshold(base: int) -> int:
    """The smallest count that is 过半数 of ``base``."""
    return base // 2 + 1


def two_thirds_threshold(base: int) -> int:
    """The smallest count that is 三分之二以上 of ``base``."""
    return -(-2 * base // 3)


@dataclass(frozen=True)
class QuorumResult:
    ok: bool
    entitled: int
    present: int
    threshold: int
    rule: Rule

    @property
    def message(self) -> str:
        # e.g. 需全体组成人员过半数出席，现出席 X 人
        need = "三分之二以上" if self.rule is QUORUM_TWO_THIRDS else "过半数"
        whom = "全体代表" if self.rule is QUORUM_TWO_THIRDS else "全体组成人员"
        state = "已达到法定人数" if self.ok else "未达到法定人数"
        return (
            f"需{whom}{need}出席（应出席 {self.entitled} 人，至少 {self.threshold} 人），"
            f"现出席 {self.present} 人，{state}。"
        )


def quorum_rule(kind: str) -> Rule:
    if kind in SESSION_KINDS:
        return QUORUM_TWO_THIRDS
    if kind == Kind.STANDING_COMMITTEE:
        return QUORUM_MAJORITY
    return QUORUM_COUNCIL


def quorum(kind: str, *, entitled: int, present: int) -> QuorumResult:
    rule = quorum_rule(kind)
    if rule is QUORUM_TWO_THIRDS:
        return QuorumResult(
            entitled > 0 and at_least_two_thirds(present, entitled),
            entitled,
            present,
            two_thirds_threshold(entitled),
            rule,
        )
    return QuorumResult(
        entitled > 0 and more_than_half(present, entitled),
        entitled,
        present,
        majority_threshold(entitled),
        rule,
    )


def pass_rule(kind: str) -> Rule:
    if kind in SESSION_KINDS:
        return PASS_SESSION
    if kind == Kind.STANDING_COMMITTEE:
        return PASS_STANDING
    return PASS_COUNCIL


# --- tallies --------------------------------------------------------------------------------
YES, NO, ABSTAIN = "yes", "no", "abstain"
MARKS = (YES, NO, ABSTAIN)


@dataclass
class OptionResult:
    key: str
    label: str
    yes: int = 0
    no: int = 0
    abstain: int = 0
    passed: bool = False
    tied: bool = False  # tie at the last seat: another round


@dataclass
class PollResult:
    kind: str
    base: int  # all entitled members
    threshold: int  # yes votes needed (0 when there is no majority requirement)
    rule: Rule
    ballots: int  # ballots cast (incl. invalid)
    valid: int
    invalid: int = 0
    not_voted: int = 0
    options: list[OptionResult] = field(default_factory=list)
    write_ins: dict[str, int] = field(default_factory=dict)
    passed: bool = False
    void: bool = False
    runoff: list[str] = field(default_factory=list)  # option keys tied at the last seat
    notes: list[str] = field(default_factory=list)
    setting: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rule"] = asdict(self.rule)
        return data

    @property
    def outcome_text(self) -> str:
        if self.void:
            return "选举无效"
        if self.kind in ("election", "choice"):
            winners = [o.label for o in self.options if o.passed]
            text = ("当选：" if self.kind == "election" else "入选：") + (
                "、".join(winners) if winners else "无"
            )
            if self.runoff:
                text += "；需另行投票：" + "、".join(o.label for o in self.options if o.tied)
            return text
        if self.kind == "list":
            return "；".join(f"{o.label}{'通过' if o.passed else '未通过'}" for o in self.options)
        return "通过" if self.passed else "未通过"


def _seat_winners(rows: list[OptionResult], seats: int, qualifies: Any) -> list[str]:
    """Mark winners among qualifying rows in order of yes votes; report a tie at the last seat."""
    eligible = sorted((r for r in rows if qualifies(r)), key=lambda r: -r.yes)
    if len(eligible) <= seats:
        for r in eligible:
            r.passed = True
        return []
    cut = eligible[seats - 1].yes
    above = [r for r in eligible if r.yes > cut]
    at_cut = [r for r in eligible if r.yes == cut]
    for r in above:
        r.passed = True
    if len(above) + len(at_cut) <= seats:
        for r in at_cut:
            r.passed = True
        return []
    for r in at_cut:
        r.tied = True
    return [r.key for r in at_cut]


def tally(
    *,
    kind: str,
    meeting_kind: str,
    entitled: int,
    ballots: Sequence[Mapping[str, Any]],
    options: Sequence[tuple[str, str]] = (),
    seats: int = 1,
    paper: Mapping[str, Any] | None = None,
    project_majority: bool = True,
    weights: Sequence[int] | None = None,
) -> PollResult:
    """Count ``ballots`` (their stored choice dicts) for a poll of ``kind``.

    motion: {"v": "yes"|"no"|"abstain"}; list/election: {"m": {option_key: mark}, "w": [names]};
    choice: {"p": [option_keys]}. A paper count (二人录入复核, confirmed) is added on top.
    With ``weights``, ``ballots`` are the distinct choices and each counts ``weights[i]`` times
    (the database grouped identical ballots).
    """
    option_rows = [OptionResult(key, label) for key, label in options]
    by_key = {r.key: r for r in option_rows}
    motion = OptionResult("motion", "")
    invalid = 0
    write_ins: dict[str, int] = {}
    multiplicity = weights if weights is not None else [1] * len(ballots)
    for ballot, n in zip(ballots, multiplicity, strict=True):
        if kind == "motion":
            mark = ballot.get("v")
            if mark in MARKS:
                setattr(motion, mark, getattr(motion, mark) + n)
            continue
        if kind == "choice":
            picks = [p for p in ballot.get("p", []) if p in by_key]
            if len(set(picks)) > seats:
                invalid += n
                continue
            for p in set(picks):
                by_key[p].yes += n
            continue
        marks = ballot.get("m", {})
        names = [w for w in ballot.get("w", []) if w]
        if kind == "election" and sum(1 for v in marks.values() if v == YES) + len(names) > seats:
            invalid += n  # 选举法 arts 44–45: more marks than seats
            continue
        for key, mark in marks.items():
            if key in by_key and mark in MARKS:
                setattr(by_key[key], mark, getattr(by_key[key], mark) + n)
        for name in names:
            write_ins[name] = write_ins.get(name, 0) + n
    cast = sum(multiplicity)
    notes: list[str] = []
    void = False
    if paper:
        cast += int(paper.get("returned", 0))
        invalid += int(paper.get("invalid", 0))
        for key, counts in paper.get("options", {}).items():
            row = motion if kind == "motion" else by_key.get(key)
            if row is None:
                continue
            for mark in MARKS:
                setattr(row, mark, getattr(row, mark) + int(counts.get(mark, 0)))
        for name, n in paper.get("write_ins", {}).items():
            write_ins[name] = write_ins.get(name, 0) + int(n)
        if int(paper.get("returned", 0)) > int(paper.get("issued", 0)):
            void = True
            notes.append(f"{ROUND_VOID.text}（{ROUND_VOID.source}）")
    not_voted = max(entitled - cast, 0)
    threshold = majority_threshold(entitled)
    if kind == "motion":
        rule = pass_rule(meeting_kind)
        motion.passed = more_than_half(motion.yes, entitled)
        return PollResult(
            kind,
            entitled,
            threshold,
            rule,
            cast,
            cast - invalid,
            invalid,
            not_voted,
            [motion],
            write_ins,
            motion.passed,
            void,
            [],
            notes,
        )
    if kind == "list":
        rule = pass_rule(meeting_kind)
        for r in option_rows:
            r.passed = more_than_half(r.yes, entitled)
        return PollResult(
            kind,
            entitled,
            threshold,
            rule,
            cast,
            cast - invalid,
            invalid,
            not_voted,
            option_rows,
            write_ins,
            all(r.passed for r in option_rows),
            void,
            [],
            notes,
        )
    if kind == "election":
        rule = ELECTED
        # Write-ins are candidates too (组织法 art 28: 另选他人).
        all_rows = option_rows + [OptionResult(f"w:{n}", f"{n}（另选）", yes=c) for n, c in write_ins.items()]
        runoff = [] if void else _seat_winners(all_rows, seats, lambda r: more_than_half(r.yes, entitled))
        if void:
            for r in all_rows:
                r.passed = False
        if invalid:
            notes.append(f"无效票 {invalid} 张：{OVERMARKED_INVALID.text}（{OVERMARKED_INVALID.source}）")
        return PollResult(
            kind,
            entitled,
            threshold,
            rule,
            cast,
            cast - invalid,
            invalid,
            not_voted,
            all_rows,
            write_ins,
            any(r.passed for r in all_rows),
            void,
            runoff,
            notes,
        )
    # choice: pick up to ``seats`` of the options
    rule = PROJECT_CHOSEN if project_majority else PROJECT_CHOSEN_PLURALITY
    runoff = _seat_winners(
        option_rows,
        seats,
        (lambda r: more_than_half(r.yes, entitled)) if project_majority else (lambda r: r.yes > 0),
    )
    return PollResult(
        kind,
        entitled,
        threshold if project_majority else 0,
        rule,
        cast,
        cast - invalid,
        invalid,
        not_voted,
        option_rows,
        write_ins,
        any(r.passed for r in option_rows),
        void,
        runoff,
        notes,
    )


def validate_choice(
    *, kind: str, choice: Mapping[str, Any], option_keys: Sequence[str], seats: int
) -> dict[str, Any]:
    """Normalise an electronic ballot; raise ValueError with a Chinese message when it is malformed.
    The device refuses an over-marked election ballot instead of recording an invalid one."""
    keys = set(option_keys)
    if kind == "motion":
        mark = choice.get("v")
        if mark not in MARKS:
            raise ValueError("请选择赞成、反对或弃权。")
        return {"v": mark}
    if kind == "choice":
        picks = choice.get("p")
        if (
            not isinstance(picks, list)
            or not picks
            or not set(picks) <= keys
            or len(set(picks)) != len(picks)
        ):
            raise ValueError("请从候选项目中选择。")
        if len(picks) > seats:
            raise ValueError(f"最多只能选择 {seats} 项。")
        return {"p": sorted(picks)}
    marks = choice.get("m")
    if not isinstance(marks, dict) or set(marks) != keys or any(v not in MARKS for v in marks.values()):
        raise ValueError("请对每一项都作出赞成、反对或弃权的选择。")
    names: list[str] = []
    if kind == "election":
        raw = choice.get("w", [])
        if not isinstance(raw, list):
            raise ValueError("另选他人的姓名格式不正确。")
        names = [str(n).strip()[:30] for n in raw if str(n).strip()]
        if sum(1 for v in marks.values() if v == YES) + len(names) > seats:
            raise ValueError(f"应选 {seats} 名，赞成票（含另选他人）不能多于 {seats} 名。")
    return {"m": {k: marks[k] for k in sorted(marks)}, "w": names}
