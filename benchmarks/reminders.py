"""Reminder latency: time from a reminder's due moment to the message being posted on the homeserver.

Run from the repo root: ``python benchmarks/reminders.py [--reminders 20] [--plain]``.
Starts a throwaway Synapse (``bot.dev.localsynapse.LocalSynapse``), the real bot and a coordinator, creates N
Meet-and-Learn sessions one second apart through the chat command, each with one reminder 7.5 seconds before
its start, and compares each reminder's due time (from the bot's database) with the ``origin_server_ts``
of the posted message, i.e. the moment Synapse accepted it. Prints p50, p95 and max for the reminders and
for the start messages ("Es geht los").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bot.app import App  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.dev.devclient import PASSWORD, Lotse  # noqa: E402
from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from bot.logs import setup_logging  # noqa: E402
from storage.meetlearn import MeetSession  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
OFFSET_S = 7.5  # half a second off the whole-second starts, so no reminder coincides with a start
FIRST_START_S = 25  # seconds from the beginning until the first session starts
SETUP_S_PER_SESSION = 6.0  # per `!meetlearn neu` on a busy machine: no reminder is due during set-up


async def _user(hs: LocalSynapse, localpart: str, root: Path) -> Lotse:
    user_id = await hs.register_user(localpart, PASSWORD)
    client = Lotse(hs.url, user_id, root / "clients" / localpart)
    await client.login()
    await client.start()
    return client


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


async def run(
    n: int, encrypted: bool, root: Path
) -> tuple[list[float], list[float], list[float], list[float]]:
    async with LocalSynapse(root / "synapse") as hs:
        bot_id = await hs.register_user("lotsenbot", "bot-password")
        (root / "bot-password").write_text("bot-password")
        config = Config.model_validate(
            {
                "matrix": {"homeserver": hs.url, "user_id": bot_id, "password_env": None,
                           "password_file": str(root / "bot-password"), "access_token_env": None},
                "bot": {"data_dir": str(root / "bot")},
                "features": {"meetlearn": {"reminder_offsets_seconds": [OFFSET_S], "announce_ping": False}},
            }
        )  # fmt: skip
        app = App(config)
        await app.start()
        await app.wait_synced()
        coord, lotse = [await _user(hs, name, root) for name in ("koordination", "lotse")]
        null_id = await hs.register_user("nullscheduler", PASSWORD)
        null_proc = None
        try:
            null_room = await coord.create_room(invite=[null_id], encrypted=False)
            # Three members: a room of two counts as a direct chat, where sessions are not created.
            room = await coord.create_room(invite=[bot_id, lotse.user_id], encrypted=encrypted)
            await coord.wait_member(room, bot_id)
            await lotse.wait_member(room, lotse.user_id)
            await coord.wait_member(room, lotse.user_id)
            await coord.wait_for(room, lambda e: e.get("sender") == bot_id, what="the greeting")
            lead = FIRST_START_S + SETUP_S_PER_SESSION * n
            began = time.monotonic()
            base = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=lead)
            for i in range(n):
                start = (base + timedelta(seconds=i)).astimezone(BERLIN)
                reply = await coord.ask(room, f'!meetlearn neu {start:%d.%m.%Y %H:%M:%S} "Benchmark {i + 1}"')
                assert reply.startswith("✅"), reply
            created = time.monotonic()
            async with app.db.transaction() as session:
                planned = sorted(s.starts_at for s in (await session.execute(select(MeetSession))).scalars())
            due = {
                "reminders": [(t - timedelta(seconds=OFFSET_S)).timestamp() for t in planned],
                "start messages": [t.timestamp() for t in planned],
            }
            instants = sorted(due["reminders"] + due["start messages"])
            null_proc = await asyncio.create_subprocess_exec(
                sys.executable,
                str(ROOT / "benchmarks" / "_null_scheduler.py"),
                *(hs.url, null_id, PASSWORD, null_room, json.dumps(instants)),
            )
            print(
                f"created {n} sessions in {created - began:.1f} s; "
                f"the first reminder is due after {lead - OFFSET_S:.0f} s"
            )

            def posted(prefix: str) -> list[dict[str, Any]]:
                return [
                    e for e in coord.messages_from(room, bot_id) if e["content"]["body"].startswith(prefix)
                ]

            # Wait for the start messages too: stopping the bot while they run would only add noise.
            with contextlib.suppress(AssertionError):  # anything missing is reported below
                await coord.wait_for(
                    room,
                    lambda _e: len(posted("🚀")) >= n,
                    timeout=lead + n + 30 - (time.monotonic() - began),
                    what=f"{n} start messages",
                )
            reminders, starts_posted = posted("⏰"), posted("🚀")
            async with app.db.transaction() as session:
                starts = {s.id: s.starts_at for s in (await session.execute(select(MeetSession))).scalars()}
            await asyncio.wait_for(null_proc.wait(), 60)
            null_posts = {
                int(e["content"]["body"].split()[1]): e["origin_server_ts"]
                for e in coord.messages_from(null_room, null_id)
            }
        finally:
            if null_proc is not None and null_proc.returncode is None:
                null_proc.kill()
            await coord.close()
            await lotse.close()
            await app.stop()
    if len(reminders) < n:
        print(f"warning: only {len(reminders)} of {n} reminders arrived")
    null = {
        kind: [null_posts[instants.index(t)] - t * 1000 for t in times if instants.index(t) in null_posts]
        for kind, times in due.items()
    }
    return (
        _latencies(reminders, starts, timedelta(seconds=OFFSET_S)),
        _latencies(starts_posted, starts, timedelta()),
        null["reminders"],
        null["start messages"],
    )


def _latencies(events: list[dict[str, Any]], starts: dict[int, datetime], before: timedelta) -> list[float]:
    """Milliseconds from due (session start minus ``before``) to the message's origin_server_ts."""
    out = []
    for event in events:
        m = re.search(r"\(#(\d+)\)", event["content"]["body"])
        assert m is not None
        posted = datetime.fromtimestamp(event["origin_server_ts"] / 1000, UTC)
        out.append((posted - (starts[int(m[1])] - before)).total_seconds() * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=20)
    parser.add_argument("--plain", action="store_true", help="unencrypted room (default: encrypted)")
    args = parser.parse_args()
    setup_logging("WARNING")
    with tempfile.TemporaryDirectory(prefix="lotsenbot-bench-") as tmp:
        reminders, starts, null_reminders, null_starts = asyncio.run(
            run(args.reminders, not args.plain, Path(tmp))
        )
    room = "unencrypted" if args.plain else "encrypted"
    print(f"Latency due → posted (origin_server_ts); bot in an {room} room, null scheduler in a plain one:")
    rows = (
        ("reminders", reminders, null_reminders),
        ("start messages", starts, null_starts),
    )
    for name, values, null in rows:
        for who, v in (("bot", values), ("null", null)):
            if v:
                print(
                    f"  {name:14} {who:4} n={len(v):3}  p50 {percentile(v, 0.5):6.1f} ms  "
                    f"p95 {percentile(v, 0.95):6.1f} ms  max {max(v):6.1f} ms  "
                    f"mean {statistics.mean(v):6.1f} ms"
                )
        if values and null:
            r50 = percentile(values, 0.5) / max(percentile(null, 0.5), 0.1)
            rmax = max(values) / max(max(null), 0.1)
            print(f"  {name:14} ratio bot/null: p50 {r50:.2f}  max {rmax:.2f}")
    everything = reminders + starts
    ok = bool(everything) and percentile(everything, 0.5) <= 10 and max(everything) <= 30
    print(f"load average {os.getloadavg()[0]:.1f}; goal p50 ≤ 10 ms, max ≤ 30 ms:", "OK" if ok else "MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
