"""A session's scheduled work: the announcement (posted now or planned), the reminders and the start message.

``plan_jobs`` (re)plans all of them in the caller's transaction, so a moved session gets its new times and a
refused command leaves no job behind; ``jobs`` runs them. Which reminders fit is decided by ``planning``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.context import Context
from commands.meetlearn import planning, store
from commands.meetlearn.calendars import post_calendar
from commands.meetlearn.present import announcement_md, view
from commands.meetlearn.settings import cfg
from storage.meetlearn import MeetSession


async def announce(ctx: Context, s: MeetSession) -> str:
    """Post the announcement and its calendar file to the session's room."""
    ping, _dm = await store.room_settings(ctx, s.room_id)
    md = announcement_md(ctx, view(s), s.series)
    event_id = await ctx.say(md, room_id=s.room_id, mention_room=ping)
    await store.remember(ctx, event_id, s, "announce")
    if await _needs_calendar(ctx, s):
        await post_calendar(ctx, s, s.room_id)
    s.announced = True
    return event_id


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _needs_calendar(ctx: Context, s: MeetSession) -> bool:
    """Each announcement brings the calendar file – except right after a series was created.

    A series' file holds all its dates (RRULE). When a new series is announced at once, its first dates
    are announced together (and ``!meetlearn serie`` may have posted the file itself): one file then, not
    one per announcement. Announcements days later bring it again, as their text promises."""
    series = s.series
    if series is None or ctx.now() - _aware(series.created_at) > timedelta(hours=1):
        return True
    if _aware(series.first_start) - cfg(ctx).announce_lead > _aware(series.created_at):
        return False  # posted by the command that created the series
    earlier = await store.announced_in_series(ctx, series.id, besides=s.id)
    return not earlier


async def cancel_jobs(ctx: Context, s: MeetSession) -> None:
    if s.job_ids:
        await ctx.scheduler.cancel(ctx.session, *s.job_ids)
    s.job_ids = []


async def schedule(ctx: Context, kind: str, due: datetime, payload: dict[str, Any]) -> int:
    return await ctx.scheduler.schedule(ctx.session, kind, due, payload, timezone=ctx.tz.key)


async def plan_jobs(ctx: Context, s: MeetSession) -> None:
    """(Re)schedule the announcement (series only), reminders and the start message of a session."""
    await cancel_jobs(ctx, s)
    c = cfg(ctx)
    now = ctx.now()
    announce_at = now
    jobs: list[int] = []
    base: dict[str, Any] = {"room_id": s.room_id, "session_id": s.id, "starts_at": s.starts_at.isoformat()}
    if not s.announced:
        announce_at = max(now, s.starts_at.astimezone(UTC) - c.announce_lead)
        jobs.append(await schedule(ctx, "meetlearn.announce", announce_at, dict(base)))
    planned = planning.plan(s.starts_at, announce_at, c.offsets, ctx.tz)
    offsets = [p.offset.total_seconds() for p in planned if p.offset is not None]
    for p in planned:
        payload = dict(base)
        if p.offset is not None:
            payload |= {
                "offset_s": p.offset.total_seconds(),
                "planned_s": offsets,
                "all_s": [o.total_seconds() for o in c.offsets],
            }
            jobs.append(await schedule(ctx, "meetlearn.remind", p.due, payload))
        else:
            jobs.append(await schedule(ctx, "meetlearn.start", p.due, payload))
    s.job_ids = jobs
