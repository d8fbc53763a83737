"""Catch-up across rooms (issue 16.2): on PostgreSQL the rooms of a sync batch are handled side by side,
each room's events still one after the other, each at most once; a write clash between two rooms' handlers
is redone, never taken for "already handled".

The bot's real sync loop runs over a scripted ``/sync`` batch on a fresh PostgreSQL database.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.matrix import MatrixBot
from tests.conftest import new_database_url
from tests.support.fake import LOTSE, TEAM_ROOM, Harness
from tests.unit.test_sync_batches import OTHER_ROOM, _batch, _message

BATCH = {
    TEAM_ROOM: [_message(f"${x}", "!ping", 1_000 + i) for i, x in enumerate("abc")],
    OTHER_ROOM: [_message("$d", "!ping", 1_003)],
}


async def _harness(tmp_path: Path) -> Harness:
    h = await Harness(tmp_path, db_url=await new_database_url(tmp_path, "postgres")).start()
    h.team_room()
    h.room(OTHER_ROOM, [LOTSE])
    return h


async def _run(h: Harness) -> list[str | None]:
    """The real sync loop over one batch (served again for every redo); the ``since`` of each sync."""
    bot = MatrixBot(h.config, h.db)
    bot.started_ms = 0
    sinces: list[str | None] = []

    async def sync(**kwargs: Any) -> Any:
        sinces.append(kwargs.get("since"))
        if kwargs.get("since") == "s1" or len(sinces) > 6:
            bot.stop()
            return "no more batches"
        return _batch("s1", BATCH)

    bot.client.sync = sync  # type: ignore[method-assign]
    await asyncio.wait_for(bot.run(h.dispatcher), 60)
    await bot.client.close()
    return sinces


def _answered(h: Harness, room: str) -> list[str]:
    return [
        s.content["m.relates_to"]["m.in_reply_to"]["event_id"]
        for s in h.messenger.sent
        if s.room_id == room and s.body.startswith("pong")
    ]


async def test_rooms_proceed_side_by_side_and_each_room_keeps_its_order(tmp_path: Path) -> None:
    h = await _harness(tmp_path)
    try:
        other_done = asyncio.Event()
        handle = h.dispatcher.handle

        async def handle_in_step(incoming: Any, *, unseen: bool = False) -> None:
            if incoming.event_id == "$a":
                # the team room waits for the other room: only possible if that one is not queued behind
                await asyncio.wait_for(other_done.wait(), 20)
            await handle(incoming, unseen=unseen)
            if incoming.event_id == "$d":
                other_done.set()

        h.dispatcher.handle = handle_in_step  # type: ignore[method-assign]
        assert await _run(h) == [None, "s1"]  # one pass, no redo
        assert _answered(h, OTHER_ROOM) == ["$d"]
        assert _answered(h, TEAM_ROOM) == ["$a", "$b", "$c"]  # in order, each once
    finally:
        await h.close()


async def test_a_write_clash_in_a_handler_is_redone_not_taken_for_already_handled(tmp_path: Path) -> None:
    h = await _harness(tmp_path)
    try:
        route = h.dispatcher._route
        clashes = {"$b": 1}

        async def clashing(ctx: Any, incoming: Any) -> None:
            if clashes.get(incoming.event_id, 0) > 0:
                clashes[incoming.event_id] -= 1
                raise IntegrityError("INSERT INTO throttle", {}, Exception("duplicate key value"))
            await route(ctx, incoming)

        h.dispatcher._route = clashing  # type: ignore[method-assign]
        sinces = await _run(h)
        assert sinces == [None, None, "s1"]  # the batch was redone once
        assert _answered(h, TEAM_ROOM) == ["$a", "$b", "$c"]  # $b answered after all, once, in order
        assert _answered(h, OTHER_ROOM) == ["$d"]
    finally:
        await h.close()
