"""Meet and Learn against a real Synapse, with reminder offsets of a few seconds.

One scenario on one timeline keeps the file fast: a session starting 25 seconds ahead gets two reminders
(10 s and 5 s before) and the start message; another session is cancelled right away and must stay
silent; the bot is restarted before the first reminder is due. A second test changes a series: a date
cancelled before its announcement and the end of the series reach the room with the calendar file.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from nio import MemoryDownloadResponse
from nio.crypto import decrypt_attachment

from commands.meetlearn.recurrence import parse_rule
from tests.conftest import BotRunner, team_room
from tests.support.lotse import Lotse

pytestmark = pytest.mark.e2e

BERLIN = ZoneInfo("Europe/Berlin")
OFFSETS = [10, 5]  # seconds before the start
LEAD = 40  # seconds from creating the session to its start (the 10 s reminder needs ≥ 2 × 10 s − 10 % ahead;
# the rest is room for the setup when CI runs both databases side by side on 2 cores)


def _typed(moment: datetime) -> str:
    """A time as a Lotse would type it, to the second (the parser accepts 18:59:16)."""
    return moment.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M:%S")


def _from(bot: BotRunner, prefix: str = "") -> Callable[[dict[str, Any]], bool]:
    def pred(e: dict[str, Any]) -> bool:
        return (
            e.get("sender") == bot.user_id
            and e.get("type") == "m.room.message"
            and str(e["content"].get("body", "")).startswith(prefix)
        )

    return pred


async def test_announcement_rsvp_reminders_restart_and_cancel(
    lotsen: Callable[[str], Awaitable[Lotse]], bot: BotRunner
) -> None:
    own_jitsi = "https://meet.stadt.example/"
    await bot.start(features={"meetlearn": {"reminder_offsets_seconds": OFFSETS, "jitsi_base": own_jitsi}})
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    lotsin = await lotsen("lotsin")
    room = await team_room(coord, bot, lotse, lotsin)
    await lotse.wait_for(room, _from(bot, "Hallo"))  # greeting: the bot is in

    # A Lotse may not create sessions; a session cancelled at once stays silent (its reminders would
    # fall inside this test's timeline).
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD)
    refused = await lotse.ask(room, f'!meetlearn neu {_typed(later)} "Nicht erlaubt"')
    assert "dürfen nur Koordinator·innen verwenden" in refused
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD - 8)
    await coord.ask(room, f'!meetlearn neu {_typed(soon)} "Fällt aus"')
    await coord.send(room, "!meetlearn absagen 1")
    cancelled = await lotse.wait_for(room, _from(bot, "❌ **Abgesagt:**"))
    assert "**Fällt aus** (#1)" in cancelled["content"]["body"]

    created = time.monotonic()
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=LEAD)
    reply = await coord.ask(
        room, f'!meetlearn neu {_typed(start)} "E-Akte im Alltag" --referent "Team Personal & IT"'
    )
    assert reply.startswith("✅ Termin #2 ist angelegt und angekündigt")

    # Announcement and calendar file arrive.
    announcement = await lotse.wait_for(
        room, lambda e: _from(bot, "📅")(e) and "(Termin #2)" in e["content"]["body"]
    )
    body = announcement["content"]["body"]
    assert "**Meet and Learn: E-Akte im Alltag** (Termin #2)" in body
    assert "Team Personal & IT" in body and "`!dabei 2`" in body
    assert announcement["content"]["m.mentions"] == {"room": True}
    link = body.split("<")[1].split(">")[0]
    assert link.startswith("https://meet.stadt.example/MeetAndLearn-")  # the city's own Jitsi
    ics_event = await lotse.wait_for(
        room,
        lambda e: (
            e.get("sender") == bot.user_id
            and str(e["content"].get("body", "")).startswith("meet-and-learn-2-")
        ),
    )
    assert ics_event["content"]["info"]["mimetype"] == "text/calendar"
    # an encrypted room gets an encrypted file: the media store only holds ciphertext
    encrypted_file = ics_event["content"]["file"]
    assert "url" not in ics_event["content"]
    download = await lotse.client.download(mxc=encrypted_file["url"])
    assert isinstance(download, MemoryDownloadResponse), download
    assert b"BEGIN:VCALENDAR" not in download.body
    plain = decrypt_attachment(
        download.body, encrypted_file["key"]["k"], encrypted_file["hashes"]["sha256"], encrypted_file["iv"]
    )
    [vevent] = icalendar.Calendar.from_ical(plain).walk("VEVENT")
    assert vevent["DTSTART"].dt == start and vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(vevent["URL"]) == link and str(vevent["LOCATION"]) == link

    # RSVP by command and by reaction.
    assert (await lotse.ask(room, "!dabei 2")).startswith("✅ Schön, du bist bei #2")
    reaction = await lotsin.send_event(
        room,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": announcement["event_id"], "key": "✅"}},
    )
    listing = await lotse.ask(room, "!termine")
    assert "#2 E-Akte im Alltag" in listing and "2 Zusagen" in listing
    await lotsin.client.room_redact(room, reaction)  # taking the ✅ back takes the answer back
    assert "1 Zusage" in await lotse.ask(room, "!termine")

    # Restart before the first reminder is due: it is still sent, exactly once.
    assert time.monotonic() - created < LEAD - OFFSETS[0], "setup too slow for this timeline"
    assert not [e for e in lotse.messages_from(room, bot.user_id) if e["content"]["body"].startswith("⏰")]
    await bot.restart()

    await lotse.wait_for(room, _from(bot, "🚀"), timeout=LEAD + 20, what="the start message")
    await asyncio.sleep(1.5)  # anything sent twice would arrive right behind it
    timeline = [e["content"]["body"] for e in lotse.messages_from(room, bot.user_id)]
    about_2 = [b for b in timeline if b.startswith(("⏰", "🚀")) and "(#2)" in b]
    assert [b[0] for b in about_2] == ["⏰", "⏰", "🚀"], about_2
    first, second, go = about_2
    assert f"in {OFFSETS[0]} Sekunden beginnt" in first and "Bisher hat 1 Person zugesagt." in first
    assert f"in {OFFSETS[1]} Sekunden beginnt" in second
    assert go.startswith("🚀 **Es geht los:**")
    assert all(link in b for b in about_2)
    assert not [b for b in timeline if b.startswith(("⏰", "🚀")) and "(#1)" in b]
    assert not lotse.undecryptable and not coord.undecryptable


async def test_series_date_cancelled_and_series_ended_reach_the_room_with_the_calendar(
    lotsen: Callable[[str], Awaitable[Lotse]], bot: BotRunner
) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    room = await team_room(coord, bot, lotse)
    await lotse.wait_for(room, _from(bot, "Hallo"))

    rule = "jeden 2. Donnerstag 14:00"
    dates = parse_rule(rule).occurrences(datetime.now(BERLIN), BERLIN, 3)
    reply = await coord.ask(room, f'!meet serie "{rule}" "Meet and Learn"')  # the short alias
    assert reply.startswith("🔁 Reihe #1 „Meet and Learn“ ist angelegt")

    # The third date is two months away, far from its announcement: the room is told all the same.
    await coord.send(room, "!meetlearn absagen 3")
    notice = await lotse.wait_for(
        room, lambda e: _from(bot, "❌ **Abgesagt:**")(e) and "(#3)" in e["content"]["body"]
    )
    assert "Die Reihe #1 geht weiter" in notice["content"]["body"]
    ics = await lotse.wait_for(
        room, lambda e: _from(bot, "meet-and-learn-3-")(e) and e["content"].get("msgtype") == "m.file"
    )
    [master] = icalendar.Calendar.from_ical(await lotse.download(ics["content"])).walk("VEVENT")
    assert [d.dt for d in master["EXDATE"].dts] == [dates[2]]

    # Ending it on the day of the second date: later dates disappear, the calendar file gets UNTIL.
    await coord.send(room, f"!meet serie beenden 1 --bis {dates[1]:%d.%m.%Y}")
    ended = await lotse.wait_for(room, _from(bot, "🏁 **Die Reihe #1"))
    assert "Es entfallen: #4" in ended["content"]["body"]
    ics = await lotse.wait_for(room, _from(bot, "meet-and-learn-reihe-1.ics"))
    [master] = icalendar.Calendar.from_ical(await lotse.download(ics["content"])).walk("VEVENT")
    end_of_day = dates[1].replace(hour=23, minute=59, second=59).astimezone(UTC)
    assert master["RRULE"]["UNTIL"] == [end_of_day] and str(master["STATUS"]) == "CONFIRMED"
    listing = await lotse.ask(room, "!termine")
    assert "#3 " not in listing and "#4 " not in listing and "#2 Meet and Learn" in listing
    assert not lotse.undecryptable and not coord.undecryptable
