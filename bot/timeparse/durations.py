"""Durations ("2 Stunden", "1h30m", "anderthalb Tage") and the "in …" part of a point in time."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from fractions import Fraction

from bot.timeparse.errors import TimeParseError, _prepare, _snippet
from bot.timeparse.words import MAX_DURATION, _alternation

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
