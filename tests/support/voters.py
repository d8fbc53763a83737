"""Plain voting clients for the vote-burst tests (kill -9, standby takeover).

They log in without syncing and only send, which keeps a few dozen of them cheap next to one Synapse.
"""

from __future__ import annotations

import asyncio
from typing import Any

from nio import AsyncClient, LoginResponse, RoomSendResponse

from bot.dev.devclient import PASSWORD
from bot.dev.localsynapse import LocalSynapse

OPTIONS = ("Montag", "Dienstag", "Mittwoch")
START = "org.matrix.msc3381.poll.start"
RESPONSE = "org.matrix.msc3381.poll.response"


async def voter(hs: LocalSynapse, localpart: str, sem: asyncio.Semaphore) -> AsyncClient:
    """A registered, logged-in client; `sem` bounds how many register at once."""
    async with sem:
        user_id = await hs.register_user(localpart, PASSWORD)
        client = AsyncClient(hs.url, user_id)
        assert isinstance(await client.login(PASSWORD), LoginResponse)
        return client


async def send(client: AsyncClient, room: str, event_type: str, content: dict[str, Any]) -> str:
    resp = await client.room_send(room, event_type, content)
    assert isinstance(resp, RoomSendResponse), resp
    return resp.event_id


def reply_target(event: dict[str, Any]) -> str | None:
    """The event id a bot reply answers (its m.in_reply_to), or None."""
    rel = event.get("content", {}).get("m.relates_to") or {}
    return (rel.get("m.in_reply_to") or {}).get("event_id")
