"""Where the key backup's private key lives, and who signs the backup's ``auth_data``.

The key belongs in secret storage (``m.megolm_backup.v1``, Base64 of the 32 private bytes, encrypted for the
recovery key), so that a new device with the recovery key can read the backup. While the bot has no secret
storage (no recovery key yet), it waits in ``data_dir/crypto/megolm_backup.json`` (mode 600) and moves into
secret storage, the file deleted, at the first start that has one.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import aiohttp
import vodozemac

from bot.crypto import backup_format as fmt
from bot.crypto.api import MatrixHTTPError
from bot.crypto.identity import load_keys
from bot.crypto.secrets import SecretStorage
from bot.crypto.ssss import SecretStorageError

log = logging.getLogger(__name__)

KEY_FILE = "megolm_backup.json"
SECRET_NAME = "m.megolm_backup.v1"
STORAGE_ERRORS = (SecretStorageError, MatrixHTTPError, aiohttp.ClientError, TimeoutError, ValueError)


def _key_file(store_dir: Path) -> Path:
    return store_dir / KEY_FILE


def read_backup_secret(store_dir: Path) -> tuple[str | None, str | None]:
    """(Base64 private key, the backup version it was made for) from the local file, if there is one."""
    path = _key_file(store_dir)
    if not path.exists():
        return None, None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data.get("private_key"), data.get("version")


def write_backup_secret(store_dir: Path, private_key: str, version: str) -> None:
    """Keep the backup key locally (mode 600 from the first byte: the file is created with that mode)."""
    path = _key_file(store_dir)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"version": version, "private_key": private_key}, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


class BackupKeyStore:
    """Reads and keeps the backup key; ``source`` says where it came from (for ``lotsenbot status``)."""

    def __init__(self, storage: SecretStorage | None, store_dir: Path) -> None:
        self.storage = storage
        self.store_dir = store_dir
        self.source = "none"  # secret storage | local file | none

    async def load(self) -> vodozemac.Curve25519SecretKey | None:
        """The backup key from secret storage, else from the local file; None when neither has it."""
        if self.storage is not None:
            try:
                text = await self.storage.get(SECRET_NAME)
            except STORAGE_ERRORS as exc:
                log.warning("key backup: cannot read %s from secret storage: %s", SECRET_NAME, exc)
                text = None
            if text:
                self.source = "secret storage"
                return fmt.secret_from_base64(text)
        local, _version = read_backup_secret(self.store_dir)
        if local:
            self.source = "local file"
            return fmt.secret_from_base64(local)
        return None

    async def keep(self, secret: vodozemac.Curve25519SecretKey, version: str) -> None:
        """Into secret storage when there is one (then no copy on this disk), else into the local file."""
        text = fmt.secret_to_base64(secret)
        if self.storage is not None:
            try:
                if self.source != "secret storage":
                    await self.storage.put(SECRET_NAME, text)
                    log.info("key backup: the backup key is now in secret storage")
                self.source = "secret storage"
                _key_file(self.store_dir).unlink(missing_ok=True)
                return
            except STORAGE_ERRORS as exc:
                log.warning("key backup: cannot store the backup key in secret storage: %s", exc)
        if read_backup_secret(self.store_dir) != (text, version):
            write_backup_secret(self.store_dir, text, version)
        self.source = "local file"

    async def signers(self, client: Any) -> list[fmt.Signer]:
        """This device, and the master key when secret storage holds it: Element trusts a backup its
        owner's master key signed."""
        olm = client.olm
        assert olm is not None
        user_id = client.user_id

        def device_sign(message: bytes) -> str:
            return olm.account.sign(message.decode("utf-8"))

        signers: list[fmt.Signer] = [(user_id, f"ed25519:{client.device_id}", device_sign)]
        if self.storage is not None:
            try:
                keys = await load_keys(self.storage)
            except STORAGE_ERRORS as exc:
                log.warning("key backup: cannot read the master key from secret storage: %s", exc)
                keys = None
            if keys is not None:
                signers.append((user_id, f"ed25519:{keys.master.public_key}", keys.master.sign))
        return signers
