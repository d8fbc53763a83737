"""Senders as Element treats them: the bot serves devices their owner cross-signed (``[matrix] trust``).

The Lotsen here are nio clients; the usual ones cross-sign their device at login as Element does. The
"old client" logs in without cross-signing — a device its owner never verified.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from bot.dev.localsynapse import LocalSynapse
from tests.conftest import BotRunner, team_room
from tests.support.lotse import PASSWORD, Lotse

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # about device trust, not the database


async def old_client(synapse: LocalSynapse, tmp_path: Path) -> Lotse:
    localpart = f"alt-{secrets.token_hex(3)}"
    user_id = await synapse.register_user(localpart, PASSWORD)
    lotse = Lotse(synapse.url, user_id, tmp_path / "clients" / localpart)
    await lotse.login(cross_sign=False)
    await lotse.start()
    return lotse


def replies_to(lotse: Lotse, room: str, event_id: str) -> list[dict[str, Any]]:
    return [
        e
        for e in lotse.events.get(room, [])
        if ((e.get("content", {}).get("m.relates_to") or {}).get("m.in_reply_to") or {}).get("event_id")
        == event_id
    ]


async def test_an_unsigned_device_is_not_served_but_told_why_in_a_message_it_can_read(
    synapse: LocalSynapse, lotsen: Any, bot: BotRunner, tmp_path: Path
) -> None:
    coord = await lotsen("koordination")
    old = await old_client(synapse, tmp_path)
    try:
        await bot.start(coordinators={"users": [coord.user_id]})
        room = await team_room(coord, bot, old)

        # The bot decrypts the old client's command but does not act on it; it explains, readable there.
        ping = await old.send(room, "!ping")
        note = await old.wait_reply(room, ping, timeout=30)
        assert "Gerät, das du nicht bestätigt hast" in note["content"]["body"]
        assert note["content"]["m.mentions"] == {"user_ids": [old.user_id]}
        assert note["event_id"] not in old.undecryptable
        assert not any(e["content"].get("body", "").startswith("pong") for e in replies_to(old, room, ping))

        # The signed member is served; the old device does not get the room key of what follows.
        asked = await coord.send(room, "!ping")
        pong = await coord.wait_reply(room, asked)
        assert pong["content"]["body"].startswith("pong")
        await old._wait(
            lambda: pong["event_id"] in old.undecryptable, 20, "the pong to stay unreadable there"
        )

        # Once an hour: a second command from the old device gets neither an answer nor a second note.
        again = await old.send(room, "!ping noch mal")
        marker = await coord.send(room, "!ping marker")
        await coord.wait_reply(room, marker)
        assert replies_to(coord, room, again) == []
    finally:
        await old.close()


async def test_trust_all_serves_devices_without_cross_signing(
    synapse: LocalSynapse, lotsen: Any, bot: BotRunner, tmp_path: Path
) -> None:
    coord = await lotsen("koordination")
    old = await old_client(synapse, tmp_path)
    try:
        await bot.start(matrix={"trust": "all"})
        room = await team_room(coord, bot, old)
        assert (await old.ask(room, "!ping", timeout=30)).startswith("pong")
        assert (await coord.ask(room, "!ping")).startswith("pong")
    finally:
        await old.close()
