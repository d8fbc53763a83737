"""``language = "de-Sie"`` over a real Synapse: help, a poll and errors reach the Lotsen in Sie form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import BotRunner, team_room
from tests.support.duform import PRONOUN
from tests.support.voters import name_of, wait_listed

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # the Sie texts; its poll rows: test_polls on PostgreSQL

START = "org.matrix.msc3381.poll.start"


def by_bot(bot: BotRunner, event_type: str, contains: str) -> Any:
    def pred(e: dict[str, Any]) -> bool:
        content = json.dumps(e.get("content", {}), ensure_ascii=False)
        return e.get("sender") == bot.user_id and e.get("type") == event_type and contains in content

    return pred


async def test_a_formal_bot_says_sie_in_help_polls_and_errors(lotsen: Any, bot: BotRunner) -> None:
    coord = await lotsen("koordination")
    anna = await lotsen("lotse")
    await bot.start(bot={"language": "de-Sie"}, coordinators={"users": [coord.user_id]})
    room = await team_room(coord, bot, anna)

    overview = await anna.ask(room, "!hilfe")
    assert "Was möchten Sie tun?" in overview and "!stimme 3 2" in overview
    assert await anna.ask(room, "!pnig") == "Unbekannter Befehl `!pnig`. Meinten Sie `!ping`?"

    await coord.send(room, '!umfrage "Welcher Tag passt?" Montag Dienstag --mehrfach 2')
    await anna.wait_for(room, by_bot(bot, START, "#1:"), what="poll #1")
    await anna.wait_for(
        room, by_bot(bot, "m.room.message", "Sie können bis zu 2 Antworten wählen."), what="the poll's info"
    )
    assert "Es fehlt Ihre Auswahl." in await anna.ask(room, "!stimme 1")
    await anna.send(room, "!stimme 1 2")  # confirmed in the room's vote receipt
    listed = await wait_listed(lambda: anna.events.get(room, []), bot.user_id, [anna.user_id])
    assert listed[name_of(anna.user_id)] == ["2. Dienstag"]
    receipt = await anna.wait_for(room, by_bot(bot, "m.room.message", "Es zählt immer Ihre letzte Stimme"))
    assert "Umfrage #1" in receipt["content"]["body"]

    bodies = [str(e["content"].get("body", "")) for e in anna.messages_from(room, bot.user_id)]
    assert len(bodies) >= 5
    assert [b for b in bodies if PRONOUN.search(b)] == []
