"""Meet and Learn as the team room experiences it, without a homeserver (fake messenger, real SQLite).

Jobs are run deterministically: the clock is moved and due jobs are fired in order (``run_until``).
The fake clock starts on Monday, 23 November 2026, 10:00 in Berlin.
"""

from __future__ import annotations

import re
import string
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import func, select

from bot import i18n
from bot.dispatch import Incoming
from bot.framework import registry
from commands import load_all
from commands.meetlearn.settings import settings
from storage.meetlearn import MeetRsvp, MeetSeries, MeetSession
from storage.models import ScheduledJob
from tests.support.fake import Harness, Sent, make_config

BERLIN = ZoneInfo("Europe/Berlin")
ROOM = "!team:test"
COORD = "@koordination:test"
LOTSE = "@lotse:test"
LOTSIN = "@lotsin:test"
SPEAKER = "@referentin:test"


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)  # type: ignore[misc]


async def make(tmp_path: Path, **meetlearn: Any) -> Harness:
    meetlearn.setdefault("jitsi_base", "https://meet.stadt.example/")  # the city's own server
    sections: dict[str, Any] = {"features": {"meetlearn": meetlearn}}
    harness = await Harness(tmp_path, **sections).start()
    harness.room(ROOM, [COORD, LOTSE, LOTSIN, SPEAKER], power={COORD: 100})
    return harness


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await make(tmp_path)
    yield harness
    await harness.close()


# -------------------------------------------------------------------------------------------- helpers


async def pending_jobs(h: Harness, kind: str | None = None) -> list[ScheduledJob]:
    async with h.db.transaction() as s:
        q = select(ScheduledJob).where(ScheduledJob.status == "pending").order_by(ScheduledJob.due_at)
        q = q.where(ScheduledJob.kind != "undo.offer")  # the one-word undo of a creation, not a reminder
        if kind:
            q = q.where(ScheduledJob.kind == kind)
        return list((await s.execute(q)).scalars())


async def run_until(h: Harness, moment: datetime) -> list[Sent]:
    """Move the clock to ``moment``, firing every job that becomes due on the way, in time order."""
    before = len(h.messenger.sent)
    while True:
        due = [j for j in await pending_jobs(h) if j.due_at <= moment]
        if not due:
            break
        job = due[0]
        h.clock.current = max(h.clock.current, job.due_at)
        await h.scheduler.fire(job.id)
        async with h.db.transaction() as s:
            row = await s.get(ScheduledJob, job.id)
            assert row is not None and row.status != "pending", f"job {job.id} ({job.kind}) did not finish"
    h.clock.current = max(h.clock.current, moment.astimezone(UTC))
    return h.messenger.sent[before:]


async def count(h: Harness, model: Any, *where: Any) -> int:
    async with h.db.transaction() as s:
        return int((await s.execute(select(func.count()).select_from(model).where(*where))).scalar_one())


def messages(sent: list[Sent]) -> list[str]:
    return [s.body for s in sent if s.content.get("msgtype") in ("m.notice", "m.text")]


def last_calendar(h: Harness) -> icalendar.Calendar:
    filename, mimetype, data = h.messenger.uploads[-1]
    assert mimetype == "text/calendar" and filename.endswith(".ics")
    return icalendar.Calendar.from_ical(data)


async def create(
    h: Harness, text: str = '10.12. 14 Uhr "Dokumentenmanagement im Alltag"', *extra: str
) -> Sent:
    """Create a session; returns the announcement."""
    before = len(h.messenger.sent)
    await h.say(ROOM, COORD, f"!meetlearn neu {text} {' '.join(extra)}".strip())
    new = h.messenger.sent[before:]
    announcements = [s for s in new if s.body.startswith("📅")]
    assert announcements, [s.body for s in new]
    return announcements[0]


async def react(h: Harness, sender: str, target: str, key: str) -> str:
    content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}}
    return await h.event(ROOM, sender, "m.reaction", content)


async def rsvps(h: Harness, session_id: int) -> dict[str, str]:
    async with h.db.transaction() as s:
        rows = await s.execute(select(MeetRsvp).where(MeetRsvp.session_id == session_id))
        return {r.user_id: r.answer for r in rows.scalars()}


# ------------------------------------------------------------------------------------------- creating


