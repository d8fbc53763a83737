"""Secret storage on the homeserver: the default key, and secrets encrypted for it in account data.

Usage (e.g. the key backup storing its decryption key)::

    storage = await SecretStorage.open(api, key)      # key: the 32 bytes behind the recovery key
    await storage.put("m.megolm_backup.v1", private_key_b64)
    value = await storage.get("m.megolm_backup.v1")   # None when not stored (for this key)

The running bot has one in ``MatrixBot.crypto.storage`` (``None`` when no recovery key is available).
"""

from __future__ import annotations

import secrets
from typing import Any

from bot.crypto import ssss
from bot.crypto.api import ClientAPI

DEFAULT_KEY_TYPE = "m.secret_storage.default_key"
KEY_TYPE_PREFIX = "m.secret_storage.key."


class SecretStorageUnavailable(RuntimeError):
    """No default key on the account, or the key we hold is not the default key."""


class SecretStorage:
    """The account's default secret-storage key, opened with its 32 raw bytes."""

    def __init__(self, api: ClientAPI, key_id: str, key: bytes) -> None:
        self.api = api
        self.key_id = key_id
        self.key = key

    @staticmethod
    async def default_key_id(api: ClientAPI) -> str | None:
        content = await api.get_account_data(DEFAULT_KEY_TYPE)
        key_id = (content or {}).get("key")
        return key_id if isinstance(key_id, str) and key_id else None

    @classmethod
    async def open(cls, api: ClientAPI, key: bytes) -> SecretStorage:
        """Open the default key with ``key``; raises ``SecretStorageUnavailable`` if it is not that key."""
        key_id = await cls.default_key_id(api)
        if key_id is None:
            raise SecretStorageUnavailable("the account has no secret storage (no default key) yet")
        description = await api.get_account_data(KEY_TYPE_PREFIX + key_id)
        if description is None:
            raise SecretStorageUnavailable(f"default key {key_id} has no description in account data")
        if not ssss.key_matches(key, description):
            raise SecretStorageUnavailable(
                f"the recovery key does not open this account's secret storage (default key {key_id})"
            )
        return cls(api, key_id, key)

    @classmethod
    async def create(cls, api: ClientAPI, key: bytes | None = None) -> SecretStorage:
        """A new default key (random unless given): written first, then made the default."""
        key = key if key is not None else secrets.token_bytes(ssss.KEY_BYTES)
        key_id = secrets.token_urlsafe(24).replace("-", "").replace("_", "")[:32]
        await api.put_account_data(KEY_TYPE_PREFIX + key_id, ssss.key_description(key))
        await api.put_account_data(DEFAULT_KEY_TYPE, {"key": key_id})
        return cls(api, key_id, key)

    async def get(self, name: str) -> str | None:
        """The secret ``name``, or ``None`` if it is not stored for this key; raises if it fails its MAC."""
        content = await self.api.get_account_data(name)
        encrypted: Any = (content or {}).get("encrypted", {}).get(self.key_id)
        if not isinstance(encrypted, dict):
            return None
        return ssss.decrypt(self.key, name, encrypted)

    async def put(self, name: str, value: str) -> None:
        """Store ``value`` as ``name``, for the default key only (copies for older keys are dropped)."""
        encrypted = ssss.encrypt(self.key, name, value)
        await self.api.put_account_data(name, {"encrypted": {self.key_id: encrypted.as_json()}})
