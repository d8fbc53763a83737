"""Many Lotsen in one room, and what the homeserver itself says the bot sent them (admin API).

For the fan-out tests: plain clients (no sync, no crypto) are cheap enough for dozens of recipients; the
admin API counts the bot's events in each of its DMs, encrypted or not, without any client decrypting.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import aiohttp
from nio import AsyncClient, JoinResponse

from bot.dev.localsynapse import LocalSynapse
from tests.support.voters import voter


async def crowd(hs: LocalSynapse, n: int, tag: str) -> list[AsyncClient]:
    sem = asyncio.Semaphore(8)
    return list(await asyncio.gather(*(voter(hs, f"lotse{i:03d}-{tag}", sem) for i in range(n))))


async def join_all(clients: list[AsyncClient], room_id: str) -> None:
    sem = asyncio.Semaphore(8)

    async def join(client: AsyncClient) -> None:
        async with sem:
            resp = await client.join(room_id)
            assert isinstance(resp, JoinResponse), resp

    await asyncio.gather(*(join(c) for c in clients))


async def lift_limit(hs: LocalSynapse, admin_token: str, user_id: str) -> None:
    """``override_ratelimit`` with 0 messages per second: no limit for this account."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{hs.url}/_synapse/admin/v1/users/{user_id}/override_ratelimit",
            data=json.dumps({"messages_per_second": 0, "burst_count": 0}),
            headers={"Authorization": f"Bearer {admin_token}"},
        ) as resp,
    ):
        assert resp.status == 200, await resp.text()


async def _get(http: aiohttp.ClientSession, hs: LocalSynapse, token: str, path: str) -> dict[str, Any]:
    async with http.get(f"{hs.url}{path}", headers={"Authorization": f"Bearer {token}"}) as resp:
        assert resp.status == 200, (path, await resp.text())
        return dict(await resp.json())


async def bot_dm_messages(hs: LocalSynapse, admin_token: str, bot_id: str) -> Counter[str]:
    """For each person: how many messages the bot sent in DM rooms it created with them (all of them)."""
    counts: Counter[str] = Counter()
    async with aiohttp.ClientSession() as http:
        rooms = (await _get(http, hs, admin_token, "/_synapse/admin/v1/rooms?limit=2000"))["rooms"]
        for room in rooms:
            if room.get("creator") != bot_id:
                continue
            rid = room["room_id"]
            state = (await _get(http, hs, admin_token, f"/_synapse/admin/v1/rooms/{rid}/state"))["state"]
            others = {
                e["state_key"]
                for e in state
                if e["type"] == "m.room.member"
                and e["state_key"] != bot_id
                and e["content"].get("membership") in ("invite", "join")
            }
            if len(others) != 1:
                continue
            path = f"/_synapse/admin/v1/rooms/{rid}/messages?dir=b&limit=1000"
            chunk = (await _get(http, hs, admin_token, path))["chunk"]
            kinds = ("m.room.message", "m.room.encrypted")
            counts[others.pop()] += sum(e["sender"] == bot_id and e["type"] in kinds for e in chunk)
    return counts
