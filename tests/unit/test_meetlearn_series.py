"""Meet and Learn series: changes to single dates reach the room, the end of a series, ``!meet`` as a full
alias, and a series that keeps going after a long downtime.

Same setup as ``test_meetlearn``: fake messenger, real SQLite, the fake clock starts on Monday,
23 November 2026, 10:00 in Berlin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import func, select

from bot.framework import registry
from commands import load_all
from commands.meetlearn.recurrence import Rule, parse_rule
from storage.meetlearn import MeetSeries, MeetSession
from storage.models import ScheduledJob
from tests.support.fake import Harness, Sent

BERLIN = ZoneInfo("Europe/Berlin")
ROOM = "!team:test"
COORD = "@koordination:test"
LOTSE = "@lotse:test"
LOTSIN = "@lotsin:test"

MONTHLY = '!meetlearn serie "jeden 2. Donnerstag 14:00" "Meet and Learn"'  # 10.12., 14.01., 11.02.
WEEKLY = '!meetlearn serie "wöchentlich Mittwoch 13:00" "Mittagsrunde"'  # 25.11., 02.12., 09.12., …


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.room(ROOM, [COORD, LOTSE, LOTSIN], power={COORD: 100})
    yield harness
    await harness.close()


# -------------------------------------------------------------------------------------------- helpers


async def send(h: Harness, sender: str, body: str) -> list[Sent]:
    """Everything the bot sent for one message (text and files), in order."""
    before = len(h.messenger.sent)
    await h.say(ROOM, sender, body)
    return h.messenger.sent[before:]


def texts(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.content.get("msgtype") in ("m.text", "m.notice")]


def calendar_of(sent: Sent, h: Harness) -> icalendar.Calendar:
    assert sent.content["msgtype"] == "m.file" and sent.content["info"]["mimetype"] == "text/calendar"
    url = sent.content.get("url") or sent.content["file"]["url"]
    data = h.messenger.uploads[int(url.rsplit("/", 1)[1]) - 1][2]
    return icalendar.Calendar.from_ical(data)


def is_room_message(sent: Sent) -> bool:
    """Posted to the room for everyone, not a reply to the command."""
    return sent.room_id == ROOM and "m.relates_to" not in sent.content


async def pending_jobs(h: Harness, kind: str | None = None) -> list[ScheduledJob]:
    async with h.db.transaction() as s:
        q = select(ScheduledJob).where(ScheduledJob.status == "pending").order_by(ScheduledJob.due_at)
        q = q.where(ScheduledJob.kind != "undo.offer")  # the one-word undo of a creation, not a reminder
        if kind:
            q = q.where(ScheduledJob.kind == kind)
        return list((await s.execute(q)).scalars())


async def fire_due(h: Harness) -> None:
    """Fire every pending job that is due at the clock's time, in due order (as after ``rebuild()``)."""
    while due := [j for j in await pending_jobs(h) if j.due_at <= h.clock()]:
        await h.scheduler.fire(due[0].id)


async def run_until(h: Harness, moment: datetime) -> list[Sent]:
    """Move the clock to ``moment``, firing every job that becomes due on the way, in time order."""
    before = len(h.messenger.sent)
    while due := [j for j in await pending_jobs(h) if j.due_at <= moment]:
        h.clock.current = max(h.clock.current, due[0].due_at)
        await h.scheduler.fire(due[0].id)
    h.clock.current = max(h.clock.current, moment.astimezone(UTC))
    return h.messenger.sent[before:]


async def sessions(h: Harness, *where: Any) -> list[MeetSession]:
    async with h.db.transaction() as s:
        q = select(MeetSession).where(*where).order_by(MeetSession.starts_at)
        return list((await s.execute(q)).unique().scalars())


async def count(h: Harness, model: Any) -> int:
    async with h.db.transaction() as s:
        return int((await s.execute(select(func.count()).select_from(model))).scalar_one())


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# ------------------------------------------------------------ changing a series date before its announcement


