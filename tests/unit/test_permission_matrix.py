"""Every coordinator command, for every name it has, is refused to a normal Lotse — in rooms and in DMs —
and power in one room never counts in another. Generated from the registry, so new commands are covered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.framework import Perm, registry
from tests.support.fake import Harness

ROOM, OTHER, DM = "!team:test", "!other:test", "!dm:test"
COORD, LOTSE, MOD_ELSEWHERE = "@koordination:test", "@lotse:test", "@moderator:test"


def _coordinator_names() -> list[str]:
    from commands import load_all

    load_all()
    return sorted({n for c in registry.commands if c.permission is Perm.COORDINATOR for n in c.names})


NAMES = _coordinator_names()


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.room(ROOM, [COORD, LOTSE, MOD_ELSEWHERE], power={COORD: 100})
    harness.room(OTHER, [COORD, MOD_ELSEWHERE], power={MOD_ELSEWHERE: 50})
    harness.room(DM, [LOTSE], power={LOTSE: 100})
    yield harness
    await harness.close()


def test_there_are_coordinator_commands() -> None:
    assert "ansage" in NAMES


@pytest.mark.parametrize("name", NAMES)
async def test_lotse_is_refused_everywhere(h: Harness, name: str) -> None:
    for room, sender in ((ROOM, LOTSE), (DM, LOTSE), (ROOM, MOD_ELSEWHERE)):
        replies = await h.say(room, sender, f"!{name}")
        assert len(replies) == 1 and "nur Koordinator" in replies[0], (room, sender, replies)


@pytest.mark.parametrize("name", NAMES)
async def test_coordinator_is_not_refused(h: Harness, name: str) -> None:
    replies = await h.say(ROOM, COORD, f"!{name}")
    assert not any("nur Koordinator" in r for r in replies)
