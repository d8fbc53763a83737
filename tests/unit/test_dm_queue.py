"""A DM that needs a new room (``Context.dm``) no longer holds up other rooms while the room is opened.

Opening a DM takes seconds on a real homeserver (room creation, the room arriving by sync). A handler that
awaited it kept the sync loop — and on SQLite the single write lock — from every other room's commands
meanwhile. Now the DM is queued in the handler's transaction and opened and sent by the fan-out worker.
Real SQLite/PostgreSQL and the real dispatcher; the messenger is the recording fake, with an opening that
takes as long as the test wants (``SlowDMs``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.fanout import FanoutWorker
from storage.fanout import Fanout
from tests.conftest import new_database_url
from tests.support.fake import Harness, SlowDMs

ROOM, OTHER = "!team:test", "!andere:test"
COORD, ANNA = "@koordination:test", "@lotse-a:test"


@pytest.fixture(params=["sqlite", "postgres"])
async def h(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    db_url = await new_database_url(tmp_path, request.param)
    harness = Harness(tmp_path, db_url=db_url, messenger=SlowDMs())
    await harness.start()
    harness.room(ROOM, [COORD, ANNA], power={COORD: 100})
    harness.room(OTHER, [COORD, "@lotse-b:test", "@lotse-c:test"], power={COORD: 100})
    yield harness
    await harness.close()


async def test_other_rooms_are_answered_while_a_new_dm_is_opened(h: Harness) -> None:
    slow = h.messenger
    assert isinstance(slow, SlowDMs)
    worker = FanoutWorker(h.db, slow, h.clock)
    ready = asyncio.Event()
    ready.set()
    worker.start(ready)
    try:
        started = await h.say(ROOM, COORD, '!umfrage "Zufrieden?" "Ja" "Nein" --anonym')
        assert started and not started[0].startswith("⚠️"), started
        # An anonymous vote typed in the room: the bot answers there and explains privately, in a new DM.
        vote = "$anna-typed"
        replies = await asyncio.wait_for(h.say(ROOM, ANNA, "!stimme 1 2", event_id=vote), 10)
        assert any("zähle ich nicht" in r for r in replies), replies
        await asyncio.wait_for(slow.busy.wait(), 10)  # the worker is opening Anna's DM now …
        pong = await asyncio.wait_for(h.say(OTHER, COORD, "!ping"), 10)
        assert pong, "the other room's command was answered"
        assert slow.opened == [], "… and is still at it while the other room is answered"
        slow.gate.set()
        dm = f"!dm-{ANNA[1:].split(':')[0]}:test"

        await asyncio.wait_for(slow.dm_sent.wait(), 10)
        assert len([b for b in slow.bodies(dm) if "Anonyme Umfrage #1" in b]) == 1
        await h.say(ROOM, ANNA, "!stimme 1 2", event_id=vote)  # the same event again: nothing new
        await asyncio.sleep(0.2)
        worker.wake()
        assert len([b for b in slow.bodies(dm) if "Anonyme Umfrage #1" in b]) == 1
        assert slow.opened == [ANNA]
    finally:
        await worker.stop()
    async with h.db.transaction() as session:  # nothing of the private DM stays on the disk's tables
        assert await session.scalar(select(func.count()).select_from(Fanout)) == 0
