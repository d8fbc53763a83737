"""Times as people say them (issue 14, item 3): a table of phrases → moments, around DST changes too.

``tests/data/spoken_times_dev.tsv`` is the set the parser was developed on: every line must pass.
``tests/data/spoken_times_heldout.tsv`` was written after the parser was frozen and is only measured
(the hit rate is reported, and must not fall below what was measured when it was written).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.timeparse import TimeParseError, parse_when, require_future
from bot.timeparse.spoken import HOUR_WORDS, in_working_hours

BERLIN = ZoneInfo("Europe/Berlin")
DATA = Path(__file__).resolve().parents[1] / "data"
HELDOUT_RATE_WHEN_WRITTEN = 37 / 41


def rows(name: str) -> list[tuple[datetime, str, str]]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        now, phrase, expected = line.split("\t")
        out.append((datetime.strptime(now, "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN), phrase, expected))
    return out


def outcome(now: datetime, phrase: str) -> str:
    """What a command with a time argument makes of the phrase: the moment, or the error's key."""
    try:
        return require_future(parse_when(phrase, now, BERLIN), now).strftime("%Y-%m-%d %H:%M")
    except TimeParseError as exc:
        return "!" + exc.key


def hit(now: datetime, phrase: str, expected: str) -> bool:
    """A moment in the past is expected as the "past" refusal: understood, but not usable for a command."""
    got = outcome(now, phrase)
    if (
        not expected.startswith("!")
        and datetime.strptime(expected, "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN) <= now
    ):
        return got == "!past"  # "gestern 10 Uhr" says "liegt in der Vergangenheit", not "verstehe ich nicht"
    return got == expected


@pytest.mark.parametrize(("now", "phrase", "expected"), rows("spoken_times_dev.tsv"))
def test_development_phrases(now: datetime, phrase: str, expected: str) -> None:
    assert hit(now, phrase, expected), outcome(now, phrase)


def test_held_out_phrases_hit_rate() -> None:
    table = rows("spoken_times_heldout.tsv")
    hits = sum(hit(now, phrase, expected) for now, phrase, expected in table)
    assert hits / len(table) >= HELDOUT_RATE_WHEN_WRITTEN, f"{hits}/{len(table)}"


def test_yesterday_says_past_not_unknown() -> None:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
    with pytest.raises(TimeParseError) as info:
        require_future(parse_when("gestern 10 Uhr", now, BERLIN), now)
    assert info.value.key == "past"
    assert info.value.german().startswith("Der Zeitpunkt Sonntag, 22. November 2026, 10:00 Uhr liegt in der")


def test_spring_gap_and_autumn_fold_keep_wall_clock_for_spoken_times() -> None:
    saturday = datetime(2027, 3, 27, 12, 0, tzinfo=BERLIN)
    sunday = parse_when("morgen um halb drei", saturday, BERLIN)
    assert sunday.utcoffset() == timedelta(hours=2) and (sunday.hour, sunday.minute) == (14, 30)
    autumn = parse_when("morgen um halb drei", datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN), BERLIN)
    assert autumn.utcoffset() == timedelta(hours=1) and (autumn.hour, autumn.minute) == (14, 30)


@given(st.sampled_from(sorted(HOUR_WORDS)), st.sampled_from(["halb", "viertel nach", "viertel vor", "um"]))
def test_a_spoken_hour_without_part_of_day_lies_in_working_hours(word: str, form: str) -> None:
    now = datetime(2026, 11, 23, 6, 0, tzinfo=BERLIN)
    got = parse_when(f"morgen {form} {word}", now, BERLIN)
    assert 7 <= got.hour < 19, got  # "halb eins" is 12:30, "viertel vor sieben" 18:45, "um sieben" 07:00


@given(st.integers(0, 23), st.integers(0, 59))
def test_working_hours_rule_picks_the_reading_between_seven_and_nineteen(hour: int, minute: int) -> None:
    picked = in_working_hours(hour % 12, minute)
    assert picked in (hour % 12, hour % 12 + 12)
    if 7 <= hour % 12 + 12 < 19 or 7 <= hour % 12 < 19:
        assert 7 <= picked < 19
