"""Many rooms: the bot in ROOMS rooms with MEMBERS members each (the bot included) on one local Synapse.

Prints the bot's resident memory (target < 200 MB for 1,000 rooms × 10 members), how long it takes to join
them all, its sync-processing time per event while messages flow through all those rooms, its ``!ping``
reply latency in that state, and what a restart costs (the first, full-state sync of every room).

Set-up is the slow part — one Synapse process writes every room and membership event — so it is kept lean:
rooms are created with the ``public_chat`` preset (members join without an invite: one membership event
each instead of two) and with the bot invited in the same request; creations and joins run concurrently.
The bot starts only afterwards and finds all invitations in its first sync, as after being invited to many
rooms while offline. Progress is read from the bot's own database (rooms greeted, events handled), never
from its log; the per-batch times come from its DEBUG line ``batch: …``, which is written only for batches
that contained events from others — joining and greeting alone never produce one.

Run: python benchmarks/rooms.py [--rooms 1000] [--members 10] [--messages 500] [--pings 30]
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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nio import AsyncClient  # noqa: E402
from sqlalchemy import text as sql  # noqa: E402
from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from benchmarks.load_vote import Observer, bounded, pct, public_room, send, start_bot, text, users  # noqa: E402
from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.support.process import BotProcess, bot_password  # noqa: E402

BATCH = re.compile(r"batch: (\d+) event\(s\), (\d+) room\(s\), ([\d.]+) ms \(rooms known: (\d+)\)")


class LogTail:
    """Reads only what the bot logged since the last call: its DEBUG log grows large."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0

    def new(self) -> str:
        if not self.path.exists():
            return ""
        with self.path.open("rb") as f:
            f.seek(self.offset)
            data = f.read()
        self.offset += len(data)
        return data.decode(errors="replace")


async def scalar(db: Database, query: str) -> int:
    """One number from the bot's database; 0 while the bot has not created its tables yet."""
    try:
        async with db.transaction() as session:
            return int((await session.execute(sql(query))).scalar_one())
    except SQLAlchemyError:
        return 0


async def wait_for(
    bot: BotProcess, db: Database, query: str, target: int, timeout: float, what: str
) -> float:
    """Poll the bot's database until ``query`` reaches ``target``; returns the seconds it took."""
    t0 = time.perf_counter()
    last, last_print = -1, t0
    while True:
        value = await scalar(db, query)
        if value >= target:
            return time.perf_counter() - t0
        if not bot.running:
            raise RuntimeError(f"{what}: the bot exited at {value}/{target}; see {bot.log_path}")
        now = time.perf_counter()
        if now - t0 > timeout:
            raise TimeoutError(f"{what}: {value}/{target} after {timeout:.0f} s")
        if value != last and now - last_print > 15:
            print(f"  … {what}: {value}/{target} after {now - t0:.0f} s", flush=True)
            last, last_print = value, now
        await asyncio.sleep(0.5)


async def join(client: AsyncClient, room: str) -> None:
    """Join, retried a few times: a busy Synapse sometimes refuses one of many joins at once."""
    for attempt in range(5):
        resp = await client.join(room)
        if getattr(resp, "room_id", None):
            return
        await asyncio.sleep(0.5 * (attempt + 1))
    raise RuntimeError(f"{client.user_id} could not join {room}: {resp}")


async def set_up(
    owner: AsyncClient, others: list[AsyncClient], bot_id: str, n_rooms: int, concurrency: int
) -> list[str]:
    """``n_rooms`` public rooms, each with the owner and ``others`` joined and the bot invited."""
    t0 = time.perf_counter()
    rooms: list[str] = await bounded(
        concurrency, (lambda i=i: public_room(owner, [bot_id], f"Raum {i}") for i in range(n_rooms))
    )
    t_create = time.perf_counter() - t0
    print(f"set-up: {n_rooms} rooms created in {t_create:.0f} s ({n_rooms / t_create:.1f}/s)", flush=True)

    t1 = time.perf_counter()
    # member by member across all rooms: joins into one room queue behind each other in Synapse
    await bounded(concurrency, (lambda c=c, r=r: join(c, r) for c in others for r in rooms))
    t_join = time.perf_counter() - t1
    joins = len(rooms) * len(others)
    print(f"set-up: {joins} joins in {t_join:.0f} s ({joins / t_join:.0f}/s)", flush=True)
    return rooms


def batches(log: str) -> list[tuple[int, float, int]]:
    """(events, ms, rooms known) of each ``batch:`` line."""
    return [(int(n), float(ms), int(known)) for n, _r, ms, known in BATCH.findall(log)]


