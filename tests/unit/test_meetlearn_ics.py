"""Calendar files as Outlook and Thunderbird read them: parsed back with the ``icalendar`` package."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.meetlearn.ics import CalEvent, calendar, escape_text, fold_line

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
LINK = "https://meet.jit.si/MeetAndLearn-abc123"


def at(*args: int, tz: ZoneInfo = BERLIN) -> datetime:
    return datetime(*args, tzinfo=tz)  # type: ignore[misc]


def single(**kw: object) -> CalEvent:
    values: dict[str, object] = {
        "uid": "meetlearn-1@lotsenbot",
        "start": at(2026, 12, 10, 14, 0),
        "duration": timedelta(minutes=60),
        "summary": "Meet and Learn: Dokumentenmanagement",
        "description": "Referent·in: Team Personal & IT",
        "url": LINK,
    }
    values.update(kw)
    return CalEvent(**values)  # type: ignore[arg-type]


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events(data: bytes) -> list[icalendar.Event]:
    return list(parse(data).walk("VEVENT"))


# ------------------------------------------------------------------------------------------- structure


def test_single_event_round_trips_with_uid_tzid_duration_url_location() -> None:
    data = calendar([single()], BERLIN, NOW)
    [ev] = events(data)
    assert str(ev["UID"]) == "meetlearn-1@lotsenbot"
    start = ev["DTSTART"]
    assert start.params["TZID"] == "Europe/Berlin"
    assert start.dt == at(2026, 12, 10, 14, 0) and start.dt.utcoffset() == timedelta(hours=1)
    assert ev["DTEND"].dt - start.dt == timedelta(minutes=60)
    assert str(ev["URL"]) == LINK and str(ev["LOCATION"]) == LINK
    assert str(ev["SUMMARY"]) == "Meet and Learn: Dokumentenmanagement"
    assert str(ev["DESCRIPTION"]) == "Referent·in: Team Personal & IT"
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert ev["DTSTAMP"].dt == NOW
    cal = parse(data)
    assert str(cal["VERSION"]) == "2.0" and "Lotsenbot" in str(cal["PRODID"])
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_lines_end_in_crlf_and_are_at_most_75_octets() -> None:
    long = single(summary="Meet and Learn: " + "Übergabe von Akten an das Stadtarchiv, Teil ä ö ü ß " * 6,
                  description="Zeile eins\nZeile zwei; mit Komma, und Backslash \\ " * 10)  # fmt: skip
    data = calendar([long], BERLIN, NOW)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    data.decode("utf-8")  # folding never splits a multi-byte character
    for line in data.split(b"\r\n"):
        line.decode("utf-8")
    [ev] = events(data)
    assert str(ev["SUMMARY"]) == long.summary
    assert str(ev["DESCRIPTION"]) == long.description


def test_escaping_of_text_values() -> None:
    assert escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    assert escape_text("x\r\ny\rz") == "x\\ny\\nz"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=300))
def test_folding_keeps_content_and_limit(text: str) -> None:
    line = "DESCRIPTION:" + text
    folded = fold_line(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == line


def test_series_with_rrule_exdate_and_override() -> None:
    uid = "meetlearn-series-1@lotsenbot"
    master = single(uid=uid, start=at(2026, 10, 8, 14, 0), rrule="FREQ=MONTHLY;BYDAY=2TH",
                    exdates=(at(2026, 11, 12, 14, 0), at(2027, 1, 14, 14, 0)))  # fmt: skip
    moved = single(uid=uid, start=at(2026, 12, 11, 15, 0), recurrence_id=at(2026, 12, 10, 14, 0), sequence=2,
                   summary="Meet and Learn: E-Akte")  # fmt: skip
    data = calendar([master, moved], BERLIN, NOW)
    first, override = events(data)
    assert str(first["UID"]) == str(override["UID"]) == uid
    rrule = first["RRULE"]
    assert rrule["FREQ"] == ["MONTHLY"] and rrule["BYDAY"] == ["2TH"]
    exdates = [d.dt for group in [first["EXDATE"]] for d in group.dts]
    assert exdates == [at(2026, 11, 12, 14, 0), at(2027, 1, 14, 14, 0)]
    assert first["EXDATE"].params["TZID"] == "Europe/Berlin"
    assert override["RECURRENCE-ID"].dt == at(2026, 12, 10, 14, 0)
    assert override["RECURRENCE-ID"].params["TZID"] == "Europe/Berlin"
    assert override["DTSTART"].dt == at(2026, 12, 11, 15, 0)
    assert int(override["SEQUENCE"]) == 2


def test_cancelled_event_is_marked() -> None:
    [ev] = events(calendar([single(cancelled=True, sequence=1)], BERLIN, NOW))
    assert str(ev["STATUS"]) == "CANCELLED" and int(ev["SEQUENCE"]) == 1


# ------------------------------------------------------------------------------------------- VTIMEZONE


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Europe/London", "America/New_York", "Australia/Sydney",
                                  "Asia/Tokyo"])  # fmt: skip
def test_vtimezone_matches_the_zone_on_both_sides_of_each_change(zone: str) -> None:
    tz = ZoneInfo(zone)
    data = calendar([single(start=datetime(2026, 6, 1, 14, 0, tzinfo=tz))], tz, NOW)
    [vtz] = parse(data).walk("VTIMEZONE")
    own = vtz.to_tz(lookup_tzid=False)  # built from our VTIMEZONE alone, not from the name
    for year in (2026, 2027, 2030):
        for month in range(1, 13):
            for day in (1, 15, 28):
                moment = datetime(year, month, day, 12, 0)
                assert own.utcoffset(moment) == moment.replace(tzinfo=tz).utcoffset(), (zone, moment)


def test_berlin_vtimezone_uses_the_eu_rule() -> None:
    text = calendar([single()], BERLIN, NOW).decode()
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in text
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in text
    assert "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200" in text


def test_times_across_dst_are_written_as_local_wall_clock() -> None:
    before = single(uid="a", start=at(2026, 10, 22, 14, 0))
    after = single(uid="b", start=at(2026, 10, 29, 14, 0))
    spring = single(uid="c", start=at(2027, 4, 1, 14, 0))
    text = calendar([before, after, spring], BERLIN, NOW).decode()
    assert "DTSTART;TZID=Europe/Berlin:20261022T140000" in text
    assert "DTSTART;TZID=Europe/Berlin:20261029T140000" in text
    assert "DTSTART;TZID=Europe/Berlin:20270401T140000" in text
    by_uid = {str(e["UID"]): e["DTSTART"].dt.astimezone(UTC).hour for e in events(text.encode())}
    assert by_uid == {"a": 12, "b": 13, "c": 12}