async def test_cancelling_an_unannounced_series_date_tells_the_room_with_exdate(h: Harness) -> None:
    await h.say(ROOM, COORD, MONTHLY)
    await h.say(ROOM, LOTSE, "!dabei 2")
    notice, ics = await send(h, COORD, "!meetlearn absagen 2")
    assert is_room_message(notice)
    assert notice.body.startswith(
        "❌ **Abgesagt:** Das Meet and Learn **Meet and Learn** (#2) am Donnerstag, 14. Januar 2027, "
        "14:00 Uhr fällt aus."
    )
    assert "Die Reihe #1 geht weiter: nächster Termin #3 am Donnerstag, 11. Februar 2027, 14:00 Uhr." in (
        notice.body
    )
    assert notice.content["m.mentions"] == {"user_ids": [LOTSE]}
    [master] = calendar_of(ics, h).walk("VEVENT")
    assert master["RRULE"]["BYDAY"] == ["2TH"]
    assert [d.dt for d in master["EXDATE"].dts] == [berlin(2027, 1, 14, 14, 0)]
    assert int(master["SEQUENCE"]) == 1
    # The cancelled date is replaced, its jobs are gone.
    assert [s.starts_at for s in await sessions(h, MeetSession.status == "scheduled")] == [
        berlin(2026, 12, 10, 14, 0), berlin(2027, 2, 11, 14, 0), berlin(2027, 3, 11, 14, 0),
    ]  # fmt: skip
    assert not [j for j in await pending_jobs(h) if j.payload.get("session_id") == 2]


async def test_moving_an_unannounced_series_date_tells_the_room_with_an_override(h: Harness) -> None:
    await h.say(ROOM, COORD, MONTHLY)
    notice, ics = await send(h, COORD, "!meetlearn verschieben 2 15.01.2027 10 Uhr")
    assert is_room_message(notice)
    assert notice.body.startswith(
        "📆 **Verschoben:** Das Meet and Learn **Meet and Learn** (#2) ist jetzt am **Freitag, 15. Januar "
        "2027, 10:00 Uhr** (statt Donnerstag, 14. Januar 2027, 14:00 Uhr)."
    )
    master, moved = calendar_of(ics, h).walk("VEVENT")
    assert "RRULE" in master and "RRULE" not in moved
    assert str(moved["UID"]) == str(master["UID"])
    assert moved["RECURRENCE-ID"].dt == berlin(2027, 1, 14, 14, 0)
    assert moved["DTSTART"].dt == berlin(2027, 1, 15, 10, 0) and int(moved["SEQUENCE"]) == 1


async def test_retitling_an_unannounced_series_date_tells_the_room_with_an_override(h: Harness) -> None:
    await h.say(ROOM, COORD, MONTHLY)
    notice, ics = await send(h, COORD, '!meetlearn thema 3 "E-Akte: erste Schritte" --referent "Team IT"')
    assert is_room_message(notice)
    assert notice.body.startswith("✏️ Termin #3 geändert (Thema, Referent·in): **E-Akte: erste Schritte**")
    master, override = calendar_of(ics, h).walk("VEVENT")
    assert override["RECURRENCE-ID"].dt == berlin(2027, 2, 11, 14, 0)
    assert str(override["SUMMARY"]) == "Meet and Learn: E-Akte: erste Schritte"
    assert "Team IT" in str(override["DESCRIPTION"])
    assert str(master["SUMMARY"]) == "Meet and Learn: Meet and Learn"


async def test_announced_single_session_changes_still_reach_the_room(h: Harness) -> None:
    await h.say(ROOM, COORD, '!meetlearn neu 10.12. 14 Uhr "E-Akte"')
    notice, ics = await send(h, COORD, '!meetlearn thema 1 "E-Akte im Alltag"')
    assert is_room_message(notice) and notice.body.startswith("✏️ Termin #1 geändert (Thema)")
    [event] = calendar_of(ics, h).walk("VEVENT")
    assert "RRULE" not in event and str(event["SUMMARY"]) == "Meet and Learn: E-Akte im Alltag"


# ------------------------------------------------------------------------------------------ !meet alias


