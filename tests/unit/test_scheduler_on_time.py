"""Reminders to the millisecond (issue 16.3): a job kind registered with ``prepare_ahead`` wakes a moment
early and reads and renders then, but its message leaves only at the due instant; every other kind (a poll
closing at its deadline) still wakes at the instant, so its reads see everything before it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import tests.support.jobs  # noqa: F401  (registers test.remind and test.prepared)
from bot.framework import registry
from bot.scheduler import PREPARE_AHEAD
from storage.models import ScheduledJob
from tests.support.fake import Harness

ROOM = "!team:test"


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.room(ROOM, ["@a:test", "@b:test"])
    yield harness
    await harness.close()


def _stamp_sends(h: Harness) -> list[float]:
    """Loop time of each message the bot sends."""
    sent_at: list[float] = []
    send = h.messenger.send

    async def timed(*args: Any, **kwargs: Any) -> str:
        sent_at.append(asyncio.get_running_loop().time())
        return await send(*args, **kwargs)

    h.messenger.send = timed  # type: ignore[method-assign]
    return sent_at


async def test_a_prepared_job_reads_early_and_posts_at_the_due_instant(h: Harness) -> None:
    ahead = 0.25
    due = h.clock() + timedelta(seconds=ahead)
    seen: list[tuple[float, Any]] = []
    async with h.db.transaction() as session:
        job_id = await h.scheduler.schedule(session, "test.prepared", due, {"room_id": ROOM, "text": "x"})
    sent_at = _stamp_sends(h)
    loop = asyncio.get_running_loop()
    # fire() as APScheduler calls it for this kind: ahead of time (the clock stands still in the test)
    async with h.db.transaction() as session:
        row = await session.get(ScheduledJob, job_id)
        assert row is not None
        row.payload = {**row.payload, "seen": []}
    fired = loop.time()
    original = h.dispatcher.run_job

    async def run_job(job: ScheduledJob, session: Any, late: Any) -> None:
        job.payload["seen"] = seen  # a live list, so the test sees what the handler noted
        await original(job, session, late)

    prepared_at: list[float] = []
    prepare = h.messenger.prepare_send

    async def timed_prepare(room_id: str) -> None:
        prepared_at.append(loop.time())
        await prepare(room_id)

    h.messenger.prepare_send = timed_prepare  # type: ignore[method-assign]
    h.scheduler.runner = run_job
    await h.scheduler.fire(job_id, "test.prepared")
    assert h.messenger.bodies(ROOM) == ["Pünktlich: x"]
    [(read_at, believed)] = seen
    assert read_at - fired < ahead  # the handler read right away, before the due instant
    assert believed == due  # and as of the due instant: "now" is never before it
    [posted] = sent_at
    assert posted - fired >= ahead - 0.002  # the message waited for the instant (timer granularity)
    # the send was prepared (an encrypted room's key shared) before the instant, not at it
    assert h.messenger.prepared == [ROOM] and prepared_at[0] - fired < ahead
    async with h.db.transaction() as session:
        row = await session.get(ScheduledJob, job_id)
        assert row is not None and row.status == "done" and row.note is None  # on time, no late note


async def test_only_prepared_kinds_are_armed_ahead_of_their_instant(h: Harness) -> None:
    h.scheduler.prepared = registry.prepared_jobs
    h.scheduler._aps.start(paused=True)
    try:
        due = h.clock() + timedelta(hours=1)
        async with h.db.transaction() as session:
            early = await h.scheduler.schedule(session, "test.prepared", due, {"room_id": ROOM, "text": "a"})
            exact = await h.scheduler.schedule(session, "test.remind", due, {"room_id": ROOM, "text": "b"})
        assert h.scheduler._aps.get_job(f"job-{early}").next_run_time == due - PREPARE_AHEAD
        assert h.scheduler._aps.get_job(f"job-{exact}").next_run_time == due
        # the same after a restart, when the jobs are armed again from the database
        h.scheduler._aps.remove_all_jobs()
        assert await h.scheduler.rebuild() == 2
        assert h.scheduler._aps.get_job(f"job-{early}").next_run_time == due - PREPARE_AHEAD
        assert h.scheduler._aps.get_job(f"job-{exact}").next_run_time == due
    finally:
        h.scheduler._aps.shutdown(wait=False)


def test_closing_a_poll_is_never_prepared_ahead() -> None:
    """Its tally must include every vote up to the deadline; Meet and Learn's reminder and start are."""
    from commands import load_all
    from commands.polls.service import CLOSE_JOB

    load_all()
    assert CLOSE_JOB not in registry.prepared_jobs
    assert {"meetlearn.remind", "meetlearn.start"} <= registry.prepared_jobs
