"""kill -9 at random moments during a burst of commands: after restart every command is answered exactly once
and nothing sent before the bot's first start is ever answered."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from bot.dev.devclient import PASSWORD, Lotse
from bot.dev.localsynapse import LocalSynapse
from tests.conftest import E2E_DB, new_database_url
from tests.support.process import BotProcess, bot_account

pytestmark = pytest.mark.e2e

BURST = 25


async def bot_process(hs: LocalSynapse, tmp_path: Path) -> tuple[BotProcess, str]:
    bot_id, cfg = await bot_account(hs, tmp_path, database_url=await new_database_url(tmp_path, E2E_DB))
    return BotProcess(cfg, tmp_path / "bot.log"), bot_id


def answered(lotse: Lotse, room: str, bot_id: str) -> list[str]:
    return [
        (e["content"].get("m.relates_to") or {}).get("m.in_reply_to", {}).get("event_id")
        for e in lotse.messages_from(room, bot_id)
        if (e["content"].get("m.relates_to") or {}).get("m.in_reply_to")
    ]


async def test_kill9_during_burst_answers_each_command_once(tmp_path: Path) -> None:
    rng = random.Random(20261122)
    async with LocalSynapse(tmp_path / "hs") as hs:
        bot, bot_id = await bot_process(hs, tmp_path)
        user_id = await hs.register_user("koordination", PASSWORD)
        coord = Lotse(hs.url, user_id, tmp_path / "coord")
        await coord.login()
        await coord.start()
        try:
            room = await coord.create_room(invite=[bot_id])
            before_start = await coord.send(room, "!ping")  # the bot has never run: must stay unanswered
            await bot.start()
            await coord.wait_member(room, bot_id, timeout=60)
            await coord.wait_for(
                room, lambda e: e.get("sender") == bot_id and e["type"] == "m.room.message", timeout=60
            )
            sent: list[str] = []
            kills = 0
            for i in range(BURST):
                sent.append(await coord.send(room, "!ping" if i % 5 else "!hilfe ping"))
                if rng.random() < 0.25:
                    await asyncio.sleep(rng.uniform(0, 0.3))
                    await bot.kill9()
                    kills += 1
                    await bot.start()
            for event_id in sent:
                await coord.wait_reply(room, event_id, timeout=90)
            await asyncio.sleep(3)  # give a would-be duplicate time to arrive
            replies = answered(coord, room, bot_id)
            assert kills >= 3
            assert sorted(replies) == sorted(sent), "every command answered exactly once"
            assert before_start not in replies
        finally:
            await coord.close()
            await bot.stop()
            print(bot.log_text()[-3000:])
