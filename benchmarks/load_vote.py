"""Load: 200 Lotsen vote in one poll within a minute, against the bot as a process and, at the same
instants on the same Synapse, against a minimal nio client that does the same sends
(``benchmarks/_receipt_client.py``).

Half of them click in the poll widget (``org.matrix.msc3381.poll.response``), half type ``!stimme``; every
vote is sent at its own seeded random moment in the window, to the bot's room and to the null client's
room at once, so both see the same load (the homeserver, the machine) at every moment. The bot confirms
typed votes in one receipt message that it edits (``commands/polls/receipts.py``). Prints: whether all
votes were counted once (bot database and ``!ergebnis``) and every typed voter is listed exactly once; for
the typed votes the latency from the vote to the first receipt version listing the voter, by the
homeserver's clock (``origin_server_ts``) and as a syncing observer sees it, p50/p95 for the bot and the
null client and their ratio; how many messages and edits each sent into its room and their pace.

Run from the repo root: ``python benchmarks/load_vote.py [--lotsen 200] [--window 60]``
(``--reply-baseline`` adds a run of the null client replying to each vote, the old way; ``--alone`` leaves
the null client out, so the homeserver gets each vote once — the load of 200 Element users' votes — rather
than twice; ``--synapse-db postgres`` runs Synapse on PostgreSQL, as in production). Rooms are
unencrypted (the figure is the bot's own work, not 200 clients' key sharing). Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
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
)
from nio.api import RoomPreset  # noqa: E402
from sqlalchemy import select  # noqa: E402

from benchmarks._homeserver import add_argument, homeserver  # noqa: E402
from benchmarks._vote_observer import Observer  # noqa: E402
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


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of process ``pid`` so far (Linux ``/proc``); nan when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuShares:
    """CPU seconds each named process uses from now on: is it the homeserver, or the load generator?"""

    def __init__(self, pids: dict[str, int | None]) -> None:
        self.pids = pids
        self.before = {name: cpu_seconds(pid) for name, pid in pids.items()}

    def used(self) -> dict[str, float]:
        return {name: cpu_seconds(pid) - self.before[name] for name, pid in self.pids.items()}


class Target:
    """One room the burst goes to: the bot's or the null client's, with what its voters need."""

    def __init__(self, room: str, observer: Observer, start_id: str, answer_ids: Sequence[str]) -> None:
        self.room, self.observer, self.start_id, self.answer_ids = room, observer, start_id, answer_ids
        self.by_name: dict[str, float] = {}  # typed voter's name → when the vote was sent (client clock)
        self.by_event: dict[str, float] = {}  # command event → when it was sent
        self.send_ms: list[float] = []  # how long Synapse took to accept each vote


class Burst:
    """One seeded vote pattern, sent to every target at the same instants (the same load for each)."""

    def __init__(self, n: int, window: float, seed: int) -> None:
        rng = random.Random(seed)
        self.n, self.window = n, window
        self.choices = [rng.randrange(len(OPTIONS)) for _ in range(n)]
        self.native = [i % 2 == 0 for i in range(n)]
        rng.shuffle(self.native)
        self.offsets = sorted(rng.uniform(0, window) for _ in range(n))

    async def run(self, lotsen: Sequence[AsyncClient], targets: Sequence[Target]) -> None:
        t0 = time.perf_counter()

        async def one(i: int, target: Target) -> None:
            began = time.perf_counter()
            if self.native[i]:
                content = {
                    "m.relates_to": {"rel_type": "m.reference", "event_id": target.start_id},
                    RESPONSE: {"answers": [target.answer_ids[self.choices[i]]]},
                }
                await send(lotsen[i], target.room, RESPONSE, content)
            else:
                body = f"!stimme 1 {self.choices[i] + 1}"
                event_id = await send(lotsen[i], target.room, "m.room.message", text(body))
                target.by_event[event_id] = began
                target.by_name[str(lotsen[i].user_id)[1:].split(":", 1)[0]] = began
            target.send_ms.append((time.perf_counter() - began) * 1000)

        async def vote(i: int) -> None:
            await asyncio.sleep(max(0.0, t0 + self.offsets[i] - time.perf_counter()))
            await asyncio.gather(*(one(i, target) for target in targets))

        await asyncio.gather(*(vote(i) for i in range(self.n)))


def _joined(observer: Observer, user_id: str) -> bool:
    room = observer.client.rooms.get(observer.room)
    return room is not None and user_id in room.users and user_id not in room.invited_users


@contextlib.asynccontextmanager
async def null_client(
    hs: LocalSynapse,
    coord: AsyncClient,
    observer_client: AsyncClient,
    lotsen: Sequence[AsyncClient],
    mode: str,
) -> AsyncIterator[Target]:
    """``_receipt_client.py`` in a room of its own, joined by the same Lotsen; a stand-in for the poll."""
    null_id = await hs.register_user(f"null-{mode}", PASSWORD)
    room = await public_room(coord, [], f"Null {mode}")
    await join_all([observer_client, *lotsen], room)
    script = str(ROOT / "benchmarks" / "_receipt_client.py")
    proc = await asyncio.create_subprocess_exec(sys.executable, script, hs.url, null_id, PASSWORD, mode, room)
    observer = Observer(observer_client, room, null_id)
    await observer.start()
    try:
        if not await observer.wait(lambda: _joined(observer, null_id), timeout=60):
            raise RuntimeError("the null client did not join")
        stand_in = await send(coord, room, "m.room.message", text("(stands in for the poll)"))
        yield Target(room, observer, stand_in, [str(k + 1) for k in range(len(OPTIONS))])
    finally:
        await observer.stop()
        proc.terminate()
        await proc.wait()


@contextlib.asynccontextmanager
async def bot_room(
    hs: LocalSynapse,
    bot_id: str,
    coord: AsyncClient,
    observer_client: AsyncClient,
    lotsen: Sequence[AsyncClient],
) -> AsyncIterator[Target]:
    """The bot's room with its poll, joined by the Lotsen."""
    room = await public_room(coord, [bot_id], "Lasttest")
    await join_all([observer_client, *lotsen], room)
    observer = Observer(observer_client, room, bot_id)
    await observer.start()
    try:
        await observer.wait(lambda: bool(observer.from_bot), timeout=60)  # the greeting
        quoted = " ".join(f'"{o}"' for o in OPTIONS)
        await send(coord, room, "m.room.message", text(f'!umfrage "Lasttest: welche Option?" {quoted}'))
        await observer.wait(lambda: any(e["type"] == START for e in observer.from_bot), timeout=60)
        start = next(e for e in observer.from_bot if e["type"] == START)
        await observer.wait(lambda: sum(e["type"] == "m.room.message" for e in observer.from_bot) >= 2, 30)
        yield Target(room, observer, start["event_id"], [a["id"] for a in start["content"][START]["answers"]])
    finally:
        await observer.stop()


