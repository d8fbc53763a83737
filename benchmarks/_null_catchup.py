"""The baseline for benchmarks/catchup.py: a null client that reads a backlog and answers every command.

``init``: log in, sync once, save the session and the sync token (the client then goes "down").
``catchup``: sync from the saved token with the bot's own filter (timeline limit 50), fetch what a limited
timeline hides back to the token (as the bot's gap filling does), and answer every ``!`` message from
others with a reply notice, one after the other in timeline order (order within a room, as the bot must).
No database, no parsing, no encryption: the least any bot has to do for the same backlog. Exits when done.

Usage: ``python benchmarks/_null_catchup.py init|catchup HOMESERVER USER_ID PASSWORD STATE_FILE``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from nio import AsyncClient, RoomMessagesResponse, SyncResponse
from nio.api import MessageDirection

FILTER = {
    "room": {"timeline": {"limit": 50}, "ephemeral": {"not_types": ["*"]}},
    "presence": {"not_types": ["*"]},
}


async def init(client: AsyncClient, password: str, state: Path) -> None:
    await client.login(password)
    resp = await client.sync(timeout=0, sync_filter=json.dumps(FILTER))
    assert isinstance(resp, SyncResponse), resp
    saved = {"token": client.access_token, "device": client.device_id, "since": resp.next_batch}
    state.write_text(json.dumps(saved))


async def backlog(client: AsyncClient, room_id: str, info: Any, since: str) -> list[dict[str, Any]]:
    events = [e.source for e in info.timeline.events]
    if not info.timeline.limited:
        return events
    older: list[dict[str, Any]] = []
    start = info.timeline.prev_batch
    while start:
        resp = await client.room_messages(
            room_id, start=start, end=since, direction=MessageDirection.back, limit=100
        )
        if not isinstance(resp, RoomMessagesResponse) or not resp.chunk:
            break
        older.extend(e.source for e in resp.chunk)
        if not resp.end or resp.end == start:
            break
        start = resp.end
    return list(reversed(older)) + events


async def catchup(client: AsyncClient, user_id: str, state: Path) -> None:
    saved = json.loads(state.read_text())
    client.user_id, client.device_id, client.access_token = user_id, saved["device"], saved["token"]
    print(f"ready {time.time()}", flush=True)  # started and imported: what the bot's "running" line means
    resp = await client.sync(timeout=0, since=saved["since"], sync_filter=json.dumps(FILTER))
    assert isinstance(resp, SyncResponse), resp
    answered = 0
    for room_id, info in resp.rooms.join.items():
        for event in await backlog(client, room_id, info, saved["since"]):
            content = event.get("content") or {}
            body = content.get("body")
            if event.get("sender") == client.user_id or event.get("type") != "m.room.message":
                continue
            if not isinstance(body, str) or not body.startswith("!"):
                continue
            reply = {
                "msgtype": "m.notice",
                "body": "ok",
                "m.relates_to": {"m.in_reply_to": {"event_id": event["event_id"]}},
            }
            await client.room_send(room_id, "m.room.message", reply)
            answered += 1
    print(f"null client answered {answered}", flush=True)


async def main(mode: str, homeserver: str, user_id: str, password: str, state: str) -> None:
    client = AsyncClient(homeserver, user_id)
    try:
        if mode == "init":
            await init(client, password, Path(state))
        else:
            await catchup(client, user_id, Path(state))
    finally:
        await client.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
