"""Glue between the running bot (or the ``lotsenbot crypto`` commands) and ``bot.crypto.identity``.

Where the secrets live: the private cross-signing keys only in secret storage on the homeserver,
encrypted for the recovery key. The recovery key itself comes from the configuration (env or file, like the
password) or, until the operator moves it there, from ``<data_dir>/crypto/recovery-key`` (mode 600) next to
nio's crypto store. A copy of that directory already reveals the device's Olm account and every room key
the device received; the recovery key adds the identity and the key backup. Operators who keep
``data_dir`` on a less protected disk configure the recovery key elsewhere; then the local copy is deleted.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp

from bot.config import Config
from bot.crypto.api import ClientAPI, MatrixHTTPError
from bot.crypto.identity import DeviceSigner, IdentityError, IdentityState, ensure_identity
from bot.crypto.ssss import RecoveryKeyError, decode_recovery_key, encode_recovery_key

if TYPE_CHECKING:
    from nio import AsyncClient

log = logging.getLogger(__name__)


def local_recovery_file(config: Config) -> Path:
    return config.bot.data_dir / "crypto" / "recovery-key"


def write_secret_file(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner can read, replacing any file there (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def recovery_key(config: Config) -> tuple[bytes | None, str]:
    """The recovery key's bytes and where it came from; raises ``RecoveryKeyError`` if it is mistyped."""
    configured = config.recovery_key()
    if configured is not None:
        where = str(config.matrix.recovery_key_file or f"${config.matrix.recovery_key_env}")
        return decode_recovery_key(configured), where
    local = local_recovery_file(config)
    if local.exists():
        return decode_recovery_key(local.read_text(encoding="utf-8")), str(local)
    return None, "none"


def save_local_recovery_key(config: Config, key: bytes) -> None:
    write_secret_file(local_recovery_file(config), encode_recovery_key(key) + "\n")
    log.warning(
        "new secret storage: its recovery key is in %s — copy it somewhere safe now with "
        "`lotsenbot crypto recovery-key` (without it a lost data_dir means a new identity)",
        local_recovery_file(config),
    )


def device_signer(client: AsyncClient) -> DeviceSigner | None:
    olm = client.olm
    if olm is None:
        return None
    return lambda message: olm.account.sign(message.decode("utf-8"))


async def setup_cross_signing(config: Config, client: AsyncClient) -> tuple[IdentityState, ClientAPI]:
    """Run at every start after login, before events are handled. Never raises: problems are logged
    and returned in ``IdentityState.problem`` (the bot still runs; Element just won't trust the device).
    """
    api = ClientAPI(client.homeserver, client.access_token, client.user_id)
    started = time.monotonic()
    try:
        if client.should_upload_keys:  # a new device: its keys must be on the server to be signed
            await client.keys_upload()
        key, source = recovery_key(config)
        state = await ensure_identity(
            api,
            client.device_id,
            recovery_key=key,
            password=config.password(),
            device_signer=device_signer(client),
            save_recovery_key=lambda k: save_local_recovery_key(config, k),
        )
    except (IdentityError, MatrixHTTPError, RecoveryKeyError, aiohttp.ClientError, TimeoutError) as exc:
        state = IdentityState(problem=f"cross-signing setup failed: {exc}")
    log.info("cross-signing checked in %.0f ms", (time.monotonic() - started) * 1000)
    if state.problem:
        log.error("%s", state.problem)
        return state, api
    if state.created:
        log.info("cross-signing identity created, device %s signed", client.device_id)
    for what in state.repaired:
        log.info("cross-signing repaired: %s", what)
    local = local_recovery_file(config)
    if config.recovery_key() is not None and state.storage is not None and local.exists():
        local.unlink()  # the configured key opened the storage: no second copy on this disk
        log.info("recovery key is configured (%s); removed the local copy %s", source, local)
    return state, api
