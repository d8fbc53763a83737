"""The baseline for benchmarks/catchup.py: a null client that reads a backlog and answers every command.

``init``: log in, sync once, save the session and the sync token (the client then goes "down").
``catchup``: sync from the saved token with the bot's own filter (timeline limit 50), fetch what a limited
timeline hides back to the token (as the bot's gap filling does), and answer every ``!`` message from
others the way the bot does: ``!stimme`` adds the voter's line to one receipt message, edited by a
background sender that gathers the lines arriving while an edit is on its way (``_receipt_client.py``, as
``commands/polls/receipts.py``); every other command gets a reply notice, one after the other in timeline
order (order within a room, as the bot must). No database, no parsing, no encryption: the least any bot has
to do for the same backlog. Exits when every reply and the last receipt edit are sent.

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


class Receipt:
    """One receipt message per room listing each voter's last vote, edited while votes come in."""

    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.lines: dict[str, dict[str, str]] = {}  # room → name → counted
        self.message: dict[str, str] = {}  # room → the receipt's event id
        self.dirty: set[str] = set()
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def add(self, room_id: str, sender: str, counted: str) -> None:
        lines = self.lines.setdefault(room_id, {})
        name = sender[1:].split(":", 1)[0]
        lines.pop(name, None)
        lines[name] = counted
        self.dirty.add(room_id)
        task = self.tasks.get(room_id)
        if task is None or task.done():
            self.tasks[room_id] = asyncio.create_task(self._show(room_id))

    async def _show(self, room_id: str) -> None:
        while room_id in self.dirty:
            self.dirty.discard(room_id)
            body = "\n".join(f"- {name}: {counted}" for name, counted in self.lines[room_id].items())
            body = f"🗳️ Umfrage #1 – per !stimme gezählt:\n{body}"
            new = {"msgtype": "m.notice", "body": body, "m.mentions": {}}
            if room_id not in self.message:
                resp = await self.client.room_send(room_id, "m.room.message", new)
                self.message[room_id] = resp.event_id
                continue
            edit: dict[str, Any] = {
                **new,
                "body": "* " + body,
                "m.new_content": new,
                "m.relates_to": {"rel_type": "m.replace", "event_id": self.message[room_id]},
            }
            await self.client.room_send(room_id, "m.room.message", edit)

    async def done(self) -> None:
        await asyncio.gather(*self.tasks.values())


async def catchup(client: AsyncClient, user_id: str, state: Path) -> None:
    saved = json.loads(state.read_text())
    client.user_id, client.device_id, client.access_token = user_id, saved["device"], saved["token"]
    print(f"ready {time.time()}", flush=True)  # started and imported: what the bot's "running" line means
    resp = await client.sync(timeout=0, since=saved["since"], sync_filter=json.dumps(FILTER))
    assert isinstance(resp, SyncResponse), resp
    answered = 0
    receipt = Receipt(client)
    for room_id, info in resp.rooms.join.items():
        for event in await backlog(client, room_id, info, saved["since"]):
            content = event.get("content") or {}
            body = content.get("body")
            if event.get("sender") == client.user_id or event.get("type") != "m.room.message":
                continue
            if not isinstance(body, str) or not body.startswith("!"):
                continue
            if body.startswith("!stimme "):
                receipt.add(room_id, event["sender"], f"{body.split()[-1]}. Option")
                continue
            reply = {
                "msgtype": "m.notice",
                "body": "ok",
                "m.relates_to": {"m.in_reply_to": {"event_id": event["event_id"]}},
            }
            await client.room_send(room_id, "m.room.message", reply)
            answered += 1
    await receipt.done()
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
