"""The foundation as a Lotse experiences it, against a real Synapse."""

from __future__ import annotations

import pytest

from tests.conftest import BotRunner, team_room

pytestmark = pytest.mark.e2e


async def test_joins_greets_and_answers_ping_in_encrypted_room(lotsen, bot: BotRunner) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    hello = await coord.wait_for(
        room, lambda e: e.get("sender") == bot.user_id and e["type"] == "m.room.message"
    )
    assert "Lotsenbot" in hello["content"]["body"]
    assert hello["content"]["msgtype"] == "m.notice"
    reply = await coord.ask(room, "!ping")
    assert reply.startswith("pong (")
