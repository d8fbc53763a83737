"""Many rooms, side by side: ``!ping`` p50/p95 with the bot in 1 room and in N rooms (issue 16.4).

Four responders run at the same time on one local Synapse, each its own process with its own account:
the bot in one room, the bot in N rooms (own database each), and a null echo client
(``_echo_client.py``, ~20 lines of nio) in one room and in N rooms. Their ``!ping`` round trips are
interleaved (the order rotates every round), so all four see the same load at every moment. The one-room
pair is the baseline; the echo client's growth N/1 is what the homeserver (its sync for an account in N
rooms) and nio cost any client; the bot's growth beyond that is the bot's own. Stages add rooms to the
N-room pair (1, 100, 1,000 by default; at stage 1 both pairs are alike, which shows the noise).

Prints per stage and responder: round trip as the pinging user's observer sees it, the same by the
homeserver's clock (ping's ``origin_server_ts`` → reply's), and for the bots their own processing time of
the batches that carried a ping (DEBUG ``batch:`` line), and each process's CPU time per round trip of its
own (what one ping costs it; unlike wall-clock times hardly affected by other load on the machine).
Then the ratios N/1 (goal ≤ 1.2 for the bot), and how long an incremental sync that brings nothing new
takes the homeserver for the 1-room and the N-room bot account, with the bot's sync filter and without.

Set-up: rooms are public (joining needs no invite) with the owner (who pings), the responder's account
and, in the ping rooms, one observer per responder; the filler rooms of the N-room pair are shared by
both of them (created by the owner, joined by the bot's and the echo client's accounts through the
client-server API, ``--concurrency`` at a time; the local Synapse has its rate limits lifted).

Run: ``python benchmarks/rooms_scaling.py [--stages 1,100,1000] [--pings 30] [--synapse-db postgres]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nio import AsyncClient, RoomCreateResponse, RoomPreset  # noqa: E402

from benchmarks._homeserver import add_argument, homeserver  # noqa: E402
from benchmarks._scaling import growth, own_growth, pct, rotated  # noqa: E402
from benchmarks.load_vote import PASSWORD, Observer, bounded, cpu_seconds, send, text, user  # noqa: E402
from benchmarks.rooms import LogTail, batches, join, wait_for  # noqa: E402
from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from bot.matrix.constants import SYNC_FILTER  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.support.process import BotProcess, bot_account, bot_password  # noqa: E402

KNOWN = "SELECT count(*) FROM bot_rooms WHERE joined"


@dataclass
class Responder:
    """One of the four: its account's own session (to join rooms), its ping room and its process."""

    label: str
    many: bool
    user_id: str
    session: AsyncClient
    room: str = ""
    observer: Observer | None = None
    bot: BotProcess | None = None
    echo: asyncio.subprocess.Process | None = None
    db: Database | None = None
    tail: LogTail | None = None
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    cpu_ms: float = float("nan")  # CPU time of its process per measured round trip

    @property
    def pid(self) -> int | None:
        proc = self.bot.proc if self.bot is not None else self.echo
        return proc.pid if proc is not None else None


async def session(hs: LocalSynapse, user_id: str, password: str) -> AsyncClient:
    client = AsyncClient(hs.url, user_id)
    await client.login(password)
    return client


async def bot_responder(hs: LocalSynapse, work: Path, label: str, localpart: str, many: bool) -> Responder:
    home = work / localpart
    home.mkdir()
    db_url = f"sqlite+aiosqlite:///{home / 'bot.db'}"
    bot_id, cfg = await bot_account(hs, home, database_url=db_url, localpart=localpart, log_level="DEBUG")
    r = Responder(label, many, bot_id, await session(hs, bot_id, bot_password(localpart)))
    r.bot, r.db = BotProcess(cfg, home / "bot.log"), Database(db_url)
    return r


async def echo_responder(hs: LocalSynapse, label: str, localpart: str, many: bool) -> Responder:
    echo_id = await hs.register_user(localpart, PASSWORD)
    return Responder(label, many, echo_id, await session(hs, echo_id, PASSWORD))