async def test_new_session_is_announced_with_calendar_file(h: Harness) -> None:
    before = len(h.messenger.sent)
    await h.say(ROOM, COORD, '!meetlearn neu 10.12. 14 Uhr "Dokumentenmanagement im Alltag" '
                '--referent "Team Personal & IT" --beschreibung "Ablage, Suche, Vertretung"')  # fmt: skip
    announcement, ics_file, reply = h.messenger.sent[before:]
    body = announcement.body
    assert "**Meet and Learn: Dokumentenmanagement im Alltag** (Termin #1)" in body
    assert "Donnerstag, 10. Dezember 2026, 14:00 Uhr (60 Minuten)" in body
    assert "Referent·in: Team Personal & IT" in body
    assert "Ablage, Suche, Vertretung" in body
    assert "<https://meet.stadt.example/MeetAndLearn-" in body
    assert "✅" in body and "`!dabei 1`" in body and "`!absage 1`" in body
    assert announcement.content["m.mentions"] == {"room": True}
    assert announcement.content["msgtype"] == "m.text"  # a ping must notify
    assert ics_file.content["msgtype"] == "m.file" and ics_file.content["info"]["mimetype"] == "text/calendar"
    assert reply.body.startswith(
        "✅ Termin #1 ist angelegt und angekündigt: **Donnerstag, 10. Dezember 2026, 14:00 Uhr**. "
        "Ich erinnere am Do 03.12. 14:00 (7 Tage vorher), am Mi 09.12. 14:00 (1 Tag vorher) und am "
        "Do 10.12. 13:45 (15 Minuten vorher); zum Start sage ich Bescheid."
    )
    assert "„rückgängig“" in reply.body

    [event] = last_calendar(h).walk("VEVENT")
    link = body.split("<")[1].split(">")[0]
    assert str(event["URL"]) == link and str(event["LOCATION"]) == link
    assert event["DTSTART"].dt == berlin(2026, 12, 10, 14, 0)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(minutes=60)
    assert "Team Personal & IT" in str(event["DESCRIPTION"])
    assert str(event["UID"]).startswith("meetlearn-") and str(event["UID"]).endswith("@lotsenbot")


async def test_jitsi_links_are_unguessable_and_use_the_configured_base(tmp_path: Path) -> None:
    h = await make(tmp_path, jitsi_base="https://meet.stadt.example")
    try:
        first = await create(h)
        second = await create(h)
        links = [a.body.split("<")[1].split(">")[0] for a in (first, second)]
        assert all(link.startswith("https://meet.stadt.example/MeetAndLearn-") for link in links)
        assert links[0] != links[1]
        token = links[0].rsplit("-", 1)[1]
        assert len(token) == 20 and token.isalnum() and token == token.lower()
    finally:
        await h.close()


async def test_link_and_duration_flags(h: Harness) -> None:
    a = await create(h, '10.12. 14 Uhr "E-Akte"', "--link https://video.stadt.example/raum-7 --dauer 90")
    assert "<https://video.stadt.example/raum-7>" in a.body and "(90 Minuten)" in a.body
    b = await create(h, '11.12. 9:30 "Open Data"', "--dauer 1h30m")
    assert "(90 Minuten)" in b.body
    c = await create(h, '11.12. 9:30 "Reisekosten"', "--dauer 45 Minuten --referent Koordination")
    assert "(45 Minuten)" in c.body and "Referent·in: Koordination" in c.body
    [reply] = await h.say(ROOM, COORD, '!meetlearn neu 10.12. 14 Uhr "X" --dauer 2')
    assert "Die Dauer „2“ passt nicht" in reply and "--dauer 60" in reply
    [reply] = await h.say(ROOM, COORD, '!meetlearn neu 10.12. 14 Uhr "X" --link meet.jit.si/abc')
    assert "ist kein Link" in reply and "https://" in reply


async def test_past_date_is_refused_and_nothing_is_stored(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, '!meetlearn neu 01.11.2026 14 Uhr "Zu spät"')
    assert "liegt in der Vergangenheit" in reply and "So geht's" in reply
    assert await count(h, MeetSession) == 0
    assert await pending_jobs(h) == []


async def test_bad_input_says_what_is_wrong_and_how_to_write_it(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, "!meetlearn neu 10.12. 14 Uhr")  # too little: the guided dialog
    assert "Frage 2 von 5" in reply and "Wie heißt das Thema?" in reply
    [reply] = await h.say(ROOM, COORD, '!meetlearn serie "jeden Mittwoch" "Reihe"')
    assert "fehlt die Uhrzeit" in reply and "jeden Mittwoch 13 Uhr" in reply
    [reply] = await h.say(ROOM, COORD, '!meetlearn serie "jeden 5. Montag 10:00" "Reihe"')
    assert "1. bis 4. oder den letzten" in reply
    [reply] = await h.say(ROOM, COORD, '!meetlearn neu 10.12. 14 Uhr ""')
    assert "Thema ist leer" in reply
    [reply] = await h.say(ROOM, COORD, f'!meetlearn neu 10.12. 14 Uhr "{"x" * 201}"')
    assert "zu lang (201 Zeichen, höchstens 200)" in reply
    [reply] = await h.say(ROOM, COORD, "!meetlearn quatsch")
    assert "„quatsch“ kenne ich bei `!meetlearn` nicht" in reply and "!meetlearn neu" in reply


