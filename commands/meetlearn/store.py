"""Every Meet-and-Learn query: sessions, series, RSVPs, posted messages and room choices.

All of it runs in the caller's transaction (``ctx.session``); nothing here commits. Lookups by number check
that the asker may see the session (its room, or a DM of one of its members), so a number from another
team's room reads as unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from bot.context import Context
from bot.framework import UserError
from commands.meetlearn.settings import cfg
from storage.meetlearn import MeetMessage, MeetRoomSettings, MeetRsvp, MeetSeries, MeetSession, MeetTopic

YES, NO = "yes", "no"


def may_see(ctx: Context, room_id: str) -> bool:
    """Sessions belong to a room; from a DM, a member of that room may use them too."""
    if room_id == ctx.room_id:
        return True
    return ctx.is_dm and ctx.sender in ctx.messenger.room_members(room_id)


async def get_session(ctx: Context, session_id: int) -> MeetSession:
    row = await ctx.session.get(MeetSession, session_id)
    if row is None or not may_see(ctx, row.room_id):
        raise UserError(ctx.t("ml.unknown_session", id=session_id))
    return row


async def get_series(ctx: Context, series_id: int) -> MeetSeries:
    row = await ctx.session.get(MeetSeries, series_id)
    if row is None or not may_see(ctx, row.room_id):
        raise UserError(ctx.t("ml.unknown_series", id=series_id))
    return row


def visible_rooms(ctx: Context) -> list[str]:
    if not ctx.is_dm:
        return [ctx.room_id]
    return [r for r in ctx.messenger.team_rooms() if ctx.sender in ctx.messenger.room_members(r)]


async def yes_voters(ctx: Context, session_id: int) -> list[str]:
    rows = await ctx.session.execute(
        select(MeetRsvp.user_id)
        .where(MeetRsvp.session_id == session_id, MeetRsvp.answer == YES)
        .order_by(MeetRsvp.updated_at)
    )
    return list(rows.scalars())


async def counts(ctx: Context, session_ids: Sequence[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    rows = await ctx.session.execute(
        select(MeetRsvp.session_id, func.count())
        .where(MeetRsvp.session_id.in_(session_ids), MeetRsvp.answer == YES)
        .group_by(MeetRsvp.session_id)
    )
    return {int(sid): int(n) for sid, n in rows}


async def room_settings(ctx: Context, room_id: str) -> tuple[bool, bool]:
    """(ping the room on announcements, DM reminders to those who said yes) for ``room_id``."""
    row = await ctx.session.get(MeetRoomSettings, room_id)
    c = cfg(ctx)
    ping = c.announce_ping if row is None or row.ping is None else row.ping
    dm = c.dm_reminders if row is None or row.dm is None else row.dm
    return ping, dm


async def set_rsvp(
    ctx: Context, s: MeetSession, user_id: str, answer: str, source: str, event_id: str | None = None
) -> None:
    row = await ctx.session.get(MeetRsvp, (s.id, user_id))
    if row is None:
        ctx.session.add(
            MeetRsvp(
                session_id=s.id,
                user_id=user_id,
                answer=answer,
                source=source,
                event_id=event_id,
                updated_at=ctx.now(),
            )
        )
    else:
        row.answer, row.source, row.event_id, row.updated_at = answer, source, event_id, ctx.now()
    await ctx.session.flush()


async def remember(ctx: Context, event_id: str, s: MeetSession, kind: str) -> None:
    if await ctx.session.get(MeetMessage, event_id) is None:
        ctx.session.add(MeetMessage(event_id=event_id, session_id=s.id, kind=kind))
        await ctx.session.flush()


async def next_in_series(ctx: Context, series: MeetSeries, after: datetime) -> MeetSession | None:
    rows = await ctx.session.execute(
        select(MeetSession)
        .where(
            MeetSession.series_id == series.id,
            MeetSession.status == "scheduled",
            MeetSession.starts_at > max(after, ctx.now()),
        )
        .order_by(MeetSession.starts_at)
        .limit(1)
    )
    return rows.unique().scalars().first()


async def active_series(ctx: Context, rooms: Sequence[str] | None = None) -> list[MeetSeries]:
    """Series still running, in ``rooms`` (all rooms without)."""
    query = select(MeetSeries).where(MeetSeries.status == "active")
    if rooms is not None:
        query = query.where(MeetSeries.room_id.in_(rooms))
    return list((await ctx.session.execute(query)).scalars().all())


async def scheduled_sessions(ctx: Context, rooms: Sequence[str]) -> list[MeetSession]:
    """Sessions of these rooms that were not cancelled, soonest first (past ones included)."""
    rows = await ctx.session.execute(
        select(MeetSession)
        .where(MeetSession.room_id.in_(rooms), MeetSession.status == "scheduled")
        .order_by(MeetSession.starts_at)
    )
    return list(rows.unique().scalars())


async def past_sessions(ctx: Context, rooms: Sequence[str], limit: int = 30) -> list[MeetSession]:
    """Sessions that took place (started before now, not cancelled), latest first."""
    rows = await ctx.session.execute(
        select(MeetSession)
        .where(
            MeetSession.room_id.in_(rooms),
            MeetSession.status == "scheduled",
            MeetSession.starts_at < ctx.now(),
        )
        .order_by(MeetSession.starts_at.desc())
        .limit(limit)
    )
    return list(rows.unique().scalars())


async def series_sessions(ctx: Context, series_id: int, *, scheduled_only: bool = False) -> list[MeetSession]:
    """Every date of a series that exists as a row (or only those not cancelled), in no particular order."""
    query = select(MeetSession).where(MeetSession.series_id == series_id)
    if scheduled_only:
        query = query.where(MeetSession.status == "scheduled")
    return list((await ctx.session.execute(query)).unique().scalars().all())


async def series_dates(ctx: Context, series_id: int) -> list[tuple[datetime | None, str]]:
    """(date the rule made, status) of every existing date of a series, earliest first."""
    rows = await ctx.session.execute(
        select(MeetSession.original_start, MeetSession.status)
        .where(MeetSession.series_id == series_id)
        .order_by(MeetSession.original_start)
    )
    return [(start, status) for start, status in rows.all()]


async def announced_in_series(ctx: Context, series_id: int, besides: int) -> int:
    """How many dates of the series other than ``besides`` were announced already."""
    count = await ctx.session.scalar(
        select(func.count())
        .select_from(MeetSession)
        .where(MeetSession.series_id == series_id, MeetSession.announced.is_(True), MeetSession.id != besides)
    )
    return int(count or 0)


async def missed_announcements(ctx: Context, due_before: datetime) -> list[MeetSession]:
    """Future series dates not announced yet whose start lies before ``due_before``."""
    rows = await ctx.session.execute(
        select(MeetSession).where(
            MeetSession.series_id.is_not(None),
            MeetSession.status == "scheduled",
            MeetSession.announced.is_(False),
            MeetSession.starts_at > ctx.now(),
            MeetSession.starts_at < due_before,
        )
    )
    return list(rows.unique().scalars().all())


async def set_room_setting(ctx: Context, room_id: str, what: str, value: bool) -> None:
    """Store a room's own choice (``ping`` or ``dm``) over the configured default."""
    row = await ctx.session.get(MeetRoomSettings, room_id)
    if row is None:
        row = MeetRoomSettings(room_id=room_id)
        ctx.session.add(row)
    setattr(row, what, value)
    await ctx.session.flush()


