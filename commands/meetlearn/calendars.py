"""Calendar files (.ics) of sessions and series, and posting them to a room.

A single session is one VEVENT; a series is its master (RRULE, EXDATEs for cancelled dates) plus an
override for every date that differs from the rule, so a calendar that imported the series once follows
every later change. The file format itself is ``ics``; the texts come from ``present``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from bot.context import Context
from commands.meetlearn import store
from commands.meetlearn.ics import CalEvent, calendar
from commands.meetlearn.present import View, calendar_text, ics_filename, series_rule, view
from commands.meetlearn.recurrence import Rule
from storage.meetlearn import MeetSeries, MeetSession


def _event(ctx: Context, v: View, uid: str, sequence: int, **more: Any) -> CalEvent:
    """The VEVENT of one date as people see it; ``more`` marks it cancelled or as a series' override."""
    return CalEvent(
        uid=uid,
        start=v.starts_at,
        duration=v.duration,
        summary=ctx.t("ml.ics_summary", topic=v.topic),
        description=calendar_text(ctx, v),
        url=v.link,
        sequence=sequence,
        **more,
    )


def single_event(ctx: Context, s: MeetSession) -> CalEvent:
    v = view(s)
    return _event(ctx, v, s.uid, s.sequence, cancelled=v.status == "cancelled")


def _master_event(ctx: Context, series: MeetSeries, rule: Rule, rows: Sequence[MeetSession]) -> CalEvent:
    """The series' own VEVENT: its values, its rule, and the cancelled dates left out (EXDATE)."""
    master_view = View(
        id=0,
        room_id=series.room_id,
        series_id=series.id,
        starts_at=series.first_start,
        original_start=None,
        duration=timedelta(minutes=series.duration_min),
        topic=series.topic,
        speaker=series.speaker,
        link=series.link,
        description=series.description,
        status="scheduled",
        recording_url=None,
    )
    exdates = tuple(
        r.original_start
        for r in rows
        if r.status == "cancelled"
        and r.original_start is not None
        and (rule.until is None or r.original_start <= rule.until)  # after UNTIL there is nothing to exclude
    )
    return CalEvent(
        uid=series.uid,
        start=series.first_start,
        duration=master_view.duration,
        summary=ctx.t("ml.ics_summary", topic=series.topic),
        description=calendar_text(ctx, master_view, rule),
        url=series.link,
        sequence=series.sequence,
        cancelled=series.status == "cancelled",
        rrule=rule.to_rrule(),
        exdates=exdates,
    )


async def series_events(ctx: Context, series: MeetSeries) -> list[CalEvent]:
    """Master with RRULE and EXDATEs, plus an override for every occurrence that differs."""
    rule = series_rule(series)
    rows = await store.series_sessions(ctx, series.id)
    events = [_master_event(ctx, series, rule, rows)]
    for r in sorted(rows, key=lambda r: r.original_start or r.starts_at):
        if r.status == "cancelled" or r.original_start is None:
            continue
        differs = r.starts_at != r.original_start or any(
            x is not None for x in (r.topic, r.speaker, r.link, r.description, r.duration_min)
        )
        if not differs:
            continue
        events.append(_event(ctx, view(r), series.uid, r.sequence, recurrence_id=r.original_start))
    return events


async def calendar_for(ctx: Context, sessions: Iterable[MeetSession]) -> bytes:
    """One file for these sessions; occurrences of a series are exported as the whole series."""
    events: list[CalEvent] = []
    seen: set[int] = set()
    for s in sessions:
        if s.series is None:
            events.append(single_event(ctx, s))
        elif s.series.id not in seen:
            seen.add(s.series.id)
            events += await series_events(ctx, s.series)
    return calendar(events, ctx.tz, ctx.now(), name=ctx.t("ml.ics_calname"))


async def post_calendar(ctx: Context, s: MeetSession, room_id: str) -> None:
    data = await calendar_for(ctx, [s])
    await ctx.upload(data, filename=ics_filename(view(s)), mimetype="text/calendar", room_id=room_id)


async def post_series_calendar(ctx: Context, series: MeetSeries) -> None:
    """The whole series' file to its room, after a change that concerns the series as a whole."""
    data = calendar(await series_events(ctx, series), ctx.tz, ctx.now(), name=ctx.t("ml.ics_calname"))
    await ctx.upload(
        data,
        filename=f"meet-and-learn-reihe-{series.id}.ics",
        mimetype="text/calendar",
        room_id=series.room_id,
    )
