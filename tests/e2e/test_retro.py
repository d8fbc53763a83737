"""A retro as the Lotsen live it, on a real Synapse: DM interviews, short forms, closing, export, privacy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import text

from storage.db import Database
from tests.conftest import BotRunner, team_room
from tests.support.lotse import Lotse

pytestmark = pytest.mark.e2e

RETRO_TABLES = ("retros", "retro_items", "retro_ratings", "retro_interviews")


async def open_dm(lotse: Lotse, bot: BotRunner) -> str:
    room = await lotse.create_room(invite=[bot.user_id], direct=True, name="")
    await lotse.wait_member(room, bot.user_id)
    return room


def from_bot(bot: BotRunner, needle: str) -> Callable[[dict[str, Any]], bool]:
    def pred(event: dict[str, Any]) -> bool:
        return event.get("sender") == bot.user_id and needle in event.get("content", {}).get("body", "")

    return pred


async def test_retro_by_dm_close_export_and_privacy(
    lotsen: Callable[[str], Awaitable[Lotse]], bot: BotRunner
) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    a, b, c = await lotsen("lotse"), await lotsen("lotse"), await lotsen("lotse")
    people = [a, b, c]
    room = await team_room(coord, bot, *people)

    refused = await a.ask(room, '!retro start "Meine eigene"')
    assert "nur Koordinator" in refused
    await coord.send(room, '!retro start "Modul 3" --frage "Wie zufrieden waren Sie insgesamt?"')
    announcement = await a.wait_for(room, from_bot(bot, "Retro #1"))
    assert "Direktnachricht" in announcement["content"]["body"]

    # A: the guided interview
    dm_a = await open_dm(a, bot)
    first = await a.ask(dm_a, "!retro")
    assert "1/4 · Start:" in first
    assert "2/4 · Stop:" in await a.ask(dm_a, "Mehr Austausch zwischen Ämtern\nFeste Termine")
    assert "3/4 · Weitermachen:" in await a.ask(dm_a, "Zu lange Folien")
    assert "4/4 · Bewertung:" in await a.ask(dm_a, "weiter")
    assert "Danke" in await a.ask(dm_a, "4")

    # B: starts the interview, the bot restarts in the middle, B simply carries on
    dm_b = await open_dm(b, bot)
    await b.ask(dm_b, "!retro 1")
    assert "2/4 · Stop:" in await b.ask(dm_b, "Austausch zwischen den Ämtern")
    await bot.restart()
    assert "3/4 · Weitermachen:" in await b.ask(dm_b, "weiter", timeout=40)
    assert "4/4" in await b.ask(dm_b, "Das Meet and Learn")
    assert "Danke" in await b.ask(dm_b, "5")

    # C: short forms, then edits an item and a rating
    dm_c = await open_dm(c, bot)
    assert "unter **Start**" in await c.ask(dm_c, "!feedback 1 start Mehr Austasch zwischen Ämtern")
    await c.ask(dm_c, "!feedback 1 weitermachen Meet and Learn")
    assert "gespeichert" in await c.ask(dm_c, "!bewertung 1 1 3")
    assert "Mehr Austasch" in await c.ask(dm_c, "!meinfeedback 1")
    assert "geändert" in await c.ask(dm_c, "!meinfeedback 1 ändern 1 Mehr Austausch zwischen Ämtern")
    assert "3 → **4**" in await c.ask(dm_c, "!bewertung 1 1 4")

    status = await a.ask(room, "!retro status 1")
    assert "7 Beiträge und 3 Bewertungen von 3 Personen" in status
    assert "nur Koordinator" in await a.ask(room, "!retro ende 1")

    await coord.send(room, "!retro ende 1")
    summary = (await coord.wait_for(room, from_bot(bot, "ist abgeschlossen")))["content"]["body"]
    assert "Mehr Austausch zwischen Ämtern (2×)" in summary and "Feste Termine" in summary
    assert "zu wenige Beiträge, um sie anonym zu zeigen" in summary  # Stop: one person only
    assert "Zu lange Folien" not in summary and "Meet and Learn" not in summary  # 1 and 2 people
    assert "Ø **4,3** aus 3 Antworten" in summary
    chart = await coord.wait_for(room, lambda e: e.get("content", {}).get("msgtype") == "m.image")
    assert chart["content"]["info"]["mimetype"] == "image/png"
    assert "abgeschlossen" in await c.ask(dm_c, "!meinfeedback 1")

    # export: a Markdown report and a CSV, both without any person in them
    export_cmd = await coord.send(room, "!retro export 1")
    files: dict[str, bytes] = {}

    def is_file(event: dict[str, Any]) -> bool:
        content = event.get("content", {})
        rel = (content.get("m.relates_to") or {}).get("m.in_reply_to") or {}
        return content.get("msgtype") == "m.file" and rel.get("event_id") == export_cmd

    await coord.wait_for(room, lambda e: is_file(e) and e["content"]["body"].endswith(".csv"))
    for event in [e for e in coord.events[room] if is_file(e)]:
        files[event["content"]["body"]] = await coord.download(event["content"])
    report = files["retro-1.md"].decode()
    assert report.startswith("# Retro #1: Modul 3")
    assert "- Mehr Austausch zwischen Ämtern (2×)" in report and "## Stop" in report
    table = files["retro-1.csv"].decode("utf-8-sig")
    assert "beitrag;Start;Mehr Austausch zwischen Ämtern;2" in table
    assert "durchschnitt;1. Wie zufrieden waren Sie insgesamt?;4,33;3" in table

    # anonymity audit: no user id or user name in any retro row, none in any bot message in the room
    names = [p.user_id for p in people] + [p.user_id[1:].split(":")[0] for p in people]
    db = Database(bot.db_url)
    try:
        async with db.transaction() as session:
            for table_name in RETRO_TABLES:
                rows = (await session.execute(text(f"SELECT * FROM {table_name}"))).all()
                dump = repr([tuple(r) for r in rows])
                assert not any(n in dump for n in names), table_name
                assert "@" not in dump, table_name
            interviews = (await session.execute(text("SELECT count(*) FROM retro_interviews"))).scalar()
            assert interviews == 0
    finally:
        await db.close()
    bodies = [e["content"].get("body", "") for e in coord.messages_from(room, bot.user_id)]
    assert bodies and not any(n in body for body in bodies for n in names)
    assert not any(n in report or n in table for n in names)
