"""Catch-up: the bot was stopped while 500 events piled up (votes and commands); how fast does it recover?

Set-up: one room with a coordinator, an observer and 50 Lotsen, a running native poll. Then the bot is
stopped and the Lotsen send 500 events — widget votes (``org.matrix.msc3381.poll.response``), ``!stimme``,
``!ping`` and ``!ergebnis`` — while it is down. The bot is started again and the benchmark prints the time
until it is up, until every one of the 500 events is handled (its ``processed_events`` table) and until
the last of its messages arrives: every ``!ping`` / ``!ergebnis`` must be answered exactly once (zero
duplicates), every ``!stimme`` voter listed in the poll's receipt message (one message, edited; see
``commands/polls/receipts.py``), and the poll must show each Lotse's last vote. The null client does the
same sends (replies and one edited receipt) for the same backlog in a room of its own; both start at
the same instant, so both meet the same load. More than the
sync timeline limit (50) is pending, so this also exercises
the gap filling in ``bot/matrix/events.py``.

Run from the repo root: ``python benchmarks/catchup.py [--events 500] [--lotsen 50]``. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from nio import AsyncClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from benchmarks.load_vote import (  # noqa: E402
    PASSWORD,
    RESPONSE,
    START,
    Observer,
    join_all,
    public_room,
    send,
    start_bot,
    text,
    users,
)
from bot.dev.localsynapse import LocalSynapse  # noqa: E402
from commands.polls import msc3381, store  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import ProcessedEvent  # noqa: E402
from storage.polls import Poll  # noqa: E402

OPTIONS = ("Eins", "Zwei", "Drei", "Vier")
# share of each kind among the pending events
MIX = (("vote", 0.4), ("stimme", 0.3), ("ping", 0.2), ("ergebnis", 0.1))


class NullClient:
    """``benchmarks/_null_catchup.py`` as its own process, like the bot: the baseline for the catch-up."""

    def __init__(self, hs: LocalSynapse, work: Path) -> None:
        self.hs = hs
        self.state = work / "null-client.json"
        self.user_id = ""

    async def _run(self, mode: str) -> str:
        script = str(ROOT / "benchmarks" / "_null_catchup.py")
        args = [mode, self.hs.url, self.user_id, PASSWORD, str(self.state)]
        proc = await asyncio.create_subprocess_exec(
            sys.executable, script, *args, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"null client {mode} failed")
        return out.decode()

    async def init(self, room: str) -> None:
        """Register, join and sync once; then the client is "down" while the backlog piles up."""
        self.user_id = await self.hs.register_user("nullclient", PASSWORD)
        client = AsyncClient(self.hs.url, self.user_id)
        await client.login(PASSWORD)
        await client.join(room)
        await client.close()
        await self._run("init")

    async def catchup(self, observer: Observer, commands: list[str], voters: set[str]) -> tuple[float, float]:
        """Seconds from starting the process until the observer saw its last message (every command
        answered, every voter listed), and until the process had started (imports done, about to sync)."""
        observer.mark()
        t0, wall0 = time.perf_counter(), time.time()
        out = await self._run("catchup")
        ready = float(out.split("ready ", 1)[1].split()[0]) - wall0
        return await last_message(observer, commands, voters, t0), ready


async def last_message(observer: Observer, commands: list[str], voters: set[str], t0: float) -> float:
    """Seconds from ``t0`` to the last message the sender sent for the backlog (nan if one is missing)."""
    if not await observer.wait(
        lambda: all(c in observer.replies for c in commands) and voters <= observer.listed.keys(),
        timeout=120,
    ):
        return float("nan")
    await asyncio.sleep(3)  # a last receipt edit on its way (and room for a would-be duplicate)
    return observer.last_at - t0


def plan(n_events: int, n_lotsen: int, rng: random.Random) -> list[list[tuple[str, int]]]:
    """Per Lotse, the ordered list of (kind, option) they will send while the bot is down."""
    kinds = [k for k, share in MIX for _ in range(round(share * n_events))][:n_events]
    kinds += ["ping"] * (n_events - len(kinds))
    rng.shuffle(kinds)
    per: list[list[tuple[str, int]]] = [[] for _ in range(n_lotsen)]
    for i, kind in enumerate(kinds):
        per[i % n_lotsen].append((kind, rng.randrange(len(OPTIONS))))
    return per


async def handled(db: Database, event_ids: set[str]) -> int:
    async with db.transaction() as session:
        ids = (await session.scalars(select(ProcessedEvent.event_id))).all()
    return len(event_ids.intersection(ids))


async def main(n_events: int, n_lotsen: int, seed: int) -> int:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="lotsenbot-catchup-") as tmp:
        work = Path(tmp)
        async with LocalSynapse(work / "hs") as hs:
            # The bot and the null client start as installed programs do: with their modules' bytecode
            # cached after the first start (a wheel install or a first run writes it). Without this, an
            # environment with PYTHONDONTWRITEBYTECODE compiles the bot's ~140 source modules at every
            # start (the null client's nio comes compiled with its package) — seconds of CPU on a busy
            # machine that no deployed bot spends. Both warm their cache in the set-up before the race.
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
            coord, observer_client, null_observer_client = await users(hs, "koordination", 3)
            bot, bot_id, db_url = await start_bot(hs, work, [coord.user_id], log_level="INFO")
            lotsen = await users(hs, "lotse", n_lotsen)
            room = await public_room(coord, [bot_id], "Aufholen")
            await join_all([observer_client, *lotsen], room)
            observer = Observer(observer_client, room, bot_id)
            await observer.start()
            null = NullClient(hs, work)
            null_room = await public_room(coord, [], "Aufholen (Nullclient)")
            await join_all([null_observer_client, *lotsen], null_room)
            await null.init(null_room)
            null_observer = Observer(null_observer_client, null_room, null.user_id)
            await null_observer.start()
            db = Database(db_url)
            try:
                await observer.wait(lambda: bool(observer.from_bot), timeout=60)  # the greeting
                quoted = " ".join(f'"{o}"' for o in OPTIONS)
                await send(
                    coord, room, "m.room.message", text(f'!umfrage "Aufholen: welche Option?" {quoted}')
                )
                await observer.wait(lambda: any(e["type"] == START for e in observer.from_bot), timeout=60)
                start = next(e for e in observer.from_bot if e["type"] == START)
                answer_ids = [a["id"] for a in start["content"][START]["answers"]]

                await bot.stop()  # a clean stop: the sync token is saved, the 500 events are all new
                stopped = time.perf_counter()
                per_lotse = plan(n_events, n_lotsen, rng)
                commands: list[str] = []  # answered by a reply each
                null_commands: list[str] = []
                voters: set[str] = set()  # typed !stimme: listed in the receipt
                events: list[str] = []
                last_vote: dict[int, int] = {}

                async def talk(i: int) -> None:
                    for kind, option in per_lotse[i]:  # one Lotse's events in order: the last vote counts
                        if kind == "vote":
                            content = {
                                "m.relates_to": {"rel_type": "m.reference", "event_id": start["event_id"]},
                                RESPONSE: {"answers": [answer_ids[option]]},
                            }
                            events.append(await send(lotsen[i], room, RESPONSE, content))
                            # the same event for the null client, without the relation to the bot's poll
                            await send(lotsen[i], null_room, RESPONSE, {RESPONSE: content[RESPONSE]})
                        else:
                            body = {
                                "stimme": f"!stimme 1 {option + 1}",
                                "ping": "!ping",
                                "ergebnis": "!ergebnis 1",
                            }
                            event_id = await send(lotsen[i], room, "m.room.message", text(body[kind]))
                            events.append(event_id)
                            null_id = await send(lotsen[i], null_room, "m.room.message", text(body[kind]))
                            if kind == "stimme":
                                voters.add(str(lotsen[i].user_id)[1:].split(":", 1)[0])
                            else:
                                commands.append(event_id)
                                null_commands.append(null_id)
                        if kind in ("vote", "stimme"):
                            last_vote[i] = option

                await asyncio.gather(*(talk(i) for i in range(n_lotsen)))
                t_send = time.perf_counter() - stopped
                event_ids = set(events)

                observer.mark()
                log_before = len(bot.log_text())

                async def bot_phase() -> tuple[float | None, float, float, int]:
                    """(up, all handled, last message) seconds after the start, and events handled."""
                    t0 = time.perf_counter()
                    await bot.start()
                    t_up: float | None = None
                    t_all, done = float("nan"), 0
                    while time.perf_counter() - t0 < 600:
                        if t_up is None and "Lotsenbot running" in bot.log_text()[log_before:]:
                            t_up = time.perf_counter() - t0
                        done = await handled(db, event_ids)
                        if done >= len(event_ids):
                            t_all = time.perf_counter() - t0
                            break
                        await asyncio.sleep(0.05)
                    return t_up, t_all, await last_message(observer, commands, voters, t0), done

                # Both start at the same instant on the same Synapse, each with its own room's backlog,
                # so both meet the same load (the machine, the homeserver) all the way.
                (t_up, t_all, t_replies, done), (t_null, null_ready) = await asyncio.gather(
                    bot_phase(), null.catchup(null_observer, null_commands, voters)
                )
                load = os.getloadavg()[0]
                async with db.transaction() as session:
                    poll = await session.scalar(select(Poll).where(Poll.room_id == room))
                    assert poll is not None
                    counted = await store.current_tally(session, poll)
                rss = bot.rss_mb()
                gap_lines = [
                    line for line in bot.log_text()[log_before:].splitlines() if "filled a gap" in line
                ]
                await bot.stop()
            finally:
                await observer.stop()
                await null_observer.stop()
                await db.close()
                await bot.stop()
                for client in [coord, observer_client, null_observer_client, *lotsen]:
                    await client.close()

    answered = Counter({c: len(observer.replies.get(c, [])) for c in commands})
    duplicates = sum(n - 1 for n in answered.values() if n > 1)
    missing = sum(1 for n in answered.values() if n == 0) + len(voters - observer.listed.keys())
    expected = Counter(msc3381.answer_id(o) for o in last_vote.values())
    tally_ok = counted.voters == len(last_vote) and all(counted.counts[a] == n for a, n in expected.items())
    kinds = Counter(k for seq in per_lotse for k, _ in seq)
    print(f"pending while the bot was down: {len(events)} events from {n_lotsen} Lotsen in {t_send:.1f} s")
    print(
        f"  mix: {dict(kinds)} ({len(commands)} commands expect a reply, "
        f"{len(voters)} typed voters a line in the receipt)"
    )
    print(f"catch-up after start: up (migrated, logged in) after {t_up or float('nan'):.2f} s")
    rate = len(events) / t_all
    print(f"  all {len(events)} events handled after {t_all:.2f} s ({done} seen; {rate:.0f} events/s)")
    print(f"  last reply / receipt edit seen by a client after {t_replies:.2f} s")
    print(
        f"  replies: {duplicates} duplicate(s), {missing} missing (replies or receipt lines); "
        f"poll tally {'OK' if tally_ok else 'WRONG'}; bot sent {observer.messages} message(s) "
        f"and {observer.edits} edit(s) after the start"
    )
    fills = [line.split("filled a gap of ", 1)[1].split(" ", 1)[0] for line in gap_lines]
    print(f"  gap filling (more pending than the sync timeline shows): {' + '.join(fills) or 'no'} event(s)")
    print(f"  bot RSS after catch-up: {rss:.0f} MB; observer syncs with gaps: {observer.limited}")
    print(
        f"null client (same backlog in its own room, same {len(null_commands)} replies in order, one "
        f"receipt; {null_observer.messages} message(s), {null_observer.edits} edit(s)): {t_null:.2f} s "
        "from process start to its last message seen"
    )
    ratio = t_replies / t_null
    print(f"ratio bot/null client, start → last reply: {ratio:.2f} (goal ≤ 1.5; load average {load:.1f})")
    work = (t_replies - (t_up or 0.0)) / (t_null - null_ready)
    print(
        f"ratio bot/null client, up → last reply: {work:.2f} (bot up after {t_up or float('nan'):.1f} s: "
        f"migrations, login, crypto; null client after {null_ready:.1f} s)"
    )
    ok = duplicates == 0 and missing == 0 and tally_ok and done == len(event_ids)
    print("RESULT:", "OK" if ok else "PROBLEM")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--lotsen", type=int, default=50)
    parser.add_argument("--seed", type=int, default=500)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.events, args.lotsen, args.seed)))
