"""Meet-and-Learn logic shared by commands, jobs and hooks: sessions, series, reminders, RSVPs, calendars.

Handlers stay thin; everything that decides something lives here so it is tested once. All writes happen
in the caller's transaction (``ctx.session``), including the scheduled jobs, so a refused or failed
command leaves neither rows nor reminders behind.
"""

from __future__ import annotations

import logging
import re
import secrets
import string
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.context import Context
from bot.framework import UserError
from bot.render import escape_md
from bot.timeparse import MONTHS_DE, MONTHS_EN, WEEKDAYS_DE, WEEKDAYS_EN, format_de, format_en, localize
from commands.meetlearn import planning
from commands.meetlearn.ics import CalEvent, calendar
from commands.meetlearn.recurrence import Rule
from commands.meetlearn.settings import MeetLearnSettings, settings
from storage.meetlearn import MeetMessage, MeetRoomSettings, MeetRsvp, MeetSeries, MeetSession

log = logging.getLogger(__name__)

YES, NO = "yes", "no"
URL_RE = re.compile(r"https?://[^\s<>\"`]{1,2000}")
MAX_TOPIC, MAX_SPEAKER, MAX_DESCRIPTION = 200, 200, 1500
USER_ID_RE = re.compile(r"@[a-z0-9._=\-/+]+:[a-z0-9.\-]+(?::\d+)?", re.IGNORECASE)
_ROOM_ALPHABET = string.ascii_lowercase + string.digits


# ---------------------------------------------------------------------------------------------- views


@dataclass(frozen=True)
class View:
    """A session with the series' values filled in: what people see."""

    id: int
    room_id: str
    series_id: int | None
    starts_at: datetime
    original_start: datetime | None
    duration: timedelta
    topic: str
    speaker: str | None
    link: str
    description: str | None
    status: str
    recording_url: str | None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at.astimezone(UTC) + self.duration


def view(s: MeetSession) -> View:
    series = s.series
    return View(
        id=s.id,
        room_id=s.room_id,
        series_id=s.series_id,
        starts_at=s.starts_at,
        original_start=s.original_start,
        duration=timedelta(minutes=s.duration_min or (series.duration_min if series else 60)),
        topic=s.topic or (series.topic if series else ""),
        speaker=s.speaker if s.speaker is not None else (series.speaker if series else None),
        link=s.link or (series.link if series else ""),
        description=s.description if s.description is not None else (series.description if series else None),
        status=s.status,
        recording_url=s.recording_url,
    )


def cfg(ctx: Context) -> MeetLearnSettings:
    return settings(ctx.config)


def when_text(ctx: Context, moment: datetime) -> str:
    local = moment.astimezone(ctx.tz)
    return format_en(local) if ctx.lang == "en" else format_de(local)


def short_when(ctx: Context, moment: datetime) -> str:
    """ "Do 03.12. 14:00" – for lists where the long form would be hard to scan."""
    local = moment.astimezone(ctx.tz)
    names = WEEKDAYS_EN if ctx.lang == "en" else WEEKDAYS_DE
    return f"{names[local.weekday()][:2]} {local:%d.%m.} {local:%H:%M}"


def date_text(ctx: Context, moment: datetime) -> str:
    """ "10. Juni 2027" – a day without weekday and time, e.g. for the end of a series."""
    local = moment.astimezone(ctx.tz)
    if ctx.lang == "en":
        return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}"
    return f"{local.day}. {MONTHS_DE[local.month - 1]} {local.year}"


def offset_text(ctx: Context, offset: timedelta) -> str:
    return planning.describe_offset_en(offset) if ctx.lang == "en" else planning.describe_offset_de(offset)


def series_rule(series: MeetSeries) -> Rule:
    hours, minutes = series.local_time.split(":")[:2]
    return Rule.from_rrule(series.rrule, time(int(hours), int(minutes)), start=series.anchor)


def describe_rule(ctx: Context, rule: Rule) -> str:
    text = rule.describe_en() if ctx.lang == "en" else rule.describe_de()
    if rule.until is not None:
        text += ctx.t("ml.until_suffix", date=date_text(ctx, rule.until))
    return text


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


def md_link(url: str | None, ctx: Context) -> str:
    """The meeting link, or a clear "comes later" while none is set (no public fallback server)."""
    return f"<{url}>" if url else ctx.t("ml.no_link")


def plural(ctx: Context, n: int, one: str, many: str) -> str:
    return ctx.t(one if n == 1 else many, n=n)


# ------------------------------------------------------------------------------------------- lookups


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