async def test_only_coordinators_manage_sessions(h: Harness) -> None:
    await create(h)
    for command in (
        '!meetlearn neu 10.12. 14 Uhr "X"',
        '!meetlearn serie "jeden Mittwoch 13 Uhr" "X"',
        '!meetlearn thema 1 "Y"',
        "!meetlearn verschieben 1 11.12. 14 Uhr",
        "!meetlearn absagen 1",
        "!meetlearn serie beenden 1",
        "!meetlearn serie absagen 1",
        "!meetlearn einstellungen ping aus",
        "!themen umfrage",
    ):
        [reply] = await h.say(ROOM, LOTSE, command)
        assert "dürfen nur Koordinator·innen verwenden" in reply, command
    assert await count(h, MeetSession) == 1
    [listing] = await h.say(ROOM, LOTSE, "!termine")
    assert "#1 Dokumentenmanagement im Alltag" in listing


async def test_creating_in_a_dm_is_refused(h: Harness) -> None:
    dm = h.room("!dm:test", [COORD])
    [reply] = await h.say(dm, COORD, '!meetlearn neu 10.12. 14 Uhr "X"')
    assert "nur im Team-Raum" in reply


async def test_user_text_is_escaped(h: Harness) -> None:
    a = await create(h, '10.12. 14 Uhr "<b>Fett</b> *kursiv* [link](https://evil.example)"')
    html = a.content["formatted_body"]
    assert "<b>Fett" not in html and "&lt;b&gt;Fett" in html
    assert "<em>" not in html and 'href="https://evil.example"' not in html


# ----------------------------------------------------------------------------------------------- RSVP


async def test_rsvp_by_command_and_listing(h: Harness) -> None:
    await create(h, '10.12. 14 Uhr "E-Akte"', '--referent "Team Personal & IT"')
    [reply] = await h.say(ROOM, LOTSE, "!dabei 1")
    assert reply.startswith("✅ Schön, du bist bei #1 **E-Akte** dabei") and "bisher 1 Zusage" in reply
    [reply] = await h.say(ROOM, LOTSIN, "!join")  # without number: the next session
    assert "bisher 2 Zusagen" in reply
    [reply] = await h.say(ROOM, LOTSIN, "!absage 1")
    assert "nicht dabei" in reply and "!archiv" in reply
    assert await rsvps(h, 1) == {LOTSE: "yes", LOTSIN: "no"}
    [listing] = await h.say(ROOM, LOTSIN, "!termine")
    assert (
        "**#1 E-Akte** · Donnerstag, 10. Dezember 2026, 14:00 Uhr · Team Personal & IT · <https://" in listing
    )
    assert "1 Zusage" in listing
    [reply] = await h.say(ROOM, LOTSE, "!dabei 99")
    assert "Einen Termin #99 kenne ich hier nicht" in reply


async def test_rsvp_from_a_dm_for_a_room_one_belongs_to(h: Harness) -> None:
    await create(h)
    dm = h.room("!dm-lotse:test", [LOTSE])
    [reply] = await h.say(dm, LOTSE, "!dabei 1")
    assert reply.startswith("✅")
    stranger_dm = h.room("!dm-fremd:test", ["@fremd:test"])
    [reply] = await h.say(stranger_dm, "@fremd:test", "!dabei 1")
    assert "kenne ich hier nicht" in reply


async def test_rsvp_by_reaction_on_the_announcement(h: Harness) -> None:
    a = await create(h)
    await react(h, LOTSE, a.event_id, "✅")
    await react(h, LOTSIN, a.event_id, "✅️")  # with variation selector, as some keyboards send it
    no = await react(h, SPEAKER, a.event_id, "❌")
    assert await rsvps(h, 1) == {LOTSE: "yes", LOTSIN: "yes", SPEAKER: "no"}
    await react(h, LOTSIN, a.event_id, "❌")  # the latest answer wins
    assert (await rsvps(h, 1))[LOTSIN] == "no"
    await h.event(ROOM, SPEAKER, "m.room.redaction", {"redacts": no})  # taking the reaction back
    assert await rsvps(h, 1) == {LOTSE: "yes", LOTSIN: "no"}
    assert len(messages(h.messenger.sent)) == 2  # reactions are answered silently


