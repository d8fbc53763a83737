"""`lotsenbot export` / `import` round trip (SQLite and PostgreSQL), and `status`."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

import tests.support.jobs  # noqa: F401
from bot.cli import main
from bot.ops import export_data, import_data
from storage.db import Database
from tests.conftest import new_database_url
from tests.support.fake import Harness

ROOM = "!team:test"
COORD, LOTSE = "@koordination:test", "@lotse:test"


async def _filled(tmp_path: Path) -> Harness:
    h = await Harness(tmp_path).start()
    h.room(ROOM, [COORD, LOTSE], power={COORD: 100})
    await h.say(ROOM, LOTSE, "!ping")
    await h.say(ROOM, COORD, "!ansage Treffen am Donnerstag: „E-Akte“ <b>")
    async with h.db.transaction() as session:
        await h.scheduler.schedule(
            session, "test.remind", h.clock() + timedelta(days=1), {"room_id": ROOM, "text": "Ümläute & ß"}
        )
    # every feature's tables, filled the way Lotsen fill them
    await h.say(
        ROOM, COORD, '!umfrage "Was digitalisieren wir zuerst?" "Reisekosten" "E-Akte" --bis morgen 12:00'
    )
    await h.say(ROOM, LOTSE, "!stimme 1 2")
    await h.say(ROOM, COORD, '!umfrage "Anonym?" "Ja" "Nein" --anonym')
    await h.say(await h.messenger.direct_room(LOTSE), LOTSE, "!stimme 2 1")
    await h.say(ROOM, COORD, '!meetlearn neu 10.12. 14 Uhr "E-Akte im Alltag" --referent "Team Personal"')
    await h.say(ROOM, LOTSE, "!dabei 1")
    await h.say(ROOM, LOTSE, '!thema vorschlagen "Open Data für Einsteiger"')
    await h.say(ROOM, COORD, '!retro start "Modul 3" --frage "Wie zufrieden waren Sie insgesamt?"')
    dm = await h.messenger.direct_room(LOTSE)
    await h.say(dm, LOTSE, "!feedback 1 start Mehr Praxisbeispiele")
    await h.say(dm, LOTSE, "!bewertung 1 1 4")
    await h.say(ROOM, COORD, '!massnahme 1 "Praxisbeispiele sammeln" --bis 15.12.')
    await h.say(ROOM, LOTSE, "!faq Wie beantrage ich eine Dienstreise?")
    await h.say(ROOM, LOTSE, "!faq Wie füttere ich den Bürohund?")
    return h


# Tables the filling above must reach, so the round trip proves something for every feature.
FILLED = {
    "polls", "poll_responses", "poll_ballots", "ml_sessions", "ml_rsvps", "ml_topics", "retros",
    "retro_items", "retro_ratings", "retro_actions", "faq_questions", "faq_unanswered",
}  # fmt: skip


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_export_import_round_trip(tmp_path: Path, backend: str) -> None:
    h = await _filled(tmp_path)
    try:
        first = await export_data(h.db)
    finally:
        await h.close()
    target = Database(await new_database_url(tmp_path, backend))
    try:
        await target.migrate()
        empty = sorted(t for t in FILLED if not first["tables"].get(t))
        assert empty == [], f"the test data did not reach {empty}"
        counts = await import_data(target, json.loads(json.dumps(first)))
        assert counts["processed_events"] == len(first["tables"]["processed_events"]) >= 14
        assert counts["polls"] == 2 and counts["retro_items"] == 1
        second = await export_data(target)
        assert second["tables"] == first["tables"]
        with pytest.raises(ValueError, match="not empty"):
            await import_data(target, first)
        # a new job after import must not collide with imported ids
        from storage.models import ScheduledJob

        async with target.transaction() as session:
            session.add(ScheduledJob(kind="x", due_at=h.clock(), payload={}))
    finally:
        await target.close()


def test_cli_export_import_and_status(tmp_path: Path, capsys) -> None:
    import asyncio

    h = asyncio.run(_filled_sync(tmp_path / "a"))
    cfg_a = tmp_path / "a.toml"
    cfg_a.write_text(
        f'[matrix]\nhomeserver = "http://127.0.0.1:9"\nuser_id = "@b:test"\n'
        f'[bot]\ndata_dir = "{tmp_path / "a"}"\ndatabase_url = "{h}"\n'
    )
    assert main(["export", "-c", str(cfg_a), str(tmp_path / "dump.json")]) == 0
    cfg_b = tmp_path / "b.toml"
    cfg_b.write_text(
        f'[matrix]\nhomeserver = "http://127.0.0.1:9"\nuser_id = "@b:test"\n'
        f'[bot]\ndata_dir = "{tmp_path / "b"}"\n'
    )
    assert main(["import", "-c", str(cfg_b), str(tmp_path / "dump.json")]) == 0
    assert main(["import", "-c", str(cfg_b), str(tmp_path / "dump.json")]) == 1
    assert main(["status", "-c", str(cfg_b)]) == 1  # homeserver on port 9 is unreachable
    out = capsys.readouterr().out
    assert "imported" in out and "homeserver: UNREACHABLE" in out
    pending = int(out.split("scheduled jobs pending: ")[1].split(",")[0].split()[0])
    assert pending >= 3  # the reminder, the poll deadline, the Meet and Learn reminders


async def _filled_sync(path: Path) -> str:
    path.mkdir(parents=True)
    h = await _filled(path)
    url = h.db.url
    await h.close()
    return url
