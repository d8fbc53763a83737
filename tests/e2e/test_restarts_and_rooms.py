"""Start-up, restarts and what counts as a team room or a DM, against a real Synapse (issue 17)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, update

import tests.support.jobs  # noqa: F401  (registers test.remind)
from storage.db import Database
from storage.models import BotRoom, KeyValue, ScheduledJob
from tests.conftest import BotRunner, team_room

pytestmark = pytest.mark.e2e
BERLIN = ZoneInfo("Europe/Berlin")
SYNC_CACHE_SECONDS = 120  # Synapse's sync_response_cache_duration default


def _replies_to(event: dict, event_id: str) -> bool:
    relates = event.get("content", {}).get("m.relates_to", {})
    return relates.get("m.in_reply_to", {}).get("event_id") == event_id


@pytest.mark.once  # config validation of room ids
async def test_a_room_version_12_room_id_in_rooms_is_accepted_at_start(lotsen, bot: BotRunner) -> None:
    coord = await lotsen("koordination")
    await bot.start()
    room = await coord.create_room(invite=[bot.user_id])
    assert ":" not in room, f"the test Synapse should create room version 12 rooms, got {room}"
    await coord.wait_member(room, bot.user_id)
    await bot.stop()
    bot.overrides = {"rooms": [room]}
    app = await bot.start()
    assert app.matrix.team_rooms() == [room]
    assert (await coord.ask(room, "!ping")).startswith("pong")


async def test_an_overdue_reminder_at_restart_waits_for_the_first_sync(
    lotsen, bot: BotRunner, caplog
) -> None:
    """Jobs ran before the first sync: the room was unknown to the client ("No such room"), a traceback."""
    coord = await lotsen("koordination")
    await bot.start()
    room = await team_room(coord, bot)
    await bot.stop()
    db = Database(bot.db_url)
    async with db.transaction() as session:
        session.add(
            ScheduledJob(
                kind="test.remind",
                due_at=datetime.now(UTC) - timedelta(minutes=1),
                payload={"room_id": room, "text": "überfällig beim Start"},
                timezone="Europe/Berlin",
                status="pending",
            )
        )
    await db.close()
    caplog.clear()
    caplog.set_level(logging.INFO)
    await bot.start()
    await coord.wait_for(room, lambda e: "überfällig beim Start" in e.get("content", {}).get("body", ""))
    assert (await coord.ask(room, "!ping")).startswith("pong")  # everything after it is handled, too
    bodies = [e["content"]["body"] for e in coord.messages_from(room, bot.user_id)]
    assert sum("überfällig beim Start" in b for b in bodies) == 1
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]


async def test_a_configured_team_room_with_two_members_is_no_dm(lotsen, bot: BotRunner) -> None:
    """The coordinator sets up the team room with just the bot: that is the team room, not a DM."""
    coord = await lotsen("koordination")
    await bot.start()
    room = await coord.create_room(invite=[bot.user_id])
    await coord.wait_member(room, bot.user_id)
    await bot.stop()
    bot.overrides = {"rooms": [room]}
    await bot.start()
    when = (datetime.now(UTC) + timedelta(days=10)).astimezone(BERLIN).strftime("%d.%m.%Y 10:00")
    created = await coord.ask(room, f'!meetlearn neu {when} "Digitale Akte"')
    assert "Team-Raum" not in created
    await coord.wait_for(room, lambda e: "Digitale Akte" in e.get("content", {}).get("body", ""))
    before = len(coord.messages_from(room, bot.user_id))
    await coord.send(room, "Wie bekomme ich einen Jitsi-Raum?")  # chatter in the team room, no question
    assert (await coord.ask(room, "!ping")).startswith("pong")
    after = coord.messages_from(room, bot.user_id)
    assert len(after) == before + 1, [e["content"] for e in after[before:]]
    # and a DM a Lotse opens is still one
    lotse = await lotsen("lotse")
    dm = await lotse.create_room(invite=[bot.user_id], direct=True, name="")
    greeting = await lotse.wait_for(
        dm, lambda e: e.get("sender") == bot.user_id and e.get("type") == "m.room.message"
    )
    assert greeting["content"]["body"].startswith("Hallo! Ich bin")
    assert "Jitsi" in await lotse.ask(dm, "Wie bekomme ich einen Jitsi-Raum?")
    # A DM joined by an older version (no `direct` flag stored) is recognised from the bot's membership.
    await bot.stop()
    db = Database(bot.db_url)
    async with db.transaction() as session:
        await session.execute(update(BotRoom).values(direct=False))
    await db.close()
    await bot.start()
    assert "Jitsi" in await lotse.ask(dm, "Und wie bekomme ich einen Jitsi-Raum?")


async def test_a_lost_sync_token_inside_the_sync_cache_window_loses_nothing(
    lotsen, bot: BotRunner, caplog
) -> None:
    """Synapse answers a tokenless sync within ~2 minutes with its cached old response (rooms as invites):
    the restart must neither move the room's cutoff over what was sent meanwhile nor greet again."""
    started = time.monotonic()
    await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    assert (await coord.ask(room, "!ping")).startswith("pong")
    await bot.stop()
    db = Database(bot.db_url)
    async with db.transaction() as session:
        await session.execute(delete(KeyValue).where(KeyValue.key == "sync_token"))
    await db.close()
    while_down = await coord.send(room, "!ping")
    if time.monotonic() - started > SYNC_CACHE_SECONDS - 20:
        pytest.skip("too slow to restart inside Synapse's sync response cache window")
    caplog.set_level(logging.INFO, logger="bot.matrix")
    await bot.start()
    reply = await coord.wait_reply(room, while_down, timeout=60)
    assert reply["content"]["body"].startswith("pong")
    assert (await coord.ask(room, "!ping")).startswith("pong")  # the catch-up is over
    bodies = [e["content"]["body"] for e in coord.messages_from(room, bot.user_id)]
    assert sum(b.startswith("Hallo zusammen") for b in bodies) == 1, bodies
    replies = [e for e in coord.messages_from(room, bot.user_id) if _replies_to(e, while_down)]
    assert len(replies) == 1
    # the situation really arose: Synapse served the cached old response with the room as an invite
    assert "seen again while joined" in caplog.text


