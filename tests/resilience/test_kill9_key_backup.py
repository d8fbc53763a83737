"""Key backup proven with the bot as a real process: a kill -9 in the key window ends with the key restored
from the server-side backup and the command answered exactly once (the lost-disk case is in
``tests/e2e/test_key_backup.py``)."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest

from bot import i18n
from bot.crypto.backup import KILL_IN_KEY_WINDOW_ENV
from bot.dev.devclient import PASSWORD, Lotse
from bot.dev.localsynapse import LocalSynapse
from tests.conftest import E2E_DB, new_database_url
from tests.support.process import BotProcess, bot_account

pytestmark = pytest.mark.e2e

CANNOT_DECRYPT = i18n.t("de", "undecryptable")


def replies_to(lotse: Lotse, room: str, bot_id: str, event_id: str) -> int:
    return sum(
        1
        for e in lotse.messages_from(room, bot_id)
        if ((e["content"].get("m.relates_to") or {}).get("m.in_reply_to") or {}).get("event_id") == event_id
    )


def hints(lotse: Lotse, room: str, bot_id: str) -> int:
    return sum(1 for e in lotse.messages_from(room, bot_id) if e["content"].get("body") == CANNOT_DECRYPT)


def stored_megolm_sessions(crypto_dir: Path) -> set[str]:
    """The megolm session ids in nio's store on disk (read the way a restarted bot would find them)."""
    ids: set[str] = set()
    for db in crypto_dir.glob("*.db"):
        with sqlite3.connect(db) as conn:
            ids |= {row[0] for row in conn.execute("SELECT session_id FROM megolminboundsessions")}
    return ids


def stored_olm_sessions(crypto_dir: Path) -> int:
    count = 0
    for db in crypto_dir.glob("*.db"):
        with sqlite3.connect(db) as conn:
            count += conn.execute("SELECT count(*) FROM olmsessions").fetchone()[0]
    return count


async def _setup(hs: LocalSynapse, tmp_path: Path) -> tuple[BotProcess, str, Lotse, str]:
    bot_id, cfg = await bot_account(hs, tmp_path, database_url=await new_database_url(tmp_path, E2E_DB))
    bot = BotProcess(cfg, tmp_path / "bot.log")
    user_id = await hs.register_user("koordination", PASSWORD)
    coord = Lotse(hs.url, user_id, tmp_path / "coord")
    await coord.login()
    await coord.start()
    room = await coord.create_room(invite=[bot_id])
    await bot.start()
    await coord.wait_member(room, bot_id, timeout=90)
    await coord.wait_for(room, lambda e: e.get("sender") == bot_id, timeout=90, what="the greeting")
    return bot, bot_id, coord, room


async def test_kill9_in_key_window_key_comes_back_from_backup(tmp_path: Path, monkeypatch) -> None:
    marker = tmp_path / "killed-in-key-window"
    monkeypatch.setenv(KILL_IN_KEY_WINDOW_ENV, str(marker))
    crypto = tmp_path / "bot" / "crypto"
    async with LocalSynapse(tmp_path / "hs") as hs:
        bot, bot_id, coord, room = await _setup(hs, tmp_path)
        try:
            # The first room key the bot ever gets comes with this command; the hook kills the bot right
            # after the backup upload and the Olm write, before the megolm write.
            ping = await coord.send(room, "!ping")
            session_id = coord.client.olm.outbound_group_sessions[room].id
            assert bot.proc is not None
            assert await asyncio.wait_for(bot.proc.wait(), 90) == -signal.SIGKILL
            assert marker.exists(), "killed by the key-window hook, not by something else"
            assert stored_olm_sessions(crypto) >= 1, "the Olm session is on disk (its message key is used)"
            assert session_id not in stored_megolm_sessions(crypto), "the megolm session is not"
            assert "key backup: uploaded" in bot.log_text()
            await bot.start()
            await coord.wait_reply(room, ping, timeout=90)
            after = await coord.send(room, "!ping")  # the same megolm session, now known to the bot
            await coord.wait_reply(room, after, timeout=60)
            await asyncio.sleep(3)  # give a would-be duplicate time to arrive
            assert replies_to(coord, room, bot_id, ping) == 1
            assert replies_to(coord, room, bot_id, after) == 1
            assert hints(coord, room, bot_id) == 0, "nothing was undecryptable"
            log = bot.log_text()
            assert f"restored the key of session {session_id}" in log
            assert session_id in stored_megolm_sessions(crypto)
        finally:
            await coord.close()
            await bot.stop()
            print(bot.log_text()[-4000:])
