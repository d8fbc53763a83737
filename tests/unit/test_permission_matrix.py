"""Every coordinator command, for every name it has, is refused to a normal Lotse — in rooms and in DMs —
and power in one room never counts in another; the admin of a room of their own is a coordinator there but
not of the whole bot. Generated from the registry, so new commands are covered."""

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
    return sorted({n for c in registry.commands if c.permission is not Perm.EVERYONE for n in c.names})


def _network_names() -> list[str]:
    return sorted({n for c in registry.commands if c.permission is Perm.NETWORK_COORDINATOR for n in c.names})


NAMES = _coordinator_names()
NETWORK_NAMES = _network_names()


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.room(ROOM, [COORD, LOTSE, MOD_ELSEWHERE], power={COORD: 100})
    harness.room(OTHER, [COORD, MOD_ELSEWHERE], power={MOD_ELSEWHERE: 50})
    harness.room(DM, [LOTSE], power={LOTSE: 100})
    harness.messenger.team = [ROOM]  # rooms = ["!team:test"] in the config
    yield harness
    await harness.close()


def test_there_are_coordinator_commands() -> None:
    assert "ansage" in NAMES and "faq offen" in NETWORK_NAMES and "ansage" not in NETWORK_NAMES


@pytest.mark.parametrize("name", NAMES)
async def test_lotse_is_refused_everywhere(h: Harness, name: str) -> None:
    for room, sender in ((ROOM, LOTSE), (DM, LOTSE), (ROOM, MOD_ELSEWHERE)):
        replies = await h.say(room, sender, f"!{name}")
        assert len(replies) == 1 and "nur Koordinator" in replies[0], (room, sender, replies)


@pytest.mark.parametrize("name", NAMES)
async def test_coordinator_is_not_refused(h: Harness, name: str) -> None:
    replies = await h.say(ROOM, COORD, f"!{name}")
    assert not any("nur Koordinator" in r for r in replies)


@pytest.mark.parametrize("name", NETWORK_NAMES)
async def test_admin_of_an_own_room_is_no_network_coordinator(h: Harness, name: str) -> None:
    # MOD_ELSEWHERE runs OTHER (power 50), which is not a configured team room: they may announce there,
    # but not read the open FAQ questions of every room or edit the knowledge base.
    [announced] = await h.say(OTHER, MOD_ELSEWHERE, "!ansage Kaffee um drei")
    assert "nur Koordinator" not in announced
    for room in (OTHER, DM):
        replies = await h.say(room, MOD_ELSEWHERE, f"!{name}")
        assert len(replies) == 1 and "nur Koordinator" in replies[0], (room, replies)
    h.messenger.team = [ROOM, OTHER]  # once OTHER is a configured team room, it counts
    replies = await h.say(OTHER, MOD_ELSEWHERE, f"!{name}")
    assert not any("nur Koordinator" in r for r in replies)
