"""A point in time typed in chat: scanning the words, then resolving them against "now"."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.timeparse import spoken
from bot.timeparse.durations import _DURATION, _duration_parts
from bot.timeparse.errors import TimeParseError, _prepare, _snippet
from bot.timeparse.words import (
    _MAX_MONTH_DAYS,
    _MONTH_WORDS,
    _YEAR_MAX,
    _YEAR_MIN,
    MONTHS_DE,
    MONTHS_EN,
    WEEKDAY_WORDS,
    WEEKDAYS_DE,
    WEEKDAYS_EN,
    _alternation,
)

# ------------------------------------------------------------------------------------- point-in-time scan


@dataclass(frozen=True)
class _Date:
    year: int | None
    month: int
    day: int
    raw: str


@dataclass(frozen=True)
class _Offset:
    days: int


@dataclass
class _Scan:
    """What the scanner has seen so far; each kind of component may occur once."""

    text: str
    lang: str
    allow_bare_hour: bool = True
    day: _Date | _Offset | None = None
    duration: tuple[int, timedelta] | None = None
    weekday: int | None = None
    week_mode: str = ""
    clock: tuple[int, int, int] | None = None
    meridiem: bool = False
    daypart: str | None = None
    daypart_word: str | None = None  # "abends", for a default time when no clock is given
    spoken: bool = False  # a 12-hour clock as said aloud ("halb drei"): take it inside working hours
    noon: bool = False
    after_at: bool = False

    def error(self, key: str, **values: str) -> TimeParseError:
        return TimeParseError(key, self.lang, text=_snippet(self.text), **values)

    def has_day(self) -> bool:
        return self.day is not None or self.duration is not None

    def set_day(self, day: _Date | _Offset) -> None:
        if self.has_day():
            raise self.error("two_dates")
        self.day = day

    def set_clock(self, hour: int, minute: int, second: int, raw: str) -> None:
        if self.clock is not None:
            raise self.error("two_times")
        if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59):
            raise self.error("invalid_time", time=raw.replace("uhr", "Uhr"))
        self.clock = (hour, minute, second)


_Handler = Callable[[_Scan, re.Match[str]], bool]

_WD = rf"(?P<wd>{_alternation(WEEKDAY_WORDS)})\.?"
_MONTH = rf"(?P<mon>{_alternation(_MONTH_WORDS)})\.?"
_MERIDIEM = r"(?P<ap>a\.?m\.?|p\.?m\.?)"
_DAYPARTS: Mapping[str, str] = {
    "morgens": "am", "frueh": "am", "vormittags": "am", "vormittag": "am", "morning": "am",
    "in the morning": "am",
    "nachmittags": "pm", "nachmittag": "pm", "abends": "pm", "abend": "pm", "afternoon": "pm",
    "evening": "pm", "in the afternoon": "pm", "in the evening": "pm",
    "nachts": "night", "nacht": "night", "night": "night", "at night": "night",
}  # fmt: skip
_REL_DAYS: Mapping[str, int] = {
    "heute": 0, "today": 0, "morgen": 1, "tomorrow": 1, "uebermorgen": 2,
    "gestern": -1, "yesterday": -1, "vorgestern": -2,
    "day after tomorrow": 2, "the day after tomorrow": 2,
}  # fmt: skip
_WEEK_PREFIX = {
    "": "", "diese": "", "diesen": "", "dieser": "", "diesem": "", "dieses": "", "this": "",
    "naechste": "next", "naechsten": "next", "naechster": "next", "naechstem": "next", "naechstes": "next",
    "kommende": "coming", "kommenden": "coming", "kommender": "coming", "kommendem": "coming",
    "next": "next", "coming": "coming", "the coming": "coming",
    "uebernaechste": "after_next", "uebernaechsten": "after_next", "uebernaechster": "after_next",
    "uebernaechstem": "after_next", "uebernaechstes": "after_next",
}  # fmt: skip


def _h_iso(st: _Scan, m: re.Match[str]) -> bool:
    st.set_day(_Date(int(m["y"]), int(m["m"]), int(m["d"]), m[0]))
    return True


def _h_dmy(st: _Scan, m: re.Match[str]) -> bool:
    year = int(m["y"]) if m["y"] else (2000 + int(m["y2"]) if m["y2"] else None)
    st.set_day(_Date(year, int(m["m"]), int(m["d"]), m[0]))
    return True


def _valid_day_month(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _MAX_MONTH_DAYS[month - 1]


def _h_dm_nodot(st: _Scan, m: re.Match[str]) -> bool:
    """ "1.12" is a date, but "18.30" after a date (or where no such date exists) is a clock time."""
    first, second = int(m["d"]), int(m["m"])
    reads_as_time = len(m["m"]) == 2 and first <= 23 and second <= 59 and st.clock is None
    if reads_as_time and (st.has_day() or not _valid_day_month(first, second)):
        st.set_clock(first, second, 0, m[0])
    else:
        st.set_day(_Date(None, second, first, m[0] + "."))
    return True


def _h_day_month_name(st: _Scan, m: re.Match[str]) -> bool:
    year = int(m["y"]) if m["y"] else None
    st.set_day(_Date(year, _MONTH_WORDS[m["mon"]], int(m["d"]), m[0]))
    return True


def _h_rel_day(st: _Scan, m: re.Match[str]) -> bool:
    word = m["w"]
    if word == "morgen" and st.day == _Offset(0) and st.daypart is None:
        st.daypart, st.daypart_word = "am", "morgens"  # "heute morgen" is this morning
        return True
    st.set_day(_Offset(_REL_DAYS[word]))
    return True


def _set_weekday(st: _Scan, weekday: int, mode: str) -> None:
    if st.weekday is not None:
        raise st.error("two_dates")
    st.weekday, st.week_mode = weekday, mode


def _h_next_week(st: _Scan, m: re.Match[str]) -> bool:
    mode = "week_after_next" if m["pre"].startswith("ueber") else "next_week"
    if m["wd"]:
        _set_weekday(st, WEEKDAY_WORDS[m["wd"]], mode)
    elif st.weekday is not None and st.week_mode == "":
        st.week_mode = mode  # "Freitag nächste Woche"
    else:
        raise st.error("vague_week")
    return True


def _h_weekday(st: _Scan, m: re.Match[str]) -> bool:
    _set_weekday(st, WEEKDAY_WORDS[m["wd"]], _WEEK_PREFIX[m["pre"] or ""])
    return True


def _h_in(st: _Scan, m: re.Match[str]) -> bool:
    if st.has_day():
        raise st.error("two_dates")
    st.duration = _duration_parts(m["dur"], st.text, st.lang)
    return True


def _h_meridiem(st: _Scan, m: re.Match[str]) -> bool:
    if m["ap"].startswith("a") and m["sp"] and st.lang != "en" and m.end() < len(m.string):
        return False  # German "17 Uhr am Freitag": "am" is a preposition here
    hour, minute = int(m["h"]), int(m["mi"] or 0)
    if not 1 <= hour <= 12:
        raise st.error("invalid_time", time=m[0])
    hour = hour % 12 + (12 if m["ap"].startswith("p") else 0)
    st.set_clock(hour, minute, 0, m[0])
    st.meridiem = True
    return True


def _h_clock(st: _Scan, m: re.Match[str]) -> bool:
    st.set_clock(int(m["h"]), int(m["mi"] or 0), int(m.groupdict().get("s") or 0), m[0])
    return True


def _h_noon(st: _Scan, m: re.Match[str]) -> bool:
    st.noon = True
    return True


def _h_daypart(st: _Scan, m: re.Match[str]) -> bool:
    st.daypart, st.daypart_word = _DAYPARTS[m[0]], m[0]
    return True


def _spoken_clock(st: _Scan, hour: int, offset: int, raw: str) -> None:
    if not 1 <= hour <= 12:
        raise st.error("invalid_time", time=raw)
    st.set_clock(*spoken.dial(hour, offset), 0, raw)
    st.spoken = True


def _h_fraction(st: _Scan, m: re.Match[str]) -> bool:
    """ "halb drei", "viertel nach 10", "dreiviertel acht"."""
    _spoken_clock(st, spoken.hour_value(m["h"]), spoken.FRACTIONS[m["q"]], m[0])
    return True


def _h_minutes_to(st: _Scan, m: re.Match[str]) -> bool:
    """ "zehn nach drei", "fünf vor zwölf", "fünf vor halb vier"."""
    minutes = spoken.MINUTE_WORDS[m["mi"]]
    offset = (minutes if m["dir"] == "nach" else -minutes) + (-30 if m["half"] else 0)
    _spoken_clock(st, spoken.hour_value(m["h"]), offset, m[0])
    return True


def _h_word_hour(st: _Scan, m: re.Match[str]) -> bool:
    """ "zehn Uhr", "um acht", "gegen elf": a number word as the hour."""
    if not m["uhr"] and not st.after_at:
        return False
    _spoken_clock(st, spoken.HOUR_WORDS[m["h"]], int(m["mi"] or 0), m[0])
    return True


def _h_bare_hour(st: _Scan, m: re.Match[str]) -> bool:
    """ "Freitag 17" and "um 17": a lone number is an hour only next to a day or after "um"/"at"."""
    if not st.allow_bare_hour or st.clock is not None:
        return False
    if not (st.after_at or st.has_day() or st.weekday is not None):
        return False
    st.set_clock(int(m["h"]), 0, 0, m[0])
    st.spoken = 1 <= int(m["h"]) <= 12  # "um 3" is said like "um drei"
    return True


def _h_filler(st: _Scan, m: re.Match[str]) -> bool:
    return True


def _rule(pattern: str, handler: _Handler) -> tuple[re.Pattern[str], _Handler]:
    return re.compile(rf"(?:{pattern})(?=\s|$)", re.ASCII), handler


_SPOKEN_HOUR = rf"(?P<h>{_alternation(spoken.HOUR_WORDS)}|\d{{1,2}})"

_RULES: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    _rule(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})", _h_iso),
    _rule(r"(?P<h>\d{1,2})\.(?P<mi>\d{2})\s?(?:uhr|h)", _h_clock),
    _rule(r"(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.(?:\s?(?P<y>\d{4})|(?P<y2>\d{2}))?", _h_dmy),
    _rule(rf"(?P<h>\d{{1,2}})(?::(?P<mi>\d{{2}}))?(?P<sp>\s?){_MERIDIEM}", _h_meridiem),
    _rule(r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s?uhr|h)?", _h_clock),
    _rule(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})", _h_dm_nodot),
    _rule(rf"(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th)?\s?{_MONTH}(?:\s(?P<y>\d{{4}}))?", _h_day_month_name),
    _rule(rf"{_MONTH}\s(?P<d>\d{{1,2}})(?:st|nd|rd|th|\.)?(?:\s(?P<y>\d{{4}}))?", _h_day_month_name),
    _rule(rf"(?P<w>{_alternation(_REL_DAYS)})", _h_rel_day),
    _rule(
        rf"(?P<pre>uebernaechste[nmrs]?|naechste[nmrs]?|kommende[nmrs]?|next)"
        rf"\s(?:woche|week)(?:\s(?:am|on))?(?:\s{_WD})?",
        _h_next_week,
    ),
    _rule(rf"(?:(?P<pre>{_alternation(tuple(p for p in _WEEK_PREFIX if p))})\s)?{_WD}", _h_weekday),
    _rule(rf"(?P<q>{_alternation(spoken.FRACTIONS)})\s{_SPOKEN_HOUR}", _h_fraction),
    _rule(
        rf"(?P<mi>{_alternation(spoken.MINUTE_WORDS)})\s(?:minuten\s)?(?P<dir>nach|vor)\s(?:(?P<half>halb)\s)?"
        rf"{_SPOKEN_HOUR}",
        _h_minutes_to,
    ),
    _rule(rf"in\s(?P<dur>{_DURATION})", _h_in),
    _rule(
        rf"(?P<h>{_alternation(spoken.HOUR_WORDS)})(?:\s?(?P<uhr>uhr)(?:\s(?P<mi>[0-5]\d))?)?", _h_word_hour
    ),
    _rule(r"(?P<h>\d{1,2})\s?uhr(?:\s(?P<mi>\d{2}))?", _h_clock),
    _rule(r"mittags|mittag|noon|midday", _h_noon),
    _rule(_alternation(_DAYPARTS), _h_daypart),
    _rule(r"(?P<h>\d{1,2})", _h_bare_hour),
    _rule(r"um|am|at|on|den|the|bis|by|gegen|spaetestens|until", _h_filler),
)
_AT_WORDS = frozenset({"um", "at", "gegen"})


def _scan(s: str, state: _Scan) -> _Scan:
    pos = 0
    while pos < len(s):
        if s[pos] == " ":
            pos += 1
            continue
        for pattern, handler in _RULES:
            m = pattern.match(s, pos)
            if m is not None and handler(state, m):
                state.after_at = m[0] in _AT_WORDS
                pos = m.end()
                break
        else:
            raise state.error("unknown")
    return state


def _clock_of(st: _Scan) -> time | None:
    if st.clock is None:
        return time(12) if st.noon else None
    hour, minute, second = st.clock
    part = "noon" if st.noon else st.daypart
    if not st.meridiem and part is not None:
        if part == "pm" and hour < 12:
            hour += 12
        elif part == "noon" and hour < 6:
            hour += 12  # "1 Uhr mittags"
        elif part == "night" and 6 <= hour < 12:
            hour += 12  # "11 Uhr nachts"
    if st.spoken and not st.meridiem and part is None:
        hour = spoken.in_working_hours(hour, minute)
    return time(hour, minute, second)


def parse_clock(text: str, lang: str = "de", *, allow_bare_hour: bool = False) -> time:
    """Parse a time of day alone ("14:00", "14 Uhr", "2pm", "8 Uhr abends"); used by recurrence rules."""
    s = _prepare(text, "empty", lang)
    st = _scan(s, _Scan(text, lang, allow_bare_hour=allow_bare_hour, after_at=allow_bare_hour))
    clock = _clock_of(st)
    if clock is None or st.has_day() or st.weekday is not None:
        raise st.error("unknown")
    return clock


# ------------------------------------------------------------------------------------------- resolving


def localize(day: date, clock: time, tz: tzinfo) -> datetime:
    """Attach tz to a wall-clock time: gap times move forward by the gap, repeated times take the first.

    ``fold`` is cleared because a clock copied from "now" may carry ``fold=1`` from the repeated autumn hour,
    which would otherwise resolve a spring-gap time one hour *back* instead of forward.
    """
    naive = datetime.combine(day, clock).replace(fold=0)
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def to_local(moment: datetime, tz: tzinfo) -> datetime:
    """``moment`` in ``tz``; a naive ``moment`` is taken as wall-clock time there."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return localize(moment.date(), moment.time(), tz)
    return moment.astimezone(tz)


