"""Many rooms, one run: ``!ping`` p50/p95 with the bot in 1, 100 and 1,000 rooms (issue 16.4).

The bot runs as its own process (DEBUG log) on one local Synapse. Stage by stage more rooms are added, then
``--pings`` round trips are measured in the first room, always the same one, so the only thing that changes
is how many rooms the bot is in. Prints each stage, the bot's own sync-processing time of the batches that
carried a ping (its ``batch:`` log line: from the sync response to the reply sent), and the ratio of each
stage's figures to the one-room figures (goal ≤ 1.2).

Set-up is kept to what the question needs, so 1,000 rooms fit in a few minutes on two cores: rooms are
public (members join without an invite), by default with two members (the owner, who sends the pings,
and the bot; an observer who reads the replies joins the first room only), and every room is made in one
go — created by the owner, then the members and the bot's account join side by side — with
``--concurrency`` rooms at a time (the local
Synapse has its rate limits lifted, ``bot/dev/localsynapse.py``). The bot's account joins through the
client-server API itself, as another of its sessions: the bot sees the rooms arrive as joined in its sync
(no invitation, no greeting to wait for), which is what joining 1,000 rooms over time leaves behind.

Run: ``python benchmarks/rooms_scaling.py [--stages 1,100,1000] [--members 2] [--pings 30]``.
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

from nio import AsyncClient, RoomCreateResponse, RoomPreset  # noqa: E402

from benchmarks.load_vote import (  # noqa: E402
    Observer,
    bounded,
    pct,
    send,
    start_bot,
    text,
    user,
    users,
)
from benchmarks.rooms import LogTail, batches, join, wait_for  # noqa: E402
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


async def make_rooms(
    owner: AsyncClient, joiners: list[AsyncClient], n: int, concurrency: int, first: int
) -> list[str]:
    """``n`` public rooms, each created by ``owner`` and joined by every client in ``joiners``."""
    t0 = time.perf_counter()

    async def one(i: int) -> str:
        resp = await owner.room_create(preset=RoomPreset.public_chat)  # no name: one event fewer
        if not isinstance(resp, RoomCreateResponse):
            raise RuntimeError(f"room {first + i}: room_create failed: {resp}")
        room = resp.room_id
        await asyncio.gather(*(join(client, room) for client in joiners))
        return room

    rooms = await bounded(concurrency, (lambda i=i: one(i) for i in range(n)))
    took = time.perf_counter() - t0
    print(f"  set-up: {n} room(s) with {len(joiners) + 1} members in {took:.0f} s", flush=True)
    return rooms


async def stage_figures(
    owner: AsyncClient, observer: Observer, room: str, n_pings: int, tail: LogTail
) -> tuple[list[float], list[float]]:
    """Round trips (ms) and the bot's processing time (ms) of the batches that carried a ping."""
    await observer.start()
    try:
        await pings(owner, observer, room, 2)  # warm-up
        tail.new()
        values = await pings(owner, observer, room, n_pings)
        await asyncio.sleep(1)  # the last batch line
    finally:
        await observer.stop()
    return values, [ms for events, ms, _known in batches(tail.new()) if events]


async def main(stages: list[int], n_members: int, n_pings: int, concurrency: int) -> None:
    results: list[tuple[int, float, float, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="lotsenbot-rooms-scaling-") as tmp:
        work = Path(tmp)
        async with LocalSynapse(work / "hs") as hs:
            t_all = time.perf_counter()
            people = await users(hs, "lotse", max(n_members - 1, 1))
            owner, others = people[0], people[1:]
            observer_client = await user(hs, "beobachtung")  # in the ping room only
            bot_id = await hs.register_user("lotsenbot", bot_password())
            bot_session = AsyncClient(hs.url, bot_id)  # the bot's account, a session of its own
            await bot_session.login(bot_password())
            joiners = [*others, bot_session]
            rooms = await make_rooms(owner, joiners, stages[0], concurrency, 0)
            await join(observer_client, rooms[0])
            bot, bot_id, db_url = await start_bot(hs, work, [], log_level="DEBUG")
            tail = LogTail(bot.log_path)
            db = Database(db_url)
            try:
                known = "SELECT count(*) FROM bot_rooms WHERE joined"
                for stage in stages:
                    if stage > len(rooms):
                        more = stage - len(rooms)
                        rooms += await make_rooms(
                            owner, [*others, bot_session], more, concurrency, len(rooms)
                        )
                    await wait_for(bot, db, known, stage, 1800, f"{stage} rooms seen by the bot")
                    await asyncio.sleep(3)  # the joins' last syncs settle
                    observer = Observer(observer_client, rooms[0], bot_id)
                    values, batch_ms = await stage_figures(owner, observer, rooms[0], n_pings, tail)
                    p50, p95 = pct(values, 0.5), pct(values, 0.95)
                    b50, load = pct(batch_ms, 0.5), os.getloadavg()[0]
                    results.append((stage, p50, p95, b50, pct(batch_ms, 0.95), load))
                    print(
                        f"bot in {stage:5} rooms: !ping p50 {p50:6.0f} ms  p95 {p95:6.0f} ms; "
                        f"bot's batch processing p50 {b50:5.1f} ms p95 {results[-1][4]:5.1f} ms "
                        f"(load {load:.1f})",
                        flush=True,
                    )
            finally:
                await db.close()
                await bot.stop()
                for client in [*people, observer_client, bot_session]:
                    await client.close()
    print(f"whole run {time.perf_counter() - t_all:.0f} s")
    first, base50, base95, bb50, bb95, _load = results[0]
    for stage, p50, p95, b50, b95, _load in results[1:]:
        print(
            f"ratio {stage} rooms / {first}: !ping p50 {p50 / base50:.2f}  p95 {p95 / base95:.2f} "
            f"(goal ≤ 1.2); bot's batch processing p50 {b50 / bb50:.2f}  p95 {b95 / bb95:.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--stages", default="1,100,1000")
    parser.add_argument("--members", type=int, default=2, help="per room, the bot included")
    parser.add_argument("--pings", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=32, help="parallel requests during set-up")
    a = parser.parse_args()
    asyncio.run(main([int(s) for s in a.stages.split(",")], a.members, a.pings, a.concurrency))