async def test_reactions_that_are_not_ours_are_left_to_other_hooks(h: Harness) -> None:
    a = await create(h)
    seen: list[str] = []

    async def other(ctx: Any, incoming: Incoming) -> bool:
        seen.append(incoming.relates_to.get("key", ""))
        return True

    hooks = registry.event_hooks["m.reaction"]
    hooks.append(other)
    try:
        await react(h, LOTSE, "$some-poll-message", "✅")  # not a session message
        await react(h, LOTSE, a.event_id, "1️⃣")  # a number: poll business, not an RSVP
        await react(h, LOTSE, a.event_id, "✅")  # ours: other hooks never see it
    finally:
        hooks.remove(other)
    assert seen == ["✅", "1️⃣"]
    assert await rsvps(h, 1) == {LOTSE: "yes"}


async def test_no_rsvp_for_cancelled_or_past_sessions(h: Harness) -> None:
    a = await create(h)
    await h.say(ROOM, COORD, "!meetlearn absagen 1")
    [reply] = await h.say(ROOM, LOTSE, "!dabei 1")
    assert "ist abgesagt" in reply
    await react(h, LOTSE, a.event_id, "✅")
    assert await rsvps(h, 1) == {}
    await create(h, '24.11. 10 Uhr "Kurz"')
    h.clock.current = berlin(2026, 11, 24, 12, 0).astimezone(UTC)
    [reply] = await h.say(ROOM, LOTSE, "!dabei 2")
    assert "schon vorbei" in reply


# ------------------------------------------------------------------------------------------ reminders


async def test_reminders_in_order_with_link_count_and_start(h: Harness) -> None:
    a = await create(h, '10.12. 14 Uhr "E-Akte"')
    link = a.body.split("<")[1].split(">")[0]
    await h.say(ROOM, LOTSE, "!dabei 1")
    await react(h, LOTSIN, a.event_id, "✅")
    sent = await run_until(h, berlin(2026, 12, 10, 15, 0))
    bodies = messages(sent)
    assert len(bodies) == 4
    week, day, quarter, start = bodies
    assert week.startswith("⏰ **Erinnerung:** in einer Woche beginnt das Meet and Learn – **E-Akte** (#1)")
    assert day.startswith("⏰ **Erinnerung:** morgen beginnt")
    assert "Bisher haben 2 Personen zugesagt." in day
    assert quarter.startswith("⏰ **Erinnerung:** in 15 Minuten beginnt") and "zugesagt" not in quarter
    assert start.startswith("🚀 **Es geht los:** Meet and Learn – **E-Akte** (#1)")
    assert all(link in b for b in bodies)
    times = [s for s in sent if s.content.get("msgtype") in ("m.notice", "m.text")]
    assert [s.content["m.mentions"] for s in times] == [{}, {}, {}, {}]  # reminders never ping the room
    assert await pending_jobs(h) == []
    assert await run_until(h, berlin(2027, 1, 1, 0, 0)) == []  # nothing twice


async def test_reaction_on_a_reminder_counts_too(h: Harness) -> None:
    await create(h)
    [week] = messages(await run_until(h, berlin(2026, 12, 3, 14, 0)))
    reminder = next(s for s in h.messenger.sent if s.body == week)
    await react(h, LOTSE, reminder.event_id, "👍")
    assert await rsvps(h, 1) == {LOTSE: "yes"}


async def test_late_reminder_carries_a_note_and_superseded_ones_are_dropped(h: Harness) -> None:
    await create(h)
    await run_until(h, berlin(2026, 12, 9, 13, 0))  # the 7-day reminder went out
    day = (await pending_jobs(h))[0]
    h.clock.current = day.due_at + timedelta(minutes=20)  # the bot was down for 20 minutes
    await h.scheduler.fire(day.id)
    assert "verspätet um 20 Min." in h.messenger.sent[-1].body
    # Down from 13:40 to 14:10: the 15-minute reminder would come after the start – only the start goes out.
    h.clock.current = berlin(2026, 12, 10, 14, 10).astimezone(UTC)
    before = len(h.messenger.sent)
    for job in await pending_jobs(h):
        await h.scheduler.fire(job.id)
    [start] = messages(h.messenger.sent[before:])
    assert start.startswith("🚀 **Es geht los:**") and "verspätet um 10 Min." in start


async def test_job_missed_beyond_the_grace_period_is_skipped(h: Harness) -> None:
    await create(h)
    [week, *_] = await pending_jobs(h)
    h.clock.current = week.due_at + timedelta(hours=3)
    await h.scheduler.fire(week.id)
    assert not any(s.body.startswith("⏰") for s in h.messenger.sent)


