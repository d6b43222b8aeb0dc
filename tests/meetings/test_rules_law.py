"""The legal rules at and around every boundary (DOMAIN_RULES.md §1), table-driven."""

import pytest

from renda.meetings import rules_law as law

# (meeting kind, entitled, present, quorum?) — 三分之二以上 includes the bound; 过半数 is strict.
QUORUM = [
    ("congress_session", 150, 100, True),  # exactly two thirds
    ("congress_session", 150, 99, False),
    ("congress_session", 250, 167, True),  # 2/3 of 250 = 166.67 → 167
    ("congress_session", 250, 166, False),
    ("township_session", 40, 27, True),  # 26.67 → 27
    ("township_session", 40, 26, False),
    ("township_session", 30, 20, True),
    ("standing_committee", 30, 16, True),  # strictly more than 15
    ("standing_committee", 30, 15, False),  # exactly half is not 过半数
    ("standing_committee", 31, 16, True),
    ("standing_committee", 31, 15, False),
    ("council_of_chairpersons", 6, 4, True),
    ("council_of_chairpersons", 6, 3, False),
    ("standing_committee", 0, 0, False),
]


@pytest.mark.parametrize(("kind", "entitled", "present", "ok"), QUORUM)
def test_quorum(kind, entitled, present, ok):
    result = law.quorum(kind, entitled=entitled, present=present)
    assert result.ok is ok
    assert f"现出席 {present} 人" in result.message
    assert (present >= result.threshold) is ok or entitled == 0


def test_quorum_message_names_the_rule():
    result = law.quorum("standing_committee", entitled=30, present=15)
    assert result.message.startswith("需全体组成人员过半数出席")
    assert "未达到法定人数" in result.message
    assert result.rule.source.endswith("第五十一条")
    assert law.quorum("congress_session", entitled=9, present=6).rule.source.endswith("第十四条")


# (meeting kind, entitled, yes, no, abstain, passes) — the base is ALL entitled members.
MOTION = [
    ("standing_committee", 30, 16, 0, 0, True),
    ("standing_committee", 30, 15, 0, 0, False),  # half of all is not enough
    ("standing_committee", 30, 15, 1, 1, False),  # a majority of those voting is not enough
    ("standing_committee", 31, 16, 10, 5, True),
    ("congress_session", 250, 126, 0, 0, True),
    ("congress_session", 250, 125, 0, 0, False),
    ("congress_session", 250, 125, 10, 100, False),  # abstain is not yes
    ("township_session", 41, 21, 20, 0, True),
    ("township_session", 41, 20, 0, 0, False),
]


@pytest.mark.parametrize(("kind", "entitled", "yes", "no", "abstain", "passes"), MOTION)
def test_motion(kind, entitled, yes, no, abstain, passes):
    ballots = [{"v": "yes"}] * yes + [{"v": "no"}] * no + [{"v": "abstain"}] * abstain
    result = law.tally(kind="motion", meeting_kind=kind, entitled=entitled, ballots=ballots)
    assert result.passed is passes
    assert result.base == entitled
    assert result.threshold == entitled // 2 + 1
    assert result.not_voted == entitled - yes - no - abstain
    row = result.options[0]
    assert (row.yes, row.no, row.abstain) == (yes, no, abstain)
    assert result.rule in (law.PASS_SESSION, law.PASS_STANDING)


def _election(entitled, seats, yes_counts, write_ins=None, overmarked=0, paper=None):
    options = [(str(i), f"候选人{i}") for i in range(len(yes_counts))]
    ballots = []
    for i, n in enumerate(yes_counts):
        ballots += [{"m": {str(j): ("yes" if j == i else "no") for j in range(len(yes_counts))}, "w": []}] * n
    for name, n in (write_ins or {}).items():
        ballots += [{"m": {str(j): "no" for j in range(len(yes_counts))}, "w": [name]}] * n
    ballots += [{"m": {str(j): "yes" for j in range(len(yes_counts))}, "w": []}] * overmarked
    return law.tally(
        kind="election",
        meeting_kind="congress_session",
        entitled=entitled,
        ballots=ballots,
        options=options,
        seats=seats,
        paper=paper,
    )


def test_election_needs_more_than_half_of_all_deputies():
    result = _election(100, 1, [51, 40])
    assert [o.passed for o in result.options] == [True, False]
    result = _election(100, 1, [50, 40])  # exactly half: not elected
    assert not any(o.passed for o in result.options)
    assert result.rule is law.ELECTED


