"""The sync loop when one event fails outside any handler (issue 17): the token never moves past it.

The bot's real sync loop (``MatrixBot.run``) runs over scripted ``/sync`` responses; the dispatcher is the
real one on SQLite with the recording messenger, and one event is made to fail the way the ``bot_rooms``
race did: an exception that escapes the dispatcher.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from nio import SyncResponse

from bot.matrix import MatrixBot
from storage.models import KeyValue
from tests.support.fake import LOTSE, TEAM_ROOM, Harness

OTHER_ROOM = "!andere:test"


def _message(event_id: str, body: str, ts: int) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": event_id,
        "sender": LOTSE,
        "origin_server_ts": ts,
        "content": {"msgtype": "m.text", "body": body},
    }


def _batch(next_batch: str, rooms: dict[str, list[dict[str, Any]]]) -> SyncResponse:
    join = {
        room: {
            "timeline": {"events": events, "limited": False, "prev_batch": "p0"},
            "state": {"events": []},
            "ephemeral": {"events": []},
            "account_data": {"events": []},
            "summary": {},
            "unread_notifications": {},
        }
        for room, events in rooms.items()
    }
    return SyncResponse.from_dict(
        {
            "next_batch": next_batch,
            "rooms": {"join": join, "invite": {}, "leave": {}},
            "to_device": {"events": []},
            "account_data": {"events": []},
            "presence": {"events": []},
            "device_lists": {"changed": [], "left": []},
            "device_one_time_keys_count": {},
        }
    )


async def _run(h: Harness, tmp_path: Path, fail: dict[str, int]) -> tuple[MatrixBot, list[str | None]]:
    """Run the real sync loop over one batch (served again for every redo); ``fail``: event → failures."""
    bot = MatrixBot(h.config, h.db)
    bot.started_ms = 0
    ts = 1_000
    batch = _batch(
        "s1",
        {
            TEAM_ROOM: [
                _message("$a", "!ping", ts),
                _message("$b", "!ping", ts + 1),
                _message("$c", "!ping", ts + 2),
            ],
            OTHER_ROOM: [_message("$d", "!ping", ts + 3)],
        },
    )
    sinces: list[str | None] = []
    redos = 0

    async def sync(**kwargs: Any) -> Any:
        nonlocal redos
        sinces.append(kwargs.get("since"))
        if kwargs.get("since") == "s1" or redos > 6:  # the batch was accepted (or never would be)
            bot.stop()
            return "no more batches"
        redos += 1
        return batch

    bot.client.sync = sync  # type: ignore[method-assign]
    handle = h.dispatcher.handle

    async def flaky(incoming: Any, *, unseen: bool = False) -> None:
        if fail.get(incoming.event_id, 0) > 0:
            fail[incoming.event_id] -= 1
            raise RuntimeError("UNIQUE constraint failed: bot_rooms.room_id")
        await handle(incoming, unseen=unseen)

    h.dispatcher.handle = flaky  # type: ignore[method-assign]
    await asyncio.wait_for(bot.run(h.dispatcher), 60)
    await bot.client.close()
    return bot, sinces


async def _token(h: Harness) -> str | None:
    async with h.db.transaction() as session:
        row = await session.get(KeyValue, "sync_token")
        return row.value if row else None


async def test_a_failing_event_is_redone_and_nothing_in_its_batch_is_lost(tmp_path: Path) -> None:
    h = await Harness(tmp_path).start()
    try:
        h.team_room()
        h.room(OTHER_ROOM, [LOTSE])
        _bot, sinces = await _run(h, tmp_path, {"$b": 1})
        # the batch was fetched again (token not saved after the failure), then accepted
        assert sinces == [None, None, "s1"]
        assert await _token(h) == "s1"
        pongs = [s for s in h.messenger.sent if s.body.startswith("pong")]
        answered = sorted(s.content["m.relates_to"]["m.in_reply_to"]["event_id"] for s in pongs)
        assert answered == ["$a", "$b", "$c", "$d"]  # each exactly once, $c after $b
        order = [
            s.content["m.relates_to"]["m.in_reply_to"]["event_id"] for s in pongs if s.room_id == TEAM_ROOM
        ]
        assert order == ["$a", "$b", "$c"]
    finally:
        await h.close()


async def test_an_event_that_keeps_failing_is_given_up_with_a_reference_not_blocking(tmp_path: Path) -> None:
    h = await Harness(tmp_path).start()
    try:
        h.team_room()
        h.room(OTHER_ROOM, [LOTSE])
        bot, sinces = await _run(h, tmp_path, {"$b": 99})
        assert sinces == [None, None, None, "s1"]  # three attempts, then the batch goes on
        assert await _token(h) == "s1"
        replies = {s.content["m.relates_to"]["m.in_reply_to"]["event_id"]: s.body for s in h.messenger.sent}
        assert set(replies) == {"$a", "$b", "$c", "$d"}
        assert not replies["$b"].startswith("pong") and "Fehlernummer" in replies["$b"]
        assert bot.failures.given_up == 1
    finally:
        await h.close()
