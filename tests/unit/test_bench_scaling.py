"""The arithmetic of the many-rooms benchmark (benchmarks/_scaling.py)."""

from __future__ import annotations

import math

from benchmarks._scaling import growth, own_growth, pct, rotated


def test_rotation_gives_every_responder_every_position() -> None:
    names = ["bot 1", "bot N", "echo 1", "echo N"]
    rounds = [rotated(names, k) for k in range(8)]
    assert all(sorted(r) == sorted(names) for r in rounds)
    for name in names:
        assert {r.index(name) for r in rounds} == {0, 1, 2, 3}
    assert rotated([], 3) == []


def test_growth_and_the_bots_own_share() -> None:
    one = [100.0] * 19 + [200.0]
    many = [130.0] * 19 + [260.0]
    assert growth(many, one) == (1.3, 1.3)
    # the null client grew by 1.25 as well: the bot's own part is 1.04
    bot = growth(many, one)
    null = growth([125.0] * 20, [100.0] * 20)
    assert [round(x, 2) for x in own_growth(bot, null)] == [1.04, 1.04]


def test_pct_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert pct(values, 0.5) == 51.0  # round(0.5 * 99) = 50 → the 51st value
    assert pct(values, 0.95) == 95.0
    assert math.isnan(pct([], 0.5))
