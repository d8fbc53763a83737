"""Word lists and text normalising shared by every part of the time parser."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import timedelta

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


def _alternation(words: Mapping[str, object] | tuple[str, ...]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))
