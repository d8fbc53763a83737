"""Poll benchmarks: the tally in-process, and 25 Lotsen voting within one second on a real Synapse.

Run from the repo root: ``python benchmarks/polls.py [--voters 1000] [--changes 5] [--lotsen 25] [--plain]``.

1. Tally: ``voters × changes`` responses (every voter changes their mind ``changes - 1`` times, some
   responses are redacted, some spoiled, some late), counted by the pure MSC3381 tally and, for comparison,
   loaded from an SQLite database and counted (``store.current_tally``). Target: < 50 ms in-process.
2. Synapse: starts a throwaway Synapse (``bot.dev.localsynapse.LocalSynapse``), the real bot, a coordinator
   and N Lotsen in one (by default encrypted) room. The coordinator starts a native poll; all Lotsen click an
   answer at once (an ``org.matrix.msc3381.poll.response`` each, sent concurrently). Prints how long the
   sends took and when the bot had counted every vote; all N must be counted.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from bot.app import App  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.dev.devclient import PASSWORD, Lotse  # noqa: E402
from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from bot.logs import setup_logging  # noqa: E402
from commands.polls import store  # noqa: E402
from commands.polls.tally import Response, tally  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.polls import Poll, PollResponse  # noqa: E402

ANSWERS = ["1", "2", "3", "4", "5"]
START = "org.matrix.msc3381.poll.start"
RESPONSE = "org.matrix.msc3381.poll.response"
END_TS = 1_000_000 + 4 * 60_000 + 30_000  # the poll ends in the middle of the fifth round: late votes exist


# --------------------------------------------------------------------------------------- in-process


def make_responses(voters: int, changes: int, seed: int = 7) -> list[Response]:
    """Interleaved history: each voter answers ``changes`` times; ~2 % redacted, ~1 % spoiled."""
    rng = random.Random(seed)
    out: list[Response] = []
    seq = 0
    for round_ in range(changes):
        for v in range(voters):
            seq += 1
            ts = 1_000_000 + round_ * 60_000 + rng.randint(0, 59_999)
            roll = rng.random()
            selections: object = [rng.choice(ANSWERS)]
            if roll < 0.01:
                selections = ["unbekannt"]
            elif roll < 0.02:
                selections = []
            out.append(Response(f"@lotse{v}:bench", ts, seq, selections, redacted=rng.random() < 0.02))
    rng.shuffle(out)  # arrival order must not matter
    return out


def bench_tally(voters: int, changes: int, repeats: int = 15) -> tuple[float, float, int]:
    responses = make_responses(voters, changes)
    times = []
    result = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = tally(responses, ANSWERS, max_selections=1, end_ts=END_TS)
        times.append((time.perf_counter() - t0) * 1000)
    assert result is not None
    return statistics.median(times), min(times), result.voters


async def bench_db_tally(voters: int, changes: int, root: Path) -> tuple[float, int]:
    """The same history stored as rows, loaded and counted as ``!ergebnis`` does."""
    db = Database(f"sqlite+aiosqlite:///{root / 'tally.db'}")
    await db.migrate()
    responses = make_responses(voters, changes)
    async with db.transaction() as session:
        poll = Poll(
            room_id="!bench:x", number=1, question="?", options=ANSWERS, creator="@k:x", end_ts_ms=END_TS
        )
        session.add(poll)
        await session.flush()
        session.add_all(
            PollResponse(
                poll_id=poll.id,
                event_id=f"$e{i}",
                sender=r.voter,
                ts_ms=r.ts,
                source="poll",
                selections=r.selections,
                redacted=r.redacted,
            )
            for i, r in enumerate(responses)
        )
    times = []
    counted = 0
    for _ in range(5):
        async with db.transaction() as session:
            loaded = await session.scalar(select(Poll))
            assert loaded is not None
            t0 = time.perf_counter()
            counted = (await store.current_tally(session, loaded)).voters
            times.append((time.perf_counter() - t0) * 1000)
    await db.close()
    return statistics.median(times), counted


# ------------------------------------------------------------------------------------------ Synapse


async def bench_synapse(n: int, encrypted: bool, root: Path) -> dict[str, float]:
    async with LocalSynapse(root / "synapse") as hs:
        bot_id = await hs.register_user("lotsenbot", "bot-password")
        coord_id = await hs.register_user("koordination", PASSWORD)
        (root / "bot-password").write_text("bot-password")
        config = Config.model_validate(
            {
                "matrix": {"homeserver": hs.url, "user_id": bot_id, "password_env": None,
                           "password_file": str(root / "bot-password"), "access_token_env": None},
                "bot": {"data_dir": str(root / "bot")},
                "coordinators": {"users": [coord_id]},
            }
        )  # fmt: skip
        app = App(config)
        await app.start()
        await app.wait_synced()
        t_setup = time.monotonic()
        coord = Lotse(hs.url, coord_id, root / "clients" / "koordination")
        lotsen = []
        for i in range(n):
            user = await hs.register_user(f"lotse{i:02d}", PASSWORD)
            lotsen.append(Lotse(hs.url, user, root / "clients" / f"lotse{i:02d}"))
        everyone = [coord, *lotsen]
        await asyncio.gather(*(c.login() for c in everyone))
        await asyncio.gather(*(c.start() for c in everyone))
        try:
            room = await coord.create_room(invite=[bot_id, *(c.user_id for c in lotsen)], encrypted=encrypted)
            await coord.wait_member(room, bot_id, timeout=60)
            await asyncio.gather(*(c.wait_member(room, c.user_id, timeout=60) for c in lotsen))
            for member in everyone:
                await coord.wait_member(room, member.user_id, timeout=60)
            await asyncio.gather(*(c.wait_member(room, bot_id, timeout=60) for c in lotsen))
            # Everybody says hello once, so megolm sessions exist before the timed votes (as in a real room).
            await asyncio.gather(*(c.send(room, "Hallo!") for c in lotsen))
            setup_s = time.monotonic() - t_setup

            await coord.send(room, '!umfrage "Benchmark: welche Option?" "Eins" "Zwei" "Drei" "Vier" "Fünf"')
            starts = await asyncio.gather(
                *(
                    c.wait_for(
                        room, lambda e: e.get("type") == START and e.get("sender") == bot_id, timeout=60
                    )
                    for c in lotsen
                )
            )
            start_id = starts[0]["event_id"]
            answers = [a["id"] for a in starts[0]["content"][START]["answers"]]

            async def click(i: int, lotse: Lotse) -> float:
                content = {
                    "m.relates_to": {"rel_type": "m.reference", "event_id": start_id},
                    RESPONSE: {"answers": [answers[i % len(answers)]]},
                }
                await lotse.send_event(room, RESPONSE, content)
                return time.monotonic()

            t0 = time.monotonic()
            sent_at = await asyncio.gather(*(click(i, c) for i, c in enumerate(lotsen)))
            send_window = max(sent_at) - t0
            counted = 0
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                async with app.db.transaction() as session:
                    poll = await session.scalar(select(Poll).where(Poll.room_id == room))
                    if poll is not None:
                        counted = (await store.current_tally(session, poll)).voters
                if counted >= n:
                    break
                await asyncio.sleep(0.02)
            all_counted = time.monotonic() - t0
            reply = await coord.ask(room, "!ergebnis 1", timeout=60)
        finally:
            await asyncio.gather(*(c.close() for c in everyone), return_exceptions=True)
            await app.stop()
    return {
        "setup_s": setup_s,
        "send_window_s": send_window,
        "all_counted_s": all_counted,
        "counted": counted,
        "reply_ok": float(f"{n} von {n + 1} Mitgliedern haben abgestimmt" in reply),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--lotsen", type=int, default=25)
    parser.add_argument("--plain", action="store_true", help="unencrypted room (default: encrypted)")
    parser.add_argument("--skip-synapse", action="store_true")
    args = parser.parse_args()
    setup_logging("WARNING")

    median_ms, best_ms, voters = bench_tally(args.voters, args.changes)
    total = args.voters * args.changes
    verdict = "OK" if median_ms < 50 else "TOO SLOW"
    print(f"Tally, {args.voters} voters × {args.changes} responses = {total} responses (in-process):")
    print(f"  median {median_ms:6.2f} ms   best {best_ms:6.2f} ms   ({voters} valid votes)")
    print(f"  target < 50 ms: {verdict}")
    with tempfile.TemporaryDirectory(prefix="lotsenbot-bench-") as tmp:
        db_ms, db_voters = asyncio.run(bench_db_tally(args.voters, args.changes, Path(tmp)))
    print(f"  from SQLite (load {total} rows + tally): median {db_ms:6.1f} ms ({db_voters} valid votes)")

    if args.skip_synapse:
        return 0 if median_ms < 50 else 1
    with tempfile.TemporaryDirectory(prefix="lotsenbot-bench-") as tmp:
        figures = asyncio.run(bench_synapse(args.lotsen, not args.plain, Path(tmp)))
    room = "unencrypted" if args.plain else "encrypted"
    ok = figures["counted"] == args.lotsen
    print(f"Synapse, {args.lotsen} Lotsen clicking at once in an {room} room:")
    print(f"  setup (users, room, keys)    {figures['setup_s']:6.1f} s")
    print(f"  all {args.lotsen} votes sent within    {figures['send_window_s'] * 1000:6.0f} ms")
    print(f"  all votes counted after      {figures['all_counted_s'] * 1000:6.0f} ms (from the first send)")
    print(f"  counted {int(figures['counted'])} of {args.lotsen}: {'OK' if ok else 'MISSING VOTES'}")
    print(f"  !ergebnis shows the turnout: {'OK' if figures['reply_ok'] else 'NO'}")
    return 0 if ok and median_ms < 50 else 1


if __name__ == "__main__":
    raise SystemExit(main())
