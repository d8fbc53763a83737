"""The cross-signing chain the bot checks for senders and key recipients (bot/crypto/trust.py).

Keys and signatures are real Ed25519 (bot/crypto/canonical.py); each test breaks one link of the chain
master key → self-signing key → device and expects the device to count as not signed.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.crypto.canonical import SigningKey, sign_json
from bot.crypto.trust import SenderTrust, user_trust

USER = "@lotse:stadt.example"


class Account:
    """A user with a master and self-signing key and devices, producing ``/keys/query`` answers."""

    def __init__(self, user_id: str = USER) -> None:
        self.user_id = user_id
        self.master = SigningKey.generate()
        self.ssk = SigningKey.generate()
        self.devices: dict[str, dict[str, Any]] = {}
        self.device_keys: dict[str, SigningKey] = {}

    def key_obj(self, key: SigningKey, usage: str) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "usage": [usage],
            "keys": {f"ed25519:{key.public_key}": key.public_key},
        }

    def add_device(self, device_id: str, *, cross_sign: bool = True) -> dict[str, Any]:
        key = SigningKey.generate()
        curve = SigningKey.generate().public_key  # any 32-byte key in the curve slot will do here
        device = {
            "user_id": self.user_id,
            "device_id": device_id,
            "algorithms": ["m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"],
            "keys": {f"ed25519:{device_id}": key.public_key, f"curve25519:{device_id}": curve},
        }
        device = sign_json(device, key, self.user_id, f"ed25519:{device_id}")
        if cross_sign:
            device = sign_json(device, self.ssk, self.user_id, f"ed25519:{self.ssk.public_key}")
        self.devices[device_id] = device
        self.device_keys[device_id] = key
        return device

    def answer(self) -> dict[str, Any]:
        ssk = sign_json(
            self.key_obj(self.ssk, "self_signing"),
            self.master,
            self.user_id,
            f"ed25519:{self.master.public_key}",
        )
        return {
            "device_keys": {self.user_id: copy.deepcopy(self.devices)},
            "master_keys": {self.user_id: self.key_obj(self.master, "master")},
            "self_signing_keys": {self.user_id: ssk},
        }


def signed(answer: dict[str, Any], device_id: str = "PHONE") -> bool | None:
    info = user_trust(USER, answer).devices.get(device_id)
    return None if info is None else info.signed


def test_a_device_signed_through_the_whole_chain_is_signed() -> None:
    account = Account()
    account.add_device("PHONE")
    account.add_device("LAPTOP", cross_sign=False)
    answer = account.answer()
    assert signed(answer, "PHONE") is True
    assert signed(answer, "LAPTOP") is False  # listed, but its owner never signed it


def test_without_a_master_key_nothing_is_signed() -> None:
    account = Account()
    account.add_device("PHONE")
    answer = account.answer()
    del answer["master_keys"]
    assert signed(answer) is False
    answer = account.answer()
    del answer["self_signing_keys"]
    assert signed(answer) is False


def test_a_self_signing_key_not_signed_by_the_master_key_breaks_the_chain() -> None:
    account = Account()
    account.add_device("PHONE")
    answer = account.answer()
    impostor = SigningKey.generate()
    ssk_obj = account.key_obj(account.ssk, "self_signing")
    answer["self_signing_keys"][USER] = sign_json(
        ssk_obj, impostor, USER, f"ed25519:{account.master.public_key}"
    )
    assert signed(answer) is False
    # a signature by the right key over different content (a swapped usage) does not count either
    answer = account.answer()
    answer["self_signing_keys"][USER]["usage"] = ["user_signing"]
    assert signed(answer) is False


def test_a_device_signature_by_another_key_or_over_other_keys_does_not_count() -> None:
    account = Account()
    device = account.add_device("PHONE", cross_sign=False)
    other = SigningKey.generate()
    account.devices["PHONE"] = sign_json(device, other, USER, f"ed25519:{account.ssk.public_key}")
    assert signed(account.answer()) is False

    account = Account()
    account.add_device("PHONE")
    answer = account.answer()
    # the server swaps the curve key after the owner signed: both signatures break, the device is dropped
    answer["device_keys"][USER]["PHONE"]["keys"]["curve25519:PHONE"] = SigningKey.generate().public_key
    assert signed(answer) is None


def test_keys_of_another_user_do_not_vouch() -> None:
    account = Account()
    account.add_device("PHONE")
    answer = account.answer()
    stranger = Account("@fremd:stadt.example")
    answer["master_keys"][USER] = stranger.key_obj(account.master, "master")  # right key, wrong owner
    assert signed(answer) is False


async def test_sender_trust_caches_refreshes_on_change_and_shares_only_with_signed_devices() -> None:
    account = Account()
    phone = account.add_device("PHONE")
    laptop = account.add_device("LAPTOP", cross_sign=False)
    queries: list[list[str]] = []
    changed: list[str] = []

    async def query(users: list[str]) -> dict[str, Any]:
        queries.append(users)
        return account.answer()

    trust = SenderTrust(query, enforce=True, on_change=changed.append)
    phone_keys = (phone["keys"]["curve25519:PHONE"], phone["keys"]["ed25519:PHONE"])
    laptop_keys = (laptop["keys"]["curve25519:LAPTOP"], laptop["keys"]["ed25519:LAPTOP"])

    assert await trust.sender_allowed(USER, *phone_keys)
    assert not await trust.sender_allowed(USER, *laptop_keys)
    assert not await trust.sender_allowed(
        USER, phone_keys[0], laptop_keys[1]
    )  # key claimed by another device
    assert queries == [[USER]]  # cached: one query for all three questions
    assert trust.may_receive_keys(USER, "PHONE", *phone_keys)
    assert not trust.may_receive_keys(USER, "LAPTOP", *laptop_keys)
    assert not trust.may_receive_keys(USER, "TABLET", "x", "y")  # unknown is never trusted

    # the owner signs the laptop; the sync reports a device-list change
    account.devices["LAPTOP"] = sign_json(laptop, account.ssk, USER, f"ed25519:{account.ssk.public_key}")
    trust.invalidate([USER])
    assert await trust.sender_allowed(USER, *laptop_keys)
    assert changed == [USER] and len(queries) == 2
    assert trust.may_receive_keys(USER, "LAPTOP", *laptop_keys)

    # an explanation may go to an unsigned device once
    tablet = account.add_device("TABLET", cross_sign=False)
    tablet_keys = (tablet["keys"]["curve25519:TABLET"], tablet["keys"]["ed25519:TABLET"])
    assert not await trust.sender_allowed(USER, *tablet_keys)  # unknown curve key: re-queried, still unsigned
    assert len(queries) == 3
    trust.allow_once(USER, "TABLET")
    assert trust.may_receive_keys(USER, "TABLET", *tablet_keys)
    trust.end_once(USER, "TABLET")
    assert not trust.may_receive_keys(USER, "TABLET", *tablet_keys)


async def test_trust_all_asks_nobody_and_allows_everyone() -> None:
    async def query(users: list[str]) -> dict[str, Any]:
        raise AssertionError("no key query when trust = 'all'")

    trust = SenderTrust(query, enforce=False)
    assert await trust.sender_allowed(USER, "curve", "ed")
    assert trust.may_receive_keys(USER, "ANY", "curve", "ed")