def result_of(target: Target, typed_names: Iterable[str]) -> dict[str, Any]:
    observer = target.observer
    listed = observer.listed_times()
    return {
        "latencies": [
            (observer.listed[n] - t) * 1000 for n, t in target.by_name.items() if n in observer.listed
        ],
        "typed": len(target.by_name),
        "once": sum(listed.get(n) == 1 for n in typed_names),
        "messages": observer.messages,
        "edits": observer.edits,
        "server": observer.server_ms(),
        "gaps": observer.gaps_ms(),
        "send_ms": target.send_ms,
    }


async def side_by_side(
    hs: LocalSynapse, work: Path, coord: AsyncClient, observers: Sequence[AsyncClient],
    lotsen: Sequence[AsyncClient], burst: Burst, alone: bool = False,
) -> tuple[dict[str, Any], dict[str, Any] | None]:  # fmt: skip
    """The bot and the null client get the burst at the same instants; returns (bot, null) results.

    ``alone``: the bot's room only (no null client, so the homeserver gets each vote once, as from 200
    Element users, instead of twice)."""
    bot, bot_id, db_url = await start_bot(hs, work, [coord.user_id])
    db = Database(db_url)
    try:
        async with contextlib.AsyncExitStack() as stack:
            mine = await stack.enter_async_context(bot_room(hs, bot_id, coord, observers[0], lotsen))
            null = None
            if not alone:
                null = await stack.enter_async_context(
                    null_client(hs, coord, observers[1], lotsen, "receipt")
                )
            targets = [mine] if null is None else [mine, null]
            await asyncio.sleep(1)
            for target in targets:
                target.observer.mark()
            cpu_before, t_vote = bot.cpu_seconds(), time.perf_counter()
            shares = CpuShares({"Synapse": hs.pid, "load generator and observers": os.getpid()})
            await burst.run(lotsen, targets)
            t_last_sent = time.perf_counter()
            cpu_shares = shares.used()
            counted = 0
            while time.perf_counter() - t_last_sent < 120:
                counted = await counted_votes(db, mine.room)
                if counted >= burst.n:
                    break
                await asyncio.sleep(0.05)
            t_counted = time.perf_counter()
            for target in targets:
                names = target.by_name
                await target.observer.wait(
                    lambda o=target.observer, n=names: all(k in o.listed for k in n), 120
                )
            t_answered = time.perf_counter()
            cpu = bot.cpu_seconds() - cpu_before
            await asyncio.sleep(2)  # late edits (a doubled line would show here)
            typed = set(mine.by_name)
            result = result_of(mine, typed)
            null_result = None if null is None else result_of(null, set(null.by_name))
            result_cmd = await send(coord, mine.room, "m.room.message", text("!ergebnis 1"))
            answer = str((await mine.observer.wait_reply(result_cmd))["content"].get("body", ""))
            result["rss"] = bot.rss_mb()
            result["limited"] = sum(t.observer.limited for t in targets)
    finally:
        await db.close()
        await bot.stop()
    counts_ok = all(
        f"({burst.choices.count(k)} Stimme{'n' if burst.choices.count(k) != 1 else ''})" in answer
        for k in range(len(OPTIONS))
    )
    result.update(
        counted=counted,
        complete_after=t_counted - t_last_sent,
        expected_ok=counts_ok,
        turnout_ok=f"{burst.n} von {burst.n + 2} Mitgliedern" in answer,
        cpu=cpu,
        busy=t_answered - t_vote,
        shares=cpu_shares,
        burst_s=t_last_sent - t_vote,
    )
    return result, null_result


