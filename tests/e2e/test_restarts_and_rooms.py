"""Start-up, restarts and what counts as a team room or a DM, against a real Synapse (issue 17)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

import tests.support.jobs  # noqa: F401  (registers test.remind)
from storage.db import Database
from storage.models import ScheduledJob
from tests.conftest import BotRunner, team_room

pytestmark = pytest.mark.e2e


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