async def start(hs: LocalSynapse, r: Responder) -> None:
    if r.bot is not None:
        await r.bot.start()
        r.tail = LogTail(r.bot.log_path)
    else:
        script = str(ROOT / "benchmarks" / "_echo_client.py")
        r.echo = await asyncio.create_subprocess_exec(sys.executable, script, hs.url, r.user_id, PASSWORD)


async def stop(r: Responder) -> None:
    if r.bot is not None:
        await r.bot.stop()
    if r.echo is not None and r.echo.returncode is None:
        r.echo.terminate()
        await r.echo.wait()
    if r.db is not None:
        await r.db.close()
    await r.session.close()


async def make_rooms(owner: AsyncClient, joiners: list[AsyncClient], n: int, concurrency: int) -> list[str]:
    """``n`` public rooms, each created by ``owner`` and joined by every client in ``joiners``."""
    t0 = time.perf_counter()

    async def one() -> str:
        resp = await owner.room_create(preset=RoomPreset.public_chat)  # no name: one event fewer
        if not isinstance(resp, RoomCreateResponse):
            raise RuntimeError(f"room_create failed: {resp}")
        await asyncio.gather(*(join(client, resp.room_id) for client in joiners))
        return resp.room_id

    rooms = await bounded(concurrency, (one for _ in range(n)))
    took = time.perf_counter() - t0
    print(f"  set-up: {n} room(s) with {len(joiners) + 1} members in {took:.0f} s", flush=True)
    return rooms


async def ping(owner: AsyncClient, r: Responder, record: bool) -> None:
    assert r.observer is not None
    began = time.perf_counter()
    event_id = await send(owner, r.room, "m.room.message", text("!ping"))
    reply = await r.observer.wait_reply(event_id, timeout=60)
    if record:
        r.client_ms.append((r.observer.replies[event_id][0] - began) * 1000)
        r.server_ms.append(float(int(reply["origin_server_ts"]) - r.observer.server_ts[event_id]))


async def measure(owner: AsyncClient, responders: list[Responder], n_pings: int) -> dict[str, list[float]]:
    """Interleaved round trips; returns each bot's processing times (ms) of the batches with a ping."""
    for r in responders:
        r.client_ms, r.server_ms = [], []
        assert r.observer is not None
        await r.observer.start()
    try:
        for r in responders:  # warm-up, and proof that each has caught up with its rooms' joins
            for _ in range(2):
                await ping(owner, r, record=False)
        for r in responders:
            if r.tail is not None:
                r.tail.new()
        cpu_before = {r.label: cpu_seconds(r.pid) for r in responders}
        for k in range(n_pings):
            for r in rotated(responders, k):
                await ping(owner, r, record=True)
        for r in responders:
            r.cpu_ms = (cpu_seconds(r.pid) - cpu_before[r.label]) * 1000 / n_pings
        await asyncio.sleep(1)  # the bots' last batch lines
    finally:
        for r in responders:
            assert r.observer is not None
            await r.observer.stop()
    return {r.label: [ms for n, ms, _k in batches(r.tail.new()) if n] for r in responders if r.tail}


async def sync_ms(client: AsyncClient, sync_filter: dict | None, n: int = 15) -> float:
    """p50 of ``n`` incremental syncs that bring nothing new: the homeserver's fixed cost of one sync for
    this account (its rooms), without any client work beyond sending the request and parsing the reply."""
    first = await client.sync(timeout=0, sync_filter=sync_filter)
    since = getattr(first, "next_batch", None)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        resp = await client.sync(timeout=0, since=since, sync_filter=sync_filter)
        times.append((time.perf_counter() - t0) * 1000)
        since = getattr(resp, "next_batch", since)
    return pct(times, 0.5)


async def print_sync_costs(responders: list[Responder]) -> None:
    """The same empty incremental sync for the 1-room and the N-room bot account, with the bot's filter and
    without any (as the echo client asks)."""
    bot_one, bot_many = responders[0], responders[1]
    for name, sync_filter in (("the bot's filter", SYNC_FILTER), ("no filter", None)):
        one = await sync_ms(bot_one.session, sync_filter)
        many = await sync_ms(bot_many.session, sync_filter)
        print(
            f"  empty incremental sync, {name}: 1 room p50 {one:.1f} ms, N rooms {many:.1f} ms "
            f"(ratio {many / one:.2f})",
            flush=True,
        )


