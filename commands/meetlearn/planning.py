"""When the bot speaks about a session: reminders and the start message, as a pure function of time.

Decisions (each one is tested):

* An offset of whole days keeps the wall-clock time: the 1-day reminder for Monday 14:00 goes out on
  Sunday at 14:00 even when the clocks changed in between. Shorter offsets are elapsed time.
* One rule people can predict: a reminder is planned only if the session is at least **twice its offset**
  ahead when announced, i.e. at least as much time passes between announcement and reminder as between
  reminder and start. With the defaults: 7 days before only for sessions announced 14 or more days ahead,
  1 day before from 2 days ahead, 15 minutes before from 30 minutes ahead – with a leeway of a tenth of
  the offset, so an announcement that runs minutes late (a series date announced "14 days before") keeps
  its 7-day reminder. The confirmation names the reminders it planned
  (``commands.meetlearn.commands._plan_text``).
* The start message ("Es geht los") is always planned while the start is ahead.
* When a run is late (bot was down), a reminder is dropped once a later one is due too, so people get one
  current message instead of a burst; see :func:`superseded`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from bot.timeparse import localize

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Planned:
    kind: str  # "remind" | "start"
    due: datetime
    offset: timedelta | None = None


def reminder_due(start: datetime, offset: timedelta, tz: tzinfo) -> datetime:
    """The moment ``offset`` before ``start``; whole days are counted on the local calendar."""
    if offset >= DAY and offset % DAY == timedelta(0):
        local = start.astimezone(tz)
        return localize(local.date() - timedelta(days=offset // DAY), local.time(), tz).astimezone(UTC)
    return start.astimezone(UTC) - offset  # aware arithmetic in one zone would be wall-clock arithmetic


def plan(start: datetime, announced_at: datetime, offsets: Sequence[timedelta], tz: tzinfo) -> list[Planned]:
    """Reminders and the start message for a session announced at ``announced_at``, in time order."""
    start, announced_at = start.astimezone(UTC), announced_at.astimezone(UTC)
    out: list[Planned] = []
    for offset in sorted(set(offsets), reverse=True):
        due = reminder_due(start, offset, tz)
        if due - announced_at >= (start - due) - offset / 10:  # leeway: a late announcement job keeps it
            out.append(Planned("remind", due, offset))
    if start > announced_at:
        out.append(Planned("start", start))
    return sorted(out, key=lambda p: p.due)


def superseded(
    start: datetime, offset: timedelta | None, now: datetime, offsets: Sequence[timedelta], tz: tzinfo
) -> bool:
    """True if a later message (a smaller offset, or the start) is already due at ``now``."""
    if offset is None:
        return False
    if now >= start:
        return True
    return any(o < offset and now >= reminder_due(start, o, tz) for o in offsets)


def describe_offset_de(offset: timedelta) -> str:
    """ "in einer Woche", "morgen", "in 3 Tagen", "in 2 Stunden", "in 15 Minuten", "in 10 Sekunden"."""
    seconds = int(offset.total_seconds())
    if seconds % (7 * 86400) == 0:
        weeks = seconds // (7 * 86400)
        return "in einer Woche" if weeks == 1 else f"in {weeks} Wochen"
    if seconds % 86400 == 0:
        days = seconds // 86400
        return "morgen" if days == 1 else f"in {days} Tagen"
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "in einer Stunde" if hours == 1 else f"in {hours} Stunden"
    if seconds % 60 == 0:
        minutes = seconds // 60
        return "in einer Minute" if minutes == 1 else f"in {minutes} Minuten"
    return f"in {seconds} Sekunden"


def before_de(offset: timedelta) -> str:
    """ "7 Tage", "1 Tag", "2 Stunden", "15 Minuten" – how long before, for "… vorher"."""
    seconds = int(offset.total_seconds())
    for unit, one, many in ((86400, "Tag", "Tage"), (3600, "Stunde", "Stunden"), (60, "Minute", "Minuten")):
        if seconds % unit == 0:
            n = seconds // unit
            return f"{n} {one if n == 1 else many}"
    return f"{seconds} Sekunden"


def before_en(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    for unit, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds % unit == 0:
            n = seconds // unit
            return f"{n} {name}{'' if n == 1 else 's'}"
    return f"{seconds} seconds"


def describe_offset_en(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    for unit, name in ((7 * 86400, "week"), (86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds % unit == 0:
            n = seconds // unit
            if unit == 86400 and n == 1:
                return "tomorrow"
            return f"in {n} {name}{'' if n == 1 else 's'}"
    return f"in {seconds} seconds"  # pragma: no cover - the loop ends at seconds
