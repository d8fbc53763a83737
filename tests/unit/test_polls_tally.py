"""Property tests: the MSC3381 tally against a deliberately naive reference model.

The reference replays the room's history in time order ("the last thing each person said is their vote")
and only then applies the validity rules; the real tally picks each voter's maximum directly. Both must
agree for any history of responses, changes of mind, un-votes, spoiled votes, redactions and late votes.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from commands.polls.tally import Response, tally

ANSWERS = ["1", "2", "3", "4"]
VOTERS = ["@a:x", "@b:x", "@c:x", "@d:x", "@e:x"]


@dataclass(frozen=True)
class Said:
    voter: str
    ts: int
    selections: Any


@dataclass(frozen=True)
class Redact:
    target: int  # index into the responses said so far (modulo their number)


choice_selections = st.one_of(
    st.lists(st.sampled_from([*ANSWERS, "unbekannt", ""]), max_size=5),
    st.none(),
    st.just("kein Array"),
    st.lists(st.integers(), max_size=2),
)
points_selections = st.one_of(
    st.dictionaries(st.sampled_from([*ANSWERS, "x"]), st.integers(-1, 6), max_size=4),
    st.none(),
    st.lists(st.sampled_from(ANSWERS), max_size=2),
)


def histories(selections: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Said | Redact]]:
    said = st.builds(Said, st.sampled_from(VOTERS), st.integers(0, 30), selections)
    return st.lists(st.one_of(said, said, said, st.builds(Redact, st.integers(0, 1000))), max_size=40)


def stored(history: list[Said | Redact]) -> list[Response]:
    """What the database holds: every response once, in arrival order, redacted ones flagged."""
    said = [item for item in history if isinstance(item, Said)]
    redacted: set[int] = set()
    seen = 0
    for item in history:
        if isinstance(item, Said):
            seen += 1
        elif seen:
            redacted.add(item.target % seen)
    return [
        Response(voter=s.voter, ts=s.ts, seq=i, selections=s.selections, redacted=i in redacted)
        for i, s in enumerate(said)
    ]


def reference(
    responses: list[Response], *, max_selections: int, points: int | None, end_ts: int | None
) -> tuple[dict[str, int], int, int]:
    """Replay in time order; the last statement of each person stands; then judge it."""
    state: dict[str, Any] = {}
    for r in sorted(responses, key=lambda r: (r.ts, r.seq)):
        if r.redacted or (end_ts is not None and r.ts > end_ts):
            continue
        state[r.voter] = r.selections
    counts = dict.fromkeys(ANSWERS, 0)
    voters = spoiled = 0
    for selections in state.values():
        if points is None:
            if not isinstance(selections, list) or any(not isinstance(s, str) for s in selections):
                spoiled += 1
                continue
            kept = selections[:max_selections]
            if any(s not in ANSWERS for s in kept):
                spoiled += 1
                continue
            if not kept:
                continue
            voters += 1
            for answer in set(kept):
                counts[answer] += 1
        else:
            if not isinstance(selections, dict):
                spoiled += 1
                continue
            bad = any(k not in ANSWERS or type(v) is not int or v < 0 for k, v in selections.items())
            if bad or sum(selections.values()) > points:
                spoiled += 1
                continue
            if sum(selections.values()) == 0:
                continue
            voters += 1
            for answer, amount in selections.items():
                counts[answer] += amount
    return counts, voters, spoiled


@settings(max_examples=400, deadline=None)
@given(
    history=histories(choice_selections),
    max_selections=st.integers(1, 3),
    end_ts=st.one_of(st.none(), st.integers(0, 30)),
)
def test_choice_tally_matches_reference(
    history: list[Said | Redact], max_selections: int, end_ts: int | None
) -> None:
    responses = stored(history)
    result = tally(responses, ANSWERS, max_selections=max_selections, end_ts=end_ts)
    assert (result.counts, result.voters, result.spoiled) == reference(
        responses, max_selections=max_selections, points=None, end_ts=end_ts
    )
    assert result.total <= result.voters * max_selections
    assert result.voters + result.spoiled <= len({r.voter for r in responses})
    assert len(result.ballots) == result.voters


@settings(max_examples=300, deadline=None)
@given(
    history=histories(points_selections),
    budget=st.integers(1, 10),
    end_ts=st.one_of(st.none(), st.integers(0, 30)),
)
def test_points_tally_matches_reference(
    history: list[Said | Redact], budget: int, end_ts: int | None
) -> None:
    responses = stored(history)
    result = tally(responses, ANSWERS, points=budget, end_ts=end_ts)
    assert (result.counts, result.voters, result.spoiled) == reference(
        responses, max_selections=1, points=budget, end_ts=end_ts
    )
    assert result.total <= result.voters * budget


@settings(max_examples=200, deadline=None)
@given(history=histories(choice_selections), seed=st.integers(0, 2**16))
def test_arrival_order_does_not_matter(history: list[Said | Redact], seed: int) -> None:
    """Gap-filled or re-synced events arrive out of order; the tally is the same."""
    responses = stored(history)
    shuffled = responses[:]
    random.Random(seed).shuffle(shuffled)
    assert tally(shuffled, ANSWERS, max_selections=2) == tally(responses, ANSWERS, max_selections=2)


@settings(max_examples=200, deadline=None)
@given(history=histories(choice_selections))
def test_redacting_a_response_is_the_same_as_never_having_sent_it(history: list[Said | Redact]) -> None:
    responses = stored(history)
    live = [r for r in responses if not r.redacted]
    for victim in live[:3]:
        redacted = [
            Response(r.voter, r.ts, r.seq, r.selections, redacted=r.redacted or r is victim)
            for r in responses
        ]
        without = [r for r in responses if r is not victim]
        assert tally(redacted, ANSWERS) == tally(without, ANSWERS)


def test_examples_from_the_msc() -> None:
    r = lambda voter, ts, sel, **kw: Response(voter, ts, ts, sel, **kw)  # noqa: E731
    # latest wins even when it is invalid
    assert tally([r("@a", 1, ["1"]), r("@a", 2, ["nope"])], ANSWERS).spoiled == 1
    # truncation happens before the unknown-id check, duplicates count once
    t = tally([r("@a", 1, ["2", "2", "zzz"])], ANSWERS, max_selections=2)
    assert t.counts["2"] == 1 and t.spoiled == 0
    # votes after the end are ignored, the earlier one stands
    t = tally([r("@a", 1, ["1"]), r("@a", 9, ["2"])], ANSWERS, end_ts=5)
    assert t.counts["1"] == 1 and t.counts["2"] == 0
    # a vote exactly at the end counts
    assert tally([r("@a", 5, ["3"])], ANSWERS, end_ts=5).counts["3"] == 1
    # ties are all leaders
    t = tally([r("@a", 1, ["1"]), r("@b", 1, ["2"])], ANSWERS)
    assert t.leaders() == ["1", "2"]
    assert Counter(t.counts.values()) == Counter({0: 2, 1: 2})
