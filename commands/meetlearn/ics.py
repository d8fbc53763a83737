"""RFC 5545 calendar files for Meet-and-Learn sessions, written by hand (no runtime dependency).

What Outlook and Thunderbird need and what is easy to get wrong:

* Times are written as local wall-clock time with ``TZID`` plus a ``VTIMEZONE`` built from the same zone
  the bot uses, so a series at 14:00 stays at 14:00 in the calendar across daylight-saving changes. The
  ``VTIMEZONE`` uses yearly ``RRULE`` transitions (the form Outlook writes itself) when the zone follows a
  "n-th weekday of a month" rule like the EU's; otherwise it lists the concrete transitions.
* A series is one ``VEVENT`` with ``RRULE``; cancelled dates are ``EXDATE``; an occurrence with its own
  topic or a new time is an override ``VEVENT`` with the same ``UID`` and ``RECURRENCE-ID``. Because every
  file the bot hands out uses the same UIDs, importing a newer file updates the calendar instead of
  duplicating entries (``SEQUENCE`` rises with every change).
* Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character; TEXT values escape
  backslash, semicolon, comma and newlines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["CalEvent", "calendar", "escape_text", "fold_line"]

PRODID = "-//Lotsenbot//Meet and Learn//DE"
_MAX_OCTETS = 75


@dataclass(frozen=True)
class CalEvent:
    """One VEVENT: a single session, a series master (``rrule``) or an override (``recurrence_id``)."""

    uid: str
    start: datetime  # aware
    duration: timedelta
    summary: str
    description: str = ""
    url: str | None = None
    sequence: int = 0
    cancelled: bool = False
    rrule: str | None = None
    exdates: tuple[datetime, ...] = ()
    recurrence_id: datetime | None = None
    categories: tuple[str, ...] = field(default=("Meet and Learn",))


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return re.sub(r"\r\n|\r|\n", r"\\n", value)


def fold_line(line: str) -> str:
    """Fold to at most 75 octets per line; a continuation starts with one space (which counts)."""
    if len(line.encode("utf-8")) <= _MAX_OCTETS:
        return line
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, _MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, _MAX_OCTETS - 1
        current.append(ch)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _local(dt: datetime, tz: tzinfo) -> str:
    return dt.astimezone(tz).strftime("%Y%m%dT%H%M%S")


def _utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _offset(delta: timedelta | None) -> str:
    seconds = int((delta or timedelta(0)).total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")


# ------------------------------------------------------------------------------------------- VTIMEZONE


@dataclass(frozen=True)
class _Transition:
    at_utc: datetime
    before: timedelta
    after: timedelta
    dst: bool
    name: str

    @property
    def local_before(self) -> datetime:
        """Wall-clock time of the change in the old offset, as iCalendar's DTSTART wants it."""
        return (self.at_utc + self.before).replace(tzinfo=None)


def _offset_at(tz: tzinfo, moment: datetime) -> timedelta:
    return moment.astimezone(tz).utcoffset() or timedelta(0)


def _transitions(tz: tzinfo, year: int) -> list[_Transition]:
    """Offset changes within ``year``: scan by the hour, then bisect to the second."""
    found: list[_Transition] = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    step = timedelta(hours=1)
    previous = _offset_at(tz, moment)
    while moment < end:
        nxt = moment + step
        current = _offset_at(tz, nxt)
        if current != previous:
            lo, hi = moment, nxt
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if _offset_at(tz, mid) == previous:
                    lo = mid
                else:
                    hi = mid
            at = hi.replace(microsecond=0)
            local = at.astimezone(tz)
            found.append(_Transition(at, previous, current, bool(local.dst()), local.tzname() or ""))
            previous = current
        moment = nxt
    return found


def _weekday_rule(day: date) -> tuple[int, int]:
    """(ordinal, weekday) such that ``day`` is the ordinal-th (or -1 = last) weekday of its month."""
    if (day + timedelta(days=7)).month != day.month:
        return -1, day.weekday()
    return (day.day - 1) // 7 + 1, day.weekday()


