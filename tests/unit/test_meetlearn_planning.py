"""When reminders go out: offsets, what is left out, daylight saving, late runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from commands.meetlearn.planning import (
    Planned,
    describe_offset_de,
    describe_offset_en,
    plan,
    reminder_due,
    superseded,
)

BERLIN = ZoneInfo("Europe/Berlin")
DEFAULT = [timedelta(days=7), timedelta(days=1), timedelta(minutes=15)]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def test_default_plan_far_ahead() -> None:
    start = at(2026, 12, 10, 14, 0)
    assert plan(start, at(2026, 11, 23, 10, 0), DEFAULT, BERLIN) == [
        Planned("remind", at(2026, 12, 3, 14, 0), timedelta(days=7)),
        Planned("remind", at(2026, 12, 9, 14, 0), timedelta(days=1)),
        Planned("remind", at(2026, 12, 10, 13, 45), timedelta(minutes=15)),
        Planned("start", start),
    ]


@pytest.mark.parametrize(
    ("ahead", "kept"),
    [
        (timedelta(days=30), [7 * 1440, 1440, 15]),
        (timedelta(days=14), [7 * 1440, 1440, 15]),  # 7 days to the reminder, 7 days from it to the start
        (timedelta(days=14) - timedelta(minutes=5), [7 * 1440, 1440, 15]),  # announcement job ran late
        (timedelta(days=13), [1440, 15]),
        (timedelta(days=10), [1440, 15]),
        (timedelta(days=2), [1440, 15]),
        (timedelta(hours=42), [15]),  # the 1-day reminder would follow 18 hours after the announcement
        (timedelta(minutes=40), [15]),
        (timedelta(minutes=30), [15]),
        (timedelta(minutes=20), []),  # 15 minutes before would be 5 minutes after the announcement
    ],
)
def test_reminders_too_close_to_the_announcement_are_left_out(ahead: timedelta, kept: list[int]) -> None:
    start = at(2026, 12, 10, 14, 0)
    planned = plan(start, start - ahead, DEFAULT, BERLIN)
    assert [int(p.offset.total_seconds() // 60) for p in planned if p.offset] == kept
    assert planned[-1] == Planned("start", start)


def test_nothing_for_a_start_in_the_past() -> None:
    start = at(2026, 12, 10, 14, 0)
    assert plan(start, start + timedelta(minutes=1), DEFAULT, BERLIN) == []


def test_day_offsets_keep_the_wall_clock_across_autumn_change() -> None:
    # Clocks go back on Sunday 25 October 2026: a Thursday 14:00 session after it, reminded a week earlier
    # (still summer time) at 14:00 local, which is one hour earlier in UTC than 7 x 24 hours.
    start = at(2026, 10, 29, 14, 0)
    due = reminder_due(start, timedelta(days=7), BERLIN)
    assert due == at(2026, 10, 22, 14, 0)
    assert due.astimezone(UTC).hour == 12 and start.astimezone(UTC).hour == 13
    assert start.astimezone(UTC) - due == timedelta(days=7, hours=1)
    sunday = at(2026, 10, 25, 14, 0)
    assert reminder_due(sunday, timedelta(days=1), BERLIN) == at(2026, 10, 24, 14, 0)


def test_day_offsets_keep_the_wall_clock_across_spring_change() -> None:
    # Clocks go forward on Sunday 28 March 2027.
    start = at(2027, 4, 1, 14, 0)
    due = reminder_due(start, timedelta(days=7), BERLIN)
    assert due == at(2027, 3, 25, 14, 0) and start.astimezone(UTC) - due == timedelta(days=7) - timedelta(
        hours=1
    )
    assert reminder_due(at(2027, 3, 28, 14, 0), timedelta(days=1), BERLIN) == at(2027, 3, 27, 14, 0)


def test_short_offsets_are_elapsed_time_even_in_the_gap() -> None:
    start = at(2027, 3, 28, 3, 10)  # 10 minutes after the clocks jumped from 02:00 to 03:00
    assert reminder_due(start, timedelta(minutes=15), BERLIN).astimezone(UTC) == datetime(
        2027, 3, 28, 0, 55, tzinfo=UTC
    )


def test_superseded_only_when_a_later_message_is_due() -> None:
    start = at(2026, 12, 10, 14, 0)
    day, quarter = timedelta(days=1), timedelta(minutes=15)
    assert not superseded(start, day, at(2026, 12, 9, 14, 30), DEFAULT, BERLIN)
    assert superseded(start, day, at(2026, 12, 10, 13, 50), DEFAULT, BERLIN)
    assert not superseded(start, quarter, at(2026, 12, 10, 13, 50), DEFAULT, BERLIN)
    assert superseded(start, quarter, at(2026, 12, 10, 14, 0), DEFAULT, BERLIN)
    assert not superseded(start, None, at(2026, 12, 10, 14, 20), DEFAULT, BERLIN)


@pytest.mark.parametrize(
    ("offset", "de", "en"),
    [
        (timedelta(days=7), "in einer Woche", "in 1 week"),
        (timedelta(days=14), "in 2 Wochen", "in 2 weeks"),
        (timedelta(days=1), "morgen", "tomorrow"),
        (timedelta(days=3), "in 3 Tagen", "in 3 days"),
        (timedelta(hours=1), "in einer Stunde", "in 1 hour"),
        (timedelta(hours=2), "in 2 Stunden", "in 2 hours"),
        (timedelta(minutes=15), "in 15 Minuten", "in 15 minutes"),
        (timedelta(minutes=1), "in einer Minute", "in 1 minute"),
        (timedelta(seconds=5), "in 5 Sekunden", "in 5 seconds"),
    ],
)
def test_offsets_in_words(offset: timedelta, de: str, en: str) -> None:
    assert describe_offset_de(offset) == de
    assert describe_offset_en(offset) == en
