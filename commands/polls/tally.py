"""Counting votes exactly by MSC3381, as a pure function over the stored responses.

The rules (MSC3381, "Chat Polls"):

* only a voter's most recent response by ``origin_server_ts`` counts, even if it is invalid;
* responses stamped after the end of the poll are ignored as if they never happened;
* a redacted response is ignored, so the voter's previous response applies again ("revert");
* selections are truncated to ``max_selections``; if any remaining id is unknown the vote is spoiled
  (as if no selection was made); a repeated id counts once;
* an empty selection un-votes.

Points polls (not part of MSC3381) follow the same "latest response wins" rule; a points response is
spoiled if it names an unknown option, uses a negative or non-integer amount, or exceeds the budget.

Keeping this free of I/O means the same code serves the result message, ``!ergebnis``, the export, the
reminder's "who has not voted yet" and the property tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Response:
    """One stored response. ``seq`` breaks ties between equal timestamps (arrival order)."""

    voter: str
    ts: int
    seq: int
    selections: Any  # list of answer ids, mapping id → points, or None (malformed)
    redacted: bool = False


@dataclass(frozen=True)
class Tally:
    counts: dict[str, int]  # answer id → votes (choice) or points (points poll), every id present
    voters: int  # people whose current vote counts
    spoiled: int  # people whose current vote is invalid
    ballots: dict[str, dict[str, int]] = field(default_factory=dict)  # voter → {answer id: votes/points}

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def leaders(self) -> list[str]:
        """The answer ids with the highest count; several on a tie, none if nobody voted."""
        best = max(self.counts.values(), default=0)
        if best <= 0:
            return []
        return [answer for answer, count in self.counts.items() if count == best]


def latest(responses: Iterable[Response], end_ts: int | None = None) -> dict[str, Response]:
    """Each voter's response that counts now: newest by (ts, seq), ignoring redacted and late ones."""
    current: dict[str, Response] = {}
    for response in responses:
        if response.redacted or (end_ts is not None and response.ts > end_ts):
            continue
        seen = current.get(response.voter)
        if seen is None or (response.ts, response.seq) > (seen.ts, seen.seq):
            current[response.voter] = response
    return current


def choice_ballot(selections: Any, answer_ids: Sequence[str], max_selections: int) -> dict[str, int] | None:
    """A valid choice ballot ({id: 1}), ``{}`` for an un-vote, or None if spoiled."""
    if not isinstance(selections, list | tuple) or not all(isinstance(s, str) for s in selections):
        return None
    chosen = list(selections)[: max(1, max_selections)]
    known = set(answer_ids)
    if any(s not in known for s in chosen):
        return None
    return dict.fromkeys(chosen, 1)


def points_ballot(selections: Any, answer_ids: Sequence[str], budget: int) -> dict[str, int] | None:
    """A valid points ballot ({id: points > 0}), ``{}`` for an un-vote, or None if spoiled."""
    if not isinstance(selections, Mapping):
        return None
    known = set(answer_ids)
    ballot: dict[str, int] = {}
    for answer, amount in selections.items():
        if answer not in known or isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            return None
        if amount:
            ballot[answer] = amount
    if sum(ballot.values()) > budget:
        return None
    return ballot


def tally(
    responses: Iterable[Response],
    answer_ids: Sequence[str],
    *,
    max_selections: int = 1,
    points: int | None = None,
    end_ts: int | None = None,
) -> Tally:
    counts = dict.fromkeys(answer_ids, 0)
    voters = spoiled = 0
    ballots: dict[str, dict[str, int]] = {}
    for voter, response in latest(responses, end_ts).items():
        if points is None:
            ballot = choice_ballot(response.selections, answer_ids, max_selections)
        else:
            ballot = points_ballot(response.selections, answer_ids, points)
        if ballot is None:
            spoiled += 1
            continue
        if not ballot:
            continue  # un-voted
        voters += 1
        ballots[voter] = ballot
        for answer, amount in ballot.items():
            counts[answer] += amount
    return Tally(counts=counts, voters=voters, spoiled=spoiled, ballots=ballots)
