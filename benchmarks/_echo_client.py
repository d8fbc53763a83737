"""The baseline for benchmarks/latency.py: about the smallest useful matrix-nio bot (answers every text)."""

import asyncio
import sys

from nio import AsyncClient, MatrixRoom, RoomMessageText


async def main(homeserver: str, user_id: str, password: str) -> None:
    client = AsyncClient(homeserver, user_id)
    await client.login(password)
    await client.sync(timeout=0)  # skip history

    async def on_message(room: MatrixRoom, event: RoomMessageText) -> None:
        if event.sender != user_id:
            content = {
                "msgtype": "m.notice",
                "body": "pong",
                "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
            }
            await client.room_send(room.room_id, "m.room.message", content)

    client.add_event_callback(on_message, RoomMessageText)
    await client.sync_forever(timeout=30_000)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
