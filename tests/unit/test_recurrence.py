"""Recurring Meet-and-Learn dates: what people type, when the sessions happen, and what iCalendar sees."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, pairwise
from types import GeneratorType
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.meetlearn.recurrence import LAST, Frequency, Rule, RuleParseError, parse_rule

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 10, 1, 10, 0, tzinfo=BERLIN)  # a Thursday


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


WEDNESDAY_13 = Rule(frequency=Frequency.WEEKLY, local_time=time(13), weekday=2)


def rule_error(text: str, lang: str = "de") -> RuleParseError:
    with pytest.raises(RuleParseError) as info:
        parse_rule(text, lang)
    return info.value


# ------------------------------------------------------------------------------------ the brief's examples

EXAMPLES = [
    (
        "jeden 2. Donnerstag 14:00",
        "FREQ=MONTHLY;BYDAY=2TH",
        "jeden 2. Donnerstag im Monat um 14:00 Uhr",
        [at(2026, 10, 8, 14, 0), at(2026, 11, 12, 14, 0), at(2026, 12, 10, 14, 0)],
    ),
    (
        "jeden zweiten Donnerstag 14 Uhr",
        "FREQ=MONTHLY;BYDAY=2TH",
        "jeden 2. Donnerstag im Monat um 14:00 Uhr",
        [at(2026, 10, 8, 14, 0), at(2026, 11, 12, 14, 0), at(2026, 12, 10, 14, 0)],
    ),
    (
        "jeden letzten Dienstag 10 Uhr",
        "FREQ=MONTHLY;BYDAY=-1TU",
        "jeden letzten Dienstag im Monat um 10:00 Uhr",
        [at(2026, 10, 27, 10, 0), at(2026, 11, 24, 10, 0), at(2026, 12, 29, 10, 0)],
    ),
    (
        "monatlich am 15. um 9:30",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "monatlich am 15. um 09:30 Uhr",
        [at(2026, 10, 15, 9, 30), at(2026, 11, 15, 9, 30), at(2026, 12, 15, 9, 30)],
    ),
    (
        "wöchentlich Mittwoch 13:00",
        "FREQ=WEEKLY;BYDAY=WE",
        "jeden Mittwoch um 13:00 Uhr",
        [at(2026, 10, 7, 13, 0), at(2026, 10, 14, 13, 0), at(2026, 10, 21, 13, 0)],
    ),
    (
        "jeden Mittwoch 13 Uhr",
        "FREQ=WEEKLY;BYDAY=WE",
        "jeden Mittwoch um 13:00 Uhr",
        [at(2026, 10, 7, 13, 0), at(2026, 10, 14, 13, 0), at(2026, 10, 21, 13, 0)],
    ),
    (
        "alle 2 Wochen Montag 10:00",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        "alle 2 Wochen am Montag um 10:00 Uhr",
        [at(2026, 10, 5, 10, 0), at(2026, 10, 19, 10, 0), at(2026, 11, 2, 10, 0)],
    ),
    (
        "jeden 1. Montag im Monat 9 Uhr",
        "FREQ=MONTHLY;BYDAY=1MO",
        "jeden 1. Montag im Monat um 09:00 Uhr",
        [at(2026, 10, 5, 9, 0), at(2026, 11, 2, 9, 0), at(2026, 12, 7, 9, 0)],
    ),
]


@pytest.mark.parametrize(("text", "rrule", "german", "first_three"), EXAMPLES)
def test_examples(text: str, rrule: str, german: str, first_three: list[datetime]) -> None:
    rule = parse_rule(text)
    assert rule.to_rrule() == rrule
    assert rule.describe_de() == german
    assert rule.occurrences(NOW, BERLIN, 3) == first_three


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jeden Mittwoch um 13 Uhr", Rule(frequency=Frequency.WEEKLY, local_time=time(13), weekday=2)),
        ("mittwochs 13 Uhr", Rule(frequency=Frequency.WEEKLY, local_time=time(13), weekday=2)),
        ("woechentlich am Mittwoch 13:00", Rule(frequency=Frequency.WEEKLY, local_time=time(13), weekday=2)),
        ("jeden Mittwoch 13", Rule(frequency=Frequency.WEEKLY, local_time=time(13), weekday=2)),
        ("jeden Mittwoch 1 Uhr nachmittags", WEDNESDAY_13),
        (
            "alle zwei Wochen am Montag 10 Uhr",
            Rule(frequency=Frequency.WEEKLY, local_time=time(10), weekday=0, interval=2),
        ),
        ("14-tägig Montag 10:00", replace(WEDNESDAY_13, local_time=time(10), weekday=0, interval=2)),
        (
            "jeden dritten Freitag im Monat 16:30",
            Rule(frequency=Frequency.MONTHLY, local_time=time(16, 30), weekday=4, ordinal=3),
        ),
        (
            "am letzten Freitag des Monats um 16 Uhr",
            Rule(frequency=Frequency.MONTHLY, local_time=time(16), weekday=4, ordinal=LAST),
        ),
        (
            "monatlich am letzten Tag um 9:30",
            Rule(frequency=Frequency.MONTHLY, local_time=time(9, 30), day_of_month=LAST),
        ),
        ("am 1. jedes Monats 8 Uhr", Rule(frequency=Frequency.MONTHLY, local_time=time(8), day_of_month=1)),
        (
            "alle 3 Monate am 15. um 9:30",
            Rule(frequency=Frequency.MONTHLY, local_time=time(9, 30), day_of_month=15, interval=3),
        ),
        (
            "quartalsweise am 1. Montag 9 Uhr",
            Rule(frequency=Frequency.MONTHLY, local_time=time(9), weekday=0, ordinal=1, interval=3),
        ),
        # English
        ("every wednesday 1pm", Rule(frequency=Frequency.WEEKLY, local_time=time(13), weekday=2)),
        (
            "every other monday at 10am",
            Rule(frequency=Frequency.WEEKLY, local_time=time(10), weekday=0, interval=2),
        ),
        (
            "every 2nd Thursday of the month at 14:00",
            Rule(frequency=Frequency.MONTHLY, local_time=time(14), weekday=3, ordinal=2),
        ),
        (
            "every last tuesday 10:00",
            Rule(frequency=Frequency.MONTHLY, local_time=time(10), weekday=1, ordinal=LAST),
        ),
        (
            "monthly on the 15th at 9:30",
            Rule(frequency=Frequency.MONTHLY, local_time=time(9, 30), day_of_month=15),
        ),
    ],
)
def test_other_spellings(text: str, expected: Rule) -> None:
    assert parse_rule(text) == expected


def test_jeden_zweiten_donnerstag_is_read_as_the_second_of_the_month_and_says_so() -> None:
    rule = parse_rule("jeden zweiten Donnerstag 14 Uhr")
    assert (rule.frequency, rule.ordinal, rule.interval) == (Frequency.MONTHLY, 2, 1)
    assert rule.describe_de() == "jeden 2. Donnerstag im Monat um 14:00 Uhr"
    assert rule.describe_en() == "every 2nd Thursday of the month at 14:00"
    biweekly = parse_rule("alle 2 Wochen Donnerstag 14 Uhr")
    assert biweekly.describe_de() == "alle 2 Wochen am Donnerstag um 14:00 Uhr"


@pytest.mark.parametrize(
    ("rule", "german", "english"),
    [
        (
            Rule(frequency=Frequency.WEEKLY, local_time=time(13), weekday=2),
            "jeden Mittwoch um 13:00 Uhr",
            "every Wednesday at 13:00",
        ),
        (
            Rule(frequency=Frequency.MONTHLY, local_time=time(10), weekday=1, ordinal=LAST),
            "jeden letzten Dienstag im Monat um 10:00 Uhr",
            "every last Tuesday of the month at 10:00",
        ),
        (
            Rule(frequency=Frequency.MONTHLY, local_time=time(9, 30), day_of_month=LAST),
            "monatlich am letzten Tag um 09:30 Uhr",
            "monthly on the last day at 09:30",
        ),
        (
            Rule(frequency=Frequency.MONTHLY, local_time=time(9, 30), day_of_month=22, interval=2),
            "alle 2 Monate am 22. um 09:30 Uhr",
            "every 2 months on the 22nd at 09:30",
        ),
        (
            Rule(frequency=Frequency.WEEKLY, local_time=time(10), weekday=0, interval=3),
            "alle 3 Wochen am Montag um 10:00 Uhr",
            "every 3 weeks on Monday at 10:00",
        ),
    ],
)
def test_descriptions(rule: Rule, german: str, english: str) -> None:
    assert rule.describe_de() == german
    assert rule.describe_en() == english


# --------------------------------------------------------------------------------------- daylight saving


def test_weekly_time_stays_local_across_both_changes() -> None:
    rule = parse_rule("jeden Mittwoch 14:00")
    autumn = rule.occurrences(at(2026, 10, 14, 15, 0), BERLIN, 2)
    assert autumn == [at(2026, 10, 21, 14, 0), at(2026, 10, 28, 14, 0)]
    assert [o.utcoffset() for o in autumn] == [timedelta(hours=2), timedelta(hours=1)]
    spring = rule.occurrences(at(2027, 3, 20), BERLIN, 2)
    assert spring == [at(2027, 3, 24, 14, 0), at(2027, 3, 31, 14, 0)]
    assert [o.utcoffset() for o in spring] == [timedelta(hours=1), timedelta(hours=2)]
    # 14:00 local is 12:00 UTC in summer and 13:00 UTC in winter
    assert [o.astimezone(UTC).hour for o in autumn] == [12, 13]


def test_series_on_the_change_sundays_themselves() -> None:
    rule = parse_rule("jeden letzten Sonntag 14:00")
    got = rule.occurrences(at(2026, 3, 1), BERLIN, 20)
    change_days = {date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28), date(2027, 10, 31)}
    assert change_days <= {o.date() for o in got}
    assert all((o.hour, o.minute) == (14, 0) for o in got)
    offsets = {o.date(): o.utcoffset() for o in got}
    assert offsets[date(2026, 3, 29)] == offsets[date(2027, 3, 28)] == timedelta(hours=2)
    assert offsets[date(2026, 10, 25)] == offsets[date(2027, 10, 31)] == timedelta(hours=1)


def test_gap_time_moves_forward_and_repeated_time_takes_the_first() -> None:
    rule = parse_rule("jeden letzten Sonntag 2:30")
    got = {o.date(): o for o in rule.occurrences(at(2026, 3, 1), BERLIN, 20)}
    for spring in (date(2026, 3, 29), date(2027, 3, 28)):
        assert (got[spring].hour, got[spring].minute, got[spring].utcoffset()) == (3, 30, timedelta(hours=2))
    for autumn in (date(2026, 10, 25), date(2027, 10, 31)):
        assert (got[autumn].hour, got[autumn].minute, got[autumn].utcoffset()) == (2, 30, timedelta(hours=2))
    assert (got[date(2026, 4, 26)].hour, got[date(2026, 4, 26)].minute) == (2, 30)


# ------------------------------------------------------------------------------------------ occurrences


def test_occurrences_are_strictly_after_and_lazy() -> None:
    rule = parse_rule("jeden Mittwoch 13 Uhr")
    first = rule.occurrences(NOW, BERLIN, 1)[0]
    assert rule.occurrences(first, BERLIN, 1)[0] == first + timedelta(weeks=1)
    assert rule.occurrences(NOW, BERLIN, 0) == []
    with pytest.raises(ValueError):
        rule.occurrences(NOW, BERLIN, -1)
    generator = rule.iter_occurrences(NOW, BERLIN)
    assert isinstance(generator, GeneratorType)
    many = list(islice(generator, 5000))
    assert len(many) == 5000
    assert all(a < b for a, b in pairwise(many))


def test_naive_after_is_wall_clock_time() -> None:
    rule = parse_rule("jeden Mittwoch 13 Uhr")
    assert rule.occurrences(datetime(2026, 10, 7, 12, 59), BERLIN, 1) == [at(2026, 10, 7, 13, 0)]


def test_interval_series_is_anchored_by_start() -> None:
    rule = replace(parse_rule("alle 2 Wochen Montag 10:00"), start=date(2026, 10, 5))
    from_start = rule.occurrences(at(2026, 10, 1), BERLIN, 6)
    later = rule.occurrences(at(2026, 10, 20), BERLIN, 4)
    assert later == from_start[2:]
    far_later = rule.occurrences(at(2036, 10, 20), BERLIN, 1)[0]
    assert (far_later.date() - date(2026, 10, 5)).days % 14 == 0
    monthly = replace(parse_rule("alle 3 Monate am 15. um 9:30"), start=date(2026, 11, 1))
    assert monthly.occurrences(at(2026, 10, 1), BERLIN, 3) == [
        at(2026, 11, 15, 9, 30), at(2027, 2, 15, 9, 30), at(2027, 5, 15, 9, 30),
    ]  # fmt: skip


def test_interval_series_without_start_begins_with_the_next_occurrence() -> None:
    rule = parse_rule("alle 2 Monate am 15. um 9:30")
    assert rule.occurrences(at(2026, 10, 20), BERLIN, 2) == [at(2026, 11, 15, 9, 30), at(2027, 1, 15, 9, 30)]
    weekly = parse_rule("alle 2 Wochen Montag 10:00")
    expected = [at(2026, 10, 12, 10), at(2026, 10, 26, 10)]
    assert weekly.occurrences(at(2026, 10, 5, 11, 0), BERLIN, 2) == expected


# -------------------------------------------------------------------------------------- RRULE / icalendar


@pytest.mark.parametrize(("text", "rrule", "german", "first_three"), EXAMPLES)
def test_rrule_survives_icalendar_and_from_rrule(
    text: str, rrule: str, german: str, first_three: list[datetime]
) -> None:
    icalendar = pytest.importorskip("icalendar")
    rule = parse_rule(text)
    recur = icalendar.vRecur.from_ical(rule.to_rrule())
    assert recur["FREQ"] == [str(rule.frequency)]
    assert recur.get("INTERVAL", [1]) == [rule.interval]
    if rule.day_of_month is not None:
        assert recur["BYMONTHDAY"] == [rule.day_of_month]
    else:
        assert [str(d) for d in recur["BYDAY"]] == [rule.to_rrule().rpartition("BYDAY=")[2]]
    assert recur.to_ical().decode() == rrule
    assert Rule.from_rrule(recur.to_ical().decode(), rule.local_time) == rule


_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def reference_expand(rrule: str, dtstart: datetime, after: datetime, count: int) -> list[datetime]:
    """RFC 5545 by brute force: test every day from DTSTART against the parsed RRULE fields."""
    import icalendar

    recur = icalendar.vRecur.from_ical(rrule)
    freq, interval = recur["FREQ"][0], int(recur.get("INTERVAL", [1])[0])
    byday = [str(d) for d in recur.get("BYDAY", [])]
    bymonthday = [int(d) for d in recur.get("BYMONTHDAY", [])]
    start = dtstart.date()
    found: list[datetime] = []
    day = start
    while len(found) < count:
        next_month = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        last_day = (next_month - timedelta(days=1)).day
        if freq == "WEEKLY":
            week = (day - (start - timedelta(days=start.weekday()))).days // 7
            match = week % interval == 0 and _ICAL_DAYS[day.weekday()] in byday
        else:
            months = (day.year - start.year) * 12 + day.month - start.month
            match = months % interval == 0
            for spec in byday:
                nth, weekday = (int(spec[:-2]) if spec[:-2] else 0), spec[-2:]
                nth_here = (day.day - 1) // 7 + 1 if nth > 0 else -((last_day - day.day) // 7 + 1)
                match = match and _ICAL_DAYS[day.weekday()] == weekday and nth_here == nth
            for n in bymonthday:
                match = match and day.day == (n if n > 0 else last_day + 1 + n)
        if match:
            # RFC 5545 3.3.5: a local time in a gap uses the offset from before the gap.
            moment = datetime.combine(day, dtstart.time(), tzinfo=BERLIN).astimezone(UTC).astimezone(BERLIN)
            if moment > after:
                found.append(moment)
        day += timedelta(days=1)
    return found


_rules = st.one_of(
    st.builds(
        lambda wd, t, n: Rule(frequency=Frequency.WEEKLY, local_time=t, weekday=wd, interval=n),
        st.integers(0, 6), st.times().map(lambda t: t.replace(second=0, microsecond=0)), st.integers(1, 5),
    ),
    st.builds(
        lambda wd, o, t, n: Rule(
            frequency=Frequency.MONTHLY, local_time=t, weekday=wd, ordinal=o, interval=n
        ),
        st.integers(0, 6), st.sampled_from([1, 2, 3, 4, LAST]),
        st.times().map(lambda t: t.replace(second=0, microsecond=0)), st.integers(1, 4),
    ),
    st.builds(
        lambda d, t, n: Rule(frequency=Frequency.MONTHLY, local_time=t, day_of_month=d, interval=n),
        st.sampled_from([*range(1, 29), LAST]),
        st.times().map(lambda t: t.replace(second=0, microsecond=0)), st.integers(1, 4),
    ),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(rule=_rules, begin=st.dates(date(2026, 1, 1), date(2027, 12, 31)), skip=st.integers(0, 5))
def test_occurrences_match_an_independent_rrule_expansion(rule: Rule, begin: date, skip: int) -> None:
    pytest.importorskip("icalendar")
    begin_at = datetime.combine(begin, time(0), tzinfo=BERLIN)
    first = replace(rule, interval=1).occurrences(begin_at, BERLIN, 1)[0]
    anchored = replace(rule, start=first.date())
    dtstart = datetime.combine(first.date(), rule.local_time, tzinfo=BERLIN)
    after = first + timedelta(days=skip * 9)
    assert anchored.occurrences(after, BERLIN, 8) == reference_expand(rule.to_rrule(), dtstart, after, 8)


@settings(max_examples=200, deadline=None)
@given(rule=_rules)
def test_descriptions_read_back_to_the_same_rule(rule: Rule) -> None:
    assert parse_rule(rule.describe_de()) == rule
    assert parse_rule(rule.describe_en(), "en") == rule
    assert Rule.from_rrule(rule.to_rrule(), rule.local_time) == rule


# ---------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("text", "key", "german_part"),
    [
        ("jeden Mittwoch", "missing_time", "Bei „jeden Mittwoch“ fehlt die Uhrzeit."),
        ("monatlich am 15.", "missing_time", "fehlt die Uhrzeit"),
        ("monatlich am 15", "missing_time", "fehlt die Uhrzeit"),
        ("jeden Mittwoch 25:00", "invalid_time", "Die Uhrzeit „25:00“ gibt es nicht."),
        ("jeden 5. Donnerstag 14:00", "ordinal_range", "Einen 5. Donnerstag gibt es nicht in jedem Monat."),
        ("jeden fünften Freitag 14:00", "ordinal_range", "`jeden letzten Freitag 14:00`"),
        ("monatlich am 31. um 9:30", "day_short_month", "Nicht jeder Monat hat einen 31. Tag"),
        ("monatlich am 29. um 9:30", "day_short_month", "`monatlich am letzten Tag um 9:30`"),
        ("monatlich am 32. um 9:30", "day_range", "Einen 32. Tag gibt es in keinem Monat."),
        ("alle 0 Wochen Montag 10:00", "interval_range", "Der Abstand „0“ passt nicht"),
        ("alle 60 Wochen Montag 10:00", "interval_range", "„60“"),
        ("alle 13 Monate am 1. um 10:00", "interval_range", "„13“"),
        ("jeden Tag 10 Uhr", "unknown", "Ich verstehe die Wiederholung „jeden Tag 10 Uhr“ nicht."),
        ("Mittwoch 13 Uhr", "unknown", "`jeden Mittwoch 13 Uhr`"),
        ("nächste Wochee", "unknown", "„nächste Wochee“"),
        ("", "empty", "Da fehlt die Wiederholung."),
        ("x" * 300, "too_long", "zu lang"),
    ],
)
def test_bad_rules_get_specific_messages_with_examples(text: str, key: str, german_part: str) -> None:
    err = rule_error(text)
    assert isinstance(err, ValueError)
    assert err.key == key
    assert german_part in err.german()
    assert "`" in err.german() and "`" in err.english()
    assert str(err) == err.german()


def test_english_messages() -> None:
    err = rule_error("every wednesday", "en")
    assert str(err) == err.english()
    assert err.english() == (
        "“every wednesday” has no time of day. Examples: `every Wednesday 13:00`, "
        "`every last Tuesday 10:00`, `monthly on the 15th at 9:30`."
    )
    assert "Einen 5. Donnerstag" in rule_error("every 5th thursday 14:00").german()
    assert "Not every month has a 5. Thursday" in rule_error("every 5th thursday 14:00").english()


def test_rule_refuses_impossible_fields() -> None:
    assert Rule(frequency="WEEKLY", local_time=time(13), weekday=2) == WEDNESDAY_13  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Rule(frequency=Frequency.MONTHLY, local_time=time(9), day_of_month=31)
    with pytest.raises(ValueError):
        Rule(frequency=Frequency.WEEKLY, local_time=time(9))
    with pytest.raises(ValueError):
        Rule(frequency=Frequency.MONTHLY, local_time=time(9), weekday=1, ordinal=5)
    with pytest.raises(ValueError):
        Rule.from_rrule("FREQ=DAILY", time(9))
    with pytest.raises(ValueError):
        Rule.from_rrule("FREQ=MONTHLY;BYDAY=2TH;BYSETPOS=1", time(9))


# ------------------------------------------------------------------------------------------ robustness

_VOCAB = [
    "jeden", "jede", "alle", "monatlich", "wöchentlich", "2.", "zweiten", "letzten", "Donnerstag",
    "Mittwochs", "im", "Monat", "am", "um", "14:00", "13", "Uhr", "Wochen", "Monate", "15.", "31.",
    "Tag", "every", "other", "month", "the", "of", "15th", "pm", "0", "99", "-", ".", ":", "ü", "\u00a0",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=300), st.lists(st.sampled_from(_VOCAB), max_size=9).map(" ".join)))
def test_parse_rule_raises_only_rule_parse_errors(text: str) -> None:
    try:
        rule = parse_rule(text)
    except RuleParseError as err:
        assert err.german() and err.english()
    else:
        assert len(rule.occurrences(NOW, BERLIN, 3)) == 3


@settings(max_examples=20, deadline=None)
@given(chunk=st.text(min_size=1, max_size=20))
def test_huge_input_is_refused_as_too_long(chunk: str) -> None:
    # "too_long" (not some later parse error) shows the length check runs before any regex sees the text.
    text = (chunk * (100_000 // len(chunk) + 1))[:100_000]
    with pytest.raises(RuleParseError) as refused:
        parse_rule(text)
    assert refused.value.key == "too_long"