def test_every_meetlearn_command_is_also_a_meet_command() -> None:
    load_all()
    found = 0
    for cmd in registry.commands:
        long = [n.removeprefix("meetlearn") for n in cmd.names if n.split()[0] == "meetlearn"]
        short = [n.removeprefix("meet") for n in cmd.names if n.split()[0] == "meet"]
        assert long == short, cmd.names
        if long and long != [""]:  # sub-commands; the overview itself is `!meetlearn` / `!meet`
            found += 1
            assert cmd.display_name("de").startswith("meetlearn")  # help keeps showing the long name
            assert cmd.display_name("en").startswith("meetlearn")
    # neu, serie, serie ändern, serie beenden, serie absagen, thema, verschieben, absagen, einstellungen
    assert found == 9


async def test_meet_sub_commands_work_like_meetlearn(h: Harness) -> None:
    [overview] = await h.say(ROOM, LOTSE, "!meet")
    assert "`!meet neu`" in overview and "`!termine`" in overview
    created = await send(h, COORD, '!meet neu 10.12. 14 Uhr "Open Data"')
    assert created[0].body.startswith("📅 **Meet and Learn: Open Data** (Termin #1)")
    [preview] = await h.say(ROOM, COORD, '!meet serie "jeden 2. Donnerstag 14:00" "Reihe" --vorschau')
    assert preview.startswith("🔎 So verstehe ich die Regel")
    [changed, _ics] = await h.say(ROOM, COORD, '!meet thema 1 "Open Data im Alltag"')
    assert changed.startswith("✏️ Termin #1 geändert")
    [moved, _ics] = await h.say(ROOM, COORD, "!meet verschieben 1 11.12. 14 Uhr")
    assert moved.startswith("📆 **Verschoben:**")
    [refused] = await h.say(ROOM, LOTSE, "!meet absagen 1")
    assert "dürfen nur Koordinator·innen verwenden" in refused and "!meetlearn absagen" in refused
    [cancelled, _ics] = await h.say(ROOM, COORD, "!meet absagen 1")
    assert cancelled.startswith("❌ **Abgesagt:**")
    [details] = await h.say(ROOM, COORD, "!hilfe meet serie beenden")
    assert details.startswith("**!meetlearn serie beenden**") and "`!meet serie beenden`" in details
    [unknown] = await h.say(ROOM, LOTSE, "!meet quatsch")
    assert "„quatsch“ kenne ich bei `!meetlearn` nicht" in unknown


# ------------------------------------------------------------------------------------------ series end


def test_rule_until_bounds_the_dates_and_round_trips_as_rrule_until() -> None:
    rule = replace(parse_rule("jeden Mittwoch 13 Uhr"), until=berlin(2026, 12, 9, 13, 0))
    assert rule.until == utc(2026, 12, 9, 12, 0)
    assert rule.to_rrule() == "FREQ=WEEKLY;BYDAY=WE;UNTIL=20261209T120000Z"
    assert Rule.from_rrule(rule.to_rrule(), rule.local_time) == rule
    recur = icalendar.vRecur.from_ical(rule.to_rrule())
    assert recur["UNTIL"][0] == utc(2026, 12, 9, 12, 0)
    dates = rule.occurrences(berlin(2026, 11, 23, 10, 0), BERLIN, 10)
    assert dates == [berlin(2026, 11, 25, 13, 0), berlin(2026, 12, 2, 13, 0), berlin(2026, 12, 9, 13, 0)]
    every_other = replace(parse_rule("alle 2 Wochen Mittwoch 13 Uhr"), until=berlin(2026, 12, 9, 13, 0))
    assert len(every_other.occurrences(berlin(2026, 11, 23, 10, 0), BERLIN, 10)) == 2
    with pytest.raises(ValueError):
        replace(rule, until=datetime(2026, 12, 9, 13, 0))  # naive
    with pytest.raises(ValueError):
        Rule.from_rrule("FREQ=WEEKLY;BYDAY=WE;UNTIL=20261209", time(13))  # a date, not a UTC time


