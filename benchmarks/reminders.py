"""Reminder latency: time from a reminder's due instant to the message being posted on the homeserver.

The method of matrix-reminder-bot's figure: the due time (from the bot's database) against the
``origin_server_ts`` of the posted message, i.e. the moment Synapse accepted it. Starts a throwaway Synapse
(``bot.dev.localsynapse.LocalSynapse``), the bot as its own process (as in production) and a coordinator;
creates Meet-and-Learn sessions through the chat command in a plain and in an encrypted room, each with one
reminder 7.5 seconds before its start, and a null scheduler (``_null_scheduler.py``, its own process) posts
a plain message at every one of the same instants. Two windows: first the machine as it is, then "under
load" (one busy-looping process per core for the whole window). Prints p50, p95 and max per window and
room (reminders and start messages together, and each kind), the null scheduler's, and the ratios.

Run from the repo root: ``python benchmarks/reminders.py [--sessions 20] [--no-load]
[--synapse-db postgres]`` (the last runs Synapse on PostgreSQL, as in production:
``benchmarks/_homeserver.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from benchmarks._homeserver import add_argument, homeserver  # noqa: E402
from bot.dev.devclient import PASSWORD, Lotse  # noqa: E402
from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import ScheduledJob  # noqa: E402
from tests.support.process import BotProcess, bot_account  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
OFFSET_S = 7.5  # half a second off the whole-second starts, so no reminder coincides with a start
GAP_S = 12  # seconds between the windows: the last start message of one and the first reminder of the next
ROOMS = ("plain", "encrypted")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@contextlib.contextmanager
def cpu_burners() -> Iterator[None]:
    """One busy-looping process per core: the machine under load (bot, Synapse and null scheduler alike)."""
    burn = [sys.executable, "-c", "while True: pass"]
    procs = [subprocess.Popen(burn) for _ in range(os.cpu_count() or 2)]
    try:
        yield
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


async def _user(hs: LocalSynapse, localpart: str, root: Path) -> Lotse:
    user_id = await hs.register_user(localpart, PASSWORD)
    client = Lotse(hs.url, user_id, root / "clients" / localpart)
    await client.login()
    await client.start()
    return client


class Plan:
    """Session starts: window w, room r, session i at base + w·(2n + GAP) + 2i + r (whole seconds, so
    every reminder and start of both rooms has an instant of its own, half a second apart)."""

    def __init__(self, n: int, windows: int, base: datetime) -> None:
        self.n, self.windows, self.base = n, windows, base

    def start(self, window: int, room: int, i: int) -> datetime:
        return self.base + timedelta(seconds=window * self.period + 2 * i + room)

    @property
    def period(self) -> int:
        """Whole seconds (the command takes the start to the second)."""
        return 2 * self.n + GAP_S + int(OFFSET_S) + 1

    def window_of(self, start: datetime) -> int:
        return int((start - self.base).total_seconds() // self.period)

    def span(self, window: int) -> tuple[datetime, datetime]:
        """From the window's first reminder to its last start message."""
        first = self.start(window, 0, 0) - timedelta(seconds=OFFSET_S)
        return first, self.start(window, 1, self.n - 1)


async def create_sessions(coord: Lotse, rooms: dict[str, str], plan: Plan) -> None:
    for window in range(plan.windows):
        for i in range(plan.n):
            for r, name in enumerate(ROOMS):
                start = plan.start(window, r, i).astimezone(BERLIN)
                line = f'!meetlearn neu {start:%d.%m.%Y %H:%M:%S} "Benchmark {name} {window}.{i + 1}"'
                reply = await coord.ask(rooms[name], line, timeout=60)
                assert reply.startswith("✅"), reply


async def setup_lead(coord: Lotse, room: str, count: int) -> float:
    """Seconds to allow for creating ``count`` sessions: 2.5 times what creating one (a probe for
    tomorrow, outside the measured windows) takes now, so a quiet machine does not idle for long."""
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).astimezone(BERLIN)
    began = time.monotonic()
    reply = await coord.ask(room, f'!meetlearn neu {tomorrow:%d.%m.%Y %H:%M:%S} "Probe"', timeout=60)
    assert reply.startswith("✅"), reply
    return 15 + 2.5 * (time.monotonic() - began) * count