def _explicit_date(st: _Scan, spec: _Date, clock: time, now: datetime, tz: tzinfo) -> datetime:
    if not _valid_day_month(spec.day, spec.month):
        raise st.error("invalid_date", date=spec.raw)
    if spec.year is not None:
        if not _YEAR_MIN <= spec.year <= _YEAR_MAX:
            raise st.error("invalid_year", year=str(spec.year))
        try:
            return localize(date(spec.year, spec.month, spec.day), clock, tz)
        except ValueError:
            raise st.error("invalid_date", date=spec.raw) from None
    for year in range(now.year, now.year + 9):  # 29.02. may need up to 8 years
        try:
            candidate = localize(date(year, spec.month, spec.day), clock, tz)
        except ValueError:
            continue
        if candidate > now:
            return candidate
    raise st.error("invalid_date", date=spec.raw)  # pragma: no cover - 29.02. recurs within 8 years


def _weekday_date(st: _Scan, weekday: int, today: date, clock: time, now: datetime, tz: tzinfo) -> datetime:
    ahead = (weekday - today.weekday()) % 7
    # "nächsten Freitag" is the Friday of next week, like "nächste Woche Freitag" (see the package docs);
    # "kommenden Freitag" is the first Friday after today.
    if st.week_mode in ("next_week", "week_after_next", "next", "after_next"):
        weeks = 1 if st.week_mode in ("next_week", "next") else 2
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
        return localize(monday + timedelta(days=weekday), clock, tz)
    if st.week_mode == "coming" and ahead == 0:
        ahead = 7
    candidate = localize(today + timedelta(days=ahead), clock, tz)
    if candidate <= now:
        candidate = localize(today + timedelta(days=ahead + 7), clock, tz)
    return candidate