async def test_series_with_bis_ends_on_that_day(h: Harness) -> None:
    [reply] = await send(h, COORD, f"{WEEKLY} --bis 16.12.2026")
    assert "ist angelegt: **jeden Mittwoch um 13:00 Uhr, bis 16. Dezember 2026**" in reply.body
    await fire_due(h)  # the first date lies within the announcement lead: announced right away
    files = [s for s in h.messenger.sent if s.content.get("msgtype") == "m.file"]
    assert (
        len(files) == 1
    )  # the series' calendar once – before, the command and the announcement both sent it
    ics = files[0]
    [master] = calendar_of(ics, h).walk("VEVENT")
    assert master["RRULE"]["UNTIL"] == [utc(2026, 12, 16, 22, 59, 59)]  # the day's end in Berlin, as UTC
    await run_until(h, berlin(2027, 2, 1, 0, 0))
    starts = [s.starts_at for s in await sessions(h)]
    assert starts == [berlin(2026, 11, 25, 13, 0) + (berlin(2026, 12, 2) - berlin(2026, 11, 25)) * i
                      for i in range(4)]  # fmt: skip
    assert await pending_jobs(h) == []
    [listing] = await h.say(ROOM, LOTSE, "!termine")
    assert "kein Meet and Learn geplant" in listing


async def test_series_with_anzahl_has_that_many_dates(h: Harness) -> None:
    reply, ics = await send(h, COORD, '!meetlearn serie "monatlich am 15. um 9:30" "Einführung" --anzahl 4')
    assert "**monatlich am 15. um 09:30 Uhr, bis 15. März 2027**" in reply.body
    [master] = calendar_of(ics, h).walk("VEVENT")
    assert master["RRULE"]["UNTIL"] == [utc(2027, 3, 15, 8, 30)]  # the 4th date itself (CET)
    await run_until(h, berlin(2027, 8, 1, 0, 0))
    assert [s.starts_at.astimezone(BERLIN).month for s in await sessions(h)] == [12, 1, 2, 3]
    announcements = [s.body for s in h.messenger.sent if s.body.startswith("📅")]
    assert len(announcements) == 4 and all(", bis 15. März 2027" in a for a in announcements)


async def test_series_end_flags_in_preview_together_and_refused(h: Harness) -> None:
    [preview] = await h.say(ROOM, COORD, f"{WEEKLY} --anzahl 2 --vorschau")
    assert "**jeden Mittwoch um 13:00 Uhr, bis 2. Dezember 2026**" in preview
    assert preview.count("\n- ") == 2
    [preview] = await h.say(ROOM, COORD, f"{WEEKLY} --bis 31.12.2026 --anzahl 10 --vorschau")
    assert "bis 31. Dezember 2026" in preview  # the earlier end wins
    [reply] = await h.say(ROOM, COORD, f"{WEEKLY} --bis 24.11.2026")
    assert reply == (
        "⚠️ Bis zum 24. November 2026 gibt es keinen Termin dieser Reihe; der erste wäre Mittwoch, "
        "25. November 2026, 13:00 Uhr."
    )
    [reply] = await h.say(ROOM, COORD, f"{WEEKLY} --bis 01.11.2026")
    assert "liegt in der Vergangenheit" in reply
    [reply] = await h.say(ROOM, COORD, f"{WEEKLY} --anzahl 0")
    assert "nicht im erlaubten Bereich" in reply
    assert await count(h, MeetSeries) == 0 and await count(h, MeetSession) == 0


async def _weekly_running(h: Harness) -> None:
    """Weekly series; on 1 December #1 (25.11.) is over, #2 (02.12.) and #3 (09.12.) are announced and
    #4 (16.12.) exists but is not announced yet."""
    await h.say(ROOM, COORD, WEEKLY)
    await run_until(h, berlin(2026, 12, 1, 0, 0))
    rows = await sessions(h)
    assert [(s.id, s.announced) for s in rows] == [(1, True), (2, True), (3, True), (4, False)]


