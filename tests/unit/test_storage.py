"""Storage on SQLite and on a real PostgreSQL (skipped with a reason when none is configured)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import BotRoom, ProcessedEvent, ScheduledJob
from tests.conftest import new_database_url

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, tmp_path: Path):
    url = await new_database_url(tmp_path, request.param)
    database = Database(url)
    await database.migrate()
    yield database
    await database.close()


async def test_migrations_are_idempotent_and_create_all_tables(db: Database) -> None:
    await db.migrate()
    async with db.transaction() as session:
        for table in ("processed_events", "bot_state", "bot_rooms", "scheduled_jobs", "throttles"):
            await session.execute(text(f"SELECT count(*) FROM {table}"))


async def test_event_ids_are_unique(db: Database) -> None:
    async with db.transaction() as session:
        session.add(ProcessedEvent(event_id="$e1", room_id="!r"))
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            session.add(ProcessedEvent(event_id="$e1", room_id="!r"))


async def test_timestamps_come_back_aware_utc(db: Database) -> None:
    due = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    async with db.transaction() as session:
        session.add(ScheduledJob(kind="x", due_at=due, payload={"room_id": "!r", "ä": "ü"}))
        session.add(BotRoom(room_id="!r", active_since_ms=1_790_000_000_000, settings={"ping": True}))
    async with db.transaction() as session:
        row = (await session.execute(text("SELECT id FROM scheduled_jobs"))).scalar_one()
        job = await session.get(ScheduledJob, row)
        room = await session.get(BotRoom, "!r")
    assert job is not None and job.due_at == due and job.due_at.tzinfo is not None
    assert job.payload == {"room_id": "!r", "ä": "ü"}
    assert room is not None and room.settings == {"ping": True}


async def test_rollback_on_error_keeps_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            session.add(ProcessedEvent(event_id="$gone", room_id="!r"))
            await session.flush()
            raise RuntimeError
    async with db.transaction() as session:
        assert await session.get(ProcessedEvent, "$gone") is None
