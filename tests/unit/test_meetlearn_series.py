"""Meet and Learn series: changes to single dates reach the room, the end of a series, ``!meet`` as a full
alias, and a series that keeps going after a long downtime.

Same setup as ``test_meetlearn``: fake messenger, real SQLite, the fake clock starts on Monday,
23 November 2026, 10:00 in Berlin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import func, select

from bot.framework import registry
from commands import load_all
from storage.meetlearn import MeetSession
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
    assert found == 7  # neu, serie, serie beenden, thema, verschieben, absagen, einstellungen


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
