"""What people see of Meet and Learn: a session with its series' values filled in, and texts built from it.

Pure rendering: nothing here reads or writes the database or sends anything, so the texts can be checked
without a room. The calendar files are built from these in ``calendars``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot.context import Context
from bot.render import escape_md
from bot.timeparse import MONTHS_DE, MONTHS_EN, WEEKDAYS_DE, WEEKDAYS_EN, format_de, format_en
from commands.meetlearn import planning
from commands.meetlearn.recurrence import Rule
from commands.meetlearn.settings import cfg
from storage.meetlearn import MeetSeries, MeetSession


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


def series_rule(series: MeetSeries) -> Rule:
    hours, minutes = series.local_time.split(":")[:2]
    return Rule.from_rrule(series.rrule, time(int(hours), int(minutes)), start=series.anchor)


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


def describe_rule(ctx: Context, rule: Rule) -> str:
    text = rule.describe_en() if ctx.lang == "en" else rule.describe_de()
    if rule.until is not None:
        text += ctx.t("ml.until_suffix", date=date_text(ctx, rule.until))
    return text


def md_link(url: str | None, ctx: Context) -> str:
    """The meeting link, or a clear "comes later" while none is set (no public fallback server)."""
    return f"<{url}>" if url else ctx.t("ml.no_link")


def plural(ctx: Context, n: int, one: str, many: str) -> str:
    return ctx.t(one if n == 1 else many, n=n)


def _speaker_line(ctx: Context, v: View) -> str:
    return ctx.t("ml.speaker_line", speaker=escape_md(v.speaker)) if v.speaker else ""


def _opening(ctx: Context, v: View, title: str) -> list[str]:
    """Title, date with duration, speaker (if any) and link: how announcements and reminders begin."""
    lines = [
        title,
        ctx.t(
            "ml.when_line", when=when_text(ctx, v.starts_at), minutes=int(v.duration.total_seconds() // 60)
        ),
    ]
    if v.speaker:
        lines.append(_speaker_line(ctx, v))
    lines.append(ctx.t("ml.link_line", link=md_link(v.link, ctx)))
    return lines


def announcement_md(ctx: Context, v: View, series: MeetSeries | None) -> str:
    lines = _opening(ctx, v, ctx.t("ml.announce_title", topic=escape_md(v.topic), id=v.id))
    if series is not None:
        lines.append(ctx.t("ml.series_line", series=series.id, rule=describe_rule(ctx, series_rule(series))))
    if v.description:
        lines += ["", escape_md(v.description)]
    lines += ["", ctx.t("ml.rsvp_howto", id=v.id)]
    return "\n".join(lines)


def reminder_md(ctx: Context, v: View, offset: timedelta, yes: int | None) -> str:
    title = ctx.t("ml.remind_title", rel=offset_text(ctx, offset), topic=escape_md(v.topic), id=v.id)
    lines = _opening(ctx, v, title)
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


def ics_filename(v: View) -> str:
    slug = re.sub(
        r"[^a-z0-9]+", "-", v.topic.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    )
    slug = slug.strip("-")[:40] or "termin"
    return f"meet-and-learn-{v.id}-{slug}.ics"


def plan_text(ctx: Context, s: MeetSession) -> str:
    """The reminders actually planned, each with its date, so the rule behind them is visible."""
    c = cfg(ctx)
    announce_at = ctx.now() if s.announced else max(ctx.now(), s.starts_at.astimezone(UTC) - c.announce_lead)
    planned = [p for p in planning.plan(s.starts_at, announce_at, c.offsets, ctx.tz) if p.offset]
    if not planned:
        return ctx.t("ml.plan_none")
    before = planning.before_en if ctx.lang == "en" else planning.before_de
    items = [ctx.t("ml.plan_item", when=short_when(ctx, p.due), before=before(p.offset)) for p in planned]
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + ctx.t("ml.and") + items[-1]
    return ctx.t("ml.plan", list=listed)


def session_line(ctx: Context, v: View, yes: int) -> str:
    parts = [f"**#{v.id} {escape_md(v.topic)}**", when_text(ctx, v.starts_at)]
    if v.speaker:
        parts.append(escape_md(v.speaker))
    parts.append(md_link(v.link, ctx))
    parts.append(plural(ctx, yes, "ml.yes_short_one", "ml.yes_short"))
    if v.series_id:
        parts.append(ctx.t("ml.series_tag", id=v.series_id))
    return "- " + " · ".join(parts)
