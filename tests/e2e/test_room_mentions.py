"""A plain Lotse cannot ping the whole room through the bot (issue 17, item 3), against a real Synapse.

The room is unencrypted so that Synapse itself evaluates the push rules, and the bot has the power to
notify the room (``notifications.room`` is 50) — the setting in which the legacy ``.m.rule.roomnotif``
rule ("@room" as a word in ``body``) highlights everyone for events without ``m.mentions``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.conftest import BotRunner, team_room
from tests.support.lotse import Lotse

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # about Synapse's push rules, not the database

START = "org.matrix.msc3381.poll.start"
END = "org.matrix.msc3381.poll.end"
WORD_JOINER = "\u2060"  # what bot.render.defuse_room_ping inserts after the "@"


def highlights(notifications: list[dict[str, Any]], room: str, sender: str) -> list[dict[str, Any]]:
    return [n for n in notifications if n["room_id"] == room and n["sender"] == sender and n["highlight"]]


async def notifications_of(member: Lotse) -> list[dict[str, Any]]:
    resp = await member.client.send(
        "GET",
        "/_matrix/client/v3/notifications?limit=100",
        headers={"Authorization": f"Bearer {member.client.access_token}"},
    )
    resp.raise_for_status()
    return [
        {**n["event"], "room_id": n["room_id"], "highlight": _highlight(n)}
        for n in (await resp.json())["notifications"]
    ]


def _highlight(notification: dict[str, Any]) -> bool:
    return any(
        isinstance(action, dict) and action.get("set_tweak") == "highlight" and action.get("value", True)
        for action in notification.get("actions", [])
    )


async def wait_until(cond: Any, what: str, timeout: float = 20) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await cond():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.3)


async def test_lotse_poll_with_at_room_highlights_nobody_but_an_announcement_does(
    lotsen: Any, bot: BotRunner
) -> None:
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    third = await lotsen("lotse")
    await bot.start(coordinators={"users": [coord.user_id]}, features={"polls": {"create": "everyone"}})
    room = await team_room(coord, bot, lotse, third, encrypted=False)
    await coord.set_power(room, bot.user_id, 50)  # may notify the room: the dangerous setting
    await coord.wait_for(
        room,
        lambda e: (
            e.get("type") == "m.room.power_levels" and e["content"].get("users", {}).get(bot.user_id) == 50
        ),
    )

    # Synapse's legacy rule, checked directly: a powerful sender's "@room" without m.mentions highlights,
    # the same text with the bot's word joiner does not.
    await coord.send_event(room, "m.room.message", {"msgtype": "m.text", "body": "Test: @room bitte lesen"})
    await coord.send_event(
        room, "m.room.message", {"msgtype": "m.text", "body": f"Test: @{WORD_JOINER}room bitte lesen"}
    )

    async def tests_sent() -> list[dict[str, Any]]:
        return [
            n
            for n in await notifications_of(third)
            if n["sender"] == coord.user_id and str(n["content"].get("body", "")).startswith("Test:")
        ]

    async def legacy_seen() -> bool:
        return len(await tests_sent()) >= 2

    await wait_until(legacy_seen, "the coordinator's two test messages")
    coord_notes = await tests_sent()
    by_body = {n["content"]["body"]: n["highlight"] for n in coord_notes}
    assert by_body == {"Test: @room bitte lesen": True, f"Test: @{WORD_JOINER}room bitte lesen": False}

    # A plain Lotse's poll with "@room" in the question, then its end.
    await lotse.send(room, '!umfrage "@room Dringend?" "Ja" "Nein"')
    start = await third.wait_for(room, lambda e: e.get("type") == START and e.get("sender") == bot.user_id)
    assert start["content"]["m.mentions"] == {} and "@room" not in start["content"]["body"], start["content"]
    await lotse.send(room, "!umfrage schließen 1")
    end = await third.wait_for(room, lambda e: e.get("type") == END and e.get("sender") == bot.user_id)
    assert end["content"]["m.mentions"] == {}

    # A coordinator's deliberate announcement still pings.
    await coord.send(room, "!ansage Morgen 10 Uhr Treffen")

    async def announced() -> bool:
        return any("Ankündigung" in str(n["content"].get("body", "")) for n in await notifications_of(third))

    await wait_until(announced, "the announcement in the third member's notifications")
    from_bot = [n for n in await notifications_of(third) if n["sender"] == bot.user_id]
    pinged = [str(n["content"].get("body", ""))[:60] for n in from_bot if n["highlight"]]
    assert len(pinged) == 1 and "Ankündigung" in pinged[0], pinged