async def test_cancelled_session_sends_nothing_and_the_room_is_told(h: Harness) -> None:
    a = await create(h, '10.12. 14 Uhr "E-Akte"')
    await react(h, LOTSE, a.event_id, "✅")
    before = len(h.messenger.sent)
    await h.say(ROOM, COORD, "!meetlearn absagen 1")
    notice, ics_file = h.messenger.sent[before:]
    assert notice.body.startswith(
        "❌ **Abgesagt:** Das Meet and Learn **E-Akte** (#1) am Donnerstag, 10. Dez"
    )
    assert notice.content["m.mentions"] == {"user_ids": [LOTSE]}
    assert ics_file.content["msgtype"] == "m.file"
    [event] = last_calendar(h).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert await pending_jobs(h) == []
    assert await run_until(h, berlin(2026, 12, 11, 0, 0)) == []
    [listing] = await h.say(ROOM, LOTSE, "!termine")
    assert "kein Meet and Learn geplant" in listing


async def test_moving_a_session_replans_and_tells_the_room(h: Harness) -> None:
    a = await create(h, '10.12. 14 Uhr "E-Akte"')
    await react(h, LOTSE, a.event_id, "✅")
    before = len(h.messenger.sent)
    await h.say(ROOM, COORD, "!meetlearn verschieben 1 17.12. 15 Uhr")
    notice, _ics = h.messenger.sent[before:]
    assert "📆 **Verschoben:**" in notice.body and "Donnerstag, 17. Dezember 2026, 15:00 Uhr" in notice.body
    assert "statt Donnerstag, 10. Dezember 2026, 14:00 Uhr" in notice.body
    assert notice.content["m.mentions"] == {"user_ids": [LOTSE]}
    [event] = last_calendar(h).walk("VEVENT")
    assert event["DTSTART"].dt == berlin(2026, 12, 17, 15, 0) and int(event["SEQUENCE"]) == 1
    assert [j.due_at for j in await pending_jobs(h)] == [
        berlin(2026, 12, 10, 15, 0), berlin(2026, 12, 16, 15, 0), berlin(2026, 12, 17, 14, 45),
        berlin(2026, 12, 17, 15, 0),
    ]  # fmt: skip
    sent = await run_until(h, berlin(2026, 12, 18, 0, 0))
    assert len(messages(sent)) == 4
    await react(h, LOTSIN, notice.event_id, "✅")  # the move notice takes reactions as well
    assert await rsvps(h, 1) == {LOTSE: "yes"}  # …but not after the session is over


async def test_changing_topic_and_speaker(h: Harness) -> None:
    await create(h)
    [reply, _ics] = await h.say(
        ROOM, COORD, '!meetlearn thema 1 "E-Akte: erste Schritte" --referent "Team IT"'
    )
    assert reply.startswith("✏️ Termin #1 geändert (Thema, Referent·in)")
    [reply] = await h.say(ROOM, COORD, "!meetlearn thema 1")
    assert "Es fehlt, was geändert werden soll" in reply
    [week] = messages(await run_until(h, berlin(2026, 12, 3, 14, 0)))
    assert "**E-Akte: erste Schritte**" in week and "Team IT" in week


async def test_room_setting_turns_the_ping_off(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, "!meetlearn einstellungen ping aus")
    # "@room" in the bot's own text carries a word joiner, so the settings reply itself pings nobody
    assert "pingt @\u2060room: **aus**" in reply
    a = await create(h)
    assert a.content["m.mentions"] == {}
    [reply] = await h.say(ROOM, COORD, "!meetlearn einstellungen ping")
    assert "„an“ oder „aus“" in reply


async def test_dm_reminder_to_those_who_said_yes(tmp_path: Path) -> None:
    h = await make(tmp_path, dm_reminders=True)
    try:
        await create(h)
        await h.say(ROOM, LOTSE, "!dabei 1")
        await h.say(ROOM, LOTSIN, "!absage 1")
        sent = await run_until(h, berlin(2026, 12, 10, 13, 50))
        dms = [s for s in sent if s.room_id != ROOM]
        assert [s.room_id for s in dms] == ["!dm-lotse:test"]
        assert "in 15 Minuten beginnt das Meet and Learn **Dokumentenmanagement im Alltag**" in dms[0].body
        assert "https://meet.stadt.example/" in dms[0].body
    finally:
        await h.close()


async def test_configured_offsets(tmp_path: Path) -> None:
    h = await make(tmp_path, reminder_offsets_minutes=[120, 10])
    try:
        await create(h)
        assert [(j.kind, j.due_at) for j in await pending_jobs(h)] == [
            ("meetlearn.remind", berlin(2026, 12, 10, 12, 0)),
            ("meetlearn.remind", berlin(2026, 12, 10, 13, 50)),
            ("meetlearn.start", berlin(2026, 12, 10, 14, 0)),
        ]
        bodies = messages(await run_until(h, berlin(2026, 12, 10, 14, 0)))
        assert bodies[0].startswith("⏰ **Erinnerung:** in 2 Stunden") and "zugesagt" in bodies[0]
        assert bodies[1].startswith("⏰ **Erinnerung:** in 10 Minuten")
    finally:
        await h.close()


