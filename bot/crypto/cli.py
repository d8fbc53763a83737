"""``lotsenbot crypto …`` and the crypto lines of ``status``/``check-config``: the operator's side.

These run beside (or instead of) the bot and talk to the homeserver with the bot's own session (the
configured access token, or the session the bot saved in data_dir). Output is for the operator, English
like the rest of the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from bot.config import Config
from bot.crypto.api import ClientAPI, MatrixHTTPError
from bot.crypto.identity import IdentityError, device_is_signed, reset_identity, single_key, ssk_is_signed
from bot.crypto.secrets import SecretStorage, SecretStorageUnavailable
from bot.crypto.setup import local_recovery_file, recovery_key, write_secret_file
from bot.crypto.ssss import RecoveryKeyError, encode_recovery_key

HANDED_OUT = "recovery-key.handed-out"


def _handed_out_marker(config: Config) -> Path:
    return config.bot.data_dir / "crypto" / HANDED_OUT


async def _session(config: Config) -> tuple[str, str] | None:
    """(access token, device id) of the bot, or ``None`` if it has never logged in."""
    token = config.access_token()
    if token:
        if config.matrix.device_id:
            return token, config.matrix.device_id
        async with ClientAPI(config.matrix.homeserver, token, config.matrix.user_id) as api:
            whoami = await api.request("GET", "/account/whoami")
        return token, str(whoami.get("device_id"))
    session_file = config.bot.data_dir / "session.json"
    if not session_file.exists():
        return None
    saved = json.loads(session_file.read_text(encoding="utf-8"))
    return saved["access_token"], saved["device_id"]


def offline_summary(config: Config) -> str:
    """What ``check-config`` can say without the network: where the recovery key comes from."""
    try:
        key, source = recovery_key(config)
    except RecoveryKeyError as exc:
        return f"recovery key: UNUSABLE ({exc})"
    if key is None:
        return (
            "cross-signing / secret storage: no recovery key here yet — the bot creates its identity and "
            "secret storage at its first start (`lotsenbot status` shows what the homeserver has)"
        )
    if source == str(local_recovery_file(config)):
        done = _handed_out_marker(config).exists()
        return f"recovery key: kept in {source}" + (
            "" if done else " and nowhere else — copy it off this machine: `lotsenbot crypto recovery-key`"
        )
    return f"recovery key: configured ({source})"


async def status_lines(config: Config) -> tuple[bool, list[str]]:
    """Cross-signing and secret storage as the homeserver has them; ok is False if Element won't trust
    the bot's device (an identity exists but this device is not signed)."""
    try:
        session = await _session(config)
    except (MatrixHTTPError, aiohttp.ClientError, TimeoutError) as exc:
        return False, [f"cross-signing: UNKNOWN (session check failed: {exc})"]
    if session is None:
        return True, ["cross-signing: not set up yet (the bot sets it up when it first logs in)"]
    token, device_id = session
    lines: list[str] = []
    ok = True
    user = config.matrix.user_id
    try:
        async with ClientAPI(config.matrix.homeserver, token, user) as api:
            own = await api.query_keys([user])
            master_obj = own.get("master_keys", {}).get(user)
            ssk_obj = own.get("self_signing_keys", {}).get(user)
            device = own.get("device_keys", {}).get(user, {}).get(device_id)
            master = single_key(master_obj)
            if master is None:
                lines.append("cross-signing: NOT SET UP (the bot sets it up at its next start)")
            elif ssk_is_signed(user, ssk_obj, master) and device_is_signed(user, device, ssk_obj):
                lines.append(f"cross-signing: ok (master key {master}), device {device_id} signed")
            else:
                ok = False
                lines.append(
                    f"cross-signing: device {device_id} NOT signed by the bot's identity (master key "
                    f"{master}) — Element users will not trust it; hint: configure the recovery key and "
                    "restart, or `lotsenbot crypto reset`"
                )
            key_id = await SecretStorage.default_key_id(api)
            try:
                key, source = recovery_key(config)
            except RecoveryKeyError as exc:
                key, source = None, f"unusable: {exc}"
            if key_id is None:
                lines.append("secret storage: NOT SET UP (the bot sets it up at its next start)")
            elif key is None:  # fine while this device is signed; a new one could not be signed
                lines.append(
                    f"secret storage: key {key_id}, but no recovery key here ({source}) — a new device "
                    "(e.g. after losing data_dir) could not be signed; hint: configure recovery_key_file"
                )
            else:
                try:
                    await SecretStorage.open(api, key)
                    lines.append(
                        f"secret storage: ok (key {key_id}, opened with the recovery key from {source})"
                    )
                except SecretStorageUnavailable as exc:
                    ok = False
                    lines.append(f"secret storage: the recovery key from {source} does NOT fit: {exc}")
    except (MatrixHTTPError, aiohttp.ClientError, TimeoutError) as exc:
        return False, [f"cross-signing: UNKNOWN ({exc.__class__.__name__}: {exc})"]
    lines.append(offline_summary(config))
    return ok, lines


def cmd_recovery_key(config: Config, file: Path | None) -> int:
    """Hand the recovery key to the operator: print it, or write it to ``file`` (mode 600)."""
    try:
        key, source = recovery_key(config)
    except RecoveryKeyError as exc:
        print(f"recovery key unusable: {exc}")
        return 1
    if key is None:
        print("no recovery key yet: start the bot once, it creates the identity and its recovery key")
        return 1
    text = encode_recovery_key(key)
    if file is not None:
        write_secret_file(file, text + "\n")
        print(f"recovery key written to {file} (mode 600)")
    else:
        print(text)
    if source == str(local_recovery_file(config)):
        _handed_out_marker(config).touch()
        print(
            "Keep it outside this machine (password manager, sealed envelope). To stop keeping it in "
            f"{source}, set recovery_key_file or LOTSENBOT_RECOVERY_KEY; the bot then removes the copy."
        )
    return 0


async def reset(config: Config) -> int:
    """Replace the bot's identity and secret storage; prints the new recovery key."""
    session = await _session(config)
    if session is None:
        print("the bot has no session yet: start it once first")
        return 1
    token, device_id = session
    user = config.matrix.user_id

    def save(key: bytes) -> None:
        target = config.matrix.recovery_key_file or local_recovery_file(config)
        write_secret_file(target, encode_recovery_key(key) + "\n")
        _handed_out_marker(config).unlink(missing_ok=True)

    try:
        old_key, _source = recovery_key(config)  # read before `save` replaces it
    except RecoveryKeyError:
        old_key = None
    async with ClientAPI(config.matrix.homeserver, token, user) as api:
        try:
            state = await reset_identity(
                api, device_id, password=config.password(), save_recovery_key=save, old_key=old_key
            )
        except (IdentityError, MatrixHTTPError) as exc:
            print(f"reset failed: {exc}")
            return 1
    assert state.new_recovery_key is not None
    print(f"new cross-signing identity: master key {state.master_key}, device {device_id} signed")
    print(f"new recovery key (also in {config.matrix.recovery_key_file or local_recovery_file(config)}):")
    print(encode_recovery_key(state.new_recovery_key))
    if config.recovery_key() is not None and config.matrix.recovery_key_file is None:
        print(f"UPDATE ${config.matrix.recovery_key_env}: it still holds the old, now useless key")
    print("Other users' clients will show that the bot's identity changed; that is expected after a reset.")
    return 0