async def main(n_rooms: int, n_members: int, n_messages: int, n_pings: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory(prefix="lotsenbot-rooms-") as tmp:
        work = Path(tmp)
        async with LocalSynapse(work / "hs") as hs:
            t_all = time.perf_counter()
            people = await users(hs, "lotse", n_members - 1)  # plus the bot = n_members
            owner, others = people[0], people[1:]
            # registered before set-up so the rooms can invite it; start_bot() logs in with this password
            bot_id = await hs.register_user("lotsenbot", bot_password())
            rooms = await set_up(owner, others, bot_id, n_rooms, concurrency)
            t_setup = time.perf_counter() - t_all

            t0 = time.perf_counter()
            bot, bot_id, db_url = await start_bot(hs, work, [], log_level="DEBUG")
            tail = LogTail(bot.log_path)
            db = Database(db_url)
            observer = Observer(others[0] if others else owner, rooms[0], bot_id)
            try:
                await wait_for(bot, db, "SELECT count(*) FROM alembic_version", 1, 60, "migrations")
                greeted = "SELECT count(*) FROM bot_rooms WHERE joined AND greeted"
                await wait_for(bot, db, greeted, n_rooms, 3600, "rooms joined and greeted")
                t_join = time.perf_counter() - t0
                print(f"bot: joined and greeted {n_rooms} rooms in {t_join:.0f} s", flush=True)
                await asyncio.sleep(5)
                rss_idle, peak_join = bot.rss_mb(), bot.rss_mb("VmHWM")
                tail.new()

                # plain chatter in all rooms: sync processing per event (decode, filter, dispatch, commit)
                handled = "SELECT count(*) FROM processed_events"
                before = await scalar(db, handled)
                t1 = time.perf_counter()
                await bounded(
                    4,
                    (
                        lambda i=i: send(
                            people[i % len(people)],
                            rooms[(i * 7) % len(rooms)],
                            "m.room.message",
                            text(f"Nachricht {i} zum Thema E-Akte"),
                        )
                        for i in range(n_messages)
                    ),
                )
                t_sent = time.perf_counter() - t1
                await wait_for(bot, db, handled, before + n_messages, 600, "messages handled")
                t_handled = time.perf_counter() - t1
                await asyncio.sleep(1)
                chatter = batches(tail.new())
                rss_busy = bot.rss_mb()

                # !ping round trips in one of the rooms, with the bot in all of them
                await observer.start()
                latencies = []
                for _ in range(n_pings):
                    began = time.perf_counter()
                    event_id = await send(owner, rooms[0], "m.room.message", text("!ping"))
                    await observer.wait_reply(event_id, timeout=60)
                    latencies.append((observer.replies[event_id][0] - began) * 1000)
                await observer.stop()

                # a restart: the first sync after it carries the full state of every room
                tail.new()
                await bot.stop()
                t2 = time.perf_counter()
                await bot.start()
                first: list[tuple[int, float, int]] = []
                while not first and time.perf_counter() - t2 < 600:
                    await asyncio.sleep(0.2)
                    first = [b for b in batches(tail.new()) if b[2] >= n_rooms]
                t_restart = time.perf_counter() - t2
                await asyncio.sleep(5)
                rss_restart, peak_restart = bot.rss_mb(), bot.rss_mb("VmHWM")
            finally:
                await observer.stop()
                await db.close()
                await bot.stop()
                for client in people:
                    await client.close()

    events = sum(n for n, _ms, _k in chatter)
    total_ms = sum(ms for _n, ms, _k in chatter)
    per_event = [ms / n for n, ms, _k in chatter if n]
    median = statistics.median(per_event) if per_event else float("nan")
    print(f"set-up (users, rooms, joins): {t_setup:.0f} s")
    print(
        f"bot RSS: {rss_idle:.0f} MB idle in {n_rooms} rooms × {n_members} members, {rss_busy:.0f} MB after "
        f"{n_messages} messages, {rss_restart:.0f} MB after a restart (target < 200 MB)"
    )
    print(f"bot peak RSS: {peak_join:.0f} MB while joining, {peak_restart:.0f} MB after a full-state restart")
    mean = total_ms / max(events, 1)
    print(
        f"sync processing: {events} events in {len(chatter)} batches, {mean:.2f} ms/event mean, batch median "
        f"{median:.2f} ms/event; {n_messages} messages sent in {t_sent:.1f} s, all handled after "
        f"{t_handled:.1f} s"
    )
    p50, p95 = pct(latencies, 0.5), pct(latencies, 0.95)
    print(
        f"!ping with the bot in {n_rooms} rooms: p50 {p50:.0f} ms, p95 {p95:.0f} ms "
        f"({len(latencies)} round trips)"
    )
    if first:
        print(
            f"restart: first (full-state) sync of {first[0][2]} rooms handled {t_restart:.1f} s after start "
            f"(processing {first[0][1]:.0f} ms)"
        )
    else:
        print(f"restart: no first-sync line within {t_restart:.0f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--members", type=int, default=10, help="per room, the bot included")
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--pings", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=32, help="parallel requests during set-up")
    a = parser.parse_args()
    asyncio.run(main(a.rooms, a.members, a.messages, a.pings, a.concurrency))
