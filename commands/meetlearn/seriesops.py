"""What happens to a series as a whole: its dates made ahead of time, its end, new defaults, cancelling it.

A series row holds the rule and the default values; its dates exist as session rows only ``series_ahead``
at a time (``top_up`` makes more as they pass), each storing just what differs from the series. Everything
runs in the caller's transaction.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.framework import UserError
from bot.timeparse import localize
from commands.meetlearn import store
from commands.meetlearn.present import View, date_text, describe_rule, series_rule, view, when_text
from commands.meetlearn.recurrence import Rule
from commands.meetlearn.reminders import cancel_jobs, plan_jobs
from commands.meetlearn.settings import cfg
from storage.meetlearn import MeetSeries, MeetSession


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    return localize(day, time(23, 59, 59), tz).astimezone(UTC)


def bounded_rule(ctx: Context, rule: Rule, last_day: date | None, count: int | None) -> Rule:
    """``rule`` ending on ``last_day`` (inclusive) and/or after ``count`` dates, whichever comes first.

    ``count`` becomes the start of the last date, so the series stores one end (RRULE ``UNTIL``)."""
    ends = []
    if last_day is not None:
        ends.append(end_of_day(last_day, ctx.tz))
    if count is not None:
        ends.append(rule.occurrences(ctx.now(), ctx.tz, count)[-1].astimezone(UTC))
    if not ends:
        return rule
    bounded = replace(rule, until=min(ends))
    if next(bounded.iter_occurrences(ctx.now(), ctx.tz), None) is None:
        first = rule.occurrences(ctx.now(), ctx.tz, 1)[0]
        raise UserError(ctx.t("ml.end_before_first", date=date_text(ctx, bounded.until or first),
                              first=when_text(ctx, first)))  # fmt: skip
    return bounded


async def top_up(ctx: Context, series: MeetSeries) -> list[MeetSession]:
    """Materialise occurrences until ``series_ahead`` lie in the future; idempotent and cheap."""
    if series.status != "active":
        return []
    c = cfg(ctx)
    now = ctx.now()
    rows = await store.series_dates(ctx, series.id)
    # Cancelled dates do not count: "three ahead" means three that take place.
    future = [r for r, status in rows if r is not None and r > now and status == "scheduled"]
    need = c.series_ahead - len(future)
    if need <= 0:
        return []
    last = rows[-1][0] if rows else None
    after = max(last, now) if last is not None else now
    made: list[MeetSession] = []
    for start in series_rule(series).iter_occurrences(after, ZoneInfo(series.tz)):
        if len(made) >= need:
            break
        s = MeetSession(
            room_id=series.room_id,
            series_id=series.id,
            original_start=start.astimezone(UTC),
            starts_at=start.astimezone(UTC),
            status="scheduled",
            uid=series.uid,
            sequence=0,
            creator=series.creator,
            created_at=now,
            announced=False,
            job_ids=[],
            series=series,
        )
        ctx.session.add(s)
        await ctx.session.flush()
        await plan_jobs(ctx, s)
        made.append(s)
    return made


async def cancel_series(ctx: Context, series: MeetSeries) -> list[int]:
    """Stop the series: no new occurrences, every future one cancelled with its jobs."""
    series.status = "cancelled"
    series.cancelled_at = ctx.now()
    series.sequence += 1
    rows = await store.series_sessions(ctx, series.id, scheduled_only=True)
    now = ctx.now()
    cancelled = []
    for s in rows:
        if s.starts_at > now:
            s.status = "cancelled"
            s.sequence += 1
            await cancel_jobs(ctx, s)
            cancelled.append(s.id)
    return sorted(cancelled)


@dataclass(frozen=True)
class SeriesEnd:
    """What :func:`end_series` did: the rule with its new end, the last date, the dates that were dropped."""

    rule: Rule
    last: datetime
    dropped: list[View]
    mention: list[str]


async def end_series(ctx: Context, series: MeetSeries, last_day: date | None) -> SeriesEnd | None:
    """Give the series an end (RRULE ``UNTIL``); ``None`` if it would have no date at all (cancel it then).

    Without ``last_day`` the series ends after the dates already announced (or past): people have seen
    and answered those, so they take place; the later, unannounced dates disappear. With ``last_day`` it
    ends on that day and later dates disappear, announced ones included (they are cancelled). A dropped
    date that was never announced is deleted, unless the rule made it before the end (it was moved past
    the end): that one stays as a cancelled date (EXDATE). Whoever said yes to a dropped date is named."""
    rule = series_rule(series)
    tz = ZoneInfo(series.tz)
    now = ctx.now()
    rows = sorted(await store.series_sessions(ctx, series.id), key=lambda r: r.starts_at)
    dated = [(r, o) for r in rows if (o := r.original_start) is not None]
    if last_day is None:
        kept = [o for r, o in dated if r.status == "scheduled" and (r.announced or r.starts_at <= now)]
        if not kept:
            return None
        until = max(kept)
    else:
        until = end_of_day(last_day, tz)
    if rule.until is not None and until >= rule.until:
        raise UserError(ctx.t("ml.series_ends_already", id=series.id, rule=describe_rule(ctx, rule)))
    bounded = replace(rule, until=until)
    # The last date is one already generated, or one the rule has yet to generate before the new end.
    generated_to = max((o for _r, o in dated), default=now)
    ungenerated = list(deque(bounded.iter_occurrences(max(generated_to, now), tz), maxlen=1))
    if not ungenerated and not any(r.status == "scheduled" and o <= until for r, o in dated):
        return None
    dropped: list[View] = []
    mention: list[str] = []
    for r, original in dated:
        if r.starts_at <= now:
            continue  # the past stays as it was
        if (last_day is None and r.announced) or (last_day is not None and original <= until):
            continue
        await cancel_jobs(ctx, r)
        if r.status == "scheduled":
            dropped.append(view(r))
            mention += [u for u in await store.yes_voters(ctx, r.id) if u not in mention]
        if not r.announced and original > until:
            await ctx.session.delete(r)  # never announced: it just disappears
        elif r.status == "scheduled":
            r.status = "cancelled"  # announced, or moved past the end: stays as a cancelled date (EXDATE)
            r.sequence += 1
    series.rrule = bounded.to_rrule()
    series.sequence += 1
    await ctx.session.flush()
    last = max([r.starts_at for r, o in dated if r.status == "scheduled" and o <= until] + ungenerated)
    return SeriesEnd(rule=bounded, last=last, dropped=dropped, mention=mention)


SERIES_FIELDS = ("topic", "speaker", "duration_min", "link", "description")


@dataclass(frozen=True)
class SeriesChange:
    """What :func:`change_series` did: the dates that took the new values, and the dates that kept some
    of their own (field names per session id)."""

    updated: list[MeetSession]
    kept: dict[int, list[str]]


async def change_series(ctx: Context, series: MeetSeries, values: dict[str, Any]) -> SeriesChange:
    """Give the series new defaults (``values``: field → new value, fields of :data:`SERIES_FIELDS`).

    The series row takes them, so dates the rule generates later carry them. A date stores only what
    differs from its series (``None`` = inherit), and ``!meetlearn thema`` writes exactly the fields it was
    given, so a field that is not ``None`` on a date is that date's own choice and is kept; the model
    cannot tell an override that happens to equal the old series value from a deliberate one, and keeping
    both is the safe reading. Only dates still to come and scheduled take the new values: past (or already
    running) and cancelled dates get the old values written onto them, so the archive and the calendar
    keep what really was. Every date whose effective values change gets a new SEQUENCE, as does the
    series (its master VEVENT changes)."""
    now = ctx.now()
    rows = sorted(await store.series_sessions(ctx, series.id), key=lambda r: r.starts_at)
    updated: list[MeetSession] = []
    kept: dict[int, list[str]] = {}
    for r in rows:
        inherited = [f for f in values if getattr(r, f) is None]
        if r.status != "scheduled" or r.starts_at <= now:
            for f in inherited:
                old = getattr(series, f)
                setattr(r, f, "" if old is None else old)  # "" = explicitly none (no speaker/description)
            continue
        own = [f for f in values if f not in inherited]
        if own:
            kept[r.id] = own
        if inherited:
            r.sequence += 1
            updated.append(r)
    for f, value in values.items():
        setattr(series, f, value)
    series.sequence += 1
    await ctx.session.flush()
    return SeriesChange(updated=updated, kept=kept)
