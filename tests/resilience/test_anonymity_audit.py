"""Anonymity audit across the whole database: after an anonymous poll and a retro, no table that holds
votes or feedback contains anything that links it to a person (user id, DM room, or the event ids of the
messages they sent). Generated from the schema, so new tables are audited too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.fanout import FanoutWorker
from bot.ops import export_data
from tests.conftest import new_database_url
from tests.support.fake import Harness

ROOM = "!team:test"
COORD = "@koordination:test"
LOTSEN = ["@lotse-a:test", "@lotse-b:test", "@lotse-c:test"]
# Tables that may name people: they hold no vote or feedback content (DM room cache, the handled-event
# ledger with room ids, rooms the bot is in, scheduled jobs addressed to rooms, notice throttles).
BOOKKEEPING = {"bot_state", "processed_events", "bot_rooms", "scheduled_jobs", "throttles"}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_no_table_links_a_person_to_a_vote_or_feedback(tmp_path: Path, backend: str) -> None:
    h = await Harness(tmp_path, db_url=await new_database_url(tmp_path, backend)).start()
    try:
        h.room(ROOM, [COORD, *LOTSEN], power={COORD: 100})
        traces: set[str] = set(LOTSEN)
        await h.say(
            ROOM,
            COORD,
            '!umfrage "Wie zufrieden seid ihr mit dem Format?" "Sehr" "Geht so" "Gar nicht" --anonym',
        )
        await h.say(ROOM, COORD, '!retro start "Modul 3" --frage "Wie zufrieden waren Sie insgesamt?"')
        for i, lotse in enumerate(LOTSEN):
            dm = await h.messenger.direct_room(lotse)
            traces.add(dm)
            for text in (
                f"!stimme 1 {i % 3 + 1}",
                f"!feedback 1 start Mehr Austausch zwischen Ämtern {i}",
                f"!feedback 1 stop Zu lange Sitzungen {i}",
                f"!feedback 1 weiter Meet and Learn {i}",
                f"!bewertung 1 1 {4 + i % 2}",
            ):
                event_id = f"$vote-{i}-{len(traces)}-{hash(text) & 0xFFFF}"
                replies = await h.say(dm, lotse, text, event_id=event_id)
                assert replies and not replies[0].startswith("⚠️"), (text, replies)
                traces.add(event_id)
            h.clock.advance(seconds=7)
        await h.say(ROOM, COORD, "!umfrage schließen 1")
        await h.say(ROOM, COORD, "!retro ende 1")
        # the retro's DM invitations (bot/fanout.py) as the running bot's queue handles them: what is left
        # after the retro closed is dropped, and a finished fan-out keeps only its counts
        await FanoutWorker(h.db, h.messenger, h.clock).drain()
        results = " ".join(h.messenger.bodies(ROOM))
        assert "3 von 3" in results or "3 von 4" in results

        dump = await export_data(h.db)
        leaks = []
        content_tables = [t for t in dump["tables"] if t not in BOOKKEEPING]
        assert any(t.startswith("poll") for t in content_tables) and any(
            t.startswith("retro") for t in content_tables
        )
        for table in content_tables:
            for row in dump["tables"][table]:
                text = json.dumps(row, ensure_ascii=False)
                leaks += [f"{table}: {trace}" for trace in traces if trace in text]
        assert leaks == []
        if backend == "postgres":
            assert await shared_transactions(h, content_tables) == []
        # and nothing the room saw names a voter or contributor
        for body in h.messenger.bodies(ROOM):
            assert not any(lotse in body or lotse[1:].split(":")[0] in body for lotse in LOTSEN), body
    finally:
        await h.close()


async def shared_transactions(h: Harness, tables: list[str]) -> list[str]:
    """Content rows written by the same PostgreSQL transaction as a handled DM event (``xmin``). The DM
    event's ledger row names no room (bot/ledger.py), but closing rewrites the rows anyway."""
    async with h.db.transaction() as session:
        dm_txns = set(
            (
                await session.execute(
                    text("SELECT xmin::text FROM processed_events WHERE event_id LIKE 'dm:%'")
                )
            ).scalars()
        )
        assert dm_txns, "the audit must have handled DM events"
        shared = []
        for table in tables:
            for xmin in (await session.execute(text(f'SELECT xmin::text FROM "{table}"'))).scalars():
                if xmin in dm_txns:
                    shared.append(table)
        return sorted(set(shared))
