"""Clock times as people say them: "halb drei", "viertel nach zehn", "dreiviertel acht", "um sieben".

Decisions (each one is tested in ``tests/unit/test_timeparse_spoken.py``):

* **"halb drei" is 2:30 on the 12-hour dial**; "viertel nach zehn" 10:15, "viertel vor zwölf" 11:45,
  "dreiviertel acht" and the regional "viertel acht" 7:45 and 7:15, "zehn nach drei" 3:10, "fünf vor
  halb vier" 3:25.
* **Morning or afternoon?** A spoken hour (a number word, or any "halb"/"viertel" form) without "früh",
  "abends" … is taken inside working hours, 07:00 to 18:59: "halb drei" is 14:30, "um acht" 08:00, "halb
  sieben" 18:30, "um sieben" 07:00. Digits with "Uhr" ("3 Uhr") keep the 24-hour meaning people write.
  The confirmation always names weekday, date and time, so a surprise shows at once.
* **A part of the day without a time** means a fixed hour: früh/morgens 08:00, vormittags 10:00,
  mittags 12:00, nachmittags 15:00, abends 18:00 ("übermorgen früh", "heute Abend"); "nachts" still asks
  for the time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time

HOUR_WORDS: Mapping[str, int] = {
    "eins": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "fuenf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwoelf": 12,
}  # fmt: skip
MINUTE_WORDS: Mapping[str, int] = {
    "fuenf": 5, "zehn": 10, "zwanzig": 20, "viertel": 15,
    **{str(n): n for n in range(1, 30)},
}  # fmt: skip
# "viertel nach zehn" → hour 10 + 15 min; "halb drei" → hour 3 − 30 min, and so on.
FRACTIONS: Mapping[str, int] = {
    "viertel nach": 15, "halb": -30, "viertel vor": -15, "dreiviertel": -15, "drei viertel": -15,
    "viertel": -45,
}  # fmt: skip

WORK_START, WORK_END = time(7, 0), time(19, 0)

DAYPART_DEFAULTS: Mapping[str, time] = {
    "frueh": time(8), "morgens": time(8), "morning": time(8), "in the morning": time(8),
    "vormittags": time(10), "vormittag": time(10),
    "nachmittags": time(15), "nachmittag": time(15), "afternoon": time(15), "in the afternoon": time(15),
    "abends": time(18), "abend": time(18), "evening": time(18), "in the evening": time(18),
}  # fmt: skip
"""What a part of the day alone means; "heute morgen" (this morning) is "morgens"."""


def hour_value(word: str) -> int:
    """ "drei" or "3" → 3; the caller's pattern guarantees one of the two."""
    return HOUR_WORDS[word] if word in HOUR_WORDS else int(word)


def dial(hour: int, offset_minutes: int) -> tuple[int, int]:
    """Hour on the dial plus an offset in minutes: (3, -30) → (2, 30); (1, -30) → (0, 30)."""
    total = (hour % 24) * 60 + offset_minutes
    total %= 24 * 60
    return total // 60, total % 60


def in_working_hours(hour: int, minute: int) -> int:
    """The hour of the one reading of a 12-hour time that falls between 07:00 and 18:59."""
    if hour >= 12:
        return hour
    morning, afternoon = time(hour, minute), time(hour + 12, minute)
    if WORK_START <= morning < WORK_END:
        return hour
    if WORK_START <= afternoon < WORK_END:
        return hour + 12
    return hour