async def test_ending_a_series_keeps_announced_dates_and_drops_the_rest(h: Harness) -> None:
    await _weekly_running(h)
    await h.say(ROOM, LOTSIN, "!dabei 4")
    notice, ics = await send(h, COORD, "!meetlearn serie beenden 1")
    assert is_room_message(notice)
    assert notice.body.startswith(
        "🏁 **Die Reihe #1 „Mittagsrunde“ endet.** Jetzt: jeden Mittwoch um 13:00 Uhr, bis 9. Dezember "
        "2026. Letzter Termin: Mittwoch, 9. Dezember 2026, 13:00 Uhr. Es entfallen: #4 (Mi 16.12. 13:00)."
    )
    assert notice.content["m.mentions"] == {"user_ids": [LOTSIN]}
    [master] = calendar_of(ics, h).walk("VEVENT")
    assert master["RRULE"]["UNTIL"] == [utc(2026, 12, 9, 12, 0)]
    assert str(master["STATUS"]) == "CONFIRMED" and "EXDATE" not in master
    assert [s.id for s in await sessions(h)] == [1, 2, 3]  # the unannounced date is gone
    assert {j.payload["session_id"] for j in await pending_jobs(h)} == {2, 3}
    # The announced dates take place; nothing comes after them.
    sent = await run_until(h, berlin(2027, 1, 31, 0, 0))
    starts = [s.body for s in sent if s.body.startswith("🚀")]
    assert len(starts) == 2 and "(#2)" in starts[0] and "(#3)" in starts[1]
    assert await count(h, MeetSession) == 3
    [reply] = await h.say(ROOM, COORD, "!meetlearn serie beenden 1")
    assert "Die Reihe #1 endet schon früher: jeden Mittwoch um 13:00 Uhr, bis 9. Dezember 2026." in reply


async def test_ending_a_series_on_a_day_cancels_announced_dates_after_it(h: Harness) -> None:
    await _weekly_running(h)
    await h.say(ROOM, LOTSE, "!dabei 3")
    notice, ics = await send(h, COORD, "!meetlearn serie beenden 1 --bis 05.12.2026")
    assert "Jetzt: jeden Mittwoch um 13:00 Uhr, bis 5. Dezember 2026." in notice.body
    assert "Letzter Termin: Mittwoch, 2. Dezember 2026, 13:00 Uhr." in notice.body
    assert "Es entfallen: #3 (Mi 09.12. 13:00), #4 (Mi 16.12. 13:00)." in notice.body
    assert notice.content["m.mentions"] == {"user_ids": [LOTSE]}
    [master] = calendar_of(ics, h).walk("VEVENT")
    assert master["RRULE"]["UNTIL"] == [utc(2026, 12, 5, 22, 59, 59)] and "EXDATE" not in master
    assert [(s.id, s.status) for s in await sessions(h)] == [
        (1, "scheduled"), (2, "scheduled"), (3, "cancelled"),
    ]  # fmt: skip
    assert {j.payload["session_id"] for j in await pending_jobs(h)} == {2}
    [reply] = await h.say(ROOM, LOTSE, "!dabei 3")
    assert "ist abgesagt" in reply


async def test_ending_a_series_that_has_no_date_yet_cancels_it(h: Harness) -> None:
    await h.say(ROOM, COORD, '!meetlearn serie "monatlich am 15. um 9:30" "Einführung"')
    notice, ics = await send(h, COORD, "!meetlearn serie beenden 1")
    assert notice.body.startswith("❌ **Die Reihe #1 „Einführung“")
    assert "ist abgesagt" in notice.body
    [master] = calendar_of(ics, h).walk("VEVENT")
    assert str(master["STATUS"]) == "CANCELLED"
    assert await pending_jobs(h) == []


async def test_a_series_created_with_an_end_can_only_be_ended_earlier(h: Harness) -> None:
    await h.say(ROOM, COORD, f"{WEEKLY} --bis 16.12.2026")
    [reply] = await h.say(ROOM, COORD, "!meetlearn serie beenden 1 --bis 23.12.2026")
    assert "Die Reihe #1 endet schon früher: jeden Mittwoch um 13:00 Uhr, bis 16. Dezember 2026." in reply
    notice, _ics = await send(h, COORD, "!meetlearn serie beenden 1 --bis 09.12.2026")
    assert "bis 9. Dezember 2026" in notice.body


# -------------------------------------------------------------------------------- changing a whole series

NEW_LINK = "https://meet.stadt.example/MeetAndLearn-neu"


