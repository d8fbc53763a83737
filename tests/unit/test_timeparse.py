"""What a Lotse sees when typing a time: the moment the bot understood, or a message that helps fix it."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.timeparse import (
    MAX_INPUT_CHARS,
    TimeParseError,
    format_de,
    format_en,
    parse_clock,
    parse_duration,
    parse_when,
    require_future,
)

BERLIN = ZoneInfo("Europe/Berlin")
# Friday, 20 November 2026, 10:00 in Berlin: a weekday where "Freitag" can still mean today.
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=BERLIN)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


def exists(naive: datetime) -> bool:
    """False for wall-clock times skipped by the spring change (e.g. 2026-03-29 02:30)."""
    return naive.replace(tzinfo=BERLIN).astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) == naive


def when(text: str, now: datetime = NOW, **kwargs: object) -> datetime:
    result = parse_when(text, now, BERLIN, **kwargs)  # type: ignore[arg-type]
    assert result.tzinfo is BERLIN
    return result


def error(text: str, now: datetime = NOW, **kwargs: object) -> TimeParseError:
    with pytest.raises(TimeParseError) as info:
        parse_when(text, now, BERLIN, **kwargs)  # type: ignore[arg-type]
    return info.value


# ------------------------------------------------------------------------------------ the brief's examples


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01 18:00", at(2026, 12, 1, 18, 0)),
        ("2026-12-01T18:00", at(2026, 12, 1, 18, 0)),
        ("2026-12-01T18:00:00", at(2026, 12, 1, 18, 0)),
        ("01.12.2026 18:00", at(2026, 12, 1, 18, 0)),
        ("01.12.26 18:00", at(2026, 12, 1, 18, 0)),
        ("01.12. 18 Uhr", at(2026, 12, 1, 18, 0)),
        ("1.12. 18:30", at(2026, 12, 1, 18, 30)),
        ("1.12 18:30", at(2026, 12, 1, 18, 30)),
        ("12.12. 14 Uhr", at(2026, 12, 12, 14, 0)),
        ("1. Dezember 18 Uhr", at(2026, 12, 1, 18, 0)),
        ("1. Dez. 2027 18:00", at(2027, 12, 1, 18, 0)),
        ("morgen 12:00", at(2026, 11, 21, 12, 0)),
        ("morgen 12 Uhr", at(2026, 11, 21, 12, 0)),
        ("morgen um 12 Uhr", at(2026, 11, 21, 12, 0)),
        ("Morgen um 12", at(2026, 11, 21, 12, 0)),
        ("morgen 18.30", at(2026, 11, 21, 18, 30)),
        ("übermorgen 9 Uhr", at(2026, 11, 22, 9, 0)),
        ("uebermorgen 9 Uhr", at(2026, 11, 22, 9, 0)),
        ("ÜBERMORGEN 9 UHR", at(2026, 11, 22, 9, 0)),
        ("heute 17:00", at(2026, 11, 20, 17, 0)),
        ("heute 17:00 Uhr", at(2026, 11, 20, 17, 0)),
        ("heute 17:30h", at(2026, 11, 20, 17, 30)),
        ("Freitag 17 Uhr", at(2026, 11, 20, 17, 0)),
        ("Fr. 17:30", at(2026, 11, 20, 17, 30)),
        ("am Freitag um 17 Uhr", at(2026, 11, 20, 17, 0)),
        ("17 Uhr am Freitag", at(2026, 11, 20, 17, 0)),
        ("Donnerstag 14:00", at(2026, 11, 26, 14, 0)),
        ("nächsten Freitag 17 Uhr", at(2026, 11, 27, 17, 0)),
        ("naechsten Freitag 17 Uhr", at(2026, 11, 27, 17, 0)),
        ("übernächsten Freitag 17 Uhr", at(2026, 12, 4, 17, 0)),
        ("nächste Woche Mittwoch 10 Uhr", at(2026, 11, 25, 10, 0)),
        ("Mittwoch nächste Woche 10 Uhr", at(2026, 11, 25, 10, 0)),
        ("Freitag, den 27.11. um 14 Uhr", at(2026, 11, 27, 14, 0)),
        ("morgen, Samstag, 12 Uhr", at(2026, 11, 21, 12, 0)),
        ("in 2 Stunden", at(2026, 11, 20, 12, 0)),
        ("in 30 Minuten", at(2026, 11, 20, 10, 30)),
        ("in einer halben Stunde", at(2026, 11, 20, 10, 30)),
        ("in 1h30m", at(2026, 11, 20, 11, 30)),
        ("in 3 Tagen", at(2026, 11, 23, 10, 0)),
        ("in 1 Woche", at(2026, 11, 27, 10, 0)),
        ("in 3 Tagen um 10 Uhr", at(2026, 11, 23, 10, 0)),
        ("17 Uhr", at(2026, 11, 20, 17, 0)),
        ("um 17", at(2026, 11, 20, 17, 0)),
        ("9 Uhr", at(2026, 11, 21, 9, 0)),
        ("heute abend 8 Uhr", at(2026, 11, 20, 20, 0)),
        ("heute Mittag", at(2026, 11, 20, 12, 0)),
        ("morgen 1 Uhr mittags", at(2026, 11, 21, 13, 0)),
        ("morgen früh 7 Uhr", at(2026, 11, 21, 7, 0)),
        ("29.02. 12:00", at(2028, 2, 29, 12, 0)),
        # English
        ("tomorrow 12:00", at(2026, 11, 21, 12, 0)),
        ("tomorrow at noon", at(2026, 11, 21, 12, 0)),
        ("friday 5pm", at(2026, 11, 20, 17, 0)),
        ("next friday 5 pm", at(2026, 11, 27, 17, 0)),
        ("Thursday 2:30 p.m.", at(2026, 11, 26, 14, 30)),
        ("today 12am", at(2026, 11, 20, 0, 0)),
        ("in 2 hours", at(2026, 11, 20, 12, 0)),
        ("in half an hour", at(2026, 11, 20, 10, 30)),
        ("in 1 day", at(2026, 11, 21, 10, 0)),
        ("December 1st 6pm", at(2026, 12, 1, 18, 0)),
        ("1 December 2026 18:00", at(2026, 12, 1, 18, 0)),
    ],
)
def test_understands(text: str, expected: datetime) -> None:
    assert when(text) == expected


def test_english_am_needs_lang_en_when_followed_by_more_text() -> None:
    assert when("8 am tomorrow", lang="en") == at(2026, 11, 21, 8, 0)
    assert when("tomorrow 8 am") == at(2026, 11, 21, 8, 0)  # "am" at the end can't be German
    assert when("8am tomorrow") == at(2026, 11, 21, 8, 0)


# ------------------------------------------------------------------------------------------- decisions


def test_weekday_today_counts_while_the_time_is_ahead() -> None:
    assert when("Freitag 17 Uhr", now=at(2026, 11, 20, 10, 0)) == at(2026, 11, 20, 17, 0)
    assert when("Freitag 17 Uhr", now=at(2026, 11, 20, 18, 0)) == at(2026, 11, 27, 17, 0)
    assert when("Freitag 17 Uhr", now=at(2026, 11, 20, 17, 0)) == at(2026, 11, 27, 17, 0)


def test_naechsten_weekday_is_in_next_week_kommenden_the_first_after_today() -> None:
    assert when("nächsten Freitag 17 Uhr", now=at(2026, 11, 20, 10, 0)) == at(2026, 11, 27, 17, 0)
    assert when("nächsten Freitag 17 Uhr", now=at(2026, 11, 18, 10, 0)) == at(2026, 11, 27, 17, 0)
    assert when("kommenden Freitag 17 Uhr", now=at(2026, 11, 18, 10, 0)) == at(2026, 11, 20, 17, 0)
    assert when("kommenden Freitag 17 Uhr", now=at(2026, 11, 20, 10, 0)) == at(2026, 11, 27, 17, 0)
    assert when("nächste Woche Freitag 17 Uhr", now=at(2026, 11, 18, 10, 0)) == at(2026, 11, 27, 17, 0)


def test_time_alone_means_today_if_ahead_else_tomorrow() -> None:
    assert when("17:00", now=at(2026, 11, 20, 16, 59)) == at(2026, 11, 20, 17, 0)
    assert when("17:00", now=at(2026, 11, 20, 17, 1)) == at(2026, 11, 21, 17, 0)


def test_date_without_year_is_the_next_one_still_ahead() -> None:
    assert when("01.12. 18 Uhr", now=at(2026, 12, 2, 9, 0)) == at(2027, 12, 1, 18, 0)
    assert when("20.11. 9 Uhr") == at(2027, 11, 20, 9, 0)  # today, but 9:00 is over
    assert when("20.11. 11 Uhr") == at(2026, 11, 20, 11, 0)


def test_explicit_past_dates_are_returned_for_require_future_to_refuse() -> None:
    past = when("01.01.2026 12:00")
    assert past == at(2026, 1, 1, 12, 0)
    with pytest.raises(TimeParseError) as info:
        require_future(past, NOW)
    assert info.value.key == "past"
    assert info.value.german().startswith(
        "Der Zeitpunkt Donnerstag, 1. Januar 2026, 12:00 Uhr liegt in der Vergangenheit."
    )
    assert "`morgen 12:00`" in info.value.german()
    assert "Thursday, 1 January 2026, 12:00 is in the past" in info.value.english()
    assert require_future(at(2026, 11, 20, 10, 1), NOW) == at(2026, 11, 20, 10, 1)
    with pytest.raises(TimeParseError):
        require_future(NOW, NOW)


def test_date_without_time_is_refused_unless_the_caller_gives_a_default() -> None:
    err = error("Freitag")
    assert err.key == "missing_time"
    assert err.german() == (
        "Bei „Freitag“ fehlt die Uhrzeit. Beispiele: `morgen 12:00`, `Freitag 17 Uhr`, `01.12. 18:30`."
    )
    assert error("morgen").key == "missing_time"
    assert error("nachts").key == "missing_time"
    assert when("heute abend") == at(2026, 11, 20, 18, 0)  # a part of the day has a default hour
    assert when("morgen", default_time=time(23, 59)) == at(2026, 11, 21, 23, 59)
    assert when("bis Freitag", default_time=time(23, 59)) == at(2026, 11, 20, 23, 59)
    assert when("01.12.", default_time=time(12, 0)) == at(2026, 12, 1, 12, 0)


def test_naive_now_is_wall_clock_time_in_the_zone() -> None:
    assert parse_when("in 2 Stunden", datetime(2026, 11, 20, 10, 0), BERLIN) == at(2026, 11, 20, 12, 0)


def test_result_is_in_the_requested_zone_even_if_now_is_utc() -> None:
    now_utc = NOW.astimezone(UTC)
    assert parse_when("morgen 12:00", now_utc, BERLIN) == at(2026, 11, 21, 12, 0)


# --------------------------------------------------------------------------------------- daylight saving


@pytest.mark.parametrize(
    ("now", "text", "expected", "utc_hour_offset"),
    [
        # 2026-03-29: 02:00 CET → 03:00 CEST.
        (at(2026, 3, 29, 1, 30), "in 2 Stunden", at(2026, 3, 29, 4, 30), 2),
        (at(2026, 3, 28, 10, 0), "in 1 Tag", at(2026, 3, 29, 10, 0), 2),
        (at(2026, 3, 28, 10, 0), "morgen 10:00", at(2026, 3, 29, 10, 0), 2),
        (at(2026, 3, 28, 10, 0), "morgen 2:30", at(2026, 3, 29, 3, 30), 2),  # gap: shifted forward
        # 2026-10-25: 03:00 CEST → 02:00 CET.
        (at(2026, 10, 25, 1, 30), "in 2 Stunden", at(2026, 10, 25, 2, 30, 0).replace(fold=1), 1),
        (at(2026, 10, 24, 10, 0), "in 1 Woche", at(2026, 10, 31, 10, 0), 1),
        (at(2026, 10, 24, 10, 0), "morgen 2:30", at(2026, 10, 25, 2, 30), 2),  # twice: the first one
        (at(2026, 10, 20, 12, 0), "Montag 12 Uhr", at(2026, 10, 26, 12, 0), 1),
        # 2027-03-28 and 2027-10-31.
        (at(2027, 3, 27, 9, 0), "übermorgen 9 Uhr", at(2027, 3, 29, 9, 0), 2),
        (at(2027, 3, 28, 1, 0), "2:15", at(2027, 3, 28, 3, 15), 2),
        (at(2027, 10, 30, 18, 0), "in 1 Tag", at(2027, 10, 31, 18, 0), 1),
        (at(2027, 10, 31, 0, 30), "in 3 Stunden", at(2027, 10, 31, 2, 30), 1),
    ],
)
def test_daylight_saving(now: datetime, text: str, expected: datetime, utc_hour_offset: int) -> None:
    result = when(text, now=now)
    assert (result.year, result.month, result.day, result.hour, result.minute) == (
        expected.year, expected.month, expected.day, expected.hour, expected.minute,
    )  # fmt: skip
    assert result.utcoffset() == timedelta(hours=utc_hour_offset)


def test_hours_are_elapsed_time_across_the_autumn_change() -> None:
    start = at(2026, 10, 25, 1, 30)
    result = when("in 2 Stunden", now=start)
    assert result.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=2)
    assert (result.hour, result.minute, result.utcoffset()) == (2, 30, timedelta(hours=1))


# ---------------------------------------------------------------------------------------------- errors


def test_unknown_text_is_quoted_back_with_examples() -> None:
    err = error("nächste Wochee")
    assert isinstance(err, ValueError)
    assert err.key == "unknown"
    assert err.german() == (
        "Ich verstehe die Zeitangabe „nächste Wochee“ nicht. "
        "Beispiele: `01.12. 18 Uhr`, `morgen 12:00`, `in 2 Stunden`."
    )
    assert err.english() == (
        "I don't understand the time “nächste Wochee”. "
        "Examples: `01.12. 18:00`, `tomorrow 12:00`, `in 2 hours`."
    )
    assert str(err) == err.german()
    assert str(error("blah", lang="en")) == error("blah").english()
    copied = pickle.loads(pickle.dumps(err))
    assert (copied.key, copied.german()) == (err.key, err.german())


@pytest.mark.parametrize(
    ("text", "key", "german_part"),
    [
        ("31.02. 18 Uhr", "invalid_date", "Das Datum „31.02.“ gibt es nicht."),
        ("31.04.2027 18:00", "invalid_date", "Das Datum „31.04.2027“ gibt es nicht."),
        ("29.02.2027 12:00", "invalid_date", "Das Datum „29.02.2027“ gibt es nicht."),
        ("00.12. 18 Uhr", "invalid_date", "gibt es nicht"),
        ("2026-13-01 18:00", "invalid_date", "„2026-13-01“"),
        ("01.12.1850 18:00", "invalid_year", "Das Jahr „1850“"),
        ("morgen 25:00", "invalid_time", "Die Uhrzeit „25:00“ gibt es nicht."),
        ("morgen 24 Uhr", "invalid_time", "Die Uhrzeit „24 Uhr“ gibt es nicht."),
        ("morgen 12:60", "invalid_time", "„12:60“"),
        ("morgen 13pm", "invalid_time", "„13pm“"),
        ("nächste Woche", "vague_week", "„nächste Woche“ ist zu ungenau"),
        ("morgen übermorgen 12 Uhr", "two_dates", "zwei Tagesangaben"),
        ("01.12. in 3 Tagen 12 Uhr", "two_dates", "zwei Tagesangaben"),
        ("Freitag Samstag 12 Uhr", "two_dates", "zwei Tagesangaben"),
        ("morgen Freitag 12 Uhr", "weekday_mismatch", "Der 21.11.2026 ist ein Samstag, kein Freitag."),
        ("morgen 12:00 13:00", "two_times", "zwei Uhrzeiten"),
        ("in 2 Stunden um 10 Uhr", "relative_with_time", "passt keine Uhrzeit"),
        ("Freitag, 12.12. 14 Uhr", "weekday_mismatch", "Der 12.12.2026 ist ein Samstag, kein Freitag."),
        ("", "empty", "Da fehlt die Zeitangabe."),
        ("   ", "empty", "Da fehlt die Zeitangabe."),
        ("2h", "unknown", "„2h“"),
        ("in 0 Minuten", "duration_zero", "ist null"),
    ],
)
def test_mistakes_get_a_specific_message_with_examples(text: str, key: str, german_part: str) -> None:
    err = error(text)
    assert err.key == key
    assert german_part in err.german()
    assert "`" in err.german() and "`" in err.english()  # always shows how to write it right
    assert err.german() != err.english()


def test_long_input_is_refused_and_quoted_short() -> None:
    err = error("x" * (MAX_INPUT_CHARS + 1))
    assert err.key == "too_long"
    assert str(MAX_INPUT_CHARS) in err.german()
    err = error("morgen " + "blah " * 30)
    assert err.key == "unknown"
    assert len(err.german()) < 200


# ------------------------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 Stunden", timedelta(hours=2)),
        ("2h", timedelta(hours=2)),
        ("30 Minuten", timedelta(minutes=30)),
        ("30min", timedelta(minutes=30)),
        ("1 Tag", timedelta(days=1)),
        ("2 Tage", timedelta(days=2)),
        ("1d", timedelta(days=1)),
        ("1 Woche", timedelta(weeks=1)),
        ("90m", timedelta(minutes=90)),
        ("1h30m", timedelta(minutes=90)),
        ("1h 30m", timedelta(minutes=90)),
        ("1 Stunde und 30 Minuten", timedelta(minutes=90)),
        ("1,5 Stunden", timedelta(minutes=90)),
        ("1.5 Stunden", timedelta(minutes=90)),
        ("anderthalb Stunden", timedelta(minutes=90)),
        ("eine halbe Stunde", timedelta(minutes=30)),
        ("eine Stunde", timedelta(hours=1)),
        ("zwei Tage", timedelta(days=2)),
        ("2 hours", timedelta(hours=2)),
        ("1 day", timedelta(days=1)),
        ("an hour", timedelta(hours=1)),
        ("1 week 2 days", timedelta(days=9)),
        ("2 Std.", timedelta(hours=2)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "duration_empty"),
        ("zwei", "duration_unknown"),
        ("2 Stundenn", "duration_unknown"),
        ("30m 1h", "duration_order"),
        ("1h 1h", "duration_order"),
        ("0 Minuten", "duration_zero"),
        ("999999 Wochen", "duration_too_long"),
    ],
)
def test_duration_mistakes(text: str, key: str) -> None:
    with pytest.raises(TimeParseError) as info:
        parse_duration(text)
    assert info.value.key == key
    assert "`2 Stunden`" in info.value.german() or "`1h30m`" in info.value.german()


def test_parse_clock_accepts_only_a_time_of_day() -> None:
    assert parse_clock("14:00") == time(14, 0)
    assert parse_clock("um 9 Uhr") == time(9, 0)
    assert parse_clock("8 Uhr abends") == time(20, 0)
    assert parse_clock("2pm") == time(14, 0)
    with pytest.raises(TimeParseError):
        parse_clock("morgen 9 Uhr")
    with pytest.raises(TimeParseError):
        parse_clock("9")
    assert parse_clock("9", allow_bare_hour=True) == time(9, 0)


# ------------------------------------------------------------------------------------------ formatting


def test_format_de_and_en() -> None:
    moment = at(2026, 12, 10, 14, 0)
    assert format_de(moment) == "Donnerstag, 10. Dezember 2026, 14:00 Uhr"
    assert format_en(moment) == "Thursday, 10 December 2026, 14:00"
    assert format_de(at(2027, 3, 1, 9, 5)) == "Montag, 1. März 2027, 09:05 Uhr"
    assert format_en(at(2027, 3, 1, 9, 5)) == "Monday, 1 March 2027, 09:05"


# ------------------------------------------------------------------------------------------ properties

_VOCAB = [
    "morgen", "übermorgen", "heute", "Freitag", "nächsten", "nächste", "Woche", "in", "2", "Stunden",
    "30", "Minuten", "Tagen", "um", "am", "17", "Uhr", "12:00", "01.12.", "31.02.", "2026", "1.12",
    "18.30", "pm", "am", "Mittag", "abends", "den", "und", "1h30m", "halben", "einer", "Dezember",
    "2026-12-01", "T", ":", ".", ",", "-", "25:00", "0", "99999", "ü", "ß", "\u00a0", "１２", "٣",
]  # fmt: skip
_wordy = st.lists(st.sampled_from(_VOCAB), max_size=8).map(" ".join)
_now = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(BERLIN))


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=300), _wordy), now=_now)
def test_parse_when_raises_only_time_parse_errors(text: str, now: datetime) -> None:
    try:
        result = parse_when(text, now, BERLIN)
    except TimeParseError as err:
        assert err.german() and err.english()
    else:
        assert result.tzinfo is BERLIN


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=300), _wordy))
def test_parse_duration_raises_only_time_parse_errors(text: str) -> None:
    try:
        assert parse_duration(text) > timedelta(0)
    except TimeParseError as err:
        assert err.german() and err.english()


@settings(max_examples=20, deadline=None)
@given(chunk=st.text(min_size=1, max_size=20))
def test_huge_input_is_refused_as_too_long(chunk: str) -> None:
    # "too_long" (not some later parse error) shows the length check runs before any regex sees the text.
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    for parse in (lambda: parse_when(text, NOW, BERLIN), lambda: parse_duration(text)):
        with pytest.raises(TimeParseError) as refused:
            parse()
        assert refused.value.key == "too_long"
        assert str(MAX_INPUT_CHARS) in refused.value.german()


@settings(max_examples=200, deadline=None)
@given(now=_now, weekday=st.integers(0, 6), hour=st.integers(0, 23))
def test_weekday_is_the_next_such_day_within_a_week(now: datetime, weekday: int, hour: int) -> None:
    names = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
    result = parse_when(f"{names[weekday]} {hour} Uhr", now, BERLIN)
    assert result.weekday() == weekday
    assert now < result <= now + timedelta(days=7, hours=1)
    if exists(datetime.combine(result.date(), time(hour))):
        assert (result.hour, result.minute) == (hour, 0)


@settings(max_examples=200, deadline=None)
@given(now=_now, hours=st.integers(1, 500), days=st.integers(1, 400))
# "now" carries fold=1 and the same clock time a year later falls in the spring gap (found in CI)
@example(now=datetime(2001, 3, 2, 2, 0, fold=1, tzinfo=BERLIN), hours=1, days=394)
def test_relative_times(now: datetime, hours: int, days: int) -> None:
    in_hours = parse_when(f"in {hours} Stunden", now, BERLIN)
    assert in_hours.astimezone(UTC) - now.astimezone(UTC) == timedelta(hours=hours)
    in_days = parse_when(f"in {days} Tagen", now, BERLIN)
    local_now = now.astimezone(BERLIN)
    clock = local_now.time().replace(fold=0)
    same_time_later = datetime.combine(local_now.date() + timedelta(days=days), clock)
    if exists(same_time_later):
        assert in_days.replace(tzinfo=None) == same_time_later
    else:
        assert in_days.replace(tzinfo=None) == same_time_later + timedelta(hours=1)


@settings(max_examples=200, deadline=None)
@given(moment=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2099, 12, 31)))
def test_written_dates_read_back(moment: datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    expected = parse_when(moment.strftime("%Y-%m-%d %H:%M"), NOW, BERLIN)
    assert parse_when(moment.strftime("%d.%m.%Y %H:%M"), NOW, BERLIN) == expected
    assert parse_when(moment.strftime("%d.%m.%Y %H Uhr %M"), NOW, BERLIN) == expected
    shift = timedelta(0) if exists(moment) else timedelta(hours=1)
    assert expected.replace(tzinfo=None) == moment + shift


@settings(max_examples=200, deadline=None)
@given(weeks=st.integers(0, 3), days=st.integers(0, 6), hours=st.integers(0, 23), minutes=st.integers(0, 59))
def test_written_durations_read_back(weeks: int, days: int, hours: int, minutes: int) -> None:
    expected = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)
    parts = [f"{n}{unit}" for n, unit in ((weeks, "w"), (days, "d"), (hours, "h"), (minutes, "m")) if n]
    if not parts:
        return
    assert parse_duration("".join(parts)) == expected
    assert parse_duration(" ".join(parts)) == expected