async def upcoming(ctx: Context, rooms: Sequence[str], limit: int = 20) -> list[MeetSession]:
    """Sessions not yet over, soonest first; tops up the series involved first."""
    now = ctx.now()
    series_rows = await ctx.session.execute(
        select(MeetSeries).where(MeetSeries.room_id.in_(rooms), MeetSeries.status == "active")
    )
    for series in series_rows.scalars():
        await top_up(ctx, series)
    rows = await ctx.session.execute(
        select(MeetSession)
        .where(MeetSession.room_id.in_(rooms), MeetSession.status == "scheduled")
        .order_by(MeetSession.starts_at)
    )
    return [s for s in rows.unique().scalars() if view(s).ends_at > now][:limit]


async def room_settings(ctx: Context, room_id: str) -> tuple[bool, bool]:
    """(ping the room on announcements, DM reminders to those who said yes) for ``room_id``."""
    row = await ctx.session.get(MeetRoomSettings, room_id)
    c = cfg(ctx)
    ping = c.announce_ping if row is None or row.ping is None else row.ping
    dm = c.dm_reminders if row is None or row.dm is None else row.dm
    return ping, dm


# -------------------------------------------------------------------------------------------- RSVPs


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


def require_open(ctx: Context, s: MeetSession) -> View:
    v = view(s)
    if v.status == "cancelled":
        raise UserError(ctx.t("ml.is_cancelled", id=v.id, topic=escape_md(v.topic)))
    if v.ends_at <= ctx.now():
        raise UserError(ctx.t("ml.is_over", id=v.id, topic=escape_md(v.topic)))
    return v


# -------------------------------------------------------------------------------------------- texts


def _speaker_line(ctx: Context, v: View) -> str:
    return ctx.t("ml.speaker_line", speaker=escape_md(v.speaker)) if v.speaker else ""