@pytest.mark.once  # edit detection; its throttle row: test_undecryptable…
async def test_an_edited_command_gets_a_hint_instead_of_silence(lotsen, bot: BotRunner) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    first = await coord.send(room, "!pnig")
    await coord.wait_reply(room, first)
    edit = await coord.send_event(
        room,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": "* !ping",
            "m.new_content": {"msgtype": "m.text", "body": "!ping"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": first},
        },
    )
    hint = await coord.wait_reply(room, edit)
    assert "Bearbeitungen lese ich nicht" in hint["content"]["body"]


async def test_votes_typed_in_the_room_open_dms_without_losing_a_batch(
    lotsen, bot: BotRunner, caplog
) -> None:
    """Opening a DM raced the sync loop for the same bot_rooms row (UNIQUE constraint failed) and the
    whole batch was skipped. Three Lotsen type their anonymous vote in the room at once."""
    await bot.start()
    coord = await lotsen("koordination")
    people = [await lotsen(f"lotse{i}") for i in range(3)]
    room = await team_room(coord, bot, *people)
    await coord.send(room, '!umfrage "Kaffee oder Tee?" "Kaffee" "Tee" --anonym')
    for person in people:
        await person.wait_for(room, lambda e: "Umfrage #1" in e.get("content", {}).get("body", ""))
    caplog.clear()
    caplog.set_level(logging.INFO)
    typed = await asyncio.gather(*(p.send(room, "!stimme 1 1") for p in people))
    pings = await asyncio.gather(*(p.send(room, "!ping") for p in people))
    for person, vote, ping in zip(people, typed, pings, strict=True):
        assert "zähle ich nicht" in (await person.wait_reply(room, vote, timeout=60))["content"]["body"]
        assert (await person.wait_reply(room, ping, timeout=60))["content"]["body"].startswith("pong")
    assert bot.app is not None
    dms: list[str] = []
    for _ in range(120):  # the DMs are opened while the replies go out; wait for them, up to 60 s
        async with bot.app.db.transaction() as session:
            dms = list((await session.scalars(select(BotRoom.room_id).where(BotRoom.direct))).all())
        if len(dms) >= 3:
            break
        await asyncio.sleep(0.5)
    assert len(dms) == 3
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors and "skipping it" not in caplog.text, errors


@pytest.mark.once  # Synapse refusing a redaction; retro rows: test_retro…
async def test_feedback_typed_in_the_room_says_truthfully_it_was_not_removed(lotsen, bot: BotRunner) -> None:
    """The bot has no power to redact in this room: Synapse refuses, and the reply must not claim removal."""
    await bot.start()
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    room = await team_room(coord, bot, lotse)
    await coord.send(room, '!retro start "Modul 3"')
    await lotse.wait_for(room, lambda e: "Retro #1" in e.get("content", {}).get("body", ""))
    reply = await lotse.ask(room, "!feedback 1 stop Zu lange Sitzungen")
    assert "nicht entfernen" in reply and "bitte lösche sie selbst" in reply
