"""The pure part of server-side key backup (``m.megolm_backup.v1.curve25519-aes-sha2``): no network, no nio.

What goes to the homeserver for one room key is ``KeyBackupData``: a little plaintext metadata the server
uses to keep the "better" copy of a key (``first_message_index``, ``forwarded_count``, ``is_verified``) and
``session_data``, the session encrypted to the backup's Curve25519 public key. The encryption is vodozemac's
``PkEncryption`` — the libolm-compatible scheme the spec describes (ephemeral ECDH, HKDF-SHA-256, AES-256-CBC,
a MAC truncated to 8 bytes), so nothing here is hand-rolled cryptography.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any, Protocol

import vodozemac
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.crypto.canonical import CanonicalJSONError, b64decode, b64encode, signable

ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2"
MEGOLM = "m.megolm.v1.aes-sha2"
# MSC4048 (authenticated key backup), unstable name: a MAC with a key only the backup key's holder can derive.
MAC_KEY_ID = "org.matrix.msc4048.hmac-sha-256:backup_mac_key"


class BackupFormatError(ValueError):
    """A backed-up key that cannot be decrypted or does not have the spec's shape."""


class GroupSession(Protocol):
    """What is read from a nio ``InboundGroupSession`` (kept structural so tests need no nio store)."""

    room_id: str
    sender_key: str
    ed25519: str
    forwarding_chain: list[str]

    @property
    def id(self) -> str: ...

    @property
    def first_known_index(self) -> int: ...

    def export_session(self, message_index: int) -> str: ...


def session_payload(session: GroupSession) -> dict[str, Any]:
    """The plaintext the spec puts into ``session_data``: the session exported at its first known index."""
    return {
        "algorithm": MEGOLM,
        "forwarding_curve25519_key_chain": list(session.forwarding_chain),
        "sender_key": session.sender_key,
        "sender_claimed_keys": {"ed25519": session.ed25519},
        "session_key": session.export_session(session.first_known_index),
    }


def encrypt_payload(public_key: str, payload: dict[str, Any]) -> dict[str, str]:
    """``session_data``: ``ephemeral``, ``ciphertext`` and ``mac``, each unpadded Base64."""
    try:
        recipient = vodozemac.Curve25519PublicKey.from_base64(public_key)
    except (vodozemac.KeyException, ValueError) as exc:
        raise BackupFormatError(f"the backup's public key is not a Curve25519 key: {exc}") from None
    message = vodozemac.PkEncryption.from_key(recipient).encrypt(json.dumps(payload).encode("utf-8"))
    return {
        "ephemeral": b64encode(message.ephemeral_key),
        "ciphertext": b64encode(message.ciphertext),
        "mac": b64encode(message.mac),
    }


def decrypt_payload(secret: vodozemac.Curve25519SecretKey, session_data: dict[str, Any]) -> dict[str, Any]:
    """The inverse of :func:`encrypt_payload`; raises ``BackupFormatError`` for anything wrong."""
    try:
        message = vodozemac.Message(
            b64decode(session_data["ciphertext"]),
            b64decode(session_data["mac"]),
            b64decode(session_data["ephemeral"]),
        )
        plaintext = vodozemac.PkDecryption.from_key(secret).decrypt(message)
        payload = json.loads(plaintext)
    except (KeyError, TypeError, ValueError, vodozemac.PkDecodeException) as exc:
        raise BackupFormatError(f"cannot decrypt backed-up key: {exc.__class__.__name__}: {exc}") from None
    required = ("algorithm", "sender_key", "sender_claimed_keys", "session_key")
    if not isinstance(payload, dict) or any(k not in payload for k in required):
        raise BackupFormatError(
            "backed-up key lacks algorithm, sender_key, sender_claimed_keys or session_key"
        )
    if payload["algorithm"] != MEGOLM:
        raise BackupFormatError(f"backed-up key has algorithm {payload['algorithm']!r}, expected {MEGOLM}")
    return payload


def backup_mac_key(secret: vodozemac.Curve25519SecretKey) -> bytes:
    """MSC4048: HKDF-SHA-256 of the raw backup key, no salt, info ``MATRIX_BACKUP_MAC_KEY``, 32 bytes."""
    return HKDF(hashes.SHA256(), 32, None, b"MATRIX_BACKUP_MAC_KEY").derive(secret.to_bytes())


def _mac(session_data: dict[str, Any], mac_key: bytes) -> str:
    return b64encode(hmac.digest(mac_key, signable(session_data), "sha256"))


def authenticate(session_data: dict[str, Any], user_id: str, mac_key: bytes) -> dict[str, Any]:
    """``session_data`` with the MSC4048 MAC in ``signatures`` (other clients ignore the extra field)."""
    return {**session_data, "signatures": {user_id: {MAC_KEY_ID: _mac(session_data, mac_key)}}}


def is_authentic(session_data: dict[str, Any], user_id: str, mac_key: bytes) -> bool:
    """Whether ``session_data`` was written by a holder of the backup key, not just of its public half
    (anyone, the homeserver included, can encrypt to that). Missing or wrong MAC: False."""
    given = ((session_data.get("signatures") or {}).get(user_id) or {}).get(MAC_KEY_ID)
    if not isinstance(given, str):
        return False
    try:
        expected = _mac(session_data, mac_key)
    except CanonicalJSONError:
        return False
    return hmac.compare_digest(given, expected)


def key_backup_data(
    session: GroupSession, public_key: str, *, user_id: str | None = None, mac_key: bytes | None = None
) -> dict[str, Any]:
    """One ``KeyBackupData`` entry, MAC'ed (MSC4048) when ``user_id`` and ``mac_key`` are given.
    ``is_verified`` stays false: nio has no cross-signing trust to report, and a false value never makes
    the server drop a better copy."""
    data = encrypt_payload(public_key, session_payload(session))
    if user_id and mac_key:
        data = authenticate(data, user_id, mac_key)
    return {
        "first_message_index": session.first_known_index,
        "forwarded_count": len(session.forwarding_chain),
        "is_verified": False,
        "session_data": data,
    }


def new_backup_key() -> vodozemac.Curve25519SecretKey:
    return vodozemac.Curve25519SecretKey()


def secret_from_base64(text: str) -> vodozemac.Curve25519SecretKey:
    """The backup key as secret storage holds it (``m.megolm_backup.v1``: Base64 of the 32 private bytes)."""
    raw = b64decode(text)
    if len(raw) != 32:
        raise BackupFormatError(f"a backup key has 32 bytes, not {len(raw)}")
    return vodozemac.Curve25519SecretKey.from_bytes(raw)


def secret_to_base64(secret: vodozemac.Curve25519SecretKey) -> str:
    return b64encode(secret.to_bytes())


def public_key_of(secret: vodozemac.Curve25519SecretKey) -> str:
    return secret.public_key().to_base64()


Signer = tuple[str, str, Callable[[bytes], str]]  # (user id, key id, sign(message) -> unpadded b64)


def auth_data(public_key: str, signers: list[Signer]) -> dict[str, Any]:
    """The backup version's ``auth_data``, signed as Signed JSON by each signer (device key, master key)."""
    data: dict[str, Any] = {"public_key": public_key}
    message = signable(data)
    signatures: dict[str, dict[str, str]] = {}
    for user_id, key_id, sign in signers:
        signatures.setdefault(user_id, {})[key_id] = sign(message)
    if signatures:
        data["signatures"] = signatures
    return data