# --------------------------------------------------------------------------------------------- series


async def test_series_shows_the_next_three_dates_and_materialises_lazily(h: Harness) -> None:
    [reply, _ics] = await h.say(ROOM, COORD, '!meetlearn serie "jeden 2. Donnerstag 14:00" "Meet and Learn"')
    assert "Reihe #1 „Meet and Learn“ ist angelegt: **jeden 2. Donnerstag im Monat um 14:00 Uhr**" in reply
    assert "- #1: Donnerstag, 10. Dezember 2026, 14:00 Uhr" in reply
    assert "- #2: Donnerstag, 14. Januar 2027, 14:00 Uhr" in reply
    assert "- #3: Donnerstag, 11. Februar 2027, 14:00 Uhr" in reply
    assert "!meetlearn serie beenden 1" in reply
    [master] = icalendar.Calendar.from_ical(h.messenger.uploads[-1][2]).walk("VEVENT")
    assert master["RRULE"]["BYDAY"] == ["2TH"] and master["DTSTART"].dt == berlin(2026, 12, 10, 14, 0)
    assert await count(h, MeetSession) == 3
    # A year later there are only the past occurrences plus three ahead, never a pile of rows.
    await run_until(h, berlin(2027, 11, 30, 0, 0))
    assert await count(h, MeetSession) == 12 + 3
    async with h.db.transaction() as s:
        future = (
            (await s.execute(select(MeetSession).where(MeetSession.starts_at > h.clock()))).scalars().all()
        )
    assert len(future) == 3


async def test_series_preview_creates_nothing(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, '!meetlearn serie jeden letzten Dienstag 10 Uhr "IT-News" --vorschau')
    assert "jeden letzten Dienstag im Monat um 10:00 Uhr" in reply
    assert "Dienstag, 24. November 2026, 10:00 Uhr" in reply and "Dienstag, 26. Januar 2027" in reply
    assert await count(h, MeetSeries) == 0 and await count(h, MeetSession) == 0


async def test_series_occurrence_is_announced_ahead_and_reminded(h: Harness) -> None:
    await h.say(
        ROOM, COORD, '!meetlearn serie "jeden 2. Donnerstag 14:00" "Meet and Learn" --referent "Team IT"'
    )
    sent = await run_until(h, berlin(2026, 11, 26, 14, 0))  # announced 14 days ahead
    [announcement] = messages(sent)
    assert announcement.startswith("📅 **Meet and Learn: Meet and Learn** (Termin #1)")
    assert "Teil der Reihe #1: jeden 2. Donnerstag im Monat um 14:00 Uhr" in announcement
    assert any(s.content.get("msgtype") == "m.file" for s in sent)
    bodies = messages(await run_until(h, berlin(2026, 12, 10, 14, 0)))
    assert [b[0] for b in bodies] == ["⏰", "⏰", "⏰", "🚀"]


async def test_series_stays_at_14_local_across_dst_2026_and_2027(h: Harness) -> None:
    h.clock.current = berlin(2026, 10, 1, 9, 0).astimezone(UTC)
    await h.say(ROOM, COORD, '!meetlearn serie "jeden Donnerstag 14:00" "Wochenrunde"')
    await run_until(h, berlin(2027, 4, 10, 0, 0))
    async with h.db.transaction() as s:
        starts = (
            (await s.execute(select(MeetSession.starts_at).order_by(MeetSession.starts_at))).scalars().all()
        )
    local = [t.astimezone(BERLIN) for t in starts]
    assert all((t.hour, t.minute) == (14, 0) and t.weekday() == 3 for t in local)
    by_day = {t.date().isoformat(): t.astimezone(UTC).hour for t in local}
    assert by_day["2026-10-22"] == 12 and by_day["2026-10-29"] == 13  # last Sunday of October in between
    assert by_day["2027-03-25"] == 13 and by_day["2027-04-01"] == 12  # last Sunday of March in between
    starts_msgs = [s for s in h.messenger.sent if s.body.startswith("🚀")]
    assert len(starts_msgs) == len([t for t in local if t < berlin(2027, 4, 10, 0, 0)])


