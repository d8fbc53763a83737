"""The scheduling service: persisted, rebuilt at start, misfire policy explicit, double fire harmless."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import tests.support.jobs  # noqa: F401  (registers test.remind)
from bot.scheduler import Scheduler
from storage.models import ScheduledJob
from tests.support.fake import Harness

ROOM = "!team:test"


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.room(ROOM, ["@a:test", "@b:test"])
    yield harness
    await harness.close()


async def _schedule(h: Harness, due_in: timedelta, text: str = "Meet and Learn") -> int:
    async with h.db.transaction() as session:
        return await h.scheduler.schedule(
            session, "test.remind", h.clock() + due_in, {"room_id": ROOM, "text": text}
        )


async def _status(h: Harness, job_id: int) -> ScheduledJob:
    async with h.db.transaction() as session:
        row = await session.get(ScheduledJob, job_id)
        assert row is not None
        return row


async def test_job_runs_once_even_if_fired_twice(h: Harness) -> None:
    job_id = await _schedule(h, timedelta(minutes=5))
    h.clock.advance(minutes=5)
    await h.scheduler.fire(job_id)
    await h.scheduler.fire(job_id)
    assert h.messenger.bodies(ROOM) == ["Erinnerung: Meet and Learn"]
    assert (await _status(h, job_id)).status == "done"


async def test_late_within_grace_is_sent_with_note(h: Harness) -> None:
    job_id = await _schedule(h, timedelta(minutes=1))
    h.clock.advance(minutes=31)
    await h.scheduler.fire(job_id)
    [body] = h.messenger.bodies(ROOM)
    assert "verspätet um 30 Min." in body
    assert (await _status(h, job_id)).note.startswith("ran 1800 s late")


async def test_older_than_grace_is_skipped_and_logged(h: Harness, caplog) -> None:
    job_id = await _schedule(h, timedelta(minutes=1))
    h.clock.advance(hours=3)
    await h.scheduler.fire(job_id)
    assert h.messenger.bodies(ROOM) == []
    assert (await _status(h, job_id)).status == "skipped"
    assert "skipped" in caplog.text


async def test_cancelled_job_sends_nothing(h: Harness) -> None:
    job_id = await _schedule(h, timedelta(minutes=1))
    async with h.db.transaction() as session:
        await h.scheduler.cancel(session, job_id)
    h.clock.advance(minutes=2)
    await h.scheduler.fire(job_id)
    assert h.messenger.bodies(ROOM) == []


async def test_pending_jobs_are_rebuilt_by_a_new_scheduler(h: Harness) -> None:
    await _schedule(h, timedelta(hours=1), "eins")
    await _schedule(h, timedelta(hours=2), "zwei")
    fresh = Scheduler(h.db, h.clock, timedelta(hours=1))
    try:
        await fresh.start(h.dispatcher.run_job)
        jobs = fresh._aps.get_jobs()
        assert len(jobs) == 2
    finally:
        fresh.shutdown()


async def test_failed_send_keeps_job_pending_for_retry(h: Harness, monkeypatch) -> None:
    job_id = await _schedule(h, timedelta(minutes=1))
    h.clock.advance(minutes=1)

    async def down(*args: object, **kwargs: object) -> str:
        raise ConnectionError("homeserver down")

    monkeypatch.setattr(h.messenger, "send", down)
    await h.scheduler.fire(job_id)
    assert (await _status(h, job_id)).status == "pending"
    monkeypatch.undo()
    await h.scheduler.fire(job_id)
    assert (await _status(h, job_id)).status == "done"
    assert len(h.messenger.bodies(ROOM)) == 1


async def test_rows_store_utc_and_zone(h: Harness) -> None:
    job_id = await _schedule(h, timedelta(days=1))
    row = await _status(h, job_id)
    assert row.due_at.utcoffset() == timedelta(0) and row.timezone == "Europe/Berlin"
    async with h.db.transaction() as session:
        pending = (await session.scalars(select(ScheduledJob).where(ScheduledJob.status == "pending"))).all()
    assert [r.id for r in pending] == [job_id]


async def test_a_job_failing_for_a_day_backs_off_then_gives_up(h: Harness, monkeypatch) -> None:
    # run_late jobs (closing a poll) are never skipped as too late, so only this ends their retries
    async with h.db.transaction() as session:
        job_id = await h.scheduler.schedule(
            session,
            "test.remind",
            h.clock() + timedelta(minutes=1),
            {"room_id": ROOM, "text": "Umfrage schließen", "run_late": True},
        )
    h.clock.advance(minutes=1)
    armed: list[timedelta] = []
    monkeypatch.setattr(h.scheduler, "_arm", lambda _job, at: armed.append(at - h.clock()))

    async def kicked(*args: object, **kwargs: object) -> str:
        raise PermissionError("not in the room any more")

    monkeypatch.setattr(h.messenger, "send", kicked)
    while (await _status(h, job_id)).status == "pending":
        await h.scheduler.fire(job_id)
        if armed:
            h.clock.advance(seconds=armed[-1].total_seconds())
        assert len(armed) < 200, "retries must not go on forever"
    row = await _status(h, job_id)
    assert row.status == "failed" and "failed since" in (row.note or "")
    assert armed[:3] == [timedelta(seconds=15), timedelta(seconds=30), timedelta(seconds=60)]
    assert max(armed) == timedelta(minutes=15)
