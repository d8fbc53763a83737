"""Time expressions typed in chat ("morgen 12 Uhr", "01.12. 18:30", "in 2 Stunden") as aware datetimes.

Several features (poll and retro deadlines, Meet-and-Learn dates, reminders) take a point in time from a
chat message, so they share one forgiving parser with one set of clear, bilingual error messages.

Decisions where people's intuitions differ (each one is tested):

* **A date without a time is refused by default** (``missing_time``), because a silently guessed hour can
  close a poll before people expect it to. A caller for whom a default is harmless passes
  ``default_time=`` (e.g. ``time(23, 59)`` for "bis Freitag").
* **A time without a date** ("17 Uhr") means its next occurrence: today if still ahead, else tomorrow.
* **A bare weekday** ("Freitag 17 Uhr") means the next such day, today included while that time is still
  ahead: said on Friday at 10:00 it is today 17:00, at 18:00 it is Friday next week.
  **"nächsten Freitag"** is the next Friday *after* today (never today); "übernächsten Freitag" is a week
  later; "nächste Woche Freitag" is the Friday of the next calendar week (Monday to Sunday).
* **A date without a year** is its next occurrence that is still ahead (29.02. waits for a leap year).
* **"in 2 Stunden" / "in 30 Minuten"** is elapsed time; **"in 3 Tagen" / "in 1 Woche"** keeps the local
  wall-clock time, so it stays correct across a daylight-saving change.
* **Daylight saving:** a wall-clock time in the spring gap (02:30 on 2026-03-29 in Europe/Berlin) is
  shifted forward by the gap (03:30); a time that occurs twice in autumn means the first one (summer time).
* A spaced "am" is German ("17 Uhr am Freitag") unless it ends the text or ``lang="en"``; "8am" and
  "8 pm" always mean the 12-hour clock.
* Explicit dates in the past are returned as they are; use :func:`require_future` to refuse them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from fractions import Fraction
from typing import ClassVar

from bot.render import code_md, escape_md

__all__ = [
    "MAX_DURATION",
    "MAX_INPUT_CHARS",
    "MONTHS_DE",
    "MONTHS_EN",
    "WEEKDAYS_DE",
    "WEEKDAYS_EN",
    "WEEKDAY_WORDS",
    "LocalizedError",
    "TimeParseError",
    "format_de",
    "format_en",
    "localize",
    "normalize_text",
    "parse_clock",
    "parse_duration",
    "parse_when",
    "require_future",
    "to_local",
]

MAX_INPUT_CHARS = 200
"""Longer input is refused before any parsing: nobody types a time that long, and it bounds the work."""
MAX_DURATION = timedelta(days=3660)
_YEAR_MIN, _YEAR_MAX = 1970, 2199

WEEKDAYS_DE = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_DE = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

WEEKDAY_WORDS: Mapping[str, int] = {
    "montag": 0, "mo": 0, "monday": 0, "mon": 0,
    "dienstag": 1, "di": 1, "tuesday": 1, "tue": 1, "tues": 1,
    "mittwoch": 2, "mi": 2, "wednesday": 2, "wed": 2,
    "donnerstag": 3, "do": 3, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "freitag": 4, "fr": 4, "friday": 4, "fri": 4,
    "samstag": 5, "sonnabend": 5, "sa": 5, "saturday": 5, "sat": 5,
    "sonntag": 6, "so": 6, "sunday": 6, "sun": 6,
}  # fmt: skip
"""Weekday spellings after :func:`normalize_text` (0 = Monday), shared with the recurrence parser."""

_MONTH_WORDS: Mapping[str, int] = {
    "januar": 1, "jaenner": 1, "january": 1, "jan": 1,
    "februar": 2, "feber": 2, "february": 2, "feb": 2,
    "maerz": 3, "march": 3, "mrz": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11,
    "dezember": 12, "december": 12, "dez": 12, "dec": 12,
}  # fmt: skip

_MAX_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# --------------------------------------------------------------------------------------------- errors


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


class LocalizedError(ValueError):
    """A user-input error that can explain itself in German and English.

    Carries a message ``key`` and ``values`` so callers can also branch on the kind of mistake; the texts
    always say what was wrong *and* show correct examples, because a bare "ungültig" leaves people stuck.
    """

    MESSAGES: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self, key: str, lang: str = "de", **values: str) -> None:
        self.key = key
        self.lang = lang
        self.values: dict[str, str] = dict(values)
        super().__init__(self.message())

    def __reduce__(self) -> tuple[object, ...]:
        # Keeps key and values through copy/pickle; the default would pass the rendered text as the key.
        return _restore_error, (type(self), self.key, self.lang, self.values)

    def german(self) -> str:
        return self._render(0)

    def english(self) -> str:
        return self._render(1)

    def message(self, lang: str | None = None) -> str:
        return self.english() if (lang or self.lang).startswith("en") else self.german()

    def markdown(self, lang: str | None = None) -> str:
        """The message for a bot reply (Markdown): the user's own words in it can't become markup.

        ``german()``/``english()`` quote the values as typed, which is right for logs and plain text but
        would let ``[x](https://…)`` or ``**x**`` in a time turn into a link or bold text once rendered.
        """
        index = 1 if (lang or self.lang).startswith("en") else 0
        templates = self.MESSAGES.get(self.key) or self.MESSAGES["unknown"]
        escaped = _Blank({key: escape_md(str(value)) for key, value in self.values.items()})
        parts = []
        for part in _CODE_SPAN.split(templates[index]):
            if part.startswith("`"):  # a value inside an example: the backslashes would show, so fence it
                parts.append(code_md(part[1:-1].format_map(_Blank(self.values))))
            else:
                parts.append(part.format_map(escaped))
        return "".join(parts)

    def _render(self, index: int) -> str:
        templates = self.MESSAGES.get(self.key) or self.MESSAGES["unknown"]
        return templates[index].format_map(_Blank(self.values))


_CODE_SPAN = re.compile(r"(`[^`]*`)")


def _restore_error(cls: type[LocalizedError], key: str, lang: str, values: dict[str, str]) -> LocalizedError:
    return cls(key, lang, **values)


_EX_DE = "Beispiele: `01.12. 18 Uhr`, `morgen 12:00`, `in 2 Stunden`."
_EX_EN = "Examples: `01.12. 18:00`, `tomorrow 12:00`, `in 2 hours`."
_EX_DUR_DE = "Beispiele: `2 Stunden`, `30 Minuten`, `1h30m`."
_EX_DUR_EN = "Examples: `2 hours`, `30 minutes`, `1h30m`."


class TimeParseError(LocalizedError):
    """A time or duration typed by a user could not be understood or is not usable."""

    MESSAGES: ClassVar[Mapping[str, tuple[str, str]]] = {
        "empty": ("Da fehlt die Zeitangabe. " + _EX_DE, "The time is missing. " + _EX_EN),
        "unknown": (
            "Ich verstehe die Zeitangabe „{text}“ nicht. " + _EX_DE,
            "I don't understand the time “{text}”. " + _EX_EN,
        ),
        "too_long": (
            "Die Zeitangabe ist zu lang (höchstens {max} Zeichen). " + _EX_DE,
            "The time is too long (at most {max} characters). " + _EX_EN,
        ),
        "invalid_date": (
            "Das Datum „{date}“ gibt es nicht. Bitte prüfe Tag und Monat, z. B. `28.02. 18 Uhr` "
            "oder `01.03.2027 18:00`.",
            "The date “{date}” does not exist. Please check day and month, e.g. `28.02. 18:00` "
            "or `01.03.2027 18:00`.",
        ),
        "invalid_year": (
            "Das Jahr „{year}“ kann ich nicht verwenden. Schreib das Jahr vierstellig oder lass es weg, "
            "z. B. `01.12.2026 18:00` oder `01.12. 18 Uhr`.",
            "I can't use the year “{year}”. Write all four digits or leave it out, "
            "e.g. `01.12.2026 18:00` or `01.12. 18:00`.",
        ),
        "invalid_time": (
            "Die Uhrzeit „{time}“ gibt es nicht. Uhrzeiten gehen von 0:00 bis 23:59, "
            "z. B. `18:30`, `18 Uhr` oder `9:05`.",
            "The time of day “{time}” does not exist. Use 0:00 to 23:59 or 1–12 am/pm, "
            "e.g. `18:30`, `6pm` or `9:05`.",
        ),
        "missing_time": (
            "Bei „{text}“ fehlt die Uhrzeit. Beispiele: `morgen 12:00`, `Freitag 17 Uhr`, `01.12. 18:30`.",
            "“{text}” has no time of day. Examples: `tomorrow 12:00`, `Friday 17:00`, `01.12. 18:30`.",
        ),
        "vague_week": (
            "„{text}“ ist zu ungenau – bitte nenne einen Tag. Beispiele: `nächste Woche Freitag 17 Uhr`, "
            "`nächsten Montag 9 Uhr`, `in 1 Woche`.",
            "“{text}” is too vague – please name a day. Examples: `next week Friday 17:00`, "
            "`next Monday 9:00`, `in 1 week`.",
        ),
        "two_dates": (
            "In „{text}“ stehen zwei Tagesangaben – bitte nur eine. " + _EX_DE,
            "“{text}” names two days – please give only one. " + _EX_EN,
        ),
        "two_times": (
            "In „{text}“ stehen zwei Uhrzeiten – bitte nur eine. " + _EX_DE,
            "“{text}” has two times of day – please give only one. " + _EX_EN,
        ),
        "weekday_mismatch": (
            "Der {date} ist ein {actual_de}, kein {given_de}. Bitte prüfe Datum oder Wochentag, "
            "z. B. `{date} 18 Uhr` oder `{given_de} 18 Uhr`.",
            "{date} is a {actual_en}, not a {given_en}. Please check the date or the weekday, "
            "e.g. `{date} 18:00` or `{given_en} 18:00`.",
        ),
        "relative_with_time": (
            "Zu „in … Stunden/Minuten“ passt keine Uhrzeit („{text}“). Beispiele: `in 2 Stunden`, "
            "`in 3 Tagen 10 Uhr`, `morgen 10 Uhr`.",
            "“in … hours/minutes” can't have a time of day as well (“{text}”). Examples: `in 2 hours`, "
            "`in 3 days 10:00`, `tomorrow 10:00`.",
        ),
        "past": (
            "Der Zeitpunkt {when_de} liegt in der Vergangenheit. "
            "Bitte gib einen Zeitpunkt in der Zukunft an, z. B. `morgen 12:00` oder `in 2 Stunden`.",
            "{when_en} is in the past. "
            "Please give a time in the future, e.g. `tomorrow 12:00` or `in 2 hours`.",
        ),
        "duration_empty": ("Da fehlt die Dauer. " + _EX_DUR_DE, "The duration is missing. " + _EX_DUR_EN),
        "duration_unknown": (
            "Ich verstehe die Dauer „{text}“ nicht. " + _EX_DUR_DE,
            "I don't understand the duration “{text}”. " + _EX_DUR_EN,
        ),
        "duration_order": (
            "In „{text}“ kommt eine Einheit doppelt oder in ungewohnter Reihenfolge vor. "
            "Bitte von groß nach klein, z. B. `1h30m`, `1 Tag 2 Stunden` oder `90 Minuten`.",
            "“{text}” repeats a unit or has them out of order. Please go from large to small, "
            "e.g. `1h30m`, `1 day 2 hours` or `90 minutes`.",
        ),
        "duration_zero": (
            "Die Dauer „{text}“ ist null – sie muss größer sein. " + _EX_DUR_DE,
            "The duration “{text}” is zero – it must be longer. " + _EX_DUR_EN,
        ),
        "duration_too_long": (
            "Die Dauer „{text}“ ist zu lang (höchstens rund 10 Jahre). " + _EX_DUR_DE,
            "The duration “{text}” is too long (at most about 10 years). " + _EX_DUR_EN,
        ),
    }


def _snippet(text: str, limit: int = 60) -> str:
    """Quote user text back in one line and short, so a pasted essay doesn't flood the room."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------ normalising

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "–": " ", "—": " "})
_ISO_T = re.compile(r"(?<=\d)t(?=\d)")
_LOOSE_COMMA = re.compile(r"(?<!\d),|,(?!\d)")
_NOISE = re.compile(r"[;!?()\[\]\"„“”«»]")
_FINAL_DOT = re.compile(r"(?<=[a-z])\.$")


