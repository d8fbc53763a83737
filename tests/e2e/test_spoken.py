"""Issue 14 against a real Synapse: points by option name, and a time as people say it through a real
command – with the date it took in the confirmation and a one-word undo."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import format_de
from tests.conftest import BotRunner, team_room
from tests.support.voters import name_of, wait_listed

pytestmark = pytest.mark.e2e
BERLIN = ZoneInfo("Europe/Berlin")


def from_bot(bot: BotRunner, prefix: str) -> Any:
    def pred(e: dict[str, Any]) -> bool:
        body = str(e.get("content", {}).get("body", ""))
        return (
            e.get("sender") == bot.user_id and e.get("type") == "m.room.message" and body.startswith(prefix)
        )

    return pred


async def test_points_by_name_and_ranks_with_zeros(lotsen: Any, bot: BotRunner) -> None:
    coord = await lotsen("koordination")
    anna = await lotsen("lotse")
    await bot.start(coordinators={"users": [coord.user_id]})
    room = await team_room(coord, bot, anna)
    await coord.send(room, '!umfrage "Was zuerst?" "E-Akte" "KI im Amt" "Bürgerbüro online" --punkte 5')
    await anna.wait_for(
        room,
        lambda e: e.get("sender") == bot.user_id and "Umfrage #1" in str(e["content"]),
        what="points poll",
    )
    await anna.send(room, "!punkte 1 E-Akte=3 KI im Amt=2")  # confirmed in the room's vote receipt
    listed = await wait_listed(lambda: anna.events.get(room, []), bot.user_id, [anna.user_id])
    assert "1. E-Akte = 3, 2. KI im Amt = 2" in listed[name_of(anna.user_id)][0]
    again = await anna.send(room, "!punkte 1 e=3 ki=2")  # unique beginnings, any case: the same vote
    unknown = await anna.ask(room, "!punkte 1 Smart City=1")  # answered after `again` was handled
    assert "passt zu keiner Option" in unknown and "3. Bürgerbüro online" in unknown
    refusals = [e for e in anna.messages_from(room, bot.user_id) if "m.in_reply_to" in json.dumps(e)]
    assert not [e for e in refusals if e["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == again]
    result = await coord.ask(room, "!umfrage schließen 1")
    ranked = [line for line in result.splitlines() if line.startswith("`")]
    assert "**Platz 1: E-Akte** (3 Punkte)" in ranked[0] and "**Platz 2: KI im Amt** (2 Punkte)" in ranked[1]
    assert "**–: Bürgerbüro online** (0 Punkte)" in ranked[2]


async def test_spoken_time_names_the_date_and_rueckgaengig_takes_it_back(lotsen: Any, bot: BotRunner) -> None:
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    await bot.start(coordinators={"users": [coord.user_id]})
    room = await team_room(coord, bot, lotse)
    today = datetime.now(BERLIN).date()
    expected = datetime.combine(today + timedelta(days=2), datetime.min.time(), BERLIN).replace(
        hour=14, minute=30
    )
    reply = await coord.ask(room, '!meetlearn neu übermorgen um halb drei "E-Akte im Alltag"')
    assert f"**{format_de(expected)}**" in reply, reply  # 14:30, in working hours, with weekday and date
    assert "„rückgängig“" in reply
    announcement = await lotse.wait_for(room, from_bot(bot, "📅"), what="announcement")
    assert "noch kein Link – kommt vor dem Termin" in announcement["content"]["body"]  # no public server
    await coord.send(room, "rückgängig")
    cancelled = await lotse.wait_for(room, from_bot(bot, "❌ **Abgesagt:**"), what="undo")
    assert "**E-Akte im Alltag** (#1)" in cancelled["content"]["body"]
    yesterday = await coord.ask(room, '!meetlearn neu gestern 10 Uhr "Zu spät"')
    assert "liegt in der Vergangenheit" in yesterday and "verstehe" not in yesterday
