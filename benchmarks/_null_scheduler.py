"""The baseline for benchmarks/reminders.py: a null scheduler that posts a plain message at given instants.

No database, no rendering, no encryption: it sleeps until each instant (``asyncio.sleep`` on the loop's
clock, as APScheduler does) and sends, each instant in a task of its own (as the bot's jobs are).
The benchmark compares its ``origin_server_ts`` with the instant.

Usage: ``python benchmarks/_null_scheduler.py HOMESERVER USER_ID PASSWORD ROOM_ID INSTANTS_JSON`` (a list
of Unix times in seconds). Joins the room first, then posts "null <n>" at instant n.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from nio import AsyncClient


async def main(homeserver: str, user_id: str, password: str, room_id: str, instants: str) -> None:
    client = AsyncClient(homeserver, user_id)
    await client.login(password)
    await client.join(room_id)

    async def post(n: int, instant: float) -> None:
        await asyncio.sleep(max(0.0, instant - time.time()))
        content = {"msgtype": "m.notice", "body": f"null {n}"}
        await client.room_send(room_id, "m.room.message", content)

    try:  # each instant on its own, as the bot's jobs: a slow send does not make the next one late
        await asyncio.gather(*(post(n, t) for n, t in enumerate(json.loads(instants))))
    finally:
        await client.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:6]))