def announcement_md(ctx: Context, v: View, series: MeetSeries | None) -> str:
    lines = [
        ctx.t("ml.announce_title", topic=escape_md(v.topic), id=v.id),
        ctx.t(
            "ml.when_line", when=when_text(ctx, v.starts_at), minutes=int(v.duration.total_seconds() // 60)
        ),
    ]
    if v.speaker:
        lines.append(_speaker_line(ctx, v))
    lines.append(ctx.t("ml.link_line", link=md_link(v.link, ctx)))
    if series is not None:
        lines.append(ctx.t("ml.series_line", series=series.id, rule=describe_rule(ctx, series_rule(series))))
    if v.description:
        lines += ["", escape_md(v.description)]
    lines += ["", ctx.t("ml.rsvp_howto", id=v.id)]
    return "\n".join(lines)


def reminder_md(ctx: Context, v: View, offset: timedelta, yes: int | None) -> str:
    lines = [
        ctx.t("ml.remind_title", rel=offset_text(ctx, offset), topic=escape_md(v.topic), id=v.id),
        ctx.t(
            "ml.when_line", when=when_text(ctx, v.starts_at), minutes=int(v.duration.total_seconds() // 60)
        ),
    ]
    if v.speaker:
        lines.append(_speaker_line(ctx, v))
    lines.append(ctx.t("ml.link_line", link=md_link(v.link, ctx)))
    if yes is not None:
        lines += [
            "",
            plural(ctx, yes, "ml.yes_count_one", "ml.yes_count") + " " + ctx.t("ml.rsvp_short", id=v.id),
        ]
    return "\n".join(lines) + ctx.late_note()


def calendar_text(ctx: Context, v: View, rule: Rule | None = None) -> str:
    """DESCRIPTION of a calendar entry: plain text, no Markdown."""
    parts = []
    if rule is not None:
        parts.append(ctx.t("ml.ics_series", rule=describe_rule(ctx, rule)))
    if v.speaker:
        parts.append(ctx.t("ml.ics_speaker", speaker=v.speaker))
    if v.description:
        parts.append(v.description)
    parts.append(ctx.t("ml.ics_link", link=v.link) if v.link else ctx.t("ml.no_link"))
    if rule is None:
        parts.append(ctx.t("ml.ics_rsvp", id=v.id))
    return "\n\n".join(parts)


# ----------------------------------------------------------------------------------------- calendars


def single_event(ctx: Context, s: MeetSession) -> CalEvent:
    v = view(s)
    return CalEvent(
        uid=s.uid,
        start=v.starts_at,
        duration=v.duration,
        summary=ctx.t("ml.ics_summary", topic=v.topic),
        description=calendar_text(ctx, v),
        url=v.link,
        sequence=s.sequence,
        cancelled=v.status == "cancelled",
    )


async def series_events(ctx: Context, series: MeetSeries) -> list[CalEvent]:
    """Master with RRULE and EXDATEs, plus an override for every occurrence that differs."""
    rule = series_rule(series)
    rows = (
        (await ctx.session.execute(select(MeetSession).where(MeetSession.series_id == series.id)))
        .unique()
        .scalars()
        .all()
    )
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
    events = [
        CalEvent(
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
    ]
    for r in sorted(rows, key=lambda r: r.original_start or r.starts_at):
        if r.status == "cancelled" or r.original_start is None:
            continue
        differs = r.starts_at != r.original_start or any(
            x is not None for x in (r.topic, r.speaker, r.link, r.description, r.duration_min)
        )
        if not differs:
            continue
        v = view(r)
        events.append(
            CalEvent(
                uid=series.uid,
                start=v.starts_at,
                duration=v.duration,
                summary=ctx.t("ml.ics_summary", topic=v.topic),
                description=calendar_text(ctx, v),
                url=v.link,
                sequence=r.sequence,
                recurrence_id=r.original_start,
            )
        )
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


def ics_filename(v: View) -> str:
    slug = re.sub(
        r"[^a-z0-9]+", "-", v.topic.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    )
    slug = slug.strip("-")[:40] or "termin"
    return f"meet-and-learn-{v.id}-{slug}.ics"


async def post_calendar(ctx: Context, s: MeetSession, room_id: str) -> None:
    data = await calendar_for(ctx, [s])
    await ctx.upload(data, filename=ics_filename(view(s)), mimetype="text/calendar", room_id=room_id)


# ------------------------------------------------------------------------------------------- posting


async def remember(ctx: Context, event_id: str, s: MeetSession, kind: str) -> None:
    if await ctx.session.get(MeetMessage, event_id) is None:
        ctx.session.add(MeetMessage(event_id=event_id, session_id=s.id, kind=kind))
        await ctx.session.flush()


async def announce(ctx: Context, s: MeetSession) -> str:
    """Post the announcement and its calendar file to the session's room."""
    ping, _dm = await room_settings(ctx, s.room_id)
    md = announcement_md(ctx, view(s), s.series)
    event_id = await ctx.say(md, room_id=s.room_id, mention_room=ping)
    await remember(ctx, event_id, s, "announce")
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
    earlier = await ctx.session.scalar(
        select(func.count())
        .select_from(MeetSession)
        .where(MeetSession.series_id == series.id, MeetSession.announced.is_(True), MeetSession.id != s.id)
    )
    return not earlier


# ------------------------------------------------------------------------------------------- planning


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


# ------------------------------------------------------------------------------------------- creating


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


async def top_up(ctx: Context, series: MeetSeries) -> list[MeetSession]:
    """Materialise occurrences until ``series_ahead`` lie in the future; idempotent and cheap."""
    if series.status != "active":
        return []
    c = cfg(ctx)
    now = ctx.now()
    rows = (
        await ctx.session.execute(
            select(MeetSession.original_start, MeetSession.status)
            .where(MeetSession.series_id == series.id)
            .order_by(MeetSession.original_start)
        )
    ).all()
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


# -------------------------------------------------------------------------------------- changing


def tells_room(s: MeetSession) -> bool:
    """Whether a change to ``s`` is posted to its room with a new calendar file.

    Announced sessions, and every date of a series: the room already has the series' calendar file (RRULE)
    from its creation or an earlier announcement, so a change before the announcement must reach it too."""
    return s.announced or s.series is not None


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
    yes = await yes_voters(ctx, s.id)
    md = ctx.t("ml.cancelled_notice", topic=escape_md(v.topic), id=v.id, when=when_text(ctx, v.starts_at))
    if yes:
        md += "\n" + ctx.t("ml.cancelled_yes", n=len(yes))
    if series is not None:
        nxt = await next_in_series(ctx, series, after=v.starts_at)
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
        yes = await yes_voters(ctx, s.id)
        event_id = await ctx.say(md, room_id=s.room_id, mention_users=yes)
        await remember(ctx, event_id, s, "moved")
        await post_calendar(ctx, s, s.room_id)
    return old


async def cancel_series(ctx: Context, series: MeetSeries) -> list[int]:
    """Stop the series: no new occurrences, every future one cancelled with its jobs."""
    series.status = "cancelled"
    series.cancelled_at = ctx.now()
    series.sequence += 1
    rows = (
        (
            await ctx.session.execute(
                select(MeetSession).where(
                    MeetSession.series_id == series.id, MeetSession.status == "scheduled"
                )
            )
        )
        .unique()
        .scalars()
        .all()
    )
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
    result = await ctx.session.execute(select(MeetSession).where(MeetSession.series_id == series.id))
    rows = sorted(result.unique().scalars().all(), key=lambda r: r.starts_at)
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
            mention += [u for u in await yes_voters(ctx, r.id) if u not in mention]
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
    result = await ctx.session.execute(select(MeetSession).where(MeetSession.series_id == series.id))
    rows = sorted(result.unique().scalars().all(), key=lambda r: r.starts_at)
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