async def series_row(h: Harness, series_id: int = 1) -> MeetSeries:
    async with h.db.transaction() as s:
        row = await s.get(MeetSeries, series_id)
        assert row is not None
        return row


async def test_series_edit_reaches_every_coming_date_and_later_ones(h: Harness) -> None:
    await h.say(ROOM, COORD, MONTHLY)  # #1 10.12., #2 14.01., #3 11.02.
    notice, _ics = await send(h, COORD, f"!meet serie aendern 1 --link {NEW_LINK} --dauer 45")
    assert notice.body.startswith("✏️ **Die Reihe #1 „Meet and Learn“ ist geändert (Dauer, Link).**")
    assert (await series_row(h)).link == NEW_LINK
    rows = await sessions(h)
    assert [s.id for s in rows] == [1, 2, 3]
    assert all(s.link is None and s.duration_min is None for s in rows)  # they inherit from the series
    assert all(s.sequence == 1 for s in rows)
    [listing] = await h.say(ROOM, LOTSE, "!termine")
    assert listing.count(NEW_LINK) == 3
    # The announcement of #1 and the date generated after it carry the new values.
    sent = texts(await run_until(h, berlin(2026, 12, 10, 15, 0)))
    announce = [s.body for s in sent if s.body.startswith("📅")]
    assert len(announce) == 1 and NEW_LINK in announce[0] and "(45 Minuten)" in announce[0]
    [later] = await sessions(h, MeetSession.starts_at == berlin(2027, 3, 11, 14, 0))
    assert later.id == 4 and later.link is None
    [listing] = await h.say(ROOM, LOTSE, "!termine")
    assert "#4 Meet and Learn" in listing and listing.count(NEW_LINK) == 3


async def test_series_edit_keeps_what_a_single_date_set_on_its_own(h: Harness) -> None:
    await h.say(ROOM, COORD, MONTHLY)
    await h.say(ROOM, COORD, '!meetlearn thema 2 --referent "Team IT"')
    notice, ics = await send(
        h, COORD, f'!meetlearn serie ändern 1 --referent "Koordination" --link {NEW_LINK}'
    )
    assert "Eigene Angaben einzelner Termine bleiben: #2 (Referent·in)." in notice.body
    rows = {s.id: s for s in await sessions(h)}
    assert rows[2].speaker == "Team IT" and rows[2].link is None
    assert rows[1].speaker is None and rows[3].speaker is None
    [listing] = await h.say(ROOM, LOTSE, "!termine")
    lines = {line.split()[1]: line for line in listing.splitlines() if line.startswith("- ")}
    assert "Koordination" in lines["**#1"] and "Koordination" in lines["**#3"]
    assert "Team IT" in lines["**#2"] and NEW_LINK in lines["**#2"]
    master, override = calendar_of(ics, h).walk("VEVENT")
    assert "Koordination" in str(master["DESCRIPTION"]) and str(master["URL"]) == NEW_LINK
    assert override["RECURRENCE-ID"].dt == berlin(2027, 1, 14, 14, 0)
    assert "Team IT" in str(override["DESCRIPTION"]) and str(override["URL"]) == NEW_LINK
    assert int(override["SEQUENCE"]) == 2  # its own change, then the series'


