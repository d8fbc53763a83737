"""The bot as Element users meet it: matrix-js-sdk with its Rust crypto, "exclude insecure devices" on.

Every client here is what Element Web runs (``tests/support/element.py``): it cross-signs its own device on
first login, as Element does, and is in ``OnlySignedDevicesIsolationMode`` — Element's default since
MSC4153. Such a client neither shares room keys with nor shows messages from a device that its owner has not
cross-signed. So everything below only passes if the bot's device is cross-signed by the bot's account and
the bot, in turn, reads clients of that kind. The room is created the way Element creates one (room
version 12, encryption in the initial state).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.dev.localsynapse import LocalSynapse
from tests.conftest import BotRunner
from tests.support.element import ElementUser
from tests.support.lotse import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # about Element's crypto stack, not the database

POLL_START = "org.matrix.msc3381.poll.start"


@pytest.fixture
async def element(
    synapse: LocalSynapse, tmp_path: Path
) -> AsyncIterator[Callable[[str], Awaitable[ElementUser]]]:
    """Factory for Element-stack users: logged in, own device cross-signed, insecure devices excluded."""
    made: list[ElementUser] = []

    async def make(role: str) -> ElementUser:
        localpart = f"{role}-{secrets.token_hex(3)}"
        user_id = await synapse.register_user(localpart, PASSWORD)
        user = ElementUser(localpart, tmp_path)
        made.append(user)
        await user.start()
        await user.login(synapse.url, user_id, PASSWORD)
        signed = await user.bootstrap_cross_signing()
        assert signed["device_signed_by_owner"], signed
        await user.exclude_insecure_devices()
        return user

    yield make
    for user in made:
        await user.close()


def readable(event: dict[str, Any], what: str) -> dict[str, Any]:
    """The event as the Element user sees it: decrypted, and without any warning shield."""
    assert event["decryption_failure"] is None, f"{what}: cannot decrypt ({event['decryption_failure']})"
    assert event["encrypted"], f"{what}: sent in the clear in an encrypted room: {event}"
    assert event["shield"] == {"colour": "NONE", "reason": None}, f"{what}: shield {event['shield']}"
    return event


async def test_element_users_in_exclude_insecure_mode_read_and_are_read(
    element: Callable[[str], Awaitable[ElementUser]], bot: BotRunner
) -> None:
    coord = await element("koordination")
    anna = await element("lotse")
    await bot.start(coordinators={"users": [coord.user_id]})

    room = await coord.create_room(invite=[bot.user_id, anna.user_id])
    await anna.wait_member(room, anna.user_id)
    await coord.wait_member(room, bot.user_id)
    await coord.wait_member(room, anna.user_id)
    greeting = await coord.wait_event(room, sender=bot.user_id)
    assert readable(greeting, "greeting")["content"]["body"].startswith("Hallo zusammen!")

    async def ask(user: ElementUser, text: str, **query: Any) -> dict[str, Any]:
        """Send as ``user`` and return the bot's reply as both clients see it (each must read it)."""
        marks = (await coord.mark(), await anna.mark())
        sent = await user.send_text(room, text)
        query = query or {"reply_to": sent}
        seen = [
            readable(
                await c.wait_event(room, after=m, sender=bot.user_id, **query), f"{c.name}: reply to {text}"
            )
            for c, m in zip((coord, anna), marks, strict=True)
        ]
        assert seen[0]["event_id"] == seen[1]["event_id"]
        return seen[0]

    # The bot reads both clients, and both read its answers.
    assert (await ask(coord, "!ping"))["content"]["body"].startswith("pong")
    assert (await ask(anna, "!ping"))["content"]["body"].startswith("pong")

    # A vote from the SDK's native poll response (what Element's poll UI sends) is counted.
    poll = await ask(coord, '!umfrage "Welcher Tag passt?" "Montag" "Dienstag"', type=POLL_START)
    answers = poll["content"][POLL_START]["answers"]
    await anna.send_poll_response(room, poll["event_id"], [answers[1]["id"]])
    result = (await ask(coord, "!ergebnis 1"))["content"]["body"]
    assert "**2. Dienstag** (1 Stimme)" in result and "**1. Montag** (0 Stimmen)" in result

    # An FAQ answer from the knowledge base shipped with the bot.
    faq = (await ask(anna, "!faq Wie bekomme ich Zugang zu Stackfield?"))["content"]["body"]
    assert faq.startswith("### Wie bekomme ich Zugang zu Stackfield?")

    # The calendar file: an encrypted attachment that Element downloads, decrypts and opens.
    start = (datetime.now(UTC) + timedelta(days=20)).replace(hour=12, minute=0, second=0, microsecond=0)
    typed = start.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y %H:%M")
    created = await ask(coord, f'!meetlearn neu {typed} "E-Akte im Alltag"')
    assert created["content"]["body"].startswith("✅ Termin #1 ist angelegt und angekündigt")
    announced = await anna.wait_event(room, sender=bot.user_id, body_startswith="meet-and-learn-1-")
    readable(announced, "the announcement's calendar file")
    ics = await ask(anna, "!termine ics", body_startswith="meet-and-learn.ics")
    assert ics["content"]["info"]["mimetype"] == "text/calendar" and "url" not in ics["content"]
    calendar = icalendar.Calendar.from_ical(await anna.download(ics["content"]["file"]))
    [session] = calendar.walk("VEVENT")
    assert "E-Akte im Alltag" in str(session["SUMMARY"])
    assert session.decoded("DTSTART") == start

    # Nothing the bot sent was unreadable or shielded, and it never had to say it could not decrypt.
    for client in (coord, anna):
        from_bot = [e for e in await client.events(room) if e["sender"] == bot.user_id and not e["state"]]
        assert from_bot, client.name
        for event in from_bot:
            readable(event, f"{client.name}: {event['type']} {event['event_id']}")
        assert not any("nicht entschlüsseln" in str(e["content"].get("body", "")) for e in from_bot)
