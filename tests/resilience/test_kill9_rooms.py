"""Catch-up across rooms on PostgreSQL (issue 16.2), where rooms are handled side by side: commands pile up
in three rooms while the bot is down; it is killed (-9) in the middle of catching up and started again.
Every command is answered exactly once, and in each room in the order the commands were sent."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.dev.devclient import PASSWORD, Lotse
from bot.dev.localsynapse import LocalSynapse
from tests.conftest import new_database_url
from tests.resilience.test_kill9 import answered
from tests.support.process import BotProcess, bot_account

pytestmark = pytest.mark.e2e

ROOMS = 3
PER_ROOM = 20


async def test_kill9_during_a_catch_up_across_rooms_keeps_once_and_order(tmp_path: Path) -> None:
    database_url = await new_database_url(tmp_path, "postgres")  # skips without PostgreSQL
    async with LocalSynapse(tmp_path / "hs") as hs:
        bot_id, cfg = await bot_account(hs, tmp_path, database_url=database_url)
        bot = BotProcess(cfg, tmp_path / "bot.log")
        coord = Lotse(hs.url, await hs.register_user("koordination", PASSWORD), tmp_path / "coord")
        await coord.login()
        await coord.start()
        try:
            rooms = [await coord.create_room(invite=[bot_id], encrypted=False) for _ in range(ROOMS)]
            await bot.start()
            for room in rooms:
                await coord.wait_member(room, bot_id, timeout=240)
                await coord.wait_for(room, lambda e: e.get("sender") == bot_id, timeout=240)
            await bot.stop()  # a clean stop: everything below is pending when it comes back
            sent: dict[str, list[str]] = {room: [] for room in rooms}
            for i in range(PER_ROOM):
                for room in rooms:
                    sent[room].append(await coord.send(room, "!ping" if i % 4 else "!hilfe ping"))
            await bot.start()
            # kill it once the catch-up is under way: some replies out, not all
            total = ROOMS * PER_ROOM
            for _ in range(6000):
                done = sum(len(answered(coord, room, bot_id)) for room in rooms)
                if done >= 1:
                    break
                await asyncio.sleep(0.05)
            assert done < total, "the catch-up ended before the kill; nothing was tested"
            await bot.kill9()
            await bot.start()
            for room in rooms:
                for event_id in sent[room]:
                    await coord.wait_reply(room, event_id, timeout=240)
            await asyncio.sleep(3)  # give a would-be duplicate time to arrive
            for room in rooms:
                replies = [r for r in answered(coord, room, bot_id) if r in sent[room]]
                assert replies == sent[room], "each command answered once, in the room's order"
        finally:
            await coord.close()
            await bot.stop()
            print(bot.log_text()[-3000:])
