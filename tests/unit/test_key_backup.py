"""Key backup format (``m.megolm_backup.v1.curve25519-aes-sha2``): what goes to the homeserver, checked
against the spec's description with an independent implementation of its steps (``cryptography``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

import pytest
import vodozemac
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nio.crypto.sessions import InboundGroupSession

from bot.crypto import backup_format as fmt
from bot.crypto.backup_key import read_backup_secret, write_backup_secret
from bot.crypto.canonical import b64decode, verify_json
from bot.ops import _backup_line

ROOM = "!team:stadt.example"
SENDER_KEY = "RF3s+E7RkTQTGF2d8Deol0FkQvgII2aJDf3/Jp5mxVU"
SIGNING_KEY = "SogYyrkTldLz0BXP+GYWs0qaYacUI0RleEqNT8J3riQ"


def a_session(chain: list[str] | None = None) -> tuple[InboundGroupSession, vodozemac.GroupSession]:
    outbound = vodozemac.GroupSession()
    inbound = InboundGroupSession(outbound.session_key.to_base64(), SIGNING_KEY, SENDER_KEY, ROOM, chain)
    return inbound, outbound


def test_session_data_round_trip_decrypts_later_messages() -> None:
    secret = fmt.new_backup_key()
    session, outbound = a_session()
    first = outbound.encrypt(b'{"body": "!ping"}')
    backed = fmt.key_backup_data(session, fmt.public_key_of(secret))
    payload = fmt.decrypt_payload(secret, backed["session_data"])
    assert payload == fmt.session_payload(session)
    restored = InboundGroupSession.import_session(
        payload["session_key"],
        payload["sender_claimed_keys"]["ed25519"],
        payload["sender_key"],
        ROOM,
        payload["forwarding_curve25519_key_chain"],
    )
    assert restored.id == session.id
    later = outbound.encrypt(b'{"body": "!hilfe"}')
    assert restored._session.decrypt(first).plaintext == b'{"body": "!ping"}'
    assert restored._session.decrypt(later).plaintext == b'{"body": "!hilfe"}'


def test_session_data_has_the_spec_shape() -> None:
    secret = fmt.new_backup_key()
    session, _ = a_session(chain=["hPQNcabIABgGnx3/ACv/jmMmiQHoeFfuLB17tzWp6Hw"])
    backed = fmt.key_backup_data(session, fmt.public_key_of(secret))
    assert set(backed) == {"first_message_index", "forwarded_count", "is_verified", "session_data"}
    assert backed["first_message_index"] == 0 and backed["forwarded_count"] == 1
    assert backed["is_verified"] is False
    data = backed["session_data"]
    assert set(data) == {"ephemeral", "ciphertext", "mac"}
    for value in data.values():
        assert "=" not in value  # unpadded Base64
    assert len(b64decode(data["ephemeral"])) == 32  # a Curve25519 public key
    assert len(b64decode(data["mac"])) == 8  # truncated HMAC-SHA-256
    assert len(b64decode(data["ciphertext"])) % 16 == 0  # AES-CBC blocks
    payload = fmt.decrypt_payload(secret, data)
    assert set(payload) == {
        "algorithm",
        "forwarding_curve25519_key_chain",
        "sender_key",
        "sender_claimed_keys",
        "session_key",
    }
    assert payload["algorithm"] == "m.megolm.v1.aes-sha2"
    assert payload["sender_claimed_keys"] == {"ed25519": SIGNING_KEY}
    assert payload["forwarding_curve25519_key_chain"] == ["hPQNcabIABgGnx3/ACv/jmMmiQHoeFfuLB17tzWp6Hw"]


def test_ciphertext_follows_the_spec_steps() -> None:
    """Decrypt with the spec's steps, written out independently: ECDH, HKDF-SHA-256 (32 zero bytes salt,
    empty info, 80 bytes → AES key, MAC key, IV), AES-256-CBC with PKCS#7.

    The MAC is the one thing that differs from the spec's wording: every implementation in use (libolm,
    and vodozemac for compatibility with it) computes the HMAC over an empty input, not the ciphertext. A
    backup made "by the letter" would be refused by Element, so the bot follows what clients check."""
    secret = fmt.new_backup_key()
    session, _ = a_session()
    data = fmt.encrypt_payload(fmt.public_key_of(secret), fmt.session_payload(session))
    private = X25519PrivateKey.from_private_bytes(secret.to_bytes())
    shared = private.exchange(X25519PublicKey.from_public_bytes(b64decode(data["ephemeral"])))
    okm = HKDF(hashes.SHA256(), 80, b"\0" * 32, b"").derive(shared)
    aes_key, mac_key, iv = okm[:32], okm[32:64], okm[64:]
    decryptor = Cipher(algorithms.AES(aes_key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(b64decode(data["ciphertext"])) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    plaintext = unpadder.update(padded) + unpadder.finalize()
    assert json.loads(plaintext) == fmt.session_payload(session)
    assert b64decode(data["mac"]) == hmac.new(mac_key, b"", hashlib.sha256).digest()[:8]


def test_wrong_key_or_tampering_is_refused() -> None:
    secret = fmt.new_backup_key()
    session, _ = a_session()
    data = fmt.key_backup_data(session, fmt.public_key_of(secret))["session_data"]
    with pytest.raises(fmt.BackupFormatError):
        fmt.decrypt_payload(fmt.new_backup_key(), data)
    ciphertext = bytearray(b64decode(data["ciphertext"]))
    ciphertext[0] ^= 1
    tampered = {**data, "ciphertext": fmt.b64encode(bytes(ciphertext))}
    with pytest.raises(fmt.BackupFormatError):
        fmt.decrypt_payload(secret, tampered)
    with pytest.raises(fmt.BackupFormatError):
        fmt.decrypt_payload(secret, {"ciphertext": data["ciphertext"]})


def test_auth_data_signature_verifies_with_the_device_key() -> None:
    account = vodozemac.Account()
    secret = fmt.new_backup_key()

    def sign(message: bytes) -> str:
        return account.sign(message).to_base64()

    auth = fmt.auth_data(fmt.public_key_of(secret), [("@lotsenbot:stadt.example", "ed25519:BOTDEVICE", sign)])
    device_key = account.ed25519_key.to_base64()
    assert auth["public_key"] == secret.public_key().to_base64()
    assert verify_json(auth, "@lotsenbot:stadt.example", "ed25519:BOTDEVICE", device_key)
    assert not verify_json(
        {**auth, "public_key": fmt.public_key_of(fmt.new_backup_key())},
        "@lotsenbot:stadt.example",
        "ed25519:BOTDEVICE",
        device_key,
    )


def test_backup_key_round_trips_and_file_is_private(tmp_path: Path) -> None:
    secret = fmt.new_backup_key()
    assert read_backup_secret(tmp_path) == (None, None)
    write_backup_secret(tmp_path, fmt.secret_to_base64(secret), "7")
    text, version = read_backup_secret(tmp_path)
    assert version == "7" and text is not None
    assert fmt.public_key_of(fmt.secret_from_base64(text)) == fmt.public_key_of(secret)
    assert os.stat(tmp_path / "megolm_backup.json").st_mode & 0o777 == 0o600
    with pytest.raises(fmt.BackupFormatError):
        fmt.secret_from_base64(fmt.b64encode(b"short"))


def test_status_line_says_when_the_key_is_missing() -> None:
    active = _backup_line({"state": "active", "version": "3", "key_source": "secret storage"})
    assert "active (version 3, key in secret storage)" in active
    missing = _backup_line({"state": "key_missing", "version": "4"})
    assert "KEY MISSING" in missing and "version 4" in missing
    assert "not set up yet" in _backup_line(None)


def test_only_the_backup_key_holder_can_write_an_authentic_key() -> None:
    """MSC4048: the MAC key is derived from the private backup key; whoever has only the public key (the
    homeserver, say) can encrypt a key to the backup but cannot make it authentic."""
    secret = fmt.new_backup_key()
    public = fmt.public_key_of(secret)
    mac_key = fmt.backup_mac_key(secret)
    session, _ = a_session()
    bot = "@lotsenbot:stadt.example"
    good = fmt.key_backup_data(session, public, user_id=bot, mac_key=mac_key)["session_data"]
    assert set(good["signatures"][bot]) == {"org.matrix.msc4048.hmac-sha-256:backup_mac_key"}
    assert fmt.is_authentic(good, bot, mac_key)
    assert fmt.decrypt_payload(secret, good) == fmt.session_payload(session)  # still a plain v1 entry
    forged = fmt.key_backup_data(session, public)["session_data"]  # public key only
    assert not fmt.is_authentic(forged, bot, mac_key)
    assert not fmt.is_authentic({**good, "ciphertext": forged["ciphertext"]}, bot, mac_key)
    assert not fmt.is_authentic(good, "@someone:stadt.example", mac_key)
    assert not fmt.is_authentic(good, bot, fmt.backup_mac_key(fmt.new_backup_key()))
    # HKDF-SHA-256 with no salt and info "MATRIX_BACKUP_MAC_KEY", written out with the standard library
    prk = hmac.new(b"\0" * 32, secret.to_bytes(), hashlib.sha256).digest()
    assert mac_key == hmac.new(prk, b"MATRIX_BACKUP_MAC_KEY\x01", hashlib.sha256).digest()
