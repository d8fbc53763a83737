"""Meet and Learn as other features and the chat adapters use it: create, move and cancel sessions, answer.

Handlers stay thin; everything that decides something lives here (and in ``seriesops`` for a series as a
whole) so it is tested once. All writes happen in the caller's transaction (``ctx.session``), including
the scheduled jobs, so a refused or failed command leaves neither rows nor reminders behind. Queries are
in ``store``, texts in ``present``, calendar files in ``calendars``, job planning in ``reminders``.
"""

from __future__ import annotations

import logging
import re
import secrets
import string
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.context import Context
from bot.framework import UserError
from bot.render import escape_md
from commands.meetlearn import store
from commands.meetlearn.calendars import post_calendar
from commands.meetlearn.present import View, md_link, view, when_text
from commands.meetlearn.recurrence import Rule
from commands.meetlearn.reminders import announce, cancel_jobs, plan_jobs
from commands.meetlearn.seriesops import top_up
from commands.meetlearn.settings import cfg
from storage.meetlearn import MeetSeries, MeetSession

log = logging.getLogger(__name__)

URL_RE = re.compile(r"https?://[^\s<>\"`]{1,2000}")
MAX_TOPIC, MAX_SPEAKER, MAX_DESCRIPTION = 200, 200, 1500
USER_ID_RE = re.compile(r"@[a-z0-9._=\-/+]+:[a-z0-9.\-]+(?::\d+)?", re.IGNORECASE)
_ROOM_ALPHABET = string.ascii_lowercase + string.digits


def jitsi_link(base: str) -> str:
    """A room nobody can guess (~100 bits), lower case because Jitsi ignores case in room names."""
    token = "".join(secrets.choice(_ROOM_ALPHABET) for _ in range(20))
    return f"{base}MeetAndLearn-{token}"


def speaker_user(speaker: str | None) -> str | None:
    """A speaker written as a Matrix account (``@name:server``) may attach the recording."""
    if not speaker:
        return None
    m = USER_ID_RE.search(speaker)
    return m[0] if m else None


def require_open(ctx: Context, s: MeetSession) -> View:
    v = view(s)
    if v.status == "cancelled":
        raise UserError(ctx.t("ml.is_cancelled", id=v.id, topic=escape_md(v.topic)))
    if v.ends_at <= ctx.now():
        raise UserError(ctx.t("ml.is_over", id=v.id, topic=escape_md(v.topic)))
    return v


def check_lengths(ctx: Context, topic: str, speaker: str | None, description: str | None) -> None:
    if not topic.strip():
        raise UserError(ctx.t("ml.topic_empty"))
    for value, limit, what in (
        (topic, MAX_TOPIC, "ml.what_topic"),
        (speaker, MAX_SPEAKER, "ml.what_speaker"),
        (description, MAX_DESCRIPTION, "ml.what_description"),
    ):
        if value is not None and len(value) > limit:
            raise UserError(ctx.t("ml.too_long", what=ctx.t(what), limit=limit, got=len(value)))


async def upcoming(ctx: Context, rooms: Sequence[str], limit: int = 20) -> list[MeetSession]:
    """Sessions not yet over, soonest first; tops up the series involved first."""
    now = ctx.now()
    for series in await store.active_series(ctx, rooms):
        await top_up(ctx, series)
    return [s for s in await store.scheduled_sessions(ctx, rooms) if view(s).ends_at > now][:limit]


async def create_single(
    ctx: Context,
    *,
    when: datetime,
    topic: str,
    speaker: str | None,
    duration_min: int | None,
    link: str | None,
    description: str | None,
) -> MeetSession:
    c = cfg(ctx)
    s = MeetSession(
        room_id=ctx.room_id,
        starts_at=when.astimezone(UTC),
        duration_min=duration_min or c.default_duration_minutes,
        topic=topic.strip(),
        speaker=(speaker or "").strip() or None,
        link=link or (jitsi_link(c.jitsi_base) if c.jitsi_base else None),
        description=(description or "").strip() or None,
        status="scheduled",
        uid=f"meetlearn-{secrets.token_hex(8)}@lotsenbot",
        sequence=0,
        creator=ctx.sender,
        created_at=ctx.now(),
        announced=False,
        job_ids=[],
        series=None,
    )
    ctx.session.add(s)
    await ctx.session.flush()
    await announce(ctx, s)
    await plan_jobs(ctx, s)
    return s


