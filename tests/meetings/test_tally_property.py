"""Property: whatever ballots are cast, the tally accounts for every one of them."""

from hypothesis import given, settings
from hypothesis import strategies as st

from renda.meetings import rules_law as law

KEYS = ["a", "b", "c", "d"]
mark = st.sampled_from(law.MARKS)


@settings(max_examples=200, deadline=None)
@given(st.lists(mark, max_size=60), st.integers(min_value=0, max_value=80))
def test_motion_tally_equals_ballots(marks, extra):
    entitled = len(marks) + extra
    result = law.tally(
        kind="motion", meeting_kind="standing_committee", entitled=entitled, ballots=[{"v": m} for m in marks]
    )
    row = result.options[0]
    assert (row.yes, row.no, row.abstain) == tuple(marks.count(m) for m in law.MARKS)
    assert row.yes + row.no + row.abstain + result.not_voted == entitled
    assert result.passed == (2 * row.yes > entitled)


election_ballot = st.fixed_dictionaries(
    {
        "m": st.fixed_dictionaries(dict.fromkeys(KEYS[:3], mark)),
        "w": st.lists(st.sampled_from(["甲", "乙"]), max_size=2, unique=True),
    }
)


@settings(max_examples=200, deadline=None)
@given(st.lists(election_ballot, max_size=40), st.integers(min_value=1, max_value=3))
def test_election_tally_equals_ballots(ballots, seats):
    entitled = len(ballots) + 3
    result = law.tally(
        kind="election",
        meeting_kind="congress_session",
        entitled=entitled,
        ballots=ballots,
        options=[(k, k) for k in KEYS[:3]],
        seats=seats,
    )
    valid = [b for b in ballots if sum(v == "yes" for v in b["m"].values()) + len(b["w"]) <= seats]
    assert result.ballots == len(ballots)
    assert result.invalid == len(ballots) - len(valid)
    for row in result.options:
        if row.key.startswith("w:"):
            assert row.yes == sum(row.key[2:] in b["w"] for b in valid)
            continue
        for m in law.MARKS:
            assert getattr(row, m) == sum(b["m"][row.key] == m for b in valid)
    winners = [r for r in result.options if r.passed]
    assert len(winners) <= seats
    assert all(2 * r.yes > entitled for r in winners)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique=True), max_size=40),
    st.integers(min_value=1, max_value=4),
)
def test_choice_tally_equals_ballots(picks, seats):
    result = law.tally(
        kind="choice",
        meeting_kind="congress_session",
        entitled=len(picks) + 1,
        ballots=[{"p": p} for p in picks],
        options=[(k, k) for k in KEYS],
        seats=seats,
    )
    valid = [p for p in picks if len(p) <= seats]
    assert result.invalid == len(picks) - len(valid)
    for row in result.options:
        assert row.yes == sum(row.key in p for p in valid)
    assert sum(r.passed for r in result.options) <= seats