def _nth_weekday(year: int, month: int, ordinal: int, weekday: int) -> date:
    if ordinal == -1:
        last = (date(year, month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7, weeks=ordinal - 1)


_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _vtimezone(tz: tzinfo, tzid: str, years: Sequence[int]) -> list[str]:
    year = min(years)
    this_year = _transitions(tz, year)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    if not this_year:
        offset = _offset_at(tz, datetime(year, 1, 1, tzinfo=UTC))
        name = datetime(year, 1, 1, tzinfo=UTC).astimezone(tz).tzname() or tzid
        lines += [
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            f"TZOFFSETFROM:{_offset(offset)}",
            f"TZOFFSETTO:{_offset(offset)}",
            f"TZNAME:{name}",
            "END:STANDARD",
        ]
        return [*lines, "END:VTIMEZONE"]
    rules = []
    regular = len(this_year) == 2
    for tr in this_year:
        ordinal, weekday = _weekday_rule(tr.local_before.date())
        rules.append((tr, ordinal, weekday))
        for other in range(year + 1, max(years) + 2):  # the rule must also give next years' changes
            match = [t for t in _transitions(tz, other) if t.dst == tr.dst]
            expected = _nth_weekday(other, tr.local_before.month, ordinal, weekday)
            if len(match) != 1 or match[0].local_before != datetime.combine(expected, tr.local_before.time()):
                regular = False
    if regular:
        for tr, ordinal, weekday in rules:
            kind = "DAYLIGHT" if tr.dst else "STANDARD"
            first = _nth_weekday(1970, tr.local_before.month, ordinal, weekday)
            lines += [
                f"BEGIN:{kind}",
                f"DTSTART:{datetime.combine(first, tr.local_before.time()):%Y%m%dT%H%M%S}",
                f"RRULE:FREQ=YEARLY;BYMONTH={tr.local_before.month};BYDAY={ordinal}{_DAYS[weekday]}",
                f"TZOFFSETFROM:{_offset(tr.before)}",
                f"TZOFFSETTO:{_offset(tr.after)}",
                f"TZNAME:{tr.name}",
                f"END:{kind}",
            ]
        return [*lines, "END:VTIMEZONE"]
    for y in range(year - 1, max(years) + 2):  # irregular zone: list every change around the events
        for tr in _transitions(tz, y):
            kind = "DAYLIGHT" if tr.dst else "STANDARD"
            lines += [
                f"BEGIN:{kind}",
                f"DTSTART:{tr.local_before:%Y%m%dT%H%M%S}",
                f"TZOFFSETFROM:{_offset(tr.before)}",
                f"TZOFFSETTO:{_offset(tr.after)}",
                f"TZNAME:{tr.name}",
                f"END:{kind}",
            ]
    return [*lines, "END:VTIMEZONE"]


# ---------------------------------------------------------------------------------------------- VEVENT


def _vevent(event: CalEvent, tz: tzinfo, tzid: str, stamp: datetime) -> list[str]:
    end = event.start.astimezone(UTC) + event.duration  # elapsed time, also across a DST change
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc(stamp)}",
        f"SEQUENCE:{event.sequence}",
    ]
    if event.recurrence_id is not None:
        lines.append(f"RECURRENCE-ID;TZID={tzid}:{_local(event.recurrence_id, tz)}")
    lines += [
        f"DTSTART;TZID={tzid}:{_local(event.start, tz)}",
        f"DTEND;TZID={tzid}:{_local(end, tz)}",
    ]
    if event.rrule:
        lines.append(f"RRULE:{event.rrule}")
    if event.exdates:
        lines.append(f"EXDATE;TZID={tzid}:" + ",".join(_local(d, tz) for d in sorted(event.exdates)))
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines += [f"URL:{event.url}", f"LOCATION:{escape_text(event.url)}"]
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    lines += [
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
    ]
    return [*lines, "END:VEVENT"]


def calendar(events: Iterable[CalEvent], tz: ZoneInfo, now: datetime, name: str = "Meet and Learn") -> bytes:
    """A complete VCALENDAR (UTF-8, CRLF, folded) for ``events`` in zone ``tz``."""
    items = list(events)
    tzid = tz.key
    years = sorted({e.start.astimezone(tz).year for e in items}) or [now.astimezone(tz).year]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{tzid}",
        *_vtimezone(tz, tzid, years),
    ]
    for event in items:
        lines += _vevent(event, tz, tzid, now)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold_line(line) for line in lines) + "\r\n").encode("utf-8")