async def test_series_edit_tells_the_room_once_with_the_series_calendar(h: Harness) -> None:
    await _weekly_running(h)  # #1 is over, #2 and #3 announced, #4 not yet
    old_link = (await series_row(h)).link
    sent = await send(h, COORD, '!meetlearn serie ändern 1 "Mittagsrunde Digital" --referent "Team IT"')
    notice, ics = sent
    assert is_room_message(notice) and len(texts(sent)) == 1
    assert notice.body.startswith(
        "✏️ **Die Reihe #1 „Mittagsrunde Digital“ ist geändert (Thema, Referent·in).** Das gilt ab jetzt "
        "für alle kommenden Termine (jeden Mittwoch um 13:00 Uhr)."
    )
    assert "🎤 Team IT · ⏱️ 60 Minuten" in notice.body and "Kalenderdatei der Reihe" in notice.body
    assert ics.content["body"] == "meet-and-learn-reihe-1.ics"
    master, past = calendar_of(ics, h).walk("VEVENT")
    assert str(master["SUMMARY"]) == "Meet and Learn: Mittagsrunde Digital"
    assert "Team IT" in str(master["DESCRIPTION"]) and int(master["SEQUENCE"]) == 1
    # The date that already took place keeps what it was (an override with the old values).
    assert past["RECURRENCE-ID"].dt == berlin(2026, 11, 25, 13, 0)
    assert str(past["SUMMARY"]) == "Meet and Learn: Mittagsrunde" and "Team IT" not in str(
        past["DESCRIPTION"]
    )
    rows = await sessions(h)
    assert [(s.id, s.sequence) for s in rows] == [(1, 0), (2, 1), (3, 1), (4, 1)]
    assert rows[0].topic == "Mittagsrunde" and rows[0].speaker == "" and rows[0].link is None
    assert (await series_row(h)).link == old_link
    [archive] = await h.say(ROOM, LOTSE, "!archiv")
    assert "**#1 Mittagsrunde**" in archive and "Team IT" not in archive


async def test_series_edit_is_for_coordinators_and_needs_something_to_change(h: Harness) -> None:
    await h.say(ROOM, COORD, MONTHLY)
    [refused] = await h.say(ROOM, LOTSE, f"!meetlearn serie ändern 1 --link {NEW_LINK}")
    assert "dürfen nur Koordinator·innen verwenden" in refused
    [usage] = await h.say(ROOM, COORD, "!meetlearn serie ändern 1")
    assert usage.startswith("⚠️ Es fehlt, was an der Reihe geändert werden soll")
    [english] = await h.say(ROOM, COORD, "!meetlearn series edit 1")
    assert english == usage  # the English name is the same command
    [unknown] = await h.say(ROOM, COORD, f"!meetlearn serie ändern 7 --link {NEW_LINK}")
    assert "Eine Reihe #7 kenne ich hier nicht" in unknown
    [bad_link] = await h.say(ROOM, COORD, "!meetlearn serie ändern 1 --link [hier](https://evil.example)")
    [bad_link_new] = await h.say(
        ROOM, COORD, '!meetlearn neu 10.12. 14 Uhr "X" --link [hier](https://evil.example)'
    )
    assert bad_link.split("\n")[0] == bad_link_new.split("\n")[0]
    [bad_duration] = await h.say(ROOM, COORD, "!meetlearn serie ändern 1 --dauer 2")
    [bad_duration_new] = await h.say(ROOM, COORD, '!meetlearn neu 10.12. 14 Uhr "X" --dauer 2')
    assert bad_duration.split("\n")[0] == bad_duration_new.split("\n")[0]
    await h.say(ROOM, COORD, "!meetlearn serie absagen 1")
    [over] = await h.say(ROOM, COORD, f"!meetlearn serie ändern 1 --link {NEW_LINK}")
    assert over == "⚠️ Die Reihe #1 ist schon beendet."
    assert (await series_row(h)).sequence == 1  # only the cancellation changed it
    assert all(s.link is None for s in await sessions(h))


# ---------------------------------------------------------------------------- long downtime, lazy series


