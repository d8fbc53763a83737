"""kill -9 amid 25 votes: each vote counted once, each ``!stimme`` confirmed once, nothing old answered.

Half the Lotsen click in the poll widget (``org.matrix.msc3381.poll.response``), half type ``!stimme``. The
bot is killed at seeded random moments and started again each time: during its very first start (while it
joins the room), during a later start-up, and three times soon after it has begun handling the burst.
Afterwards ``!ergebnis`` and the poll tables must show all 25 votes exactly once, and nothing said before
the bot's first start may be answered.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from collections import Counter
from pathlib import Path

import pytest
from nio import JoinResponse
from sqlalchemy import text

from bot.dev.devclient import PASSWORD, Lotse
from bot.dev.localsynapse import LocalSynapse
from storage.db import Database
from tests.conftest import E2E_DB, new_database_url
from tests.support.process import BotProcess, Killer, bot_account
from tests.support.voters import (
    OPTIONS,
    START,
    assert_counted_once,
    send,
    stream_votes,
    voter,
    wait_listed,
)

pytestmark = pytest.mark.e2e

VOTERS = 25
KILLS = ["start-up", "mid-work", "mid-work", "mid-work"]  # order shuffled per run


async def test_kill9_during_vote_burst_counts_each_vote_once(synapse: LocalSynapse, tmp_path: Path) -> None:
    rng = random.Random(20261123)
    tag = secrets.token_hex(3)
    coord_id = await synapse.register_user(f"koordination-{tag}", PASSWORD)
    db_url = await new_database_url(tmp_path, E2E_DB)
    bot_id, cfg = await bot_account(
        synapse, tmp_path, database_url=db_url, coordinators=[coord_id], localpart=f"lotsenbot-{tag}"
    )
    bot = BotProcess(cfg, tmp_path / "bot.log")
    coord = Lotse(synapse.url, coord_id, tmp_path / "coord")  # also the observer of everything in the room
    room = ""
    killer = Killer(bot, rng, progress=lambda: len(coord.messages_from(room, bot_id)))
    await coord.login()
    await coord.start()
    sem = asyncio.Semaphore(8)
    voters = await asyncio.gather(*(voter(synapse, f"lotse{i:02d}-{tag}", sem) for i in range(VOTERS)))
    try:
        room = await coord.create_room(
            invite=[bot_id, *(v.user_id for v in voters)], encrypted=False, name="Abstimmung"
        )
        joins = await asyncio.gather(*(v.join(room) for v in voters))
        assert all(isinstance(j, JoinResponse) for j in joins), joins
        # Said before the bot ever ran: must never be answered (and no poll exists yet).
        early = [
            await coord.send(room, "!ping"),
            await send(voters[0], room, "m.room.message", {"msgtype": "m.text", "body": "!stimme 1 1"}),
        ]

        await killer.start()
        await killer.kill_during_start()  # the very first start, while it joins the room
        await coord.wait_member(room, bot_id, timeout=60)
        ping = await coord.send(room, "!ping")
        assert str((await coord.wait_reply(room, ping, timeout=60))["content"]["body"]).startswith("pong")
        await coord.send(room, '!umfrage "Welcher Termin passt?" ' + " ".join(f'"{o}"' for o in OPTIONS))
        start = await coord.wait_for(
            room, lambda e: e.get("type") == START and e.get("sender") == bot_id, timeout=30, what="poll"
        )
        choices = [rng.randrange(len(OPTIONS)) for _ in range(VOTERS)]
        native = [i % 2 == 0 for i in range(VOTERS)]
        rng.shuffle(native)
        kinds = list(KILLS)
        rng.shuffle(kinds)
        done = asyncio.Event()
        killing = asyncio.create_task(killer.run(kinds, done))
        votes, _typed_ids = await stream_votes(
            voters, room, start, choices, native, rng=rng, pause=(0.05, 0.6)
        )
        typed = [v.user_id for i, v in enumerate(voters) if not native[i]]  # confirmed in the receipt
        confirmed = await wait_listed(lambda: coord.events.get(room, []), bot_id, typed, timeout=90)
        done.set()
        await killing

        result_cmd = await coord.send(room, "!ergebnis 1")
        result = str((await coord.wait_reply(room, result_cmd, timeout=60))["content"]["body"])
        await asyncio.sleep(3)  # give a would-be duplicate time to arrive
        assert len(killer.kills) >= 4 and "mid-work" in killer.kills, killer.kills
        from_bot = coord.messages_from(room, bot_id)
        replies = assert_counted_once(
            result, choices, from_bot, {ping, result_cmd}, coord.events[room], bot_id, typed, confirmed
        )
        assert not set(early) & set(replies)
        assert all("⚠️" not in e["content"].get("body", "") for e in from_bot)
        starts = [e for e in coord.events[room] if e.get("type") == START and e.get("sender") == bot_id]
        announced = [e for e in from_bot if "Umfrage #1** ist gestartet" in e["content"].get("body", "")]
        assert (len(starts), len(announced)) == (1, 1)
    finally:
        await bot.stop()
        await coord.close()
        await asyncio.gather(*(v.close() for v in voters))
        print(f"kills: {killer.kills}")
        print(bot.log_text()[-4000:])

    db = Database(db_url)
    try:
        async with db.transaction() as session:
            rows = (
                await session.execute(text("SELECT event_id, source FROM poll_responses ORDER BY id"))
            ).all()
            handled = set((await session.scalars(text("SELECT event_id FROM processed_events"))).all())
    finally:
        await db.close()
    stored = Counter(event_id for event_id, _source in rows)
    assert sorted(stored) == sorted(votes) and max(stored.values()) == 1, "each vote stored exactly once"
    assert Counter(source for _e, source in rows) == Counter("poll" if n else "command" for n in native), (
        "widget clicks and !stimme both counted"
    )
    assert not set(early) & handled, "events from before the first start are not even looked at"
