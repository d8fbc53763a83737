"""The crypto gate (bot/crypto/gate.py): no Olm-changing call runs while a to-device batch's writes are held
back for the key backup — the cause of the undecryptable DMs and wedged Olm sessions after a kill -9.

A real nio client with its real store (no homeserver needed): the to-device batch makes nio change its Olm
account and create a room key, the backup upload is held open, and a room-key share (what the DM fan-out
does meanwhile) is started. It must wait until the batch is settled: before the gate it ran at once and
wrote the account, with the batch's change in it, while the batch's room key was neither backed up nor
stored.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from nio import AsyncClient

from bot.crypto.backup import KeyBackup
from bot.crypto.gate import CryptoGate

ROOM = "!dm:stadt.example"


async def _noop_status(_status: dict[str, Any]) -> None:
    return None


def bot_client(tmp_path: Path) -> AsyncClient:
    store = tmp_path / "crypto"
    store.mkdir()
    client = AsyncClient("http://127.0.0.1:9", "@lotsenbot:stadt.example", store_path=str(store))
    client.restore_login("@lotsenbot:stadt.example", "BOTDEVICE", "token")  # loads nio's Olm store
    assert client.olm is not None
    return client


async def test_a_share_waits_until_the_to_device_batch_is_settled(tmp_path: Path) -> None:
    client = bot_client(tmp_path)
    olm = client.olm
    order: list[str] = []
    upload_started, upload_may_finish = asyncio.Event(), asyncio.Event()

    async def to_device_batch(_response: Any) -> None:
        # what nio does for a Lotse's first Olm message: the account uses a one-time key, a room key arrives
        olm.account.generate_one_time_keys(1)
        olm.save_account()
        olm.create_outbound_group_session(ROOM)  # stands in for the received room key (also a megolm write)
        order.append("batch decrypted")

    seen_pending: list[bool] = []

    async def share_group_session(room_id: str, **_: Any) -> None:
        backup_pending = bool(backup._account_pending or backup._olm_pending or backup._unsent)
        seen_pending.append(backup_pending)
        olm.save_account()  # nio's create_session/_olm_encrypt write straight to the store
        order.append("room key shared")

    client._handle_to_device = to_device_batch  # type: ignore[method-assign]
    client.share_group_session = share_group_session  # type: ignore[method-assign]
    backup = KeyBackup(client, "http://127.0.0.1:9", tmp_path / "crypto", _noop_status)
    backup.install()
    backup.state = "active"

    async def slow_upload() -> None:
        upload_started.set()
        await upload_may_finish.wait()
        backup._unsent.clear()
        order.append("backed up")

    backup._upload_unsent = slow_upload  # type: ignore[method-assign]

    batch = asyncio.create_task(client._handle_to_device(None))
    await asyncio.wait_for(upload_started.wait(), 5)
    share = asyncio.create_task(client.share_group_session(ROOM))
    for _ in range(20):
        await asyncio.sleep(0)
    assert order == ["batch decrypted"], "the share ran while the batch's keys were held back"
    upload_may_finish.set()
    await asyncio.wait_for(asyncio.gather(batch, share), 5)
    assert order == ["batch decrypted", "backed up", "room key shared"]
    assert seen_pending == [False]
    await client.close()


async def test_the_gate_is_reentrant_for_nested_nio_calls_and_exclusive_otherwise() -> None:
    gate = CryptoGate()
    events: list[str] = []

    class Client:
        async def keys_claim(self, _users: Any) -> str:
            events.append("claim")
            return "claimed"

        async def share_group_session(self, room_id: str) -> str:
            events.append(f"share {room_id}")
            return await self.keys_claim({})  # nio does this inside share_group_session

        async def keys_upload(self) -> None:
            events.append("upload")

    client = Client()
    gate.install(client)
    assert await asyncio.wait_for(client.share_group_session("!a"), 2) == "claimed"  # no deadlock

    async with gate.held():
        other = asyncio.create_task(client.keys_upload())
        for _ in range(10):
            await asyncio.sleep(0)
        assert "upload" not in events, "another task went through the gate while it was held"
    await asyncio.wait_for(other, 2)
    assert events == ["share !a", "claim", "upload"]
