"""Start-up, restarts and what counts as a team room or a DM, against a real Synapse (issue 17)."""

from __future__ import annotations

import pytest

from tests.conftest import BotRunner

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
