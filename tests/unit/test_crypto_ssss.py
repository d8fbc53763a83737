"""Secret storage (m.secret_storage.v1.aes-hmac-sha2) and the recovery key.

The independent side of the cross-check is PyCryptodome (HKDF, AES-CTR, HMAC written out from the spec's
steps), so a mistake shared by our encrypt and decrypt would still show.
"""

from __future__ import annotations

import base64
import os

import pytest
from Crypto.Cipher import AES
from Crypto.Hash import HMAC, SHA256
from Crypto.Protocol.KDF import HKDF
from Crypto.Util import Counter

from bot.crypto import ssss
from bot.crypto.canonical import b64decode, b64encode


def spec_encrypt(key: bytes, name: str, plaintext: bytes, iv: bytes) -> dict[str, str]:
    """The spec's steps 1-5, with another library."""
    okm = HKDF(key, 64, salt=bytes(32), hashmod=SHA256, context=name.encode())
    aes_key, mac_key = okm[:32], okm[32:]
    ctr = Counter.new(128, initial_value=int.from_bytes(iv, "big"))
    ciphertext = AES.new(aes_key, AES.MODE_CTR, counter=ctr).encrypt(plaintext)
    mac = HMAC.new(mac_key, ciphertext, SHA256).digest()
    return {"iv": b64encode(iv), "ciphertext": b64encode(ciphertext), "mac": b64encode(mac)}


def test_roundtrip_and_fresh_iv_each_time() -> None:
    key = os.urandom(32)
    secret = b64encode(os.urandom(32))
    one = ssss.encrypt(key, "m.cross_signing.master", secret)
    two = ssss.encrypt(key, "m.cross_signing.master", secret)
    assert one.iv != two.iv and one.ciphertext != two.ciphertext
    assert ssss.decrypt(key, "m.cross_signing.master", one.as_json()) == secret
    assert b64decode(one.iv)[8] & 0x80 == 0  # bit 63 cleared, as the spec asks


def test_matches_an_independent_implementation_of_the_spec_steps() -> None:
    key, iv = os.urandom(32), bytearray(os.urandom(16))
    iv[8] &= 0x7F
    theirs = spec_encrypt(key, "m.megolm_backup.v1", b"the backup key", bytes(iv))
    assert ssss.decrypt(key, "m.megolm_backup.v1", theirs) == "the backup key"
    ours = ssss.encrypt(key, "m.megolm_backup.v1", "the backup key", iv=bytes(iv)).as_json()
    assert ours == theirs


def test_wrong_key_wrong_name_or_tampering_is_refused() -> None:
    key = os.urandom(32)
    data = ssss.encrypt(key, "m.cross_signing.self_signing", "secret").as_json()
    with pytest.raises(ssss.SecretStorageError, match="MAC"):
        ssss.decrypt(os.urandom(32), "m.cross_signing.self_signing", data)
    with pytest.raises(ssss.SecretStorageError, match="MAC"):
        ssss.decrypt(key, "m.cross_signing.user_signing", data)  # secrets are bound to their name
    flipped = bytearray(b64decode(data["ciphertext"]))
    flipped[0] ^= 1
    with pytest.raises(ssss.SecretStorageError, match="MAC"):
        ssss.decrypt(key, "m.cross_signing.self_signing", {**data, "ciphertext": b64encode(bytes(flipped))})
    with pytest.raises(ssss.SecretStorageError, match="malformed"):
        ssss.decrypt(key, "m.cross_signing.self_signing", {"iv": data["iv"]})


def test_key_description_check_fields() -> None:
    key = os.urandom(32)
    description = ssss.key_description(key)
    assert description["algorithm"] == "m.secret_storage.v1.aes-hmac-sha2"
    # the check is the encryption of 32 zero bytes under the empty name, keeping its iv and mac
    expected = spec_encrypt(key, "", bytes(32), b64decode(description["iv"]))
    assert description["mac"] == expected["mac"]
    assert ssss.key_matches(key, description)
    assert not ssss.key_matches(os.urandom(32), description)
    assert not ssss.key_matches(key, {**description, "algorithm": "m.secret_storage.v0"})
    assert not ssss.key_matches(key, {"algorithm": description["algorithm"]})  # no check fields
    # other clients write padded Base64; that must still check out
    padded = {**description, "mac": base64.b64encode(b64decode(description["mac"])).decode()}
    assert ssss.key_matches(key, padded)


def test_recovery_key_format_and_roundtrip() -> None:
    key = os.urandom(32)
    text = ssss.encode_recovery_key(key)
    groups = text.split(" ")
    assert len("".join(groups)) == 48 and all(len(g) == 4 for g in groups)
    assert text.startswith("Es")  # what the 0x8B 0x01 prefix always looks like
    assert ssss.decode_recovery_key(text) == key
    assert ssss.decode_recovery_key(text.replace(" ", "")) == key  # spacing does not matter
    assert ssss.decode_recovery_key(f"  {text[:20]}\n{text[20:]} ") == key
    raw = b64decode(b64encode(bytes([0x8B, 0x01]) + key))
    parity = 0
    for byte in raw:
        parity ^= byte
    assert ssss._b58decode("".join(groups)) == raw + bytes([parity])


def test_recovery_key_with_a_typo_gets_a_clear_message() -> None:
    text = ssss.encode_recovery_key(bytes(range(32)))
    compact = text.replace(" ", "")
    # change one character to another valid Base58 character: the parity byte catches it
    i = 20
    swapped = compact[:i] + ("2" if compact[i] != "2" else "3") + compact[i + 1 :]
    with pytest.raises(ssss.RecoveryKeyError, match="mistyped"):
        ssss.decode_recovery_key(swapped)
    with pytest.raises(ssss.RecoveryKeyError, match="Base58 has no 0"):
        ssss.decode_recovery_key(compact[:10] + "0" + compact[11:])
    with pytest.raises(ssss.RecoveryKeyError, match="not a recovery key"):
        ssss.decode_recovery_key(compact[:-4])
    with pytest.raises(ssss.RecoveryKeyError, match="empty"):
        ssss.decode_recovery_key("   ")
