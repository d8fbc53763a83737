"""Many rooms, one run: ``!ping`` p50/p95 with the bot in 1, 100 and 1,000 rooms (issue 16.4).

The bot runs as its own process on one local Synapse. Stage by stage more rooms are created (each with
``--members`` members, the bot invited; it joins and greets them), then ``--pings`` round trips are measured
in the first room, always the same one, so the only thing that changes is how many rooms the bot is in.
Prints each stage and the ratio of each stage's p50/p95 to the one-room figures (goal ≤ 1.2).

Run: ``python benchmarks/rooms_scaling.py [--stages 1,100,1000] [--members 10] [--pings 30]``. The set-up of
1,000 rooms takes long on a busy machine (Synapse writes every membership event).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nio import AsyncClient  # noqa: E402

from benchmarks.load_vote import Observer, pct, send, start_bot, text, users  # noqa: E402
from benchmarks.rooms import set_up, wait_for  # noqa: E402
from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.support.process import bot_password  # noqa: E402


async def pings(sender: AsyncClient, observer: Observer, room: str, n: int) -> list[float]:
    latencies = []
    for _ in range(n):
        began = time.perf_counter()
        event_id = await send(sender, room, "m.room.message", text("!ping"))
        await observer.wait_reply(event_id, timeout=60)
        latencies.append((observer.replies[event_id][0] - began) * 1000)
    return latencies


async def main(stages: list[int], n_members: int, n_pings: int, concurrency: int) -> None:
    results: list[tuple[int, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="lotsenbot-rooms-scaling-") as tmp:
        work = Path(tmp)
        async with LocalSynapse(work / "hs") as hs:
            people = await users(hs, "lotse", max(n_members - 1, 1))
            owner, others = people[0], people[1:]
            bot_id = await hs.register_user("lotsenbot", bot_password())
            rooms = await set_up(owner, others, bot_id, stages[0], concurrency)
            bot, bot_id, db_url = await start_bot(hs, work, [])
            db = Database(db_url)
            observer = Observer(others[0] if others else owner, rooms[0], bot_id)
            try:
                greeted = "SELECT count(*) FROM bot_rooms WHERE joined AND greeted"
                for stage in stages:
                    if stage > len(rooms):
                        rooms += await set_up(owner, others, bot_id, stage - len(rooms), concurrency)
                    await wait_for(bot, db, greeted, stage, 7200, f"{stage} rooms joined and greeted")
                    await asyncio.sleep(5)  # the joins' last syncs settle
                    await observer.start()
                    await pings(owner, observer, rooms[0], 2)  # warm-up
                    values = await pings(owner, observer, rooms[0], n_pings)
                    await observer.stop()
                    observer = Observer(others[0] if others else owner, rooms[0], bot_id)
                    results.append((stage, pct(values, 0.5), pct(values, 0.95), os.getloadavg()[0]))
                    _s, p50, p95, load = results[-1]
                    print(
                        f"bot in {stage:5} rooms: !ping p50 {p50:6.0f} ms  p95 {p95:6.0f} ms",
                        f"(load {load:.1f})",
                        flush=True,
                    )
            finally:
                await observer.stop()
                await db.close()
                await bot.stop()
                for client in people:
                    await client.close()
    _stage, base50, base95, _load = results[0]
    for stage, p50, p95, _load in results[1:]:
        first = results[0][0]
        print(f"ratio {stage} rooms / {first}: p50 {p50 / base50:.2f}  p95 {p95 / base95:.2f} (goal ≤ 1.2)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--stages", default="1,100,1000")
    parser.add_argument("--members", type=int, default=10, help="per room, the bot included")
    parser.add_argument("--pings", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=32, help="parallel requests during set-up")
    a = parser.parse_args()
    asyncio.run(main([int(s) for s in a.stages.split(",")], a.members, a.pings, a.concurrency))