async def test_series_goes_on_after_a_downtime_longer_than_the_grace(h: Harness) -> None:
    await h.say(ROOM, COORD, MONTHLY)
    # The bot is down from now until 1 April 2027: every date it knew has passed, far beyond the grace.
    h.clock.current = berlin(2027, 4, 1, 9, 0).astimezone(UTC)
    before = len(h.messenger.sent)
    await fire_due(h)  # start: the scheduler fires what is overdue – all of it too late, so skipped
    async with h.db.transaction() as s:
        statuses = set((await s.execute(select(ScheduledJob.status))).scalars())
    assert statuses == {"skipped"}
    assert await sessions(h, MeetSession.starts_at > h.clock()) == []  # on its own the series would stop
    await h.dispatcher.run_startup()  # what App.start does before the first sync
    await fire_due(h)
    future = [s.starts_at for s in await sessions(h, MeetSession.starts_at > h.clock())]
    assert future == [berlin(2027, 4, 8, 14, 0), berlin(2027, 5, 13, 14, 0), berlin(2027, 6, 10, 14, 0)]
    # The next date lies within the 14 days: it is announced right away, nothing stale is sent.
    sent = texts(h.messenger.sent[before:])
    assert len(sent) == 1 and sent[0].body.startswith("📅 **Meet and Learn: Meet and Learn** (Termin #4)")
    assert "Donnerstag, 8. April 2027, 14:00 Uhr" in sent[0].body
    # And it keeps going as usual (the 7-day reminder would come hours after the announcement: left out).
    bodies = [s.body for s in texts(await run_until(h, berlin(2027, 4, 8, 15, 0)))]
    assert len(bodies) == 3
    assert bodies[0].startswith("⏰ **Erinnerung:** morgen beginnt") and "(#4)" in bodies[0]
    assert bodies[1].startswith("⏰ **Erinnerung:** in 15 Minuten beginnt")
    assert bodies[2].startswith("🚀 **Es geht los:**")


async def test_start_up_leaves_ended_cancelled_and_complete_series_alone(h: Harness) -> None:
    await h.say(ROOM, COORD, MONTHLY)  # #1: has its three dates already
    await h.say(ROOM, COORD, f"{WEEKLY} --anzahl 2")  # #2: ends after two dates
    await h.say(ROOM, COORD, '!meetlearn serie "monatlich am 15. um 9:30" "Einführung"')  # #3
    await h.say(ROOM, COORD, "!meetlearn serie absagen 3")
    rows = await count(h, MeetSession)
    jobs = len(await pending_jobs(h))
    await h.dispatcher.run_startup()
    assert await count(h, MeetSession) == rows and len(await pending_jobs(h)) == jobs
    h.clock.current = berlin(2027, 6, 1, 9, 0).astimezone(UTC)
    await h.dispatcher.run_startup()
    assert [s.series_id for s in await sessions(h, MeetSession.starts_at > h.clock())] == [1, 1, 1]


# ------------------------------------------------------------------------- user text in error replies


@pytest.mark.parametrize(
    "command",
    [
        '!meetlearn neu 10.12. 14 Uhr "X" --link [hier](https://evil.example)',
        '!meetlearn neu 10.12. 14 Uhr "X" --dauer **lang**',
        '!meetlearn serie "jeden **Mittwoch** [x](https://evil.example)" "X"',
        f"{WEEKLY} --bis **morgen** [x](https://evil.example)",
        "!meetlearn serie ändern 1 --link [hier](https://evil.example)",
        "!meetlearn serie ändern 1 --dauer **lang**",
    ],
)
async def test_user_text_in_error_replies_stays_plain_text(h: Harness, command: str) -> None:
    [reply] = await send(h, COORD, command)
    html = reply.content.get("formatted_body", "")
    assert "<strong>" not in html and "<a " not in html, html
    assert "evil.example" in reply.body or "lang" in reply.body  # quoted back, as text


async def test_a_date_whose_announcement_fell_into_a_downtime_is_announced_at_start(h: Harness) -> None:
    await h.say(ROOM, COORD, MONTHLY)  # 10.12., 14.01., 11.02.; the 14.01. is announced on 31.12. 14:00
    await run_until(h, berlin(2026, 12, 20, 9, 0))
    # Down from 20.12. to 2.1.: the announcement of the 14.01. passes, far beyond the grace.
    h.clock.current = berlin(2027, 1, 2, 9, 0).astimezone(UTC)
    before = len(h.messenger.sent)
    await fire_due(h)
    assert not any("14. Januar 2027" in s.body for s in texts(h.messenger.sent[before:]))  # skipped
    await h.dispatcher.run_startup()
    await fire_due(h)
    sent = texts(h.messenger.sent[before:])
    assert len(sent) == 1 and sent[0].body.startswith("📅 **Meet and Learn: Meet and Learn**")
    assert "Donnerstag, 14. Januar 2027, 14:00 Uhr" in sent[0].body
    await h.dispatcher.run_startup()  # a second start announces nothing twice
    await fire_due(h)
    assert len(texts(h.messenger.sent[before:])) == 1
