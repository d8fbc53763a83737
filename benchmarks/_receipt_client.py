"""The baseline for benchmarks/load_vote.py: a minimal nio client that confirms ``!stimme`` like the bot.

``receipt`` mode does the bot's sends and nothing else: one message listing each voter, edited while votes
come in, coalescing the votes that arrive while an edit is on its way (no database, no parsing beyond the
option number). ``reply`` mode answers each vote with its own reply, the way the bot did before.
"""

import asyncio
import sys
from typing import Any

from nio import AsyncClient, MatrixRoom, RoomMessageText


async def main(homeserver: str, user_id: str, password: str, mode: str, room_id: str) -> None:
    client = AsyncClient(homeserver, user_id)
    await client.login(password)
    await client.join(room_id)
    await client.sync(timeout=0)  # skip history
    lines: dict[str, dict[str, str]] = {}  # room → name → counted
    receipt: dict[str, str] = {}  # room → the receipt message
    dirty: set[str] = set()
    busy: set[str] = set()
    tasks: set[asyncio.Task[None]] = set()

    def text(room_id: str) -> str:
        body = "\n".join(f"- {name}: {counted}" for name, counted in lines[room_id].items())
        return f"🗳️ Umfrage #1 – per !stimme gezählt:\n{body}\n\nEs zählt immer deine letzte Stimme."

    async def show(room_id: str) -> None:
        while room_id in dirty:
            dirty.discard(room_id)
            new = {"msgtype": "m.notice", "body": text(room_id), "m.mentions": {}}
            if room_id not in receipt:
                resp = await client.room_send(room_id, "m.room.message", new)
                receipt[room_id] = resp.event_id
                continue
            edit: dict[str, Any] = {
                **new,
                "body": "* " + new["body"],
                "m.new_content": new,
                "m.relates_to": {"rel_type": "m.replace", "event_id": receipt[room_id]},
            }
            await client.room_send(room_id, "m.room.message", edit)
        busy.discard(room_id)

    async def on_message(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender == user_id or not event.body.startswith("!stimme "):
            return
        counted = f"{event.body.split()[-1]}. Option"
        if mode == "reply":
            content = {
                "msgtype": "m.notice",
                "body": f"✅ Deine Stimme für Umfrage #1 zählt: {counted}.",
                "m.mentions": {},
                "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
            }
            await client.room_send(room.room_id, "m.room.message", content)
            return
        lines.setdefault(room.room_id, {})[event.sender[1:].split(":", 1)[0]] = counted
        dirty.add(room.room_id)
        if room.room_id not in busy:
            busy.add(room.room_id)
            task = asyncio.create_task(show(room.room_id))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    client.add_event_callback(on_message, RoomMessageText)
    await client.sync_forever(timeout=30_000)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