async def create_series(
    ctx: Context,
    *,
    rule: Rule,
    topic: str,
    speaker: str | None,
    duration_min: int | None,
    link: str | None,
    description: str | None,
) -> tuple[MeetSeries, list[MeetSession]]:
    c = cfg(ctx)
    first = next(rule.iter_occurrences(ctx.now(), ctx.tz))  # also anchors "alle 2 Wochen" here
    series = MeetSeries(
        room_id=ctx.room_id,
        rrule=rule.to_rrule(),
        local_time=f"{rule.local_time:%H:%M}",
        anchor=first.date(),
        tz=ctx.tz.key,
        first_start=first.astimezone(UTC),
        topic=topic.strip(),
        speaker=(speaker or "").strip() or None,
        duration_min=duration_min or c.default_duration_minutes,
        link=link or (jitsi_link(c.jitsi_base) if c.jitsi_base else ""),  # "": link comes later
        description=(description or "").strip() or None,
        uid=f"meetlearn-series-{secrets.token_hex(8)}@lotsenbot",
        sequence=0,
        status="active",
        creator=ctx.sender,
        created_at=ctx.now(),
    )
    ctx.session.add(series)
    await ctx.session.flush()
    made = await top_up(ctx, series)
    return series, made


def tells_room(s: MeetSession) -> bool:
    """Whether a change to ``s`` is posted to its room with a new calendar file.

    Announced sessions, and every date of a series: the room already has the series' calendar file (RRULE)
    from its creation or an earlier announcement, so a change before the announcement must reach it too."""
    return s.announced or s.series is not None


async def cancel_session(ctx: Context, s: MeetSession) -> None:
    v = view(s)
    s.status = "cancelled"
    s.sequence += 1
    await cancel_jobs(ctx, s)
    series = s.series
    if series is not None:
        series.sequence += 1  # the master's EXDATE list changes
        await ctx.session.flush()
        await top_up(ctx, series)  # the series keeps its next dates in view
    if not tells_room(s):
        return
    yes = await store.yes_voters(ctx, s.id)
    md = ctx.t("ml.cancelled_notice", topic=escape_md(v.topic), id=v.id, when=when_text(ctx, v.starts_at))
    if yes:
        md += "\n" + ctx.t("ml.cancelled_yes", n=len(yes))
    if series is not None:
        nxt = await store.next_in_series(ctx, series, after=v.starts_at)
        if nxt is not None:
            md += "\n" + ctx.t("ml.series_goes_on", series=series.id, id=nxt.id,
                               when=when_text(ctx, nxt.starts_at))  # fmt: skip
    await ctx.say(md, room_id=s.room_id, mention_users=yes)
    await post_calendar(ctx, s, s.room_id)


async def move_session(ctx: Context, s: MeetSession, when: datetime) -> datetime:
    old = s.starts_at
    s.starts_at = when.astimezone(UTC)
    s.sequence += 1
    await ctx.session.flush()
    await plan_jobs(ctx, s)
    if tells_room(s):
        v = view(s)
        md = ctx.t(
            "ml.moved_notice",
            topic=escape_md(v.topic),
            id=v.id,
            old=when_text(ctx, old),
            new=when_text(ctx, when),
            link=md_link(v.link, ctx),
        )
        yes = await store.yes_voters(ctx, s.id)
        event_id = await ctx.say(md, room_id=s.room_id, mention_users=yes)
        await store.remember(ctx, event_id, s, "moved")
        await post_calendar(ctx, s, s.room_id)
    return old
