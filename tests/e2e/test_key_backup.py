"""Server-side key backup as an operator meets it: a lost disk plus the recovery key reads what was said
before, and a backup the bot has no key for is reported, never overwritten."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
import vodozemac
from nio.crypto.sessions import InboundGroupSession

from bot import i18n
from bot.crypto import backup_format as fmt
from bot.crypto.api import ClientAPI
from bot.crypto.backup_key import KEY_FILE
from bot.crypto.canonical import verify_json
from bot.dev.devclient import Lotse
from bot.ops import status
from tests.conftest import E2E_DB, BotRunner, new_database_url, team_room
from tests.support.xsign import lose_disk_keep_recovery_key

# about the homeserver's backup; the kill -9 key-window test covers PostgreSQL
pytestmark = [pytest.mark.e2e, pytest.mark.once]

CANNOT_DECRYPT = i18n.t("de", "undecryptable")


def _from_bot(bot: BotRunner):
    return lambda e: e.get("sender") == bot.user_id and e.get("type") == "m.room.message"


def replies_to(lotse: Lotse, room: str, bot_id: str, event_id: str) -> int:
    return sum(
        1
        for e in lotse.messages_from(room, bot_id)
        if ((e["content"].get("m.relates_to") or {}).get("m.in_reply_to") or {}).get("event_id") == event_id
    )


async def test_new_device_with_recovery_key_reads_an_older_message_from_backup(
    lotsen, bot: BotRunner
) -> None:
    """The old device got the room key (and backed it up) but never handled the command sent while it was
    down; the new device, with only the recovery key, answers it — the key comes from the backup."""
    app = await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    await coord.wait_for(room, _from_bot(bot))
    first = await coord.send(room, "!ping")
    await coord.wait_reply(room, first)
    session_id = coord.client.olm.outbound_group_sessions[room].id
    backup = app.matrix.backup
    assert backup is not None and backup.state == "active" and backup.key_source == "secret storage"
    assert not (bot.config().bot.data_dir / "crypto" / KEY_FILE).exists(), "no copy of the key on disk"
    old_device = app.matrix.client.device_id
    client = app.matrix.client
    async with ClientAPI(client.homeserver, client.access_token, client.user_id) as api:
        info = await api.request("GET", "/room_keys/version")
    master = app.matrix.crypto.master_key if app.matrix.crypto else None
    device_key = client.olm.account.identity_keys["ed25519"]
    assert master and verify_json(info["auth_data"], bot.user_id, f"ed25519:{master}", master)
    assert verify_json(info["auth_data"], bot.user_id, f"ed25519:{old_device}", device_key)

    await lose_disk_keep_recovery_key(bot)
    pending = await coord.send(room, "!ping")  # the same megolm session: only the old device has its key
    app = await bot.start()
    await coord.wait_reply(room, pending, timeout=60)
    await asyncio.sleep(3)  # give a would-be duplicate time to arrive
    assert app.matrix.client.device_id != old_device
    backup = app.matrix.backup
    assert backup is not None and backup.restored == 1
    coord_key = coord.client.olm.account.identity_keys["curve25519"]
    assert app.matrix.client.olm.inbound_group_store.get(room, coord_key, session_id) is not None
    assert replies_to(coord, room, bot.user_id, first) == 1
    assert replies_to(coord, room, bot.user_id, pending) == 1
    assert not any(e["content"].get("body") == CANNOT_DECRYPT for e in coord.messages_from(room, bot.user_id))
    ok, lines = await status(bot.config())
    assert ok and any(line.startswith("key backup: active") and "secret storage" in line for line in lines), (
        lines
    )


async def test_backup_without_the_key_is_reported_not_overwritten(synapse, bot: BotRunner) -> None:
    """A backup someone else made (its key is not in the bot's secret storage) stays the account's backup;
    the bot says so in the log and in ``lotsenbot status`` and keeps running without a backup."""
    localpart = "lotsenbot-foreign"
    bot.user_id = await synapse.register_user(localpart, "bot-password")
    (bot.tmp_path / "bot-password").write_text("bot-password")
    bot.db_url = await new_database_url(bot.tmp_path, E2E_DB)
    login = {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": localpart}}
    async with aiohttp.ClientSession() as http:
        async with http.post(
            f"{synapse.url}/_matrix/client/v3/login", json={**login, "password": "bot-password"}
        ) as r:
            token = (await r.json())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        foreign = {
            "algorithm": "m.megolm_backup.v1.curve25519-aes-sha2",
            "auth_data": {"public_key": "x" * 43},
        }
        async with http.post(
            f"{synapse.url}/_matrix/client/v3/room_keys/version", json=foreign, headers=headers
        ) as r:
            version = (await r.json())["version"]
        app = await bot.start()
        backup = app.matrix.backup
        assert backup is not None and backup.state == "key_missing" and backup.version == version
        async with http.get(f"{synapse.url}/_matrix/client/v3/room_keys/version", headers=headers) as r:
            current = await r.json()
    assert current["version"] == version and current["auth_data"]["public_key"] == "x" * 43
    ok, lines = await status(bot.config())
    assert ok and any("KEY MISSING" in line and f"version {version}" in line for line in lines), lines


async def test_deleted_backup_is_replaced_and_gets_every_key(lotsen, bot: BotRunner) -> None:
    """Someone deletes the backup (e.g. in Element's settings): the next upload notices, the bot makes a new
    version and puts every key it has there, older ones included."""
    app = await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    await coord.wait_for(room, _from_bot(bot))
    first = await coord.send(room, "!ping")
    await coord.wait_reply(room, first)
    old_session = coord.client.olm.outbound_group_sessions[room].id
    backup = app.matrix.backup
    assert backup is not None and backup.state == "active"
    old_version = backup.version
    client = app.matrix.client
    async with ClientAPI(client.homeserver, client.access_token, client.user_id) as api:
        await api.request("DELETE", f"/room_keys/version/{old_version}")
        coord.discard_room_key(room)  # the next message brings the bot a new room key
        second = await coord.send(room, "!ping")
        await coord.wait_reply(room, second)
        new_session = coord.client.olm.outbound_group_sessions[room].id
        backed: set[str] = set()
        for _ in range(120):
            info = await api.request("GET", "/room_keys/version")
            if info["version"] != old_version:
                keys = await api.request("GET", f"/room_keys/keys?version={info['version']}")
                backed = set(keys.get("rooms", {}).get(room, {}).get("sessions", {}))
                if {old_session, new_session} <= backed:
                    break
            await asyncio.sleep(0.5)
    assert {old_session, new_session} <= backed, backed
    assert backup.state == "active" and backup.version == info["version"] != old_version


async def _forge(coord: Lotse, room: str, backup: Any, *, authentic: bool) -> str:
    """What a homeserver that knows the backup's public key could do: put a room key "from the
    coordinator's device" into the bot's backup and an event encrypted with it into the room."""
    outbound = vodozemac.GroupSession()
    keys = coord.client.olm.account.identity_keys
    fake = InboundGroupSession(outbound.session_key.to_base64(), keys["ed25519"], keys["curve25519"], room)
    mac = (
        {"user_id": backup.client.user_id, "mac_key": fmt.backup_mac_key(backup._secret)} if authentic else {}
    )
    entry = fmt.key_backup_data(fake, backup.public_key, **mac)
    plaintext = {"type": "m.room.message", "content": {"msgtype": "m.text", "body": "!ping"}, "room_id": room}
    content = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": outbound.encrypt(json.dumps(plaintext).encode()).to_base64(),
        "session_id": outbound.session_id,
        "sender_key": keys["curve25519"],
        "device_id": coord.client.device_id,
    }
    bot_client = backup.client
    async with ClientAPI(bot_client.homeserver, bot_client.access_token, bot_client.user_id) as api:
        path = f"/room_keys/keys/{quote(room, safe='')}/{quote(outbound.session_id, safe='')}"
        await api.request("PUT", f"{path}?version={backup.version}", entry)
    async with ClientAPI(coord.client.homeserver, coord.client.access_token, coord.user_id) as api:
        sent = await api.request("PUT", f"/rooms/{room}/send/m.room.encrypted/forged-{authentic}", content)
    return sent["event_id"]


async def test_key_written_with_only_the_public_key_is_not_taken(lotsen, bot: BotRunner) -> None:
    """The backup's public key lets anyone add keys, so a forged key could make the bot act on a forged
    command "from" a coordinator's device. Only keys MAC'ed with the backup key (MSC4048) are restored:
    the forged one gets the "cannot decrypt" answer, the same key MAC'ed as the bot does it is taken."""
    app = await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    await coord.wait_for(room, _from_bot(bot))
    backup = app.matrix.backup
    assert backup is not None and backup.state == "active"

    forged = await _forge(coord, room, backup, authentic=False)
    answer = await coord.wait_reply(room, forged, timeout=60)
    assert answer["content"]["body"] == CANNOT_DECRYPT
    assert backup.restored == 0

    control = await _forge(coord, room, backup, authentic=True)
    answer = await coord.wait_reply(room, control, timeout=60)
    assert answer["content"]["body"] != CANNOT_DECRYPT  # the !ping was decrypted and answered
    assert backup.restored == 1