def normalize_text(text: str) -> str:
    """Fold case, umlauts ("übermorgen" = "uebermorgen") and spacing so all spellings meet one grammar."""
    s = unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)
    s = _ISO_T.sub(" ", s)
    s = _LOOSE_COMMA.sub(" ", s)
    s = _NOISE.sub(" ", s)
    s = " ".join(s.split())
    return _FINAL_DOT.sub("", s)


def _prepare(text: str, empty_key: str, lang: str) -> str:
    # Cheap length check first: NFKC and regexes never see megabytes of input.
    if len(text) > 20 * MAX_INPUT_CHARS:
        raise TimeParseError("too_long", lang, max=str(MAX_INPUT_CHARS))
    s = normalize_text(text)
    if not s:
        raise TimeParseError(empty_key, lang)
    if len(s) > MAX_INPUT_CHARS:
        raise TimeParseError("too_long", lang, max=str(MAX_INPUT_CHARS))
    return s


# ------------------------------------------------------------------------------------------- durations


def _alternation(words: Mapping[str, object] | tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_NUMBER_WORDS: Mapping[str, Fraction] = {
    "eins": Fraction(1), "einen": Fraction(1), "einem": Fraction(1), "einer": Fraction(1),
    "eine": Fraction(1), "ein": Fraction(1), "one": Fraction(1), "an": Fraction(1), "a": Fraction(1),
    "zwei": Fraction(2), "two": Fraction(2), "drei": Fraction(3), "three": Fraction(3),
    "vier": Fraction(4), "four": Fraction(4), "fuenf": Fraction(5), "five": Fraction(5),
    "sechs": Fraction(6), "six": Fraction(6), "sieben": Fraction(7), "seven": Fraction(7),
    "acht": Fraction(8), "eight": Fraction(8), "neun": Fraction(9), "nine": Fraction(9),
    "zehn": Fraction(10), "ten": Fraction(10), "elf": Fraction(11), "eleven": Fraction(11),
    "zwoelf": Fraction(12), "twelve": Fraction(12), "fuenfzehn": Fraction(15), "fifteen": Fraction(15),
    "zwanzig": Fraction(20), "twenty": Fraction(20), "dreissig": Fraction(30), "thirty": Fraction(30),
    "anderthalb": Fraction(3, 2), "eineinhalb": Fraction(3, 2),
}  # fmt: skip
_HALF = r"(?:eine[nmrs]?\s)?halbe[nmrs]?|half(?:\san?)?"
_UNITS: Mapping[str, int] = {
    **dict.fromkeys(("wochen", "woche", "wo", "w", "weeks", "week", "wks", "wk"), 0),
    **dict.fromkeys(("tagen", "tage", "tag", "d", "days", "day"), 1),
    **dict.fromkeys(("stunden", "stunde", "std", "h", "hours", "hour", "hrs", "hr"), 2),
    **dict.fromkeys(("minuten", "minute", "min", "mins", "m", "minutes"), 3),
}
_UNIT_SECONDS = (7 * 86400, 86400, 3600, 60)
_TERM = (
    rf"(?:\d{{1,6}}(?:[.,]\d{{1,3}})?\s?|(?:{_HALF}|{_alternation(_NUMBER_WORDS)})\s)"
    rf"(?:{_alternation(_UNITS)})(?=[\s\d]|$)"
)
_DURATION = rf"{_TERM}(?:\s?(?:(?:und|and)\s)?{_TERM})*"
_TERM_RE = re.compile(
    rf"(?:(?P<digits>\d{{1,6}}(?:[.,]\d{{1,3}})?)\s?|(?P<half>{_HALF})\s|(?P<word>{_alternation(_NUMBER_WORDS)})\s)"
    rf"(?P<unit>{_alternation(_UNITS)})(?=[\s\d]|$)\s?(?:(?:und|and)\s)?",
    re.ASCII,
)


def _duration_parts(s: str, original: str, lang: str) -> tuple[int, timedelta]:
    """Split a duration into whole calendar days and elapsed time; see the module docstring for why."""
    pos, last_rank = 0, -1
    days, seconds = Fraction(0), Fraction(0)
    while pos < len(s):
        m = _TERM_RE.match(s, pos)
        if m is None:
            raise TimeParseError("duration_unknown", lang, text=_snippet(original))
        pos = m.end()
        if m["digits"]:
            amount = Fraction(m["digits"].replace(",", "."))
        elif m["half"]:
            amount = Fraction(1, 2)
        else:
            amount = _NUMBER_WORDS[m["word"]]
        rank = _UNITS[m["unit"]]
        if rank <= last_rank:
            raise TimeParseError("duration_order", lang, text=_snippet(original))
        last_rank = rank
        if rank <= 1:
            days += amount * (7 if rank == 0 else 1)
        else:
            seconds += amount * _UNIT_SECONDS[rank]
    whole_days = int(days)
    seconds += (days - whole_days) * 86400
    total = whole_days * 86400 + seconds
    if total <= 0:
        raise TimeParseError("duration_zero", lang, text=_snippet(original))
    if total > MAX_DURATION.total_seconds():
        raise TimeParseError("duration_too_long", lang, text=_snippet(original))
    return whole_days, timedelta(seconds=round(seconds))


def parse_duration(text: str, lang: str = "de") -> timedelta:
    """Parse "2 Stunden", "1h30m", "1,5 Stunden", "90m", "2 Tage", "2 hours" … into a positive timedelta.

    Units go from large to small, each at most once; the total must be above zero and at most
    :data:`MAX_DURATION`. Fractions are rounded to whole seconds.
    """
    s = _prepare(text, "duration_empty", lang)
    days, elapsed = _duration_parts(s, text, lang)
    return timedelta(days=days) + elapsed


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
    "day after tomorrow": 2, "the day after tomorrow": 2,
}  # fmt: skip
_WEEK_PREFIX = {
    "": "", "diese": "", "diesen": "", "dieser": "", "diesem": "", "dieses": "", "this": "",
    "naechste": "next", "naechsten": "next", "naechster": "next", "naechstem": "next", "naechstes": "next",
    "kommende": "next", "kommenden": "next", "kommender": "next", "kommendem": "next", "next": "next",
    "coming": "next", "the coming": "next",
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
        st.daypart = "am"  # "heute morgen" is this morning
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
    st.daypart = _DAYPARTS[m[0]]
    return True


def _h_bare_hour(st: _Scan, m: re.Match[str]) -> bool:
    """ "Freitag 17" and "um 17": a lone number is an hour only next to a day or after "um"/"at"."""
    if not st.allow_bare_hour or st.clock is not None:
        return False
    if not (st.after_at or st.has_day() or st.weekday is not None):
        return False
    st.set_clock(int(m["h"]), 0, 0, m[0])
    return True


def _h_filler(st: _Scan, m: re.Match[str]) -> bool:
    return True


def _rule(pattern: str, handler: _Handler) -> tuple[re.Pattern[str], _Handler]:
    return re.compile(rf"(?:{pattern})(?=\s|$)", re.ASCII), handler


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
    _rule(rf"in\s(?P<dur>{_DURATION})", _h_in),
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
    if st.week_mode in ("next_week", "week_after_next"):
        weeks = 1 if st.week_mode == "next_week" else 2
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
        return localize(monday + timedelta(days=weekday), clock, tz)
    if st.week_mode in ("next", "after_next") and ahead == 0:
        ahead = 7
    if st.week_mode == "after_next":
        ahead += 7
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
