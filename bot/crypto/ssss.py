"""Secret storage crypto (``m.secret_storage.v1.aes-hmac-sha2``) and the recovery key, per the spec.

Pure functions, no I/O: ``bot.crypto.secrets`` does the account-data requests. A secret is encrypted for
one key under its own name: HKDF-SHA256 (salt: 32 zero bytes, info: the secret's name) gives a 32-byte
AES-CTR key and a 32-byte HMAC-SHA256 key; the MAC covers the ciphertext. A key description proves which
key it belongs to by the same encryption of 32 zero bytes under the empty name (its ``iv`` and ``mac``).
The recovery key is that 32-byte key for humans: prefix 0x8B 0x01, a parity byte, Base58, spaced by 4.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.crypto.canonical import b64decode, b64encode

ALGORITHM = "m.secret_storage.v1.aes-hmac-sha2"
KEY_BYTES = 32
RECOVERY_PREFIX = b"\x8b\x01"
BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class SecretStorageError(ValueError):
    """A secret or key description that cannot be decrypted or checked: wrong key, tampered, malformed."""


class RecoveryKeyError(ValueError):
    """A recovery key that is mistyped or not a recovery key at all; the message says which."""


@dataclass(frozen=True)
class Encrypted:
    iv: str
    ciphertext: str
    mac: str

    def as_json(self) -> dict[str, str]:
        return {"iv": self.iv, "ciphertext": self.ciphertext, "mac": self.mac}


def _derive(key: bytes, name: str) -> tuple[bytes, bytes]:
    if len(key) != KEY_BYTES:
        raise SecretStorageError(f"a secret storage key has {KEY_BYTES} bytes, not {len(key)}")
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=bytes(32), info=name.encode("utf-8")).derive(key)
    return okm[:32], okm[32:]


def _mac(mac_key: bytes, ciphertext: bytes) -> bytes:
    h = crypto_hmac.HMAC(mac_key, hashes.SHA256())
    h.update(ciphertext)
    return h.finalize()


def _ctr(aes_key: bytes, iv: bytes, data: bytes) -> bytes:
    ctx = Cipher(algorithms.AES(aes_key), modes.CTR(iv)).encryptor()
    return ctx.update(data) + ctx.finalize()


def encrypt(key: bytes, name: str, plaintext: str, *, iv: bytes | None = None) -> Encrypted:
    """Encrypt ``plaintext`` (a secret is always a string) for ``key`` under the secret's ``name``."""
    aes_key, mac_key = _derive(key, name)
    if iv is None:
        raw = bytearray(os.urandom(16))
        raw[8] &= 0x7F  # bit 63 cleared: the 64-bit counter half cannot overflow in any AES-CTR flavour
        iv = bytes(raw)
    ciphertext = _ctr(aes_key, iv, plaintext.encode("utf-8"))
    return Encrypted(b64encode(iv), b64encode(ciphertext), b64encode(_mac(mac_key, ciphertext)))


def decrypt(key: bytes, name: str, data: dict[str, Any]) -> str:
    """The secret, after checking its MAC; ``SecretStorageError`` for a wrong key or changed data."""
    aes_key, mac_key = _derive(key, name)
    try:
        iv, ciphertext, mac = (b64decode(str(data[field])) for field in ("iv", "ciphertext", "mac"))
    except (KeyError, ValueError) as exc:
        raise SecretStorageError(f"encrypted secret {name!r} is malformed: {exc}") from None
    if not hmac.compare_digest(_mac(mac_key, ciphertext), mac):
        raise SecretStorageError(f"secret {name!r}: MAC mismatch (wrong key or tampered data)")
    try:
        return _ctr(aes_key, iv, ciphertext).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise SecretStorageError(f"secret {name!r} does not decrypt to text: {exc}") from None


def key_description(key: bytes, name: str = "Lotsenbot") -> dict[str, Any]:
    """Content of ``m.secret_storage.key.<id>``: algorithm plus the ``iv``/``mac`` check of this key."""
    check = encrypt(key, "", "\0" * 32)
    return {"name": name, "algorithm": ALGORITHM, "iv": check.iv, "mac": check.mac}


def key_matches(key: bytes, description: dict[str, Any]) -> bool:
    """Whether ``key`` is the key the description was made for (by redoing its zero-bytes check)."""
    if description.get("algorithm") != ALGORITHM:
        return False
    iv, mac = description.get("iv"), description.get("mac")
    if not isinstance(iv, str) or not isinstance(mac, str):
        return False  # a description without check fields cannot be verified; refuse rather than guess
    try:
        again = encrypt(key, "", "\0" * 32, iv=b64decode(iv))
        return hmac.compare_digest(b64decode(again.mac), b64decode(mac))
    except (ValueError, SecretStorageError):
        return False


# ------------------------------------------------------------------------------------- recovery key


def _b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(BASE58[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def _b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        digit = BASE58.find(char)
        if digit < 0:
            hint = " (Base58 has no 0, O, I or l)" if char in "0OIl" else ""
            raise RecoveryKeyError(f"the recovery key contains {char!r}, which cannot occur in it{hint}")
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def encode_recovery_key(key: bytes) -> str:
    """The human form of a 32-byte key: ``EsTc 5rr1 4Jx2 …`` (48 Base58 characters in groups of four)."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"a recovery key encodes {KEY_BYTES} bytes, not {len(key)}")
    raw = RECOVERY_PREFIX + key
    parity = 0
    for byte in raw:
        parity ^= byte
    text = _b58encode(raw + bytes([parity]))
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def decode_recovery_key(text: str) -> bytes:
    """The 32-byte key from its human form; spaces and line breaks are ignored, typos are reported."""
    compact = "".join(text.split())
    if not compact:
        raise RecoveryKeyError("the recovery key is empty")
    raw = _b58decode(compact)
    if len(raw) != len(RECOVERY_PREFIX) + KEY_BYTES + 1 or not raw.startswith(RECOVERY_PREFIX):
        raise RecoveryKeyError(
            "this is not a recovery key (wrong length or prefix): it should be 48 characters "
            "in groups of four, as `lotsenbot crypto recovery-key` printed it"
        )
    parity = 0
    for byte in raw:
        parity ^= byte
    if parity:
        raise RecoveryKeyError(
            "the recovery key's check digit does not match: a character is mistyped — compare it "
            "with the copy you stored"
        )
    return raw[len(RECOVERY_PREFIX) : -1]