async def test_single_occurrences_edited_and_series_calendar(h: Harness) -> None:
    await h.say(ROOM, COORD, '!meetlearn serie "jeden 2. Donnerstag 14:00" "Meet and Learn"')
    await h.say(ROOM, COORD, '!meetlearn thema 1 "Universalprozess auf service-bw" --referent "Bürgerbüro"')
    await h.say(ROOM, COORD, "!meetlearn verschieben 2 15.01.2027 10 Uhr")
    await h.say(ROOM, COORD, "!meetlearn absagen 3")
    [_ics] = await h.say(ROOM, LOTSE, "!termine ics")
    cal = last_calendar(h)
    master, *overrides = cal.walk("VEVENT")
    uid = str(master["UID"])
    assert master["RRULE"]["FREQ"] == ["MONTHLY"] and master["RRULE"]["BYDAY"] == ["2TH"]
    assert [d.dt for d in master["EXDATE"].dts] == [berlin(2027, 2, 11, 14, 0)]
    assert master["EXDATE"].params["TZID"] == "Europe/Berlin"
    assert {str(o["UID"]) for o in overrides} == {uid}
    by_recurrence = {o["RECURRENCE-ID"].dt: o for o in overrides}
    topic = by_recurrence[berlin(2026, 12, 10, 14, 0)]
    assert str(topic["SUMMARY"]) == "Meet and Learn: Universalprozess auf service-bw"
    moved = by_recurrence[berlin(2027, 1, 14, 14, 0)]
    assert moved["DTSTART"].dt == berlin(2027, 1, 15, 10, 0)
    # The same UIDs every time: importing again updates the calendar instead of duplicating entries.
    await h.say(ROOM, LOTSE, "!termine ics")
    assert [str(e["UID"]) for e in last_calendar(h).walk("VEVENT")] == [uid] * 3
    [listing] = await h.say(ROOM, LOTSE, "!termine")
    assert "#1 Universalprozess auf service-bw" in listing and "Bürgerbüro" in listing
    assert "#2 Meet and Learn** · Freitag, 15. Januar 2027, 10:00 Uhr" in listing and "Reihe #1" in listing
    assert "**#3 " not in listing and "**#4 Meet and Learn**" in listing  # the cancelled one is replaced


async def test_cancelling_the_series_stops_everything(h: Harness) -> None:
    await h.say(ROOM, COORD, '!meetlearn serie "wöchentlich Mittwoch 13:00" "Mittagsrunde"')
    await run_until(h, berlin(2026, 11, 26, 0, 0))  # first occurrence happened
    before = len(h.messenger.sent)
    await h.say(ROOM, COORD, "!meetlearn serie absagen 1")  # `serie beenden` keeps announced dates
    notice, _ics = h.messenger.sent[before:]
    assert "Die Reihe #1 „Mittagsrunde“ (jeden Mittwoch um 13:00 Uhr) ist abgesagt." in notice.body
    assert "#2, #3, #4" in notice.body
    [master] = last_calendar(h).walk("VEVENT")
    assert str(master["STATUS"]) == "CANCELLED"
    assert await pending_jobs(h) == []
    assert await run_until(h, berlin(2027, 6, 1, 0, 0)) == []
    [listing] = await h.say(ROOM, LOTSE, "!termine")
    assert "kein Meet and Learn geplant" in listing
    assert await count(h, MeetSession) == 4
    [reply] = await h.say(ROOM, COORD, "!meetlearn serie absagen 1")
    assert "schon beendet" in reply
    [reply] = await h.say(ROOM, COORD, "!meetlearn serie beenden 1")
    assert "schon beendet" in reply


# ------------------------------------------------------------------------------------ recording, archive


async def test_recording_by_coordinator_or_speaker_and_archive(h: Harness) -> None:
    await create(h, '24.11. 10 Uhr "Stackfield für Einsteiger"', f'--referent "{SPEAKER}"')
    await create(h, '25.11. 10 Uhr "Jitsi-Tipps"', '--referent "Team IT"')
    h.clock.current = berlin(2026, 11, 26, 9, 0).astimezone(UTC)
    [reply] = await h.say(ROOM, LOTSE, "!aufzeichnung 1 https://video.stadt.example/ml-1")
    assert "können nur Koordinator·innen" in reply
    [posted] = await h.say(ROOM, SPEAKER, "!aufzeichnung 1 https://video.stadt.example/ml-1")
    assert posted.startswith("🎬 **Aufzeichnung** zum Meet and Learn **Stackfield für Einsteiger** (#1")
    assert "<https://video.stadt.example/ml-1>" in posted
    [reply] = await h.say(ROOM, SPEAKER, "!aufzeichnung 2 https://video.stadt.example/ml-2")
    assert "können nur Koordinator·innen" in reply
    [reply] = await h.say(ROOM, COORD, "!recording 2 nicht-ein-link")
    assert "ist kein Link" in reply
    [archive] = await h.say(ROOM, LOTSE, "!archiv")
    lines = archive.splitlines()
    assert lines[1].startswith("- **#2 Jitsi-Tipps**") and lines[1].endswith("🎬 keine Aufzeichnung")
    assert lines[2].startswith("- **#1 Stackfield für Einsteiger**")
    assert lines[2].endswith("🎬 <https://video.stadt.example/ml-1>")


