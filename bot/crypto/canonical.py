"""Canonical JSON, unpadded Base64 and Ed25519 signatures of JSON objects, as the Matrix spec's appendix says.

Everything that signs or checks a signature (cross-signing keys, device keys, key backup auth data) goes
through ``sign_json``/``verify_json`` here, so that "which bytes are signed" is decided in one place:
the object without ``signatures`` and ``unsigned``, encoded as canonical JSON.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MAX_SAFE_INT = 2**53 - 1


class CanonicalJSONError(ValueError):
    """The value cannot be encoded as canonical JSON (a float, a too large integer, a non-string key)."""


def _check(value: Any) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if not -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
            raise CanonicalJSONError(f"integer {value} is outside [-(2**53)+1, (2**53)-1]")
        return
    if isinstance(value, float):
        raise CanonicalJSONError(f"floats are not allowed in canonical JSON: {value!r}")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalJSONError(f"object keys must be strings, not {key!r}")
            _check(item)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check(item)
        return
    raise CanonicalJSONError(f"not a JSON value: {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    """The shortest UTF-8 encoding with keys sorted by code point; integers only, within 2**53."""
    _check(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def b64encode(data: bytes) -> str:
    """Unpadded standard Base64, the encoding of every key and signature in Matrix."""
    return base64.b64encode(data).decode("ascii").rstrip("=")


def b64decode(text: str) -> bytes:
    """Accepts Base64 with or without padding (the spec asks to be lenient); raises ``ValueError``."""
    text = text.strip()
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error as exc:
        raise ValueError(f"not valid Base64: {exc}") from None


class SigningKey:
    """An Ed25519 key pair made from a 32-byte seed (the form cross-signing keys are stored in)."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise ValueError(f"an Ed25519 seed has 32 bytes, not {len(seed)}")
        self.seed = seed
        self._private = Ed25519PrivateKey.from_private_bytes(seed)
        raw = self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_key = b64encode(raw)  # also the key's id in Matrix: "ed25519:<public key>"

    @classmethod
    def generate(cls) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        return cls(private.private_bytes_raw())

    def sign(self, message: bytes) -> str:
        return b64encode(self._private.sign(message))


def signable(obj: dict[str, Any]) -> bytes:
    """The bytes a signature over ``obj`` covers."""
    return canonical_json({k: v for k, v in obj.items() if k not in ("signatures", "unsigned")})


def sign_json(obj: dict[str, Any], key: SigningKey, signer: str, key_id: str) -> dict[str, Any]:
    """A copy of ``obj`` with ``signatures[signer][key_id]`` added; other signatures and ``unsigned`` kept."""
    signed = copy.deepcopy(obj)
    signature = key.sign(signable(obj))
    signed.setdefault("signatures", {}).setdefault(signer, {})[key_id] = signature
    return signed


def verify_signature(message: bytes, signature_b64: str, public_key_b64: str) -> bool:
    """A bare Ed25519 check; false for anything malformed instead of raising."""
    try:
        public = Ed25519PublicKey.from_public_bytes(b64decode(public_key_b64))
        public.verify(b64decode(signature_b64), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_json(obj: dict[str, Any], signer: str, key_id: str, public_key_b64: str) -> bool:
    """Whether ``obj`` carries a valid signature by ``signer`` with the Ed25519 key ``key_id``.

    ``key_id`` is the full identifier, e.g. ``ed25519:DEVICEID`` or ``ed25519:<public key>``. A missing
    entry, an unknown algorithm, bad Base64 or a non-canonical value all count as "not signed".
    """
    if not key_id.startswith("ed25519:"):
        return False
    signature = obj.get("signatures", {}).get(signer, {}).get(key_id)
    if not isinstance(signature, str):
        return False
    try:
        message = signable(obj)
    except CanonicalJSONError:
        return False
    return verify_signature(message, signature, public_key_b64)
