"""One scheduling service for every feature.

The database row is the truth (due time in UTC, the zone it was meant in, status); APScheduler only holds
an in-memory copy that ``rebuild()`` recreates at start. A job reloads its row under a lock and marks it
done in the same transaction as its effects, so a double fire is harmless. The misfire policy is explicit:
due while the bot was down and younger than the grace period → run late (the feature adds a note); older →
skipped and logged.

On time to the millisecond: the kinds registered with ``prepare_ahead`` (see ``Registry.job``) wake
``PREPARE_AHEAD`` before they are due, load their row and render, and their first message is held back to
the due instant (``Context.hold_until``), so a reminder's database reads and rendering do not delay it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database, after_commit
from storage.models import ScheduledJob

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(minutes=2)
RETRY_AFTER = timedelta(seconds=15)  # first retry of a failed job; doubles up to RETRY_MAX
RETRY_MAX = timedelta(minutes=15)
PREPARE_AHEAD = timedelta(milliseconds=300)  # ample for loading and rendering, even under load
GIVE_UP_AFTER = timedelta(hours=24)  # failing this long since the first failure: a lasting problem

# (job row, session, how late or None) — supplied by the dispatcher, which builds the feature context.
JobRunner = Callable[[ScheduledJob, AsyncSession, timedelta | None], Awaitable[None]]


class Scheduler:
    def __init__(
        self,
        db: Database,
        clock: Callable[[], datetime],
        grace: timedelta,
        *,
        prepared: Collection[str] = (),
    ) -> None:
        self.db = db
        self.prepared = prepared  # job kinds that may start PREPARE_AHEAD early
        self.clock = clock
        self.grace = grace
        self.runner: JobRunner | None = None
        self._aps = AsyncIOScheduler(timezone="UTC")
        self.fired = 0
        self.lag_seconds_total = 0.0  # due → run, summed over fired jobs, for /metrics
        self.failures = 0
        self._running: set[asyncio.Task[object]] = set()
        self._failing: dict[int, tuple[datetime, timedelta]] = {}  # job → (first failure, next delay)
        self._ready: asyncio.Event | None = None

    async def start(self, runner: JobRunner, ready: asyncio.Event | None = None) -> None:
        """Arm every pending job; with ``ready``, none runs before it is set.

        The bot passes "the first sync is done": before it, the Matrix client knows no room (an encrypted
        send fails with "No such room"), so an overdue reminder would fail at every restart.
        """
        self.runner = runner
        self._ready = ready
        if not self._aps.running:
            self._aps.start()
        await self.rebuild()

    def shutdown(self) -> None:
        if self._aps.running:
            self._aps.shutdown(wait=False)

    async def drain(self, seconds: float = 10) -> None:
        """Stop firing and let jobs already running finish, so a clean stop never cuts one in half."""
        if self._aps.running:
            self._aps.pause()
        running = [task for task in self._running if not task.done()]
        if running:
            await asyncio.wait(running, timeout=seconds)

    async def rebuild(self) -> int:
        async with self.db.transaction() as session:
            rows = (
                await session.execute(
                    select(ScheduledJob.id, ScheduledJob.due_at, ScheduledJob.kind).where(
                        ScheduledJob.status == "pending"
                    )
                )
            ).all()
        for job_id, due_at, kind in rows:
            self._arm(job_id, due_at, kind)
        log.info("scheduler: %d pending job(s) rebuilt from the database", len(rows))
        return len(rows)

    async def schedule(
        self,
        session: AsyncSession,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any],
        *,
        timezone: str = "Europe/Berlin",
    ) -> int:
        """Store a job in the caller's transaction; it is armed only once that transaction commits."""
        row = ScheduledJob(kind=kind, due_at=due_at, payload=payload, timezone=timezone, status="pending")
        session.add(row)
        await session.flush()
        job_id = row.id

        async def arm() -> None:
            self._arm(job_id, due_at, kind)

        after_commit(session, arm)
        return job_id

    async def cancel(self, session: AsyncSession, *job_ids: int) -> None:
        if not job_ids:
            return
        await session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.id.in_(job_ids), ScheduledJob.status == "pending")
            .values(status="cancelled", finished_at=self.clock())
        )

        async def disarm() -> None:
            for job_id in job_ids:
                job = self._aps.get_job(f"job-{job_id}")
                if job is not None:
                    job.remove()

        after_commit(session, disarm)

    async def reschedule(self, session: AsyncSession, job_id: int, due_at: datetime) -> None:
        await session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.id == job_id, ScheduledJob.status == "pending")
            .values(due_at=due_at)
        )
        kind = await session.scalar(select(ScheduledJob.kind).where(ScheduledJob.id == job_id)) or ""

        async def arm() -> None:
            self._arm(job_id, due_at, kind)

        after_commit(session, arm)

    def _arm(self, job_id: int, due_at: datetime, kind: str = "") -> None:
        if not self._aps.running:
            return  # start() rebuilds everything from the database
        wake = due_at - PREPARE_AHEAD if kind in self.prepared else due_at
        run_at = max(wake, self.clock())
        self._aps.add_job(
            self.fire,
            DateTrigger(run_date=run_at),
            args=[job_id, kind],
            id=f"job-{job_id}",
            replace_existing=True,
            misfire_grace_time=None,  # our own policy decides, in fire()
            coalesce=True,
        )

    async def fire(self, job_id: int, kind: str = "") -> None:
        if self.runner is None:
            raise RuntimeError("scheduler not started")
        if self._ready is not None and not self._ready.is_set():
            await self._ready.wait()  # lateness is measured after this, so the late note stays honest
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        woke = self.clock()
        try:
            async with self.db.transaction() as session:
                row = await session.get(ScheduledJob, job_id, with_for_update=True)
                if row is None or row.status != "pending":
                    return
                now = self.clock()
                due = row.due_at
                if row.due_at > now + timedelta(seconds=1):  # moved later meanwhile
                    self._arm(job_id, row.due_at, row.kind)
                    return
                late = now - row.due_at
                # A payload may opt out of skipping: closing a poll late beats never closing it.
                if late > self.grace and not row.payload.get("run_late"):
                    row.status, row.finished_at = "skipped", now
                    row.note = f"skipped: due {row.due_at.isoformat()}, {int(late.total_seconds())} s late"
                    log.warning("scheduler: job %s (%s) skipped, missed by %s", job_id, row.kind, late)
                    return
                lag = max(late.total_seconds(), 0.0)
                await self.runner(row, session, late if late > LATE_AFTER else None)
                row.status, row.finished_at = "done", self.clock()
                if late > LATE_AFTER:
                    row.note = f"ran {int(late.total_seconds())} s late"
            self.fired += 1
            self.lag_seconds_total += lag
            log.debug(  # where a late job lost its time (benchmarks/reminders.py --log)
                "scheduler: job %s (%s) woke %+.0f ms, row read %+.0f ms, committed %+.0f ms from due",
                *(job_id, kind, *((t - due).total_seconds() * 1000 for t in (woke, now, self.clock()))),
            )
        except Exception:
            self.failures += 1
            await self._failed(job_id)
        else:
            self._failing.pop(job_id, None)

    async def _failed(self, job_id: int) -> None:
        """Retry with a growing pause (an outage, a rate limit); after a day of failures give up loudly,
        because then something lasts (the bot was kicked from the room, a feature bug)."""
        now = self.clock()
        first, delay = self._failing.get(job_id, (now, RETRY_AFTER))
        if now - first >= GIVE_UP_AFTER:
            log.exception("scheduler: job %s failed since %s; giving up", job_id, first.isoformat())
            self._failing.pop(job_id, None)
            async with self.db.transaction() as session:
                row = await session.get(ScheduledJob, job_id)
                if row is not None and row.status == "pending":
                    row.status, row.finished_at = "failed", now
                    row.note = f"failed since {first.isoformat()}; see the log"
            return
        log.exception("scheduler: job %s failed; retrying in %s", job_id, delay)
        self._failing[job_id] = (first, min(delay * 2, RETRY_MAX))
        self._arm(job_id, now + delay)  # a retry is late anyway: no need to start early