def print_stage(stage: int, responders: list[Responder], batch_ms: dict[str, list[float]]) -> None:
    print(f"stage {stage}: N = {stage} room(s); load average {os.getloadavg()[0]:.1f}", flush=True)
    for r in responders:
        own = batch_ms.get(r.label)
        extra = f"; own batch processing p50 {pct(own, 0.5):5.1f} p95 {pct(own, 0.95):5.1f}" if own else ""
        print(
            f"  {r.label:14} !ping p50 {pct(r.client_ms, 0.5):5.0f} p95 {pct(r.client_ms, 0.95):5.0f} ms; "
            f"homeserver clock p50 {pct(r.server_ms, 0.5):5.0f} p95 {pct(r.server_ms, 0.95):5.0f}; "
            f"CPU {r.cpu_ms:5.1f} ms per round trip{extra}",
            flush=True,
        )
    bot_one, bot_many, echo_one, echo_many = responders
    for view, attr in (("client view", "client_ms"), ("homeserver clock", "server_ms")):
        bot = growth(getattr(bot_many, attr), getattr(bot_one, attr))
        echo = growth(getattr(echo_many, attr), getattr(echo_one, attr))
        own = own_growth(bot, echo)
        print(
            f"  ratio N/1 ({view}): bot p50 {bot[0]:.2f} p95 {bot[1]:.2f} (goal ≤ 1.2); "
            f"null echo client p50 {echo[0]:.2f} p95 {echo[1]:.2f}; the bot's own p50 {own[0]:.2f} "
            f"p95 {own[1]:.2f}",
            flush=True,
        )


async def main(stages: list[int], n_pings: int, concurrency: int, synapse_db: str) -> None:
    with tempfile.TemporaryDirectory(prefix="lotsenbot-rooms-scaling-") as tmp:
        work = Path(tmp)
        async with homeserver(work / "hs", synapse_db) as hs:
            t_all = time.perf_counter()
            owner = await user(hs, "lotse0000")
            responders = [
                await bot_responder(hs, work, "bot, 1 room", "lotsenbot-eins", many=False),
                await bot_responder(hs, work, "bot, N rooms", "lotsenbot-viele", many=True),
                await echo_responder(hs, "echo, 1 room", "echo-eins", many=False),
                await echo_responder(hs, "echo, N rooms", "echo-viele", many=True),
            ]
            many = [r.session for r in responders if r.many]
            try:
                for i, r in enumerate(responders):
                    watcher = await user(hs, f"beobachtung{i}")
                    (r.room,) = await make_rooms(owner, [r.session, watcher], 1, 1)
                    r.observer = Observer(watcher, r.room, r.user_id)
                    await start(hs, r)
                rooms_many = 1
                for stage in stages:
                    if stage > rooms_many:
                        await make_rooms(owner, many, stage - rooms_many, concurrency)
                        rooms_many = stage
                    for r in responders:
                        if r.db is not None and r.bot is not None:
                            await wait_for(r.bot, r.db, KNOWN, rooms_many if r.many else 1, 1800, r.label)
                    await asyncio.sleep(3)  # the joins' last syncs settle
                    print_stage(stage, responders, await measure(owner, responders, n_pings))
                    await print_sync_costs(responders)
            finally:
                for r in responders:
                    if r.observer is not None:
                        await r.observer.client.close()
                    await stop(r)
                await owner.close()
    print(f"whole run {time.perf_counter() - t_all:.0f} s (Synapse on {synapse_db})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--stages", default="1,100,1000", help="rooms of the N-room pair, stage by stage")
    parser.add_argument("--pings", type=int, default=30, help="per responder and stage")
    parser.add_argument("--concurrency", type=int, default=32, help="parallel requests during set-up")
    add_argument(parser)
    a = parser.parse_args()
    asyncio.run(main([int(s) for s in a.stages.split(",")], a.pings, a.concurrency, a.synapse_db))
