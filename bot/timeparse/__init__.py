"""Time expressions typed in chat ("morgen 12 Uhr", "01.12. 18:30", "in 2 Stunden") as aware datetimes.

Several features (poll and retro deadlines, Meet-and-Learn dates, reminders) take a point in time from a
chat message, so they share one forgiving parser with one set of clear, bilingual error messages.

Decisions where people's intuitions differ (each one is tested):

* **A date without a time is refused by default** (``missing_time``; a part of the day counts as a time),
  because a silently guessed hour can close a poll before people expect it to. A caller for whom a
  default is harmless passes
  ``default_time=`` (e.g. ``time(23, 59)`` for "bis Freitag").
* **A time without a date** ("17 Uhr") means its next occurrence: today if still ahead, else tomorrow.
* **A bare weekday** ("Freitag 17 Uhr", "Do 10 Uhr") means the next such day, today included while that
  time is still ahead: said on Friday at 10:00 it is today 17:00, at 18:00 it is Friday next week.
  **"nächsten Freitag"** is ambiguous in German; it means the Friday of the *next calendar week* (Monday to
  Sunday), the same as "nächste Woche Freitag": said on a Monday, "nächsten Donnerstag" is the Thursday
  ten days later, not this week's. "**kommenden** Freitag" is the first Friday after today (never today);
  "übernächsten Freitag" is the Friday of the week after next. Every confirmation names weekday, date
  and time, and offers a one-word undo, because people read "nächsten" both ways.
* **Spoken clock times** ("halb drei", "viertel nach zehn", "um acht") and **parts of the day without a
  time** ("übermorgen früh", "heute Abend"): see :mod:`bot.timeparse.spoken` (working hours 07–19 decide
  between morning and afternoon; früh 08:00, vormittags 10:00, mittags 12:00, nachmittags 15:00, abends
  18:00).
* **"gestern 10 Uhr"** is understood (as the past moment), so a command says "liegt in der Vergangenheit"
  instead of "verstehe ich nicht".
* **A date without a year** is its next occurrence that is still ahead (29.02. waits for a leap year).
* **"in 2 Stunden" / "in 30 Minuten"** is elapsed time; **"in 3 Tagen" / "in 1 Woche"** keeps the local
  wall-clock time, so it stays correct across a daylight-saving change.
* **Daylight saving:** a wall-clock time in the spring gap (02:30 on 2026-03-29 in Europe/Berlin) is
  shifted forward by the gap (03:30); a time that occurs twice in autumn means the first one (summer time).
* A spaced "am" is German ("17 Uhr am Freitag") unless it ends the text or ``lang="en"``; "8am" and
  "8 pm" always mean the 12-hour clock.
* Explicit dates in the past are returned as they are; use :func:`require_future` to refuse them.
"""

from bot.timeparse.durations import parse_duration
from bot.timeparse.errors import LocalizedError, TimeParseError
from bot.timeparse.points import (
    format_de,
    format_en,
    localize,
    parse_clock,
    parse_when,
    require_future,
    to_local,
)
from bot.timeparse.words import (
    MAX_DURATION,
    MAX_INPUT_CHARS,
    MONTHS_DE,
    MONTHS_EN,
    WEEKDAY_WORDS,
    WEEKDAYS_DE,
    WEEKDAYS_EN,
    normalize_text,
)

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
