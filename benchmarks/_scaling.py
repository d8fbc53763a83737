"""The arithmetic of ``benchmarks/rooms_scaling.py``, kept pure so it can be unit-tested.

Four responders answer ``!ping`` side by side: the bot and a null echo client, each once in one room and
once in N rooms. What grows for the null echo client (a ~20-line nio client) with N is the homeserver's
and nio's share; what grows for the bot beyond that is the bot's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def pct(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (nearest rank); nan for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def rotated(items: Sequence[T], k: int) -> list[T]:
    """Round ``k``'s order of the responders: rotated by one each round, so none is always the one
    that follows (or precedes) a given other one, and slow spells hit all of them alike."""
    if not items:
        return []
    k %= len(items)
    return [*items[k:], *items[:k]]


def growth(many: Sequence[float], one: Sequence[float]) -> tuple[float, float]:
    """p50 and p95 of ``many`` divided by those of ``one`` (how much the N-room figure grew)."""
    return pct(many, 0.5) / pct(one, 0.5), pct(many, 0.95) / pct(one, 0.95)


def own_growth(bot: tuple[float, float], null: tuple[float, float]) -> tuple[float, float]:
    """The bot's growth beyond the null client's (ratio of ratios, p50 and p95): 1.0 means all of the
    growth is the homeserver's and nio's, which every client in N rooms would see."""
    return bot[0] / null[0], bot[1] / null[1]
