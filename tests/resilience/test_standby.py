"""Two ``lotsenbot run`` on one database: one acts, one waits; kill -9 the active mid-burst (issue 16.1).

PostgreSQL: the second process reports itself a standby and stays silent; while Lotsen vote (half in the
poll widget, half with ``!stimme``) the active is killed with SIGKILL; the standby must take over within
10 s, and afterwards every vote is counted once and every command answered exactly once — counted by an
ordinary client in the room. An encrypted room proves that the standby, on takeover, uses the room keys
the old active received (it reloads the shared crypto store instead of keeping a stale copy).

SQLite: a second process on the same database file exits at once, non-zero, naming the holder.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from nio import JoinResponse
from sqlalchemy import text

from bot.dev.devclient import PASSWORD, Lotse
from bot.dev.localsynapse import LocalSynapse, _free_port
from storage.db import Database
from tests.conftest import new_database_url
from tests.support.process import ROOT, BotProcess, bot_account
from tests.support.voters import (
    OPTIONS,
    START,
    assert_counted_once,
    reply_target,
    stream_votes,
    voter,
    wait_listed,
)

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # picks its databases itself

VOTERS = 20
TAKEOVER_LIMIT = 10.0


async def until(cond: Any, timeout: float, what: str) -> float:
    """Wait for ``cond()``; returns the seconds it took."""
    started = time.monotonic()
    while not cond():
        assert time.monotonic() - started < timeout, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def role(port: int, timeout: float = 60) -> tuple[str, float]:
    """``/health``'s role and the ``lotsenbot_active`` gauge of the process serving ``port``.

    A process that has just taken over answers 503 ("no sync yet") until its first sync is done; that is
    waited for (how long it takes depends on the machine's load), any other answer is a failure at once.
    """
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        while True:
            async with http.get(f"http://127.0.0.1:{port}/health") as r:
                text = await r.text()
                if r.status == 200:
                    health = await r.json()
                    break
            assert r.status == 503 and "no sync yet" in text, (r.status, text)
            assert time.monotonic() - started < timeout, f"no first sync after {timeout} s: {text}"
            await asyncio.sleep(0.2)
        async with http.get(f"http://127.0.0.1:{port}/metrics") as r:
            gauge = next(
                float(line.split()[1])
                for line in (await r.text()).splitlines()
                if line.startswith("lotsenbot_active ")
            )
    return health["role"], gauge


async def cli(*args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(errors="replace")


@pytest.mark.postgres
async def test_standby_takes_over_after_kill9_and_nothing_is_lost_or_doubled(
    synapse: LocalSynapse, tmp_path: Path
) -> None:
    rng = random.Random(20261207)
    tag = secrets.token_hex(3)
    coord_id = await synapse.register_user(f"koordination-{tag}", PASSWORD)
    db_url = await new_database_url(tmp_path, "postgres")
    bot_id, cfg = await bot_account(
        synapse, tmp_path, database_url=db_url, coordinators=[coord_id], localpart=f"lotsenbot-{tag}"
    )
    # The same config; the second also serves /health and /metrics (one port per process on one host).
    port = _free_port()
    cfg2 = tmp_path / "config2.toml"
    cfg2.write_text(cfg.read_text().replace("[bot]\n", f"[bot]\nmetrics_port = {port}\n"))
    first, second = BotProcess(cfg, tmp_path / "first.log"), BotProcess(cfg2, tmp_path / "second.log")
    coord = Lotse(synapse.url, coord_id, tmp_path / "coord")
    await coord.login()
    await coord.start()
    sem = asyncio.Semaphore(8)
    voters = await asyncio.gather(*(voter(synapse, f"lotse{i:02d}-{tag}", sem) for i in range(VOTERS)))
    try:
        room = await coord.create_room(
            invite=[bot_id, *(v.user_id for v in voters)], encrypted=False, name="Abstimmung"
        )
        secret_room = await coord.create_room(invite=[bot_id], encrypted=True, name="Vertraulich")
        joins = await asyncio.gather(*(v.join(room) for v in voters))
        assert all(isinstance(j, JoinResponse) for j in joins), joins

        await first.start()
        await until(lambda: "Lotsenbot running" in first.log_text(), 90, "the first bot to start")
        await coord.wait_member(room, bot_id, timeout=60)
        await coord.wait_member(secret_room, bot_id, timeout=60)
        await second.start()
        await until(lambda: "standby:" in second.log_text(), 60, "the second bot to report standby")
        _code, status = await cli("status", "-c", str(cfg))
        assert "instance: active" in status and "1 standby" in status, status
        assert await role(port) == ("standby", 0.0)

        pings = [await coord.send(room, "!ping"), await coord.send(secret_room, "!ping")]
        for r, p in zip((room, secret_room), pings, strict=True):
            assert str((await coord.wait_reply(r, p, timeout=60))["content"]["body"]).startswith("pong")
        await coord.send(room, '!umfrage "Welcher Termin passt?" ' + " ".join(f'"{o}"' for o in OPTIONS))
        start = await coord.wait_for(
            room, lambda e: e.get("type") == START and e.get("sender") == bot_id, timeout=30, what="poll"
        )
        assert "Lotsenbot running" not in second.log_text(), "the standby must not act while the active lives"

        choices = [rng.randrange(len(OPTIONS)) for _ in range(VOTERS)]
        native = [i % 2 == 0 for i in range(VOTERS)]
        rng.shuffle(native)
        kill_after = VOTERS // 3
        watch: asyncio.Task[float] | None = None

        async def kill_the_active(i: int) -> None:
            nonlocal watch
            if i == kill_after:
                await first.kill9()
                watch = asyncio.create_task(
                    until(lambda: "Lotsenbot running" in second.log_text(), 60, "the standby to take over")
                )

        votes, commands = await stream_votes(
            voters, room, start, choices, native, rng=rng, pause=(0.1, 0.4), before_vote=kill_the_active
        )
        assert watch is not None
        takeover = await watch  # seconds from the kill to the standby's "Lotsenbot running"
        assert await role(port) == ("active", 1.0)
        after_kill = await coord.send(secret_room, "!ping")  # needs the room key the dead active received
        reply = await coord.wait_reply(secret_room, after_kill, timeout=60)
        assert str(reply["content"]["body"]).startswith("pong")
        typed = [v.user_id for i, v in enumerate(voters) if not native[i]]  # confirmed in the receipt
        confirmed = await wait_listed(lambda: coord.events.get(room, []), bot_id, typed, timeout=90)
        result_cmd = await coord.send(room, "!ergebnis 1")
        result = str((await coord.wait_reply(room, result_cmd, timeout=60))["content"]["body"])
        await asyncio.sleep(3)  # give a would-be duplicate time to arrive

        from_bot = coord.messages_from(room, bot_id)
        assert_counted_once(
            result, choices, from_bot, {pings[0], result_cmd}, coord.events[room], bot_id, typed, confirmed
        )
        secret_replies = Counter(t for t in map(reply_target, coord.messages_from(secret_room, bot_id)) if t)
        assert secret_replies == Counter([pings[1], after_kill])
        starts = [e for e in coord.events[room] if e.get("type") == START and e.get("sender") == bot_id]
        assert len(starts) == 1
        print(
            f"takeover: {takeover:.1f} s after kill -9 (standby log 'Lotsenbot running'); "
            f"{len(votes)} votes ({len(commands)} as !stimme), {len(commands) + 4} commands in all"
        )
        assert takeover <= TAKEOVER_LIMIT, f"takeover took {takeover:.1f} s"
    finally:
        await first.stop()
        await second.stop()
        await coord.close()
        await asyncio.gather(*(v.close() for v in voters))
        print(second.log_text()[-3000:])

    db = Database(db_url)
    try:
        async with db.transaction() as session:
            rows = (await session.execute(text("SELECT event_id FROM poll_responses"))).scalars().all()
    finally:
        await db.close()
    stored = Counter(rows)
    assert sorted(stored) == sorted(votes) and max(stored.values()) == 1, "each vote stored exactly once"


async def test_second_process_on_the_same_sqlite_database_is_refused(
    synapse: LocalSynapse, tmp_path: Path
) -> None:
    db_url = await new_database_url(tmp_path, "sqlite")
    tag = secrets.token_hex(3)
    _bot_id, cfg = await bot_account(synapse, tmp_path, database_url=db_url, localpart=f"lotsenbot-{tag}")
    first = BotProcess(cfg, tmp_path / "first.log")
    try:
        await first.start()
        await until(lambda: "Lotsenbot running" in first.log_text(), 90, "the first bot to start")
        assert first.proc is not None
        started = time.monotonic()
        code, out = await cli("run", "-c", str(cfg))
        assert time.monotonic() - started < 30, "refused at once, not after a wait"
        assert code == 3, out
        assert f"andere Lotsenbot-Instanz (pid {first.proc.pid} on " in out, out
        assert "Another Lotsenbot instance" in out and "not starting" in out, out
        assert first.running, "the active instance keeps running"
        code, status = await cli("status", "-c", str(cfg))
        assert f"instance: active (pid {first.proc.pid} on " in status, status
    finally:
        await first.stop()


@pytest.mark.postgres
async def test_active_that_loses_its_lock_connection_stops_and_the_standby_answers(
    synapse: LocalSynapse, tmp_path: Path
) -> None:
    """Lost network to the database, as the server sees it: the lock connection is cut. The active must stop
    acting and exit non-zero (systemd restarts it as a standby); the standby answers from then on, once."""
    import asyncpg
    from sqlalchemy.engine import make_url

    tag = secrets.token_hex(3)
    coord_id = await synapse.register_user(f"koordination-{tag}", PASSWORD)
    db_url = await new_database_url(tmp_path, "postgres")
    bot_id, cfg = await bot_account(
        synapse, tmp_path, database_url=db_url, coordinators=[coord_id], localpart=f"lotsenbot-{tag}"
    )
    first, second = BotProcess(cfg, tmp_path / "first.log"), BotProcess(cfg, tmp_path / "second.log")
    coord = Lotse(synapse.url, coord_id, tmp_path / "coord")
    await coord.login()
    await coord.start()
    try:
        room = await coord.create_room(invite=[bot_id], encrypted=False, name="Team")
        await first.start()
        await until(lambda: "Lotsenbot running" in first.log_text(), 90, "the first bot to start")
        await coord.wait_member(room, bot_id, timeout=60)
        await second.start()
        await until(lambda: "standby:" in second.log_text(), 60, "the second bot to report standby")
        before = await coord.send(room, "!ping")
        await coord.wait_reply(room, before, timeout=60)

        admin = await asyncpg.connect(make_url(db_url).set(drivername="postgresql").render_as_string(False))
        try:
            cut = await admin.fetchval(
                "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        finally:
            await admin.close()
        assert cut == 1
        assert first.proc is not None
        code = await asyncio.wait_for(first.proc.wait(), 15)
        assert code == 1, "a fenced active exits non-zero, so its supervisor restarts it"
        assert "lost the database lock connection" in first.log_text()
        await until(lambda: "Lotsenbot running" in second.log_text(), 30, "the standby to take over")
        after = await coord.send(room, "!ping")
        await coord.wait_reply(room, after, timeout=60)
        await asyncio.sleep(3)
        replies = Counter(t for t in map(reply_target, coord.messages_from(room, bot_id)) if t)
        assert replies == Counter([before, after]), "each command answered once, by exactly one process"
    finally:
        await first.stop()
        await second.stop()
        await coord.close()
