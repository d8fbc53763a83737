"""Checks of the bot's cross-signing identity as another user sees it (``/keys/query``), and the
"lost disk" step: wipe the bot's data_dir and bring it back with only its recovery key configured.
Shared by the cross-signing and the key-backup end-to-end tests.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any

from nio import AsyncClient

from bot.crypto.api import ClientAPI
from bot.crypto.canonical import verify_json
from bot.crypto.identity import single_key
from bot.crypto.setup import local_recovery_file
from bot.dev.devclient import Lotse


@dataclass
class SeenIdentity:
    master: str | None
    self_signing: str | None
    ssk_signed_by_master: bool
    devices: dict[str, bool]  # device id → signed by the self-signing key
    master_signed_by: set[str]  # devices whose own key vouches for the master key


async def identity_seen_by(observer: Lotse | AsyncClient, user_id: str) -> SeenIdentity:
    """What a client learns about ``user_id`` from the homeserver, with signatures checked.

    Synapse shows device signatures of a master key only to its owner: ``master_signed_by`` is empty
    for any other observer.
    """
    client = observer.client if isinstance(observer, Lotse) else observer
    async with ClientAPI(client.homeserver, client.access_token, client.user_id) as api:
        answer: dict[str, Any] = await api.query_keys([user_id])
    master = single_key(answer.get("master_keys", {}).get(user_id))
    ssk_obj = answer.get("self_signing_keys", {}).get(user_id)
    ssk = single_key(ssk_obj)
    ssk_signed = bool(master and ssk_obj and verify_json(ssk_obj, user_id, f"ed25519:{master}", master))
    devices = {
        device_id: bool(ssk and verify_json(keys, user_id, f"ed25519:{ssk}", ssk))
        for device_id, keys in answer.get("device_keys", {}).get(user_id, {}).items()
    }
    master_obj = answer.get("master_keys", {}).get(user_id) or {}
    vouching = {
        device_id
        for device_id, keys in answer.get("device_keys", {}).get(user_id, {}).items()
        if verify_json(master_obj, user_id, f"ed25519:{device_id}", keys["keys"][f"ed25519:{device_id}"])
    }
    return SeenIdentity(master, ssk, ssk_signed, devices, vouching)


async def lose_disk_keep_recovery_key(bot: Any) -> str:
    """Stop the bot, keep only its recovery key (written to a file the config points to), wipe data_dir.

    ``bot`` is the ``BotRunner`` fixture; the next ``bot.start()`` is a fresh deployment.
    """
    await bot.stop()
    config = bot.config()
    recovery = local_recovery_file(config).read_text(encoding="utf-8").strip()
    key_file = bot.tmp_path / "recovery-key"
    key_file.write_text(recovery + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    shutil.rmtree(config.bot.data_dir)
    matrix = dict(bot.overrides.get("matrix", {}))
    matrix["recovery_key_file"] = str(key_file)
    bot.overrides = {**bot.overrides, "matrix": matrix}
    return recovery
