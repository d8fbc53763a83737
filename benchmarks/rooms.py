"""Many rooms: the bot in ROOMS rooms with MEMBERS members each on one local Synapse.

Prints the bot's resident memory (target < 200 MB for 1,000 rooms × 10 members) and its sync-processing
time per event while messages flow through all those rooms. Run: python benchmarks/rooms.py [--rooms 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nio import AsyncClient, RoomCreateResponse  # noqa: E402

from bot.localsynapse import LocalSynapse  # noqa: E402
from tests.support.process import BotProcess  # noqa: E402

BATCH = re.compile(r"batch: (\d+) event\(s\), (\d+) room\(s\), ([\d.]+) ms \(rooms known: (\d+)\)")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def login(hs: LocalSynapse, localpart: str) -> AsyncClient:
    await hs.register_user(localpart, "bench")
    client = AsyncClient(hs.url, hs.user_id(localpart))
    await client.login("bench")
    return client


async def main(n_rooms: int, n_members: int, n_messages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        async with LocalSynapse(work / "hs") as hs:
            bot_id = await hs.register_user("lotsenbot", "bench-bot")
            (work / "pw").write_text("bench-bot")
            cfg = work / "config.toml"
            cfg.write_text(
                f'[matrix]\nhomeserver = "{hs.url}"\nuser_id = "{bot_id}"\npassword_file = "{work / "pw"}"\n'
                f'[bot]\ndata_dir = "{work / "bot"}"\nlog_level = "DEBUG"\n'
            )
            members = [await login(hs, f"lotse{i}") for i in range(n_members - 1)]
            owner = members[0]
            t0 = time.perf_counter()
            sem = asyncio.Semaphore(8)
            rooms: list[str] = []

            async def make_room(i: int) -> None:
                async with sem:
                    resp = await owner.room_create(name=f"Raum {i}", invite=[m.user_id for m in members[1:]])
                    assert isinstance(resp, RoomCreateResponse), resp
                    for m in members[1:]:
                        await m.join(resp.room_id)
                    rooms.append(resp.room_id)

            await asyncio.gather(*(make_room(i) for i in range(n_rooms)))
            print(f"set-up: {n_rooms} rooms × {n_members - 1} people in {time.perf_counter() - t0:.0f} s")

            bot = BotProcess(cfg, work / "bot.log")
            await bot.start()
            assert bot.proc is not None
            t0 = time.perf_counter()
            # invite the bot everywhere; it joins each (and greets once)
            for chunk in range(0, len(rooms), 50):
                await asyncio.gather(*(owner.room_invite(r, bot_id) for r in rooms[chunk : chunk + 50]))
            while True:
                known = [int(m.group(4)) for m in BATCH.finditer(bot.log_text())]
                if known and known[-1] >= n_rooms:
                    break
                if time.perf_counter() - t0 > 1800:
                    raise TimeoutError("bot did not join all rooms")
                await asyncio.sleep(2)
            print(f"bot joined {n_rooms} rooms in {time.perf_counter() - t0:.0f} s")
            await asyncio.sleep(5)
            rss_idle = rss_mb(bot.proc.pid)
            before = len(BATCH.findall(bot.log_text()))
            t0 = time.perf_counter()
            for i in range(n_messages):  # plain chatter and commands spread over all rooms
                sender = members[i % len(members)]
                body = "!ping" if i % 10 == 0 else f"Nachricht {i} zum Thema E-Akte"
                await sender.room_send(
                    rooms[(i * 7) % len(rooms)], "m.room.message", {"msgtype": "m.text", "body": body}
                )
            await asyncio.sleep(5)
            batches = [(int(a), float(c)) for a, _b, c, _d in BATCH.findall(bot.log_text())[before:]]
            events = sum(n for n, _ in batches)
            total_ms = sum(ms for _, ms in batches)
            rss_busy = rss_mb(bot.proc.pid)
            await bot.stop()
            for m in members:
                await m.close()
    per_event = [ms / n for n, ms in batches if n]
    print(
        f"bot RSS: {rss_idle:.0f} MB idle in {n_rooms} rooms, {rss_busy:.0f} MB after {n_messages} messages "
        f"(target < 200 MB)"
    )
    median = statistics.median(per_event) if per_event else float("nan")
    print(
        f"sync processing: {events} events in {len(batches)} batches, "
        f"{total_ms / max(events, 1):.2f} ms/event mean, batch-level median {median:.2f} ms/event "
        f"(includes replies to {n_messages // 10} !ping)"
    )
    print(f"wall time for {n_messages} messages: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--messages", type=int, default=500)
    a = parser.parse_args()
    asyncio.run(main(a.rooms, a.members, a.messages))