# ---------------------------------------------------------------------------------------------- topics


async def test_topic_ideas_list_remove_and_poll(h: Harness) -> None:
    [reply] = await h.say(ROOM, LOTSE, '!thema vorschlagen "Open Data im Alltag"')
    assert reply.startswith("💡 Danke! Vorschlag #1 „Open Data im Alltag“ ist notiert.")
    await h.say(ROOM, LOTSIN, "!topic suggest Digitaler Reiseantrag")
    [reply] = await h.say(ROOM, LOTSIN, "!thema vorschlagen „open data im alltag“")
    assert "gibt es schon (#1)" in reply
    [listing] = await h.say(ROOM, LOTSE, "!themen")
    assert "**#1** Open Data im Alltag" in listing and "**#2** Digitaler Reiseantrag" in listing
    [reply] = await h.say(ROOM, LOTSE, "!thema entfernen 2")
    assert "nicht von dir" in reply
    [reply] = await h.say(ROOM, COORD, "!themen umfrage")
    assert "mindestens 2" not in reply  # two ideas are enough
    assert "Welche Themen wünscht ihr euch" in reply and "5 Punkte" in reply
    [reply] = await h.say(ROOM, LOTSIN, "!thema entfernen 2")
    assert reply.startswith("🗑️ Vorschlag #2")
    [reply] = await h.say(ROOM, COORD, "!themen umfrage --punkte 3")
    assert "mindestens 2 Themenvorschläge (bisher 1)" in reply


async def test_english_aliases(h: Harness) -> None:
    await h.say(ROOM, COORD, '!meetlearn new 10.12. 14:00 "Open Data"')
    [listing] = await h.say(ROOM, LOTSE, "!events")
    assert "#1 Open Data" in listing
    [reply] = await h.say(ROOM, LOTSE, "!join 1")
    assert reply.startswith("✅")
    await h.say(ROOM, LOTSE, "!events ics")
    assert h.messenger.uploads[-1][0] == "meet-and-learn.ics"
    [overview] = await h.say(ROOM, LOTSE, "!meetlearn")
    assert "!termine" in overview


# ------------------------------------------------------------------------------------------------ texts


def test_every_text_key_exists_in_german_and_english_with_the_same_placeholders() -> None:
    load_all()
    source = "".join(p.read_text() for p in (Path(__file__).parents[2] / "commands/meetlearn").glob("*.py"))
    used = set(re.findall(r"\"(ml\.[a-z_]+)\"", source))
    catalogue = i18n._CATALOGUE
    assert used and used <= set(catalogue), used - set(catalogue)
    for key in (k for k in catalogue if k.startswith("ml.")):
        texts = catalogue[key]
        assert set(texts) == {"de", "en"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("de", "en")]
        assert fields[0] == fields[1], key


async def test_english_room_language(tmp_path: Path) -> None:
    h = await Harness(tmp_path, bot={"language": "en"}).start()
    h.room(ROOM, [COORD, LOTSE, LOTSIN], power={COORD: 100})
    try:
        await h.say(ROOM, COORD, '!meetlearn new 10.12. 14:00 "Open Data" --speaker "Team IT"')
        announcement = next(s.body for s in h.messenger.sent if s.body.startswith("📅"))
        assert "(session #1)" in announcement and "Thursday, 10 December 2026, 14:00" in announcement
        [reply] = await h.say(ROOM, LOTSE, "!join 1")
        assert reply.startswith("✅ Great")
        bodies = messages(await run_until(h, berlin(2026, 12, 10, 14, 0)))
        assert bodies[1].startswith("⏰ **Reminder:** Meet and Learn starts tomorrow")
        assert "1 person has said yes so far." in bodies[1]
        await h.say(ROOM, COORD, '!meetlearn series "every 2nd Thursday 14:00" "Monthly" --preview')
        assert "every 2nd Thursday of the month at 14:00" in h.messenger.sent[-1].body
        assert not any("went wrong" in s.body for s in h.messenger.sent)
    finally:
        await h.close()


def test_invalid_config_section_falls_back_to_defaults(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(
        tmp_path, features={"meetlearn": {"jitsi_base": "meet.jit.si", "dm_remindres": True}}
    )
    parsed = settings(config)
    assert parsed.jitsi_base is None and parsed.dm_reminders is False
    assert "jitsi_base" in caplog.text and "dm_remindres" in caplog.text
    ok = make_config(
        tmp_path, features={"meetlearn": {"jitsi_base": "https://meet.stadt.example", "dm_reminders": True}}
    )
    assert settings(ok).jitsi_base == "https://meet.stadt.example/" and settings(ok).dm_reminders