async def reply_baseline(
    hs: LocalSynapse, coord: AsyncClient, observer: AsyncClient, lotsen: Sequence[AsyncClient], burst: Burst
) -> list[float]:
    """The null client replying to each vote (the way before receipts), alone: vote → reply, client view."""
    async with null_client(hs, coord, observer, lotsen, "reply") as target:
        await burst.run(lotsen, [target])
        replies = target.observer.replies
        await target.observer.wait(lambda: all(e in replies for e in target.by_event), timeout=180)
        return [(replies[e][0] - t) * 1000 for e, t in target.by_event.items() if e in replies]


def figures(label: str, r: dict[str, Any]) -> tuple[float, float, float, float]:
    """Prints the server view and the client view; returns (client p50, p95, server p50, p95)."""
    p50, p95 = pct(r["latencies"], 0.5), pct(r["latencies"], 0.95)
    s50, s95 = pct(r["server"], 0.5), pct(r["server"], 0.95)
    print(
        f"  {label}: vote → its line, homeserver clock (origin_server_ts): p50 {s50:.0f} ms, "
        f"p95 {s95:.0f} ms, max {max(r['server'], default=float('nan')):.0f} ms"
    )
    print(
        f"  {label}: vote → own line seen by an observer p50 {p50:.0f} ms, p95 {p95:.0f} ms; "
        f"{len(r['latencies'])}/{r['typed']} shown, {r['once']}/{r['typed']} listed exactly once; "
        f"{r['messages']} message(s) + {r['edits']} edit(s), median {pct(r['gaps'], 0.5):.0f} ms between "
        f"versions; a vote accepted by Synapse p50 {pct(r['send_ms'], 0.5):.0f} ms"
    )
    return p50, p95, s50, s95


