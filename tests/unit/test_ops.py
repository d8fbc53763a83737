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
    return h


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
        counts = await import_data(target, json.loads(json.dumps(first)))
        assert counts["processed_events"] == 2 and counts["scheduled_jobs"] == 1
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
    assert "imported" in out and "scheduled jobs pending: 1" in out and "homeserver: UNREACHABLE" in out


async def _filled_sync(path: Path) -> str:
    path.mkdir(parents=True)
    h = await _filled(path)
    url = h.db.url
    await h.close()
    return url