async def message(ctx: Context, event_id: str) -> MeetMessage | None:
    """One of our messages about a session (announcement, reminder, start…), by its event id."""
    return await ctx.session.get(MeetMessage, event_id)


async def reaction_rsvp(ctx: Context, event_id: str) -> MeetRsvp | None:
    """The answer a reaction (by its event id) gave, if it is still the current one."""
    rows = await ctx.session.execute(
        select(MeetRsvp).where(MeetRsvp.event_id == event_id, MeetRsvp.source == "reaction")
    )
    return rows.scalar_one_or_none()


# ------------------------------------------------------------------------------------------- topic ideas


async def open_topics(ctx: Context, room_id: str) -> list[MeetTopic]:
    rows = await ctx.session.execute(
        select(MeetTopic)
        .where(MeetTopic.room_id == room_id, MeetTopic.status == "open")
        .order_by(MeetTopic.id)
    )
    return list(rows.scalars())


async def topic(ctx: Context, topic_id: int) -> MeetTopic | None:
    return await ctx.session.get(MeetTopic, topic_id)


async def add_topic(ctx: Context, room_id: str, text: str) -> MeetTopic:
    row = MeetTopic(
        room_id=room_id, text=text, suggested_by=ctx.sender, created_at=ctx.now(), status="open", extra={}
    )
    ctx.session.add(row)
    await ctx.session.flush()
    return row