def _check_weekday(st: _Scan, result: datetime) -> None:
    if st.weekday is not None and result.weekday() != st.weekday:
        actual, given = result.weekday(), st.weekday
        raise st.error(
            "weekday_mismatch",
            date=f"{result:%d.%m.%Y}",
            actual_de=WEEKDAYS_DE[actual],
            actual_en=WEEKDAYS_EN[actual],
            given_de=WEEKDAYS_DE[given],
            given_en=WEEKDAYS_EN[given],
        )


def _resolve(st: _Scan, now: datetime, tz: tzinfo, default_time: time | None) -> datetime:
    now_local = to_local(now, tz)
    today = now_local.date()
    clock = _clock_of(st)
    if clock is None and st.daypart_word is not None:
        clock = spoken.DAYPART_DEFAULTS.get(st.daypart_word)  # "heute Abend": see bot.timeparse.spoken

    if st.duration is not None:
        days, elapsed = st.duration
        if clock is not None:
            if elapsed:
                raise st.error("relative_with_time")
            result = localize(today + timedelta(days=days), clock, tz)
        else:
            base = localize(today + timedelta(days=days), now_local.time(), tz) if days else now_local
            result = (base.astimezone(UTC) + elapsed).astimezone(tz)
        _check_weekday(st, result)
        return result

    if st.day is None and st.weekday is None:
        if clock is None:
            raise st.error("missing_time" if st.daypart else "unknown")
        candidate = localize(today, clock, tz)
        return candidate if candidate > now_local else localize(today + timedelta(days=1), clock, tz)

    if clock is None:
        if default_time is None:
            raise st.error("missing_time")
        clock = default_time

    if isinstance(st.day, _Offset):
        result = localize(today + timedelta(days=st.day.days), clock, tz)
    elif isinstance(st.day, _Date):
        result = _explicit_date(st, st.day, clock, now_local, tz)
    else:
        assert st.weekday is not None
        return _weekday_date(st, st.weekday, today, clock, now_local, tz)
    _check_weekday(st, result)
    return result