async def main(
    n: int, window: float, seed: int, with_reply: bool, synapse_db: str = "sqlite", alone: bool = False
) -> int:
    burst = Burst(n, window, seed)
    with tempfile.TemporaryDirectory(prefix="lotsenbot-load-") as tmp:
        work = Path(tmp)
        async with homeserver(work / "hs", synapse_db) as hs:
            t0 = time.perf_counter()
            coord, *observers = await users(hs, "koordination", 3)
            lotsen = await users(hs, "lotse", n)
            print(f"set-up: {n + 3} users in {time.perf_counter() - t0:.1f} s")
            try:
                bot, null = await side_by_side(hs, work, coord, observers, lotsen, burst, alone)
                reply = await reply_baseline(hs, coord, observers[1], lotsen, burst) if with_reply else None
            finally:
                for client in [coord, *observers, *lotsen]:
                    await client.close()
    print(f"Synapse on {synapse_db}")
    report(n, window, seed, burst, bot, null, reply)
    ok = (
        bot["counted"] == n
        and bot["expected_ok"]
        and bot["turnout_ok"]
        and bot["once"] == bot["typed"]
        and bot["messages"] <= 1 + n // 100
        and pct(bot["server"], 0.95) <= 500
    )
    print(
        "RESULT:",
        "OK" if ok else "PROBLEM",
        "(target: all counted once, every line shown once, p95 ≤ 500 ms by the homeserver's clock, no flood)",
    )
    return 0 if ok else 1


def report(
    n: int, window: float, seed: int, burst: Burst, bot: dict[str, Any], null: dict[str, Any] | None,
    reply: list[float] | None,
) -> None:  # fmt: skip
    print(
        f"votes: {n} in {window:.0f} s ({sum(burst.native)} widget clicks, "
        f"{n - sum(burst.native)} !stimme), seed {seed}; "
        + ("the bot alone" if null is None else "the bot and the null client got them at the same instants")
        + f"; load average {os.getloadavg()[0]:.1f}"
    )
    verdict = {True: "OK", False: "WRONG"}
    print(
        f"  counted by the bot: {bot['counted']}/{n}, "
        f"complete {bot['complete_after']:.2f} s after the last vote; "
        f"!ergebnis: per-option counts {verdict[bot['expected_ok']]}, turnout {verdict[bot['turnout_ok']]}"
    )
    b50, b95, bs50, bs95 = figures("bot (receipt, edited)", bot)
    if null is not None:
        n50, n95, ns50, ns95 = figures("null client, same sends", null)
        print(f"  ratio bot / null client, homeserver clock: p50 {bs50 / ns50:.2f}, p95 {bs95 / ns95:.2f}")
        print(f"  ratio bot / null client, observer's view: p50 {b50 / n50:.2f}, p95 {b95 / n95:.2f}")
    if reply is not None:
        print(
            f"  null client replying to each vote (the old way, run alone after): vote → reply p50 "
            f"{pct(reply, 0.5):.0f} ms, p95 {pct(reply, 0.95):.0f} ms"
        )
    print(f"  observer syncs with gaps: {bot['limited']}")
    print(f"  bot CPU from the first vote to the last line shown: {bot['cpu']:.1f} s in {bot['busy']:.1f} s")
    used = ", ".join(f"{name} {s:.1f} s" for name, s in bot["shares"].items())
    cores = (os.cpu_count() or 1) * bot["burst_s"]
    print(f"  CPU during the {bot['burst_s']:.0f} s of votes: {used} (of {cores:.0f} s on all cores)")
    print(f"  bot RSS after the run: {bot['rss']:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lotsen", type=int, default=200)
    parser.add_argument("--window", type=float, default=60.0, help="seconds in which all votes are sent")
    parser.add_argument("--seed", type=int, default=200)
    parser.add_argument("--reply-baseline", action="store_true", help="also time a reply to each vote")
    parser.add_argument(
        "--alone", action="store_true", help="the bot only: each vote reaches the homeserver once, not twice"
    )
    add_argument(parser)
    a = parser.parse_args()
    raise SystemExit(asyncio.run(main(a.lotsen, a.window, a.seed, a.reply_baseline, a.synapse_db, a.alone)))