async def run(
    n: int, load: bool, root: Path, log_copy: Path | None = None, synapse_db: str = "sqlite"
) -> dict[str, Any]:
    windows = 2 if load else 1
    async with homeserver(root / "synapse", synapse_db) as hs:
        db_url = f"sqlite+aiosqlite:///{root / 'bot.db'}"
        bot_id, cfg = await bot_account(
            hs, root, database_url=db_url, log_level="DEBUG" if log_copy else "WARNING"
        )
        with cfg.open("a") as f:
            f.write(f"[features.meetlearn]\nreminder_offsets_seconds = [{OFFSET_S}]\nannounce_ping = false\n")
        bot = BotProcess(cfg, root / "bot.log")
        await bot.start()
        coord, lotse = [await _user(hs, name, root) for name in ("koordination", "lotse")]
        null_id = await hs.register_user("nullscheduler", PASSWORD)
        null_proc = None
        db = Database(db_url)
        try:
            null_room = await coord.create_room(invite=[null_id], encrypted=False)
            rooms: dict[str, str] = {}
            for name in ROOMS:  # three members: a room of two counts as a direct chat
                room = await coord.create_room(invite=[bot_id, lotse.user_id], encrypted=name == "encrypted")
                await coord.wait_member(room, bot_id, timeout=120)
                await lotse.wait_member(room, lotse.user_id)
                await coord.wait_member(room, lotse.user_id)
                await coord.wait_for(
                    room, lambda e: e.get("sender") == bot_id, what="the greeting", timeout=60
                )
                rooms[name] = room
            lead = await setup_lead(coord, rooms["plain"], n * len(ROOMS) * windows)
            plan = Plan(n, windows, datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=round(lead)))
            began = time.monotonic()
            await create_sessions(coord, rooms, plan)
            print(f"created {n * len(ROOMS) * windows} sessions in {time.monotonic() - began:.1f} s")
            sessions = await due_times(db, before=plan.span(windows - 1)[1] + timedelta(minutes=1))
            if datetime.now(UTC) > plan.span(0)[0] - timedelta(seconds=2):
                raise RuntimeError("set-up took longer than planned: the first reminder was due already")
            instants = sorted(due.timestamp() for due in sessions.values())
            null_proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "benchmarks" / "_null_scheduler.py"),
                *(hs.url, null_id, PASSWORD, null_room, json.dumps(instants)),
            )
            for window in range(windows):
                first, last = plan.span(window)
                await asyncio.sleep(max(0.0, (first - datetime.now(UTC)).total_seconds() - 3))
                with cpu_burners() if window == 1 else contextlib.nullcontext():
                    await asyncio.sleep(max(0.0, (last - datetime.now(UTC)).total_seconds() + 2))
            for name in ROOMS:
                with contextlib.suppress(AssertionError):  # anything missing is reported below
                    await coord.wait_for(
                        rooms[name],
                        lambda _e, r=rooms[name]: (
                            len(timed(coord.messages_from(r, bot_id))) >= 2 * n * windows
                        ),
                        timeout=30,
                        what="every reminder and start message",
                    )
            await asyncio.wait_for(null_proc.wait(), 60)
            with contextlib.suppress(AssertionError):
                await coord.wait_for(
                    null_room,
                    lambda _e: len(coord.messages_from(null_room, null_id)) >= len(instants),
                    timeout=30,
                    what="every post of the null scheduler",
                )
            posted = {name: timed(coord.messages_from(rooms[name], bot_id)) for name in ROOMS}
            null_posts = {
                int(e["content"]["body"].split()[1]): e["origin_server_ts"]
                for e in coord.messages_from(null_room, null_id)
            }
        finally:
            if null_proc is not None and null_proc.returncode is None:
                null_proc.kill()
            await db.close()
            await coord.close()
            await lotse.close()
            await bot.stop()
            if log_copy is not None:
                shutil.copy(root / "bot.log", log_copy)
    return collect(plan, sessions, posted, null_posts, instants)


async def due_times(db: Database, before: datetime) -> dict[tuple[int, str], datetime]:
    """(session id, "reminder" or "start") → the due instant of its job, as the bot's database holds it
    (those due before ``before``: not the probe's)."""
    kinds = {"meetlearn.remind": "reminder", "meetlearn.start": "start"}
    async with db.transaction() as session:
        rows = await session.scalars(select(ScheduledJob).where(ScheduledJob.kind.in_(kinds)))
        due = {(int(j.payload["session_id"]), kinds[j.kind]): j.due_at.replace(tzinfo=UTC) for j in rows}
    return {key: t for key, t in due.items() if t < before}