def parse_when(
    text: str, now: datetime, tz: tzinfo, lang: str = "de", *, default_time: time | None = None
) -> datetime:
    """Turn a typed point in time into an aware datetime in ``tz`` (rules: see the module docstring).

    ``now`` may be aware or naive (naive means wall-clock time in ``tz``). Without ``default_time`` a
    date without a time of day raises ``missing_time``. ``lang`` picks the language of ``str(error)``
    and whether a spaced "am" is English. Raises only :class:`TimeParseError`.
    """
    s = _prepare(text, "empty", lang)
    state = _scan(s, _Scan(text, lang))
    try:
        return _resolve(state, now, tz, default_time)
    except OverflowError:
        raise state.error("unknown") from None


def require_future(dt: datetime, now: datetime, lang: str = "de") -> datetime:
    """Return ``dt`` if it is after ``now``; otherwise raise ``past`` naming the time the bot understood."""
    if dt > now:
        return dt
    raise TimeParseError("past", lang, when_de=format_de(dt), when_en=format_en(dt))


# ------------------------------------------------------------------------------------------ formatting


def format_de(dt: datetime) -> str:
    """ "Donnerstag, 10. Dezember 2026, 14:00 Uhr" – independent of the system locale."""
    return f"{WEEKDAYS_DE[dt.weekday()]}, {dt.day}. {MONTHS_DE[dt.month - 1]} {dt.year}, {dt:%H:%M} Uhr"


def format_en(dt: datetime) -> str:
    """ "Thursday, 10 December 2026, 14:00" – 24-hour clock like the German text, so both read alike."""
    return f"{WEEKDAYS_EN[dt.weekday()]}, {dt.day} {MONTHS_EN[dt.month - 1]} {dt.year}, {dt:%H:%M}"
