"""Scheduled messages (announcement, reminders, start) and RSVP by reaction.

Every job re-reads its session and does nothing if it was cancelled or moved since it was planned: the
scheduler also cancels those jobs, but a job that was already running must not act on stale data either.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot.context import Context
from bot.dispatch import Incoming
from bot.framework import event_hook, job, startup
from bot.render import escape_md
from commands.meetlearn import planning, present, reminders, store
from commands.meetlearn.seriesops import top_up
from commands.meetlearn.settings import cfg
from storage.meetlearn import MeetSession

log = logging.getLogger(__name__)

YES_KEYS = frozenset({"✅", "✔", "☑", "👍", "🙋", "🙋‍♀", "🙋‍♂"})
NO_KEYS = frozenset({"❌", "✖", "❎", "👎"})


def reaction_answer(key: object) -> str | None:
    """✅ → yes, ❌ → no; skin tones and the emoji variation selector do not matter."""
    if not isinstance(key, str):
        return None
    bare = "".join(ch for ch in key if ch != "\ufe0f" and not 0x1F3FB <= ord(ch) <= 0x1F3FF)
    if bare in YES_KEYS:
        return store.YES
    if bare in NO_KEYS:
        return store.NO
    return None


async def _current(ctx: Context, payload: dict[str, Any]) -> MeetSession | None:
    """The session a job is about, if it still happens at the time the job was planned for."""
    s = await ctx.session.get(MeetSession, int(payload["session_id"]))
    if s is None or s.status != "scheduled":
        return None
    planned_for = payload.get("starts_at")
    if not isinstance(planned_for, str) or datetime.fromisoformat(planned_for) != s.starts_at:
        log.info("meetlearn: session %s moved since the job was planned; skipping", s.id)
        return None
    return s


async def _top_up_series(ctx: Context, s: MeetSession) -> None:
    if s.series is not None:
        await top_up(ctx, s.series)


@job("meetlearn.announce")
async def announce_job(ctx: Context, payload: dict[str, Any]) -> None:
    s = await _current(ctx, payload)
    if s is None or s.announced:
        return
    await reminders.announce(ctx, s)
    await _top_up_series(ctx, s)


@job("meetlearn.remind", prepare_ahead=True)
async def remind_job(ctx: Context, payload: dict[str, Any]) -> None:
    s = await _current(ctx, payload)
    if s is None:
        return
    offset = timedelta(seconds=float(payload["offset_s"]))
    planned = [timedelta(seconds=float(x)) for x in payload.get("planned_s", [])]
    if planning.superseded(s.starts_at, offset, ctx.now(), planned, ctx.tz):
        log.info("meetlearn: reminder for session %s superseded by a later one; not sent", s.id)
        return
    configured = [timedelta(seconds=float(x)) for x in payload.get("all_s", [])] or planned
    last = offset <= min(configured, default=offset)
    v = present.view(s)
    yes = await store.yes_voters(ctx, s.id)
    event_id = await ctx.say(
        present.reminder_md(ctx, v, offset, None if last else len(yes)), room_id=s.room_id
    )
    await store.remember(ctx, event_id, s, "remind")
    _ping, dm = await store.room_settings(ctx, s.room_id)
    if dm and last:
        await _dm_reminders(ctx, v, offset, yes)
    await _top_up_series(ctx, s)


async def _dm_reminders(ctx: Context, v: present.View, offset: timedelta, users: list[str]) -> None:
    md = ctx.t(
        "ml.dm_reminder",
        rel=present.offset_text(ctx, offset),
        topic=escape_md(v.topic),
        when=present.when_text(ctx, v.starts_at),
        link=present.md_link(v.link, ctx),
    )
    for user in users:
        try:
            await ctx.dm(user, md + ctx.late_note())
        except Exception:  # one unreachable person must not stop the others' reminders
            log.exception("meetlearn: DM reminder to %s failed", user)


@job("meetlearn.start", prepare_ahead=True)
async def start_job(ctx: Context, payload: dict[str, Any]) -> None:
    s = await _current(ctx, payload)
    if s is None:
        return
    v = present.view(s)
    if ctx.now() < v.ends_at:
        md = (
            ctx.t("ml.start", topic=escape_md(v.topic), id=v.id, link=present.md_link(v.link, ctx))
            + ctx.late_note()
        )
        event_id = await ctx.say(md, room_id=s.room_id)
        await store.remember(ctx, event_id, s, "start")
    await _top_up_series(ctx, s)


@startup
async def top_up_series_at_start(ctx: Context) -> None:
    """New dates of a series come from the jobs of its dates (and ``!termine``). After a downtime longer
    than the misfire grace those jobs are all skipped, so at every start each active series is topped up:
    the next dates exist again and get their announcement and reminders."""
    for series in await store.active_series(ctx):
        made = await top_up(ctx, series)
        if made:
            log.info("meetlearn: series %s topped up at start: sessions %s", series.id, [s.id for s in made])
    # A date whose announcement fell into the downtime (its job skipped as too late) is announced now,
    # with its reminders planned anew, instead of only being reminded of without its calendar file.
    # announcement due (start - lead) longer ago than the grace
    due_before = ctx.now() + cfg(ctx).announce_lead - ctx.config.scheduler.misfire_grace
    for s in await store.missed_announcements(ctx, due_before):
        log.info("meetlearn: session %s missed its announcement during a downtime; announcing now", s.id)
        await reminders.plan_jobs(ctx, s)


# ------------------------------------------------------------------------------------------- reactions


@event_hook("m.reaction")
async def on_reaction(ctx: Context, incoming: Incoming) -> bool:
    """✅/❌ on one of our session messages is an RSVP; anything else is left for other features."""
    rel = incoming.relates_to
    if rel.get("rel_type") != "m.annotation" or not isinstance(rel.get("event_id"), str):
        return False
    answer = reaction_answer(rel.get("key"))
    if answer is None:
        return False
    message = await store.message(ctx, rel["event_id"])
    if message is None:
        return False
    s = await ctx.session.get(MeetSession, message.session_id)
    if s is None or s.status != "scheduled" or present.view(s).ends_at <= ctx.now():
        return True  # ours, but nothing to answer any more
    await store.set_rsvp(ctx, s, incoming.sender, answer, "reaction", incoming.event_id)
    return True


@event_hook("m.room.redaction")
async def on_redaction(ctx: Context, incoming: Incoming) -> bool:
    """Taking back the ✅ reaction takes back the answer it gave (if it is still the current one)."""
    redacts = incoming.content.get("redacts")
    if not isinstance(redacts, str):
        return False
    row = await store.reaction_rsvp(ctx, redacts)
    if row is None or row.user_id != incoming.sender:
        return False
    await ctx.session.delete(row)
    return True
