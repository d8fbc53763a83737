"""Recurring dates typed in chat ("jeden 2. Donnerstag 14:00") as a small rule with RRULE export.

Meet-and-Learn sessions repeat on patterns people describe in words, so the rule keeps exactly the shapes
they use (weekly on a weekday, monthly on the n-th/last weekday or on a day of the month, optionally every
n weeks/months) and nothing that can surprise them.

Decisions (each one is tested):

* **"jeden zweiten Donnerstag" is the 2nd Thursday of the month**, like "jeden 2. Donnerstag". For every
  other Thursday people write "alle 2 Wochen Donnerstag". :meth:`Rule.describe_de` says which it is
  ("jeden 2. Donnerstag im Monat um 14:00 Uhr"), so the bot can confirm the reading.
* Only the 1st to 4th or the last weekday of a month, and only days 1 to 28 or the last day: these occur in
  every month, so a series never silently skips one (RFC 5545 would skip a month without a 31st).
* The local wall-clock time stays put across daylight saving: 14:00 is 14:00 in summer and in winter. A
  time in the spring gap moves forward by the gap (02:30 → 03:30), a repeated autumn time means the first.
* For "alle 2 Wochen" / "alle 2 Monate" the series counts from :attr:`Rule.start`; without one it starts
  with the first occurrence after ``after``, so store ``start`` once the series exists.
* A time of day is required ("jeden Mittwoch" alone is refused with examples).
* A series may end: :attr:`Rule.until` (an aware instant) is the last moment an occurrence may start, as
  RFC 5545 ``UNTIL`` (written in UTC, as required when DTSTART carries a TZID). "6 Termine" is stored as the
  start of the 6th occurrence, so one field covers ``--bis`` and ``--anzahl``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from itertools import islice
from typing import ClassVar

from bot.timeparse import (
    MAX_INPUT_CHARS,
    WEEKDAY_WORDS,
    WEEKDAYS_DE,
    WEEKDAYS_EN,
    LocalizedError,
    TimeParseError,
    localize,
    normalize_text,
    parse_clock,
    to_local,
)

__all__ = ["LAST", "Frequency", "Rule", "RuleParseError", "parse_rule"]

LAST = -1
"""``ordinal`` / ``day_of_month`` value for "the last … of the month"."""
_MAX_INTERVAL = {"WEEKLY": 52, "MONTHLY": 12}
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_EX_DE = "Beispiele: `jeden 2. Donnerstag 14:00`, `jeden Mittwoch 13 Uhr`, `monatlich am 15. um 9:30`."
_EX_EN = "Examples: `every 2nd Thursday 14:00`, `every Wednesday 1pm`, `monthly on the 15th at 9:30`."


class RuleParseError(LocalizedError):
    """A recurrence typed by a user could not be understood or cannot be scheduled reliably."""

    MESSAGES: ClassVar[Mapping[str, tuple[str, str]]] = {
        "empty": ("Da fehlt die Wiederholung. " + _EX_DE, "The recurrence is missing. " + _EX_EN),
        "too_long": (
            "Die Wiederholung ist zu lang (höchstens {max} Zeichen). " + _EX_DE,
            "The recurrence is too long (at most {max} characters). " + _EX_EN,
        ),
        "unknown": (
            "Ich verstehe die Wiederholung „{text}“ nicht. " + _EX_DE,
            "I don't understand the recurrence “{text}”. " + _EX_EN,
        ),
        "missing_time": (
            "Bei „{text}“ fehlt die Uhrzeit. Beispiele: `jeden Mittwoch 13 Uhr`, "
            "`jeden letzten Dienstag 10:00`, `monatlich am 15. um 9:30`.",
            "“{text}” has no time of day. Examples: `every Wednesday 13:00`, "
            "`every last Tuesday 10:00`, `monthly on the 15th at 9:30`.",
        ),
        "invalid_time": (
            "Die Uhrzeit „{time}“ gibt es nicht. Uhrzeiten gehen von 0:00 bis 23:59, "
            "z. B. `jeden Mittwoch 13:00` oder `jeden Mittwoch 13 Uhr`.",
            "The time of day “{time}” does not exist. Use 0:00 to 23:59, "
            "e.g. `every Wednesday 13:00` or `every Wednesday 1pm`.",
        ),
        "ordinal_range": (
            "Einen {ordinal}. {weekday_de} gibt es nicht in jedem Monat. "
            "Nimm den 1. bis 4. oder den letzten, "
            "z. B. `jeden 4. {weekday_de} 14:00` oder `jeden letzten {weekday_de} 14:00`.",
            "Not every month has a {ordinal}. {weekday_en}. Use the 1st to 4th or the last, "
            "e.g. `every 4th {weekday_en} 14:00` or `every last {weekday_en} 14:00`.",
        ),
        "day_range": (
            "Einen {day}. Tag gibt es in keinem Monat. Nimm einen Tag von 1 bis 28 oder den letzten Tag, "
            "z. B. `monatlich am 15. um 9:30` oder `monatlich am letzten Tag um 9:30`.",
            "No month has a day {day}. Use a day from 1 to 28 or the last day, "
            "e.g. `monthly on the 15th at 9:30` or `monthly on the last day at 9:30`.",
        ),
        "day_short_month": (
            "Nicht jeder Monat hat einen {day}. Tag, dann fiele der Termin aus. Nimm einen Tag von 1 bis 28 "
            "oder den letzten Tag, z. B. `monatlich am 28. um 9:30` oder `monatlich am letzten Tag um 9:30`.",
            "Not every month has a day {day}, so sessions would be skipped. Use a day from 1 to 28 or "
            "the last day, e.g. `monthly on the 28th at 9:30` or `monthly on the last day at 9:30`.",
        ),
        "interval_range": (
            "Der Abstand „{interval}“ passt nicht: erlaubt sind 1 bis 52 Wochen oder 1 bis 12 Monate, "
            "z. B. `alle 2 Wochen Montag 10:00` oder `alle 3 Monate am 15. um 9:30`.",
            "The interval “{interval}” doesn't fit: use 1 to 52 weeks or 1 to 12 months, "
            "e.g. `every 2 weeks on Monday 10:00` or `every 3 months on the 15th at 9:30`.",
        ),
    }


class Frequency(StrEnum):
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One recurrence. ``weekday`` counts from 0 = Monday; ``ordinal`` and ``day_of_month`` use
    :data:`LAST` for "the last"; ``start`` anchors ``interval`` > 1 (see the module docstring)."""

    frequency: Frequency
    local_time: time
    interval: int = 1
    weekday: int | None = None
    ordinal: int | None = None
    day_of_month: int | None = None
    start: date | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        # Programming errors, not user errors: parse_rule never builds such a rule.
        object.__setattr__(self, "frequency", Frequency(self.frequency))  # "WEEKLY" from storage is fine
        if not 1 <= self.interval <= _MAX_INTERVAL[self.frequency]:
            raise ValueError(f"interval out of range: {self.interval}")
        if self.local_time.tzinfo is not None:
            raise ValueError("local_time must be a naive wall-clock time")
        if self.until is not None:
            if self.until.tzinfo is None or self.until.utcoffset() is None:
                raise ValueError("until must be an aware datetime")
            object.__setattr__(self, "until", self.until.astimezone(UTC).replace(microsecond=0))
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday out of range: {self.weekday}")
        if self.frequency is Frequency.WEEKLY:
            if self.weekday is None or self.ordinal is not None or self.day_of_month is not None:
                raise ValueError("a weekly rule needs exactly a weekday")
            return
        if self.ordinal is not None:
            if self.weekday is None or self.day_of_month is not None:
                raise ValueError("an ordinal needs a weekday and no day of month")
            if self.ordinal not in (1, 2, 3, 4, LAST):
                raise ValueError(f"ordinal out of range: {self.ordinal}")
        elif self.day_of_month is None or self.weekday is not None:
            raise ValueError("a monthly rule needs an ordinal weekday or a day of month")
        elif not (1 <= self.day_of_month <= 28 or self.day_of_month == LAST):
            raise ValueError(f"day_of_month out of range: {self.day_of_month}")

    # ------------------------------------------------------------------------------------- occurrences

    def iter_occurrences(self, after: datetime, tz: tzinfo) -> Iterator[datetime]:
        """Yield the occurrences strictly after ``after`` (naive means wall-clock in ``tz``), in order,
        up to and including :attr:`until`."""
        for moment in self._iter_unbounded(after, tz):
            if self.until is not None and moment > self.until:
                return
            yield moment

    def _iter_unbounded(self, after: datetime, tz: tzinfo) -> Iterator[datetime]:
        after_local = to_local(after, tz)
        if self.start is None and self.interval > 1:
            # Anchor "alle 2 Wochen" at the very next occurrence, not at a period boundary after it.
            first = next(replace(self, interval=1)._iter_unbounded(after_local, tz), None)
            if first is not None:
                yield from replace(self, start=first.date())._iter_unbounded(after_local, tz)
            return
        anchor = self.start or after_local.date()
        if self.frequency is Frequency.WEEKLY:
            yield from self._iter_weekly(anchor, after_local, tz)
        else:
            yield from self._iter_monthly(anchor, after_local, tz)

    def occurrences(self, after: datetime, tz: tzinfo, count: int) -> list[datetime]:
        """The next ``count`` occurrences after ``after``."""
        if count < 0:
            raise ValueError("count must not be negative")
        return list(islice(self.iter_occurrences(after, tz), count))

    def _iter_weekly(self, anchor: date, after: datetime, tz: tzinfo) -> Iterator[datetime]:
        assert self.weekday is not None
        step = 7 * self.interval
        day = anchor + timedelta(days=(self.weekday - anchor.weekday()) % 7)
        lag = (after.date() - day).days
        if lag > 0:
            day += timedelta(days=(lag // step) * step)  # jump, don't walk, from an old start
        while day.year < 9999:
            moment = localize(day, self.local_time, tz)
            if moment > after:
                yield moment
            day += timedelta(days=step)

    def _iter_monthly(self, anchor: date, after: datetime, tz: tzinfo) -> Iterator[datetime]:
        index = anchor.year * 12 + anchor.month - 1
        lag = after.year * 12 + after.month - 1 - index
        if lag > 0:
            index += (lag // self.interval) * self.interval
        while index < 9999 * 12:
            year, month0 = divmod(index, 12)
            day = self._day_in(year, month0 + 1)
            if self.start is None or day >= self.start:
                moment = localize(day, self.local_time, tz)
                if moment > after:
                    yield moment
            index += self.interval

    def _day_in(self, year: int, month: int) -> date:
        first = date(year, month, 1)
        last = (first + timedelta(days=31)).replace(day=1) - timedelta(days=1)
        if self.ordinal is None:
            return last if self.day_of_month == LAST else first.replace(day=self.day_of_month or 1)
        assert self.weekday is not None
        if self.ordinal == LAST:
            return last - timedelta(days=(last.weekday() - self.weekday) % 7)
        first_match = first + timedelta(days=(self.weekday - first.weekday()) % 7)
        return first_match + timedelta(weeks=self.ordinal - 1)

    # ------------------------------------------------------------------------------------ RRULE, text

    def to_rrule(self) -> str:
        """RFC 5545 RRULE value; the time of day belongs in the event's DTSTART, as in iCalendar."""
        parts = [f"FREQ={self.frequency}"]
        if self.interval > 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.frequency is Frequency.WEEKLY:
            assert self.weekday is not None
            parts.append(f"BYDAY={_RRULE_DAYS[self.weekday]}")
        elif self.ordinal is not None:
            assert self.weekday is not None
            parts.append(f"BYDAY={self.ordinal}{_RRULE_DAYS[self.weekday]}")
        else:
            parts.append(f"BYMONTHDAY={self.day_of_month}")
        if self.until is not None:
            parts.append(f"UNTIL={self.until:%Y%m%dT%H%M%SZ}")
        return ";".join(parts)

    @classmethod
    def from_rrule(cls, value: str, local_time: time, start: date | None = None) -> Rule:
        """Rebuild a rule stored as :meth:`to_rrule` text; raises ValueError for other RRULE shapes."""
        fields: dict[str, str] = {}
        for part in value.strip().upper().split(";"):
            key, sep, val = part.partition("=")
            if not sep or key in fields:
                raise ValueError(f"malformed RRULE: {value!r}")
            fields[key] = val
        unknown = set(fields) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL"}
        if unknown or fields.get("FREQ") not in ("WEEKLY", "MONTHLY"):
            raise ValueError(f"unsupported RRULE: {value!r}")
        frequency = Frequency(fields["FREQ"])
        interval = int(fields.get("INTERVAL", "1"))
        until = None
        if "UNTIL" in fields:
            if not re.fullmatch(r"\d{8}T\d{6}Z", fields["UNTIL"]):
                raise ValueError(f"unsupported UNTIL (UTC date-time expected): {value!r}")
            until = datetime.strptime(fields["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        if "BYMONTHDAY" in fields:
            if frequency is not Frequency.MONTHLY or "BYDAY" in fields:
                raise ValueError(f"unsupported RRULE: {value!r}")
            return cls(frequency=frequency, local_time=local_time, interval=interval,
                       day_of_month=int(fields["BYMONTHDAY"]), start=start, until=until)  # fmt: skip
        m = re.fullmatch(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)", fields.get("BYDAY", ""))
        if m is None or (frequency is Frequency.WEEKLY) == (m[1] is not None):
            raise ValueError(f"unsupported RRULE: {value!r}")
        ordinal = int(m[1]) if m[1] else None
        return cls(frequency=frequency, local_time=local_time, interval=interval,
                   weekday=_RRULE_DAYS.index(m[2]), ordinal=ordinal, start=start, until=until)  # fmt: skip

    def describe_de(self) -> str:
        """German text that :func:`parse_rule` reads back to the same rule, so it can be shown to confirm.

        The end (:attr:`until`) is not part of it: it needs the reader's time zone, see the service."""
        clock = f"um {self.local_time:%H:%M} Uhr"
        if self.frequency is Frequency.WEEKLY:
            assert self.weekday is not None
            day = WEEKDAYS_DE[self.weekday]
            if self.interval == 1:
                return f"jeden {day} {clock}"
            return f"alle {self.interval} Wochen am {day} {clock}"
        if self.ordinal is not None:
            assert self.weekday is not None
            which = "letzten" if self.ordinal == LAST else f"{self.ordinal}."
            what = f"{which} {WEEKDAYS_DE[self.weekday]}"
            if self.interval == 1:
                return f"jeden {what} im Monat {clock}"
        else:
            what = "letzten Tag" if self.day_of_month == LAST else f"{self.day_of_month}."
            if self.interval == 1:
                return f"monatlich am {what} {clock}"
        return f"alle {self.interval} Monate am {what} {clock}"

    def describe_en(self) -> str:
        """English counterpart of :meth:`describe_de`, also readable by :func:`parse_rule`."""
        clock = f"at {self.local_time:%H:%M}"
        if self.frequency is Frequency.WEEKLY:
            assert self.weekday is not None
            day = WEEKDAYS_EN[self.weekday]
            if self.interval == 1:
                return f"every {day} {clock}"
            return f"every {self.interval} weeks on {day} {clock}"
        if self.ordinal is not None:
            assert self.weekday is not None
            which = "last" if self.ordinal == LAST else _english_ordinal(self.ordinal)
            what = f"{which} {WEEKDAYS_EN[self.weekday]}"
            if self.interval == 1:
                return f"every {what} of the month {clock}"
        else:
            what = "last day" if self.day_of_month == LAST else _english_ordinal(self.day_of_month or 1)
            if self.interval == 1:
                return f"monthly on the {what} {clock}"
        return f"every {self.interval} months on the {what} {clock}"


def _english_ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ------------------------------------------------------------------------------------------- parsing

_NUMBERS: Mapping[str, int] = {
    "zwei": 2, "two": 2, "drei": 3, "three": 3, "vier": 4, "four": 4, "fuenf": 5, "five": 5,
    "sechs": 6, "six": 6, "sieben": 7, "seven": 7, "acht": 8, "eight": 8, "neun": 9, "nine": 9,
    "zehn": 10, "ten": 10, "elf": 11, "eleven": 11, "zwoelf": 12, "twelve": 12,
}  # fmt: skip
_ORDINAL_STEMS: Mapping[str, int] = {
    "erste": 1, "zweite": 2, "dritte": 3, "vierte": 4, "fuenfte": 5, "letzte": LAST,
}  # fmt: skip
_ORDINAL_WORDS: Mapping[str, int] = {
    **{stem + ending: value for stem, value in _ORDINAL_STEMS.items() for ending in ("", "n", "r", "s")},
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": LAST,
}  # fmt: skip
_PREFIX_INTERVAL: Mapping[str, int] = {
    **dict.fromkeys(("every other", "every other week", "jede zweite woche", "zweiwoechentlich",
                     "vierzehntaegig", "14-taegig", "14taegig", "fortnightly"), 2),
    **dict.fromkeys(("every other month", "jeden zweiten monat"), 2),
    **dict.fromkeys(("quartalsweise", "vierteljaehrlich", "quarterly"), 3),
}  # fmt: skip
_LONG_WEEKDAYS = tuple(word for word in WEEKDAY_WORDS if len(word) > 5)


def _alt(words: Mapping[str, object] | tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_WD = rf"(?P<wd>{_alt(_LONG_WEEKDAYS)})s?"
_NUM = rf"(?P<n>\d{{1,3}}|{_alt(_NUMBERS)})"
_ORD = rf"(?P<ord>\d{{1,2}}\.|\d{{1,2}}(?:st|nd|rd|th)|{_alt(_ORDINAL_WORDS)})"
_DAY = r"(?P<day>\d{1,2}\.?|\d{1,2}(?:st|nd|rd|th)|letzte[nrs]?\stag|last\sday)"
_ON = r"(?:(?:am|on\sthe|on|the)\s)?"
_OF_MONTH = (
    r"(?P<of>\s(?:im|des|pro|jeden|jedes|in\sthe|of\sthe|of\seach|of\severy|in\seach|in\severy|each|every"
    r"|a|per)\s(?:monats?|month))?"
)
_WEEKLY_PREFIX = (
    rf"(?P<wp>woechentlich|weekly|(?:jede|every|each)\s(?:woche|week)|(?:alle|every)\s{_NUM}\s(?:wochen|weeks)"
    r"|every\sother(?:\sweek)?|jede\szweite\swoche|zweiwoechentlich|vierzehntaegig|14-?taegig|fortnightly"
    r"|jede[nrs]?|every|each)"
)
_MONTHLY_PREFIX = (
    rf"(?:(?P<mp>monatlich|monthly|(?:jeden|every|each)\s(?:monat|month)|(?:alle|every)\s{_NUM}\s(?:monate|months)"
    r"|every\sother\smonth|jeden\szweiten\smonat|quartalsweise|vierteljaehrlich|quarterly)"
    r"|(?P<every>jede[nrs]?|every|each))"
)
_WEEKLY = re.compile(
    rf"{_WEEKLY_PREFIX}\s(?:(?:am|on)\s)?{_WD}|(?P<plural>{_alt(_LONG_WEEKDAYS)})s", re.ASCII
)
_MONTHLY_WEEKDAY = re.compile(rf"(?:{_MONTHLY_PREFIX}\s)?{_ON}{_ORD}\s{_WD}{_OF_MONTH}", re.ASCII)
_MONTHLY_DAY = re.compile(rf"(?:{_MONTHLY_PREFIX}\s)?{_ON}{_DAY}{_OF_MONTH}", re.ASCII)


def _interval(m: re.Match[str], prefix: str | None, text: str, lang: str, frequency: Frequency) -> int:
    if m["n"]:
        raw = m["n"]
        value = int(raw) if raw.isdigit() else _NUMBERS[raw]
        if not 1 <= value <= _MAX_INTERVAL[frequency]:
            raise RuleParseError("interval_range", lang, text=text, interval=raw)
        return value
    return _PREFIX_INTERVAL.get(prefix or "", 1)


def _number(raw: str) -> int:
    """Ordinals in both languages: "2.", "2nd", "zweiten" → 2; "last" → LAST."""
    if raw[0].isdigit():
        return int(raw.rstrip(".stndrh"))
    return _ORDINAL_WORDS[raw]


def _parse_head(head: str, clock: time, text: str, lang: str) -> Rule | None:
    """Match the part before the time against the supported shapes; range errors are raised, not hidden."""
    m = _WEEKLY.fullmatch(head)
    if m is not None:
        word = m["plural"] or m["wd"]
        interval = _interval(m, m["wp"], text, lang, Frequency.WEEKLY)
        weekday = WEEKDAY_WORDS[word]
        return Rule(frequency=Frequency.WEEKLY, local_time=clock, interval=interval, weekday=weekday)
    for pattern in (_MONTHLY_WEEKDAY, _MONTHLY_DAY):
        m = pattern.fullmatch(head)
        if m is None or not (m["mp"] or m["every"] or m["of"]):
            continue
        interval = _interval(m, m["mp"], text, lang, Frequency.MONTHLY)
        if pattern is _MONTHLY_WEEKDAY:
            weekday = WEEKDAY_WORDS[m["wd"]]
            ordinal = _number(m["ord"])
            if ordinal not in (1, 2, 3, 4, LAST):
                names = {"weekday_de": WEEKDAYS_DE[weekday], "weekday_en": WEEKDAYS_EN[weekday]}
                raise RuleParseError("ordinal_range", lang, text=text, ordinal=str(ordinal), **names)
            return Rule(frequency=Frequency.MONTHLY, local_time=clock, interval=interval,
                        weekday=weekday, ordinal=ordinal)  # fmt: skip
        raw_day = m["day"]
        day = LAST if raw_day.startswith(("letzt", "last")) else _number(raw_day)
        if day != LAST and not 1 <= day <= 31:
            raise RuleParseError("day_range", lang, text=text, day=str(day))
        if day != LAST and day > 28:
            raise RuleParseError("day_short_month", lang, text=text, day=str(day))
        return Rule(frequency=Frequency.MONTHLY, local_time=clock, interval=interval, day_of_month=day)
    return None


def _time_splits(s: str, lang: str) -> tuple[list[tuple[str, time]], TimeParseError | None]:
    """Candidate (head, time) pairs, longest trailing time first; a bare hour ("… Mittwoch 13") comes last."""
    tokens = s.split(" ")
    found: list[tuple[str, time]] = []
    invalid: TimeParseError | None = None
    for i in range(1, len(tokens)):
        try:
            found.append((" ".join(tokens[:i]), parse_clock(" ".join(tokens[i:]), lang)))
        except TimeParseError as error:
            if error.key == "invalid_time" and invalid is None:
                invalid = error
            continue
        break
    if len(tokens) > 1 and tokens[-1].isdigit() and len(tokens[-1]) <= 2:
        try:
            found.append((" ".join(tokens[:-1]), parse_clock(tokens[-1], lang, allow_bare_hour=True)))
        except TimeParseError as error:
            invalid = invalid or error
    return found, invalid


def parse_rule(text: str, lang: str = "de") -> Rule:
    """Parse "jeden 2. Donnerstag 14:00", "monatlich am 15. um 9:30", "alle 2 Wochen Montag 10:00", ….

    German and English shapes are both accepted; ``lang`` picks the language of ``str(error)``.
    Raises only :class:`RuleParseError`.
    """
    if len(text) > 20 * MAX_INPUT_CHARS:
        raise RuleParseError("too_long", lang, max=str(MAX_INPUT_CHARS))
    s = normalize_text(text)
    if not s:
        raise RuleParseError("empty", lang)
    if len(s) > MAX_INPUT_CHARS:
        raise RuleParseError("too_long", lang, max=str(MAX_INPUT_CHARS))
    quoted = " ".join(text.split())
    quoted = quoted if len(quoted) <= 60 else quoted[:59] + "…"
    splits, invalid = _time_splits(s, lang)
    for head, clock in splits:
        rule = _parse_head(head, clock, quoted, lang)
        if rule is not None:
            return rule
    if _parse_head(s, time(0), quoted, lang) is not None:
        raise RuleParseError("missing_time", lang, text=quoted)
    if invalid is not None and invalid.key == "invalid_time":
        raise RuleParseError("invalid_time", lang, text=quoted, time=invalid.values.get("time", ""))
    raise RuleParseError("unknown", lang, text=quoted)
