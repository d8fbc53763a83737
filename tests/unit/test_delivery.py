"""What happens to a command when the homeserver goes away while the bot is answering it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.context import HomeserverUnavailable
from bot.matrix import SendError
from storage.models import ProcessedEvent
from tests.support.fake import COORDINATOR as COORD
from tests.support.fake import LOTSE, Harness
from tests.support.fake import TEAM_ROOM as ROOM


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.team_room()
    yield harness
    await harness.close()


async def processed(h: Harness) -> int:
    async with h.db.transaction() as s:
        return int((await s.execute(select(func.count()).select_from(ProcessedEvent))).scalar_one())


def failing_sends(h: Harness, error: Exception, times: int) -> list[int]:
    """Make the next ``times`` sends fail with ``error``; returns a counter of attempts."""
    real = h.messenger.send
    attempts = [0]

    async def send(room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str) -> str:
        attempts[0] += 1
        if attempts[0] <= times:
            raise error
        return await real(room_id, content, event_type=event_type, txn_id=txn_id)

    h.messenger.send = send  # type: ignore[method-assign]
    return attempts


async def test_outage_while_answering_keeps_the_command_for_later(h: Harness) -> None:
    failing_sends(h, HomeserverUnavailable("down"), times=1)
    with pytest.raises(HomeserverUnavailable):  # the sync loop sees it and redoes the batch later
        await h.say(ROOM, COORD, '!umfrage "Wann treffen wir uns?" "Montag" "Dienstag"', event_id="$cmd")
    assert await processed(h) == 0  # not recorded as handled, and the poll was rolled back

    await h.say(ROOM, COORD, '!umfrage "Wann treffen wir uns?" "Montag" "Dienstag"', event_id="$cmd")
    listing = await h.say(ROOM, LOTSE, "!umfragen")
    assert any("Wann treffen wir uns?" in b for b in listing)
    assert sum("Wann treffen wir uns?" in b for b in h.messenger.bodies(ROOM)) >= 1
    assert await processed(h) == 2


async def test_redo_after_a_partial_answer_posts_nothing_twice(h: Harness) -> None:
    # The first reply goes out, then the homeserver disappears: the redo must not repeat the first.
    real = h.messenger.send
    calls = [0]

    async def flaky(room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str) -> str:
        calls[0] += 1
        if calls[0] == 2:
            raise HomeserverUnavailable("down")
        return await real(room_id, content, event_type=event_type, txn_id=txn_id)

    h.messenger.send = flaky  # type: ignore[method-assign]
    line = '!umfrage "Welches Modul?" "E-Akte" "Open Data"'
    with pytest.raises(HomeserverUnavailable):
        await h.say(ROOM, COORD, line, event_id="$cmd")
    await h.say(ROOM, COORD, line, event_id="$cmd")
    txns = [s.txn_id for s in h.messenger.sent]
    assert len(txns) == len(set(txns)) and len(txns) >= 2


async def test_a_refusal_for_good_is_logged_and_not_retried_forever(h: Harness) -> None:
    attempts = failing_sends(h, SendError("M_FORBIDDEN"), times=10)
    await h.say(ROOM, LOTSE, "!ping", event_id="$ping")
    assert await processed(h) == 1  # recorded: redoing it would be refused again
    await h.say(ROOM, LOTSE, "!ping", event_id="$ping")
    assert attempts[0] == 2  # the reply and the error notice, once; the repeat is skipped
