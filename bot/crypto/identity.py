"""The bot's cross-signing identity: master, self-signing and user-signing keys, and its device signed.

Element (MSC4153, "exclude insecure devices") neither shares room keys with nor shows messages from a
device its owner has not cross-signed, so at every start ``ensure_identity`` makes the homeserver's view
right: the three keys exist, the self-signing key is signed by the master key, and this device is signed by
the self-signing key. It is idempotent (nothing is uploaded when all is in place) and repairs what is
missing. The private keys live only in secret storage (encrypted for the recovery key) on the homeserver:
they are needed only when a device or key must be (re)signed, which is exactly when a disk is new.

An identity whose private keys the bot cannot open is never replaced silently: other users' clients would
see the bot's identity change. That is reported and left to the operator (recovery key or
``lotsenbot crypto reset``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.crypto.api import ClientAPI, MatrixHTTPError
from bot.crypto.canonical import SigningKey, b64decode, b64encode, canonical_json, sign_json, verify_json
from bot.crypto.secrets import SecretStorage, SecretStorageUnavailable

log = logging.getLogger(__name__)

MASTER, SELF_SIGNING, USER_SIGNING = "master", "self_signing", "user_signing"
SECRET_NAMES = {name: f"m.cross_signing.{name}" for name in (MASTER, SELF_SIGNING, USER_SIGNING)}
CARRY_OVER = ("m.megolm_backup.v1",)  # secrets a reset moves into the new secret storage

DeviceSigner = Callable[[bytes], str]  # signs bytes with this device's ed25519 key, unpadded Base64
KeySaver = Callable[[bytes], None]  # keeps a new recovery key safe before anything depends on it


class IdentityError(RuntimeError):
    """Setting up or repairing the identity failed; the message tells the operator what to do."""


@dataclass
class CrossSigningKeys:
    master: SigningKey
    self_signing: SigningKey
    user_signing: SigningKey

    @classmethod
    def generate(cls) -> CrossSigningKeys:
        return cls(SigningKey.generate(), SigningKey.generate(), SigningKey.generate())

    def by_name(self) -> dict[str, SigningKey]:
        return {MASTER: self.master, SELF_SIGNING: self.self_signing, USER_SIGNING: self.user_signing}


@dataclass
class IdentityState:
    """What ``ensure_identity`` found and did; ``problem`` is set when the device is left unsigned."""

    master_key: str | None = None
    device_signed: bool = False
    created: bool = False
    repaired: list[str] = field(default_factory=list)
    problem: str | None = None
    storage: SecretStorage | None = None
    new_recovery_key: bytes | None = None  # set when secret storage was created by this run


def single_key(key_obj: dict[str, Any] | None) -> str | None:
    """The public key of a cross-signing key object (it holds exactly one ed25519 key)."""
    if not key_obj:
        return None
    values = [v for k, v in key_obj.get("keys", {}).items() if k.startswith("ed25519:")]
    return values[0] if len(values) == 1 and isinstance(values[0], str) else None


def key_object(user_id: str, usage: str, key: SigningKey) -> dict[str, Any]:
    return {"user_id": user_id, "usage": [usage], "keys": {f"ed25519:{key.public_key}": key.public_key}}


def signing_keys_body(user_id: str, keys: CrossSigningKeys) -> dict[str, Any]:
    """The ``/keys/device_signing/upload`` body: the master key, and the two others signed by it."""
    master_id = f"ed25519:{keys.master.public_key}"
    return {
        "master_key": key_object(user_id, MASTER, keys.master),
        "self_signing_key": sign_json(
            key_object(user_id, SELF_SIGNING, keys.self_signing), keys.master, user_id, master_id
        ),
        "user_signing_key": sign_json(
            key_object(user_id, USER_SIGNING, keys.user_signing), keys.master, user_id, master_id
        ),
    }


def device_is_signed(user_id: str, device: dict[str, Any] | None, ssk_obj: dict[str, Any] | None) -> bool:
    ssk = single_key(ssk_obj)
    return bool(device and ssk and verify_json(device, user_id, f"ed25519:{ssk}", ssk))


def ssk_is_signed(user_id: str, ssk_obj: dict[str, Any] | None, master: str | None) -> bool:
    return bool(ssk_obj and master and verify_json(ssk_obj, user_id, f"ed25519:{master}", master))


async def load_keys(storage: SecretStorage) -> CrossSigningKeys | None:
    """The private keys from secret storage, or ``None`` when any of the three is not stored there."""
    seeds: dict[str, bytes] = {}
    for name, secret in SECRET_NAMES.items():
        value = await storage.get(secret)
        if value is None:
            return None
        seeds[name] = b64decode(value)
    return CrossSigningKeys(
        SigningKey(seeds[MASTER]), SigningKey(seeds[SELF_SIGNING]), SigningKey(seeds[USER_SIGNING])
    )


async def store_keys(storage: SecretStorage, keys: CrossSigningKeys) -> None:
    for name, key in keys.by_name().items():
        await storage.put(SECRET_NAMES[name], b64encode(key.seed))


async def upload_signing_keys(api: ClientAPI, body: dict[str, Any], password: str | None) -> None:
    """Upload cross-signing keys; answers the homeserver's user-interactive auth with the password.

    A first upload needs no auth (MSC3967) and re-sending the same keys is accepted as is. Replacing keys
    needs the password, or, behind the Matrix Authentication Service, an approval in its web UI.
    """
    path = "/keys/device_signing/upload"
    try:
        await api.request("POST", path, body)
        return
    except MatrixHTTPError as exc:
        if exc.status != 401 or "flows" not in exc.body:
            raise
        challenge = exc.body
    stages = {s for flow in challenge.get("flows", []) for s in flow.get("stages", [])}
    if "m.login.password" in stages:
        if not password:
            raise IdentityError(
                "the homeserver wants the bot's password to change its cross-signing keys, but only an "
                "access token is configured — hint: set the password as well (password_env/password_file)"
            )
        auth = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": api.user_id},
            "password": password,
            "session": challenge.get("session"),
        }
        await api.request("POST", path, {**body, "auth": auth})
        return
    params = challenge.get("params", {})
    url = (params.get("m.oauth") or params.get("org.matrix.cross_signing_reset") or {}).get("url")
    raise IdentityError(
        "the homeserver (Matrix Authentication Service) must approve replacing the bot's cross-signing "
        f"keys: log in as the bot at {url or 'the account management page'}, choose 'reset identity', "
        "then run the same command again within the approval's time window"
    )


async def sign_device(
    api: ClientAPI,
    device: dict[str, Any],
    keys: CrossSigningKeys,
    master_obj: dict[str, Any] | None,
    device_signer: DeviceSigner | None,
) -> None:
    """Sign this device with the self-signing key (and, if possible, the master key with this device)."""
    user_id, device_id = api.user_id, device["device_id"]
    bare = {k: v for k, v in device.items() if k not in ("signatures", "unsigned")}
    ssk_id = f"ed25519:{keys.self_signing.public_key}"
    signed_device = sign_json(bare, keys.self_signing, user_id, ssk_id)
    body: dict[str, Any] = {user_id: {device_id: signed_device}}
    if device_signer is not None and master_obj is not None:
        # The device vouching for the master key lets other devices of the bot trust it; nice to have.
        master_bare = {k: v for k, v in master_obj.items() if k not in ("signatures", "unsigned")}
        signature = device_signer(canonical_json(master_bare))
        body[user_id][keys.master.public_key] = {
            **master_bare,
            "signatures": {user_id: {f"ed25519:{device_id}": signature}},
        }
    result = await api.request("POST", "/keys/signatures/upload", body)
    failures = result.get("failures", {}).get(user_id, {})
    if device_id in failures:
        raise IdentityError(f"the homeserver refused the device signature: {failures[device_id]}")
    if keys.master.public_key in failures:
        log.warning("master key not signed by the device (harmless): %s", failures[keys.master.public_key])


async def ensure_identity(
    api: ClientAPI,
    device_id: str,
    *,
    recovery_key: bytes | None,
    password: str | None,
    device_signer: DeviceSigner | None = None,
    save_recovery_key: KeySaver | None = None,
) -> IdentityState:
    """Make sure the account has its cross-signing keys and this device is signed; repair what is not."""
    user_id = api.user_id
    state = IdentityState()
    own = await api.query_keys([user_id])
    master_obj = own.get("master_keys", {}).get(user_id)
    ssk_obj = own.get("self_signing_keys", {}).get(user_id)
    device = own.get("device_keys", {}).get(user_id, {}).get(device_id)
    if device is None:
        raise IdentityError(f"device {device_id} has no keys on the homeserver yet (upload them first)")
    storage_problem = None
    if recovery_key is not None:
        try:
            state.storage = await SecretStorage.open(api, recovery_key)
        except SecretStorageUnavailable as exc:
            storage_problem = str(exc)

    state.master_key = single_key(master_obj)
    if state.master_key is None:
        return await _create(
            api, device, state, recovery_key, storage_problem, password, device_signer, save_recovery_key
        )

    ssk_ok = ssk_is_signed(user_id, ssk_obj, state.master_key)
    if ssk_ok and device_is_signed(user_id, device, ssk_obj):
        state.device_signed = True
        if storage_problem:  # nothing to repair now, but the next new device could not be signed
            log.warning(
                "secret storage: %s — hint: check recovery_key_file / LOTSENBOT_RECOVERY_KEY", storage_problem
            )
        return state

    if state.storage is None:
        state.problem = (
            "the account has a cross-signing identity (master key "
            f"{state.master_key}) but the bot cannot open its private keys"
            + (f" ({storage_problem})" if storage_problem else " (no recovery key available)")
            + "; this device stays unsigned and Element users will not trust it — hint: configure the "
            "recovery key (recovery_key_file or LOTSENBOT_RECOVERY_KEY) and restart, or replace the "
            "identity with `lotsenbot crypto reset`"
        )
        return state
    keys = await load_keys(state.storage)
    if keys is None or keys.master.public_key != state.master_key:
        state.problem = (
            "secret storage does not hold the private key of the account's current master key "
            f"{state.master_key}; this device stays unsigned — hint: replace the identity with "
            "`lotsenbot crypto reset`"
        )
        return state
    if not ssk_ok or single_key(ssk_obj) != keys.self_signing.public_key:
        # Not our self-signing key (or none): new self- and user-signing keys under the same master, so
        # the identity others see stays the same. Not the old ones again: Synapse keeps every key it was
        # ever given as a hidden device and fails (HTTP 500) on a second upload of the same key.
        keys = CrossSigningKeys(keys.master, SigningKey.generate(), SigningKey.generate())
        await store_keys(state.storage, keys)  # first: keys on the server nobody holds would be useless
        body = signing_keys_body(user_id, keys)
        del body["master_key"]  # unchanged, and an unchanged key must not be re-sent with new ones
        await upload_signing_keys(api, body, password)
        state.repaired.append("new self-signing and user-signing keys under the same master key")
    await sign_device(api, device, keys, master_obj, device_signer)
    state.repaired.append(f"device {device_id} signed")
    state.device_signed = True
    return state


async def _create(
    api: ClientAPI,
    device: dict[str, Any],
    state: IdentityState,
    recovery_key: bytes | None,
    storage_problem: str | None,
    password: str | None,
    device_signer: DeviceSigner | None,
    save_recovery_key: KeySaver | None,
) -> IdentityState:
    """First start on this account: secret storage first, then the keys, then the device signature.

    The private keys go into secret storage before the public ones are uploaded, so a crash in between
    leaves keys that the next start finds and reuses instead of an identity nobody holds the keys for.
    """
    if state.storage is None:
        if recovery_key is not None and await SecretStorage.default_key_id(api) is not None:
            raise IdentityError(
                f"the configured recovery key does not fit this account's secret storage ({storage_problem})"
                " — hint: check recovery_key_file / LOTSENBOT_RECOVERY_KEY"
            )
        key = recovery_key if recovery_key is not None else secrets.token_bytes(32)
        if recovery_key is None:
            state.new_recovery_key = key
            if save_recovery_key is not None:
                save_recovery_key(key)  # before the key is used: a crash later must not lose it
        state.storage = await SecretStorage.create(api, key)
    keys = await load_keys(state.storage) or CrossSigningKeys.generate()
    await store_keys(state.storage, keys)
    await upload_signing_keys(api, signing_keys_body(api.user_id, keys), password)
    body = signing_keys_body(api.user_id, keys)
    await sign_device(api, device, keys, body["master_key"], device_signer)
    state.master_key = keys.master.public_key
    state.device_signed = True
    state.created = True
    log.info("cross-signing identity created: master key %s", keys.master.public_key)
    return state


async def reset_identity(
    api: ClientAPI,
    device_id: str,
    *,
    password: str | None,
    device_signer: DeviceSigner | None = None,
    save_recovery_key: KeySaver | None = None,
    old_key: bytes | None = None,
) -> IdentityState:
    """Replace the identity and secret storage with new ones (``new_recovery_key`` in the result).

    Other users' clients will show that the bot's identity changed. Secrets other than the cross-signing
    keys (the key backup's key) are carried over into the new secret storage when ``old_key`` still opens
    the old one; otherwise they are lost with it and their owners make new ones.
    """
    carried: dict[str, str] = {}
    if old_key is not None:
        try:
            old = await SecretStorage.open(api, old_key)
            for name in CARRY_OVER:
                value = await old.get(name)
                if value is not None:
                    carried[name] = value
        except SecretStorageUnavailable as exc:
            log.warning("reset: old secret storage not readable (%s); its secrets are not carried over", exc)
    own = await api.query_keys([api.user_id])
    device = own.get("device_keys", {}).get(api.user_id, {}).get(device_id)
    if device is None:
        raise IdentityError(f"device {device_id} has no keys on the homeserver yet; start the bot once")
    keys = CrossSigningKeys.generate()
    body = signing_keys_body(api.user_id, keys)
    await upload_signing_keys(api, body, password)  # first: it is the step that may need approval
    key = secrets.token_bytes(32)
    if save_recovery_key is not None:
        save_recovery_key(key)
    storage = await SecretStorage.create(api, key)
    await store_keys(storage, keys)
    for name, value in carried.items():
        await storage.put(name, value)
    await sign_device(api, device, keys, body["master_key"], device_signer)
    state = IdentityState(
        master_key=keys.master.public_key, device_signed=True, created=True, storage=storage
    )
    state.new_recovery_key = key
    return state