def test_election_more_pass_than_seats_most_votes_win():
    paper = {
        "issued": 100,
        "returned": 100,
        "invalid": 0,
        "write_ins": {},
        "options": {"0": {"yes": 80}, "1": {"yes": 70}, "2": {"yes": 60}},
    }
    result = _election(100, 2, [0, 0, 0], paper=paper)
    assert [o.passed for o in result.options] == [True, True, False]
    assert result.runoff == []


def test_election_tie_at_last_seat_means_another_round():
    paper = {
        "issued": 100,
        "returned": 100,
        "invalid": 0,
        "write_ins": {},
        "options": {"0": {"yes": 80}, "1": {"yes": 70}, "2": {"yes": 70}},
    }
    result = _election(100, 2, [0, 0, 0], paper=paper)
    assert [o.passed for o in result.options] == [True, False, False]
    assert [o.tied for o in result.options] == [False, True, True]
    assert result.runoff == ["1", "2"]
    assert "需另行投票" in result.outcome_text


def test_election_overmarked_ballot_is_invalid_and_write_in_counts():
    result = _election(9, 1, [5, 1], write_ins={"张三": 1}, overmarked=2)
    assert result.ballots == 9 and result.invalid == 2 and result.valid == 7
    assert result.write_ins == {"张三": 1}
    assert result.options[0].passed and result.options[0].yes == 5
    assert any("无效票 2 张" in n for n in result.notes)


def test_more_ballots_returned_than_issued_voids_the_round():
    paper = {"issued": 50, "returned": 51, "invalid": 0, "write_ins": {}, "options": {"0": {"yes": 51}}}
    result = _election(50, 1, [0], paper=paper)
    assert result.void and not result.passed and result.outcome_text == "选举无效"


def test_list_vote_each_item_against_all_members():
    options = [("a", "任命甲"), ("b", "任命乙")]
    ballots = [{"m": {"a": "yes", "b": "no"}}] * 6 + [{"m": {"a": "abstain", "b": "yes"}}] * 1
    result = law.tally(
        kind="list", meeting_kind="standing_committee", entitled=11, ballots=ballots, options=options
    )
    assert [o.passed for o in result.options] == [True, False]
    assert not result.passed


@pytest.mark.parametrize(("majority", "chosen"), [(True, [True, False, False]), (False, [True, True, False])])
def test_pick_n_of_m(majority, chosen):
    options = [("a", "项目甲"), ("b", "项目乙"), ("c", "项目丙")]
    ballots = [{"p": ["a", "b"]}] * 3 + [{"p": ["a"]}] * 3 + [{"p": ["c"]}]
    result = law.tally(
        kind="choice",
        meeting_kind="congress_session",
        entitled=10,
        ballots=ballots,
        options=options,
        seats=2,
        project_majority=majority,
    )
    assert [o.passed for o in result.options] == chosen


@pytest.mark.parametrize(
    ("base", "half", "two_thirds"),
    [(1, 1, 1), (2, 2, 2), (3, 2, 2), (30, 16, 20), (31, 16, 21), (250, 126, 167)],
)
def test_thresholds(base, half, two_thirds):
    assert law.majority_threshold(base) == half
    assert law.two_thirds_threshold(base) == two_thirds
    assert law.more_than_half(half, base) and not law.more_than_half(half - 1, base)
    assert law.at_least_two_thirds(two_thirds, base) and not law.at_least_two_thirds(two_thirds - 1, base)


@pytest.mark.parametrize(
    ("kind", "choice", "message"),
    [
        ("motion", {"v": "maybe"}, "赞成、反对或弃权"),
        ("election", {"m": {"1": "yes", "2": "yes"}, "w": []}, "不能多于 1 名"),
        ("election", {"m": {"1": "no", "2": "yes"}, "w": ["李四"]}, "不能多于 1 名"),
        ("list", {"m": {"1": "yes"}}, "每一项"),
        ("choice", {"p": ["1", "2"]}, "最多只能选择 1 项"),
        ("choice", {"p": ["9"]}, "请从候选项目中选择"),
    ],
)
def test_validate_choice_refuses(kind, choice, message):
    with pytest.raises(ValueError, match=message):
        law.validate_choice(kind=kind, choice=choice, option_keys=["1", "2"], seats=1)