def timed(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reminders (⏰) and start messages (🚀) among the bot's messages."""
    return [e for e in events if str(e["content"].get("body", "")).startswith(("⏰", "🚀"))]


def collect(
    plan: Plan,
    due: dict[tuple[int, str], datetime],
    posted: dict[str, list[dict[str, Any]]],
    null_posts: dict[int, int],
    instants: list[float],
) -> dict[str, Any]:
    """Latencies (ms) by (window, room or "null", kind): origin_server_ts minus the job's due instant."""
    out: dict[tuple[int, str, str], list[float]] = {}
    start_of = {sid: t for (sid, kind), t in due.items() if kind == "start"}
    for name, events in posted.items():
        for event in events:
            body = str(event["content"].get("body", ""))
            m = re.search(r"\(#(\d+)\)", body)
            kind = "reminder" if body.startswith("⏰") else "start"
            if m is None or (int(m[1]), kind) not in due:
                continue
            ms = event["origin_server_ts"] - due[int(m[1]), kind].timestamp() * 1000
            out.setdefault((plan.window_of(start_of[int(m[1])]), name, kind), []).append(ms)
    kind_at = {t.timestamp(): (kind, start_of[sid]) for (sid, kind), t in due.items()}
    for k, instant in enumerate(instants):
        if k in null_posts:
            kind, start = kind_at[instant]
            out.setdefault((plan.window_of(start), "null", kind), []).append(null_posts[k] - instant * 1000)
    return {"latencies": out, "windows": plan.windows, "n": plan.n}


def report(result: dict[str, Any]) -> bool:
    lat, n = result["latencies"], result["n"]
    ok = True
    for window in range(result["windows"]):
        label = "under load (a busy loop on every core)" if window else "machine as it is"
        print(f"window {window + 1}, {label}: due → posted (origin_server_ts), ms")
        null_all = lat.get((window, "null", "reminder"), []) + lat.get((window, "null", "start"), [])
        rows = [(f"bot, {name} room, {kind}s", lat.get((window, name, kind), []), n) for name in ROOMS
                for kind in ("reminder", "start")]  # fmt: skip
        rows += [(f"null scheduler, {kind} instants", lat.get((window, "null", kind), []), n * len(ROOMS))
                 for kind in ("reminder", "start")]  # fmt: skip
        for label_, v, expected in rows:
            print(
                f"  {label_:34} n={len(v):3}/{expected:<3} p50 {percentile(v, 0.5):7.1f}  "
                f"p95 {percentile(v, 0.95):7.1f}  max {max(v, default=float('nan')):7.1f}"
            )
        for name in ROOMS:
            v = lat.get((window, name, "reminder"), []) + lat.get((window, name, "start"), [])
            if v and null_all:
                r50 = percentile(v, 0.5) / max(percentile(null_all, 0.5), 0.1)
                rmax = max(v) / max(max(null_all), 0.1)
                print(
                    f"  bot, {name} room, all: p50 {percentile(v, 0.5):.1f} ms, max {max(v):.1f} ms; "
                    f"ratio to the null scheduler: p50 {r50:.2f}, max {rmax:.2f}"
                )
            if len(v) < 2 * n:
                ok = False
            elif window == 0:
                ok &= percentile(v, 0.5) <= 10
            else:
                ok &= max(v) <= 30
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="per room and window")
    parser.add_argument("--no-load", action="store_true", help="skip the window under load")
    parser.add_argument("--log", type=Path, help="keep the bot's log (at DEBUG) in this file")
    add_argument(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lotsenbot-bench-") as tmp:
        result = asyncio.run(run(args.sessions, not args.no_load, Path(tmp), args.log, args.synapse_db))
    ok = report(result)
    print(
        f"Synapse on {args.synapse_db}; load average {os.getloadavg()[0]:.1f}; goal p50 ≤ 10 ms "
        f"(window 1), max ≤ 30 ms under load (window 2), every message posted:",
        "OK" if ok else "MISSED",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
