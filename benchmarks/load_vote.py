"""Load: 200 Lotsen vote in one poll within 10 seconds, on one local Synapse, against the bot as a process.

Half of them click in the poll widget (``org.matrix.msc3381.poll.response``), half type ``!stimme``; every
vote is sent at its own seeded random moment in the 10 s window, so the bot sees a steady ~20 votes/s
rather than one lump. Prints: whether all votes were counted (bot database and ``!ergebnis``), how long after
the last vote the count was complete, and the reply latency of the ``!stimme`` commands under this load
(send → the bot's reply seen by a separate syncing observer, like ``benchmarks/latency.py``).

Run from the repo root: ``python benchmarks/load_vote.py [--lotsen 200] [--window 10]``. The room is
unencrypted (the figure is the bot's own work, not 200 clients' key sharing). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nio import (  # noqa: E402
    AsyncClient,
    JoinResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomSendResponse,
    SyncResponse,
)
from nio.api import RoomPreset  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from commands.polls import store  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.polls import Poll  # noqa: E402
from tests.support.process import BotProcess, bot_account  # noqa: E402

PASSWORD = "bench-lotse"
START = "org.matrix.msc3381.poll.start"
RESPONSE = "org.matrix.msc3381.poll.response"
OPTIONS = ("Eins", "Zwei", "Drei", "Vier", "Fünf")
T = TypeVar("T")


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def bounded(limit: int, jobs: Iterable[Callable[[], Awaitable[T]]]) -> list[T]:
    """Run coroutine factories with at most ``limit`` at a time (Synapse is one process on few cores)."""
    sem = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with sem:
            return await job()

    return await asyncio.gather(*(one(j) for j in jobs))


async def user(hs: LocalSynapse, localpart: str) -> AsyncClient:
    """A registered, logged-in client that only sends (no sync, no encryption): cheap by the hundred."""
    user_id = await hs.register_user(localpart, PASSWORD)
    client = AsyncClient(hs.url, user_id)
    resp = await client.login(PASSWORD)
    if not isinstance(resp, LoginResponse):
        raise RuntimeError(f"login of {user_id} failed: {resp}")
    return client


async def users(hs: LocalSynapse, prefix: str, n: int, limit: int = 16) -> list[AsyncClient]:
    return await bounded(limit, (lambda i=i: user(hs, f"{prefix}{i:04d}") for i in range(n)))


async def public_room(owner: AsyncClient, invite: list[str], name: str) -> str:
    """A room anyone on the server may join without an invite: saves one membership event per member."""
    resp = await owner.room_create(name=name, preset=RoomPreset.public_chat, invite=invite)
    if not isinstance(resp, RoomCreateResponse):
        raise RuntimeError(f"room_create failed: {resp}")
    return resp.room_id


async def join_all(clients: Sequence[AsyncClient], room: str, limit: int = 16) -> None:
    async def join(client: AsyncClient) -> None:
        resp = await client.join(room)
        if not isinstance(resp, JoinResponse):
            raise RuntimeError(f"{client.user_id} could not join: {resp}")

    await bounded(limit, (lambda c=c: join(c) for c in clients))


async def send(client: AsyncClient, room: str, event_type: str, content: dict[str, Any]) -> str:
    resp = await client.room_send(room, event_type, content)
    if not isinstance(resp, RoomSendResponse):
        raise RuntimeError(f"send failed: {resp}")
    return resp.event_id


def text(body: str) -> dict[str, Any]:
    return {"msgtype": "m.text", "body": body}


class Observer:
    """Syncs one room and notes when each bot message arrives, keyed by the event it replies to."""

    def __init__(self, client: AsyncClient, room: str, bot_id: str) -> None:
        self.client = client
        self.room = room
        self.bot_id = bot_id
        self.replies: dict[str, list[float]] = {}  # command event id → arrival times of bot replies
        self.from_bot: list[dict[str, Any]] = []
        self.limited = 0  # syncs that did not show every event (would hide replies from the count)
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def start(self) -> None:
        """Begin syncing; the initial sync also records what the bot said before, e.g. its greeting."""
        self._task = asyncio.create_task(self._loop())

    def _filter(self) -> str:
        return json.dumps(
            {"room": {"rooms": [self.room], "timeline": {"limit": 1000}}, "presence": {"not_types": ["*"]}}
        )

    async def _loop(self) -> None:
        sync_filter = self._filter()
        initial = True
        while True:
            resp = await self.client.sync(timeout=30_000, sync_filter=sync_filter)
            now = time.perf_counter()
            if not isinstance(resp, SyncResponse):
                await asyncio.sleep(0.2)
                continue
            info = resp.rooms.join.get(self.room)
            if info is None:
                continue
            self.limited += bool(info.timeline.limited) and not initial  # the initial sync is a summary
            initial = False
            for event in info.timeline.events:
                source = getattr(event, "source", {}) or {}
                if source.get("sender") != self.bot_id:
                    continue
                self.from_bot.append(source)
                rel = (source.get("content") or {}).get("m.relates_to") or {}
                target = (rel.get("m.in_reply_to") or {}).get("event_id")
                if target:
                    self.replies.setdefault(target, []).append(now)
            self._changed.set()

    async def wait(self, cond: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not cond():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
        return True

    async def wait_reply(self, event_id: str, timeout: float = 60) -> dict[str, Any]:
        if not await self.wait(lambda: event_id in self.replies, timeout):
            raise TimeoutError(f"no reply to {event_id} within {timeout} s")
        return next(e for e in reversed(self.from_bot) if reply_to(e) == event_id)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


def reply_to(event: dict[str, Any]) -> str | None:
    rel = (event.get("content") or {}).get("m.relates_to") or {}
    return (rel.get("m.in_reply_to") or {}).get("event_id")


async def start_bot(
    hs: LocalSynapse, work: Path, coordinators: list[str], log_level: str = "WARNING"
) -> tuple[BotProcess, str, str]:
    """The bot as its own process (as in production), with an SQLite database the benchmark can read."""
    db_url = f"sqlite+aiosqlite:///{work / 'bot.db'}"
    bot_id, cfg = await bot_account(
        hs, work, database_url=db_url, coordinators=coordinators, log_level=log_level
    )
    bot = BotProcess(cfg, work / "bot.log")
    await bot.start()
    return bot, bot_id, db_url


async def counted_votes(db: Database, room: str) -> int:
    async with db.transaction() as session:
        poll = await session.scalar(select(Poll).where(Poll.room_id == room))
        return 0 if poll is None else (await store.current_tally(session, poll)).voters


async def main(n: int, window: float, seed: int) -> int:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="lotsenbot-load-") as tmp:
        work = Path(tmp)
        async with LocalSynapse(work / "hs") as hs:
            t0 = time.perf_counter()
            coord, observer_client = await users(hs, "koordination", 2)
            bot, bot_id, db_url = await start_bot(hs, work, [coord.user_id])
            lotsen = await users(hs, "lotse", n)
            t_users = time.perf_counter() - t0
            room = await public_room(coord, [bot_id], "Lasttest")
            t1 = time.perf_counter()
            await join_all([observer_client, *lotsen], room)
            t_join = time.perf_counter() - t1
            observer = Observer(observer_client, room, bot_id)
            await observer.start()
            db = Database(db_url)
            try:
                await observer.wait(lambda: bool(observer.from_bot), timeout=60)  # the greeting
                await send(coord, room, "m.room.message", text("!ping"))  # warm-up
                await observer.wait(lambda: len(observer.replies) >= 1, timeout=60)
                quoted = " ".join(f'"{o}"' for o in OPTIONS)
                await send(
                    coord, room, "m.room.message", text(f'!umfrage "Lasttest: welche Option?" {quoted}')
                )
                await observer.wait(lambda: any(e["type"] == START for e in observer.from_bot), timeout=60)
                start = next(e for e in observer.from_bot if e["type"] == START)
                answer_ids = [a["id"] for a in start["content"][START]["answers"]]
                print(f"set-up: {n + 2} users in {t_users:.1f} s, {n + 1} joins in {t_join:.1f} s")

                choices = [rng.randrange(len(OPTIONS)) for _ in range(n)]
                native = [i % 2 == 0 for i in range(n)]
                rng.shuffle(native)
                offsets = sorted(rng.uniform(0, window) for _ in range(n))
                sent_at: dict[str, float] = {}
                send_ms: list[float] = []  # how long Synapse takes to accept one event under this load
                commands: list[str] = []
                cpu_before = bot.cpu_seconds()
                t_vote = time.perf_counter()

                async def vote(i: int) -> None:
                    await asyncio.sleep(max(0.0, t_vote + offsets[i] - time.perf_counter()))
                    began = time.perf_counter()
                    if native[i]:
                        content = {
                            "m.relates_to": {"rel_type": "m.reference", "event_id": start["event_id"]},
                            RESPONSE: {"answers": [answer_ids[choices[i]]]},
                        }
                        await send(lotsen[i], room, RESPONSE, content)
                        send_ms.append((time.perf_counter() - began) * 1000)
                    else:
                        event_id = await send(
                            lotsen[i], room, "m.room.message", text(f"!stimme 1 {choices[i] + 1}")
                        )
                        sent_at[event_id] = began
                        send_ms.append((time.perf_counter() - began) * 1000)
                        commands.append(event_id)

                await asyncio.gather(*(vote(i) for i in range(n)))
                t_last_sent = time.perf_counter()
                counted = 0
                while time.perf_counter() - t_last_sent < 120:
                    counted = await counted_votes(db, room)
                    if counted >= n:
                        break
                    await asyncio.sleep(0.05)
                t_counted = time.perf_counter()
                await observer.wait(lambda: all(c in observer.replies for c in commands), timeout=120)
                t_answered = time.perf_counter()
                cpu = bot.cpu_seconds() - cpu_before
                result_cmd = await send(coord, room, "m.room.message", text("!ergebnis 1"))
                result = str((await observer.wait_reply(result_cmd))["content"].get("body", ""))
                await asyncio.sleep(2)
                rss = bot.rss_mb()
            finally:
                await observer.stop()
                await db.close()
                await bot.stop()
                for client in [coord, observer_client, *lotsen]:
                    await client.close()

    latencies = [(observer.replies[c][0] - sent_at[c]) * 1000 for c in commands if c in observer.replies]
    duplicates = sum(len(v) - 1 for v in observer.replies.values())
    expected_ok = all(
        f"({choices.count(k)} Stimme{'n' if choices.count(k) != 1 else ''})" in result
        for k in range(len(OPTIONS))
    )
    turnout_ok = f"{n} von {n + 2} Mitgliedern haben abgestimmt" in result  # + coordinator, observer
    print(f"votes: {n} in {window:.0f} s ({sum(native)} widget clicks, {len(commands)} !stimme), seed {seed}")
    print(
        f"  counted by the bot: {counted}/{n}, complete {t_counted - t_last_sent:.2f} s after the last vote"
    )
    verdict = {True: "OK", False: "WRONG"}
    print(f"  !ergebnis: per-option counts {verdict[expected_ok]}, turnout {verdict[turnout_ok]}")
    p50, p95 = pct(latencies, 0.5), pct(latencies, 0.95)
    print(
        f"  !stimme reply latency under load: p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
        f"max {max(latencies, default=float('nan')):.0f} ms ({len(latencies)}/{len(commands)} answered)"
    )
    s50, s95 = pct(send_ms, 0.5), pct(send_ms, 0.95)
    print(f"  one send accepted by Synapse (voters' view): p50 {s50:.0f} ms, p95 {s95:.0f} ms")
    print(f"  duplicate replies: {duplicates}; observer syncs with gaps: {observer.limited}")
    busy = t_answered - t_vote
    print(f"  bot CPU from the first vote to the last reply: {cpu:.1f} s in {busy:.1f} s ({cpu / busy:.0%})")
    print(f"  bot RSS after the run: {rss:.0f} MB")
    ok = counted == n and expected_ok and turnout_ok and duplicates == 0 and len(latencies) == len(commands)
    print("RESULT:", "OK" if ok else "PROBLEM")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lotsen", type=int, default=200)
    parser.add_argument("--window", type=float, default=10.0, help="seconds in which all votes are sent")
    parser.add_argument("--seed", type=int, default=200)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.lotsen, args.window, args.seed)))
