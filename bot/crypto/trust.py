"""Which devices the bot serves: those their owner has cross-signed, as Element treats senders (MSC4153).

Element ("exclude insecure devices") shares room keys only with, and shows messages only from, devices
that their owner signed: the owner's master key signs the self-signing key, which signs the device. The
bot does the same (``[matrix] trust = "cross-signed"``, the default): it acts only on messages sent from
such a device and shares its own room keys only with such devices. ``trust = "all"`` relaxes this for a
small private homeserver whose clients do not cross-sign.

nio 0.26 knows nothing of cross-signing, so the chain is checked here from ``/keys/query``'s
``master_keys``, ``self_signing_keys`` and ``device_keys``. The master key itself is taken on first use
(as Element does for users one has not verified: no shield). Results are cached per user and dropped when
the sync reports a device-list change for that user; a device the cache does not know is re-queried once
(at most every ``REQUERY_EVERY`` seconds per user) before it is refused, so a brand-new signed device is
served at once. Unknown means "not signed": the bot never shares keys on a guess.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.crypto.canonical import verify_json

log = logging.getLogger(__name__)

REQUERY_EVERY = 30.0  # seconds between forced re-queries of one user for a device the cache lacks

Query = Callable[[list[str]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class DeviceTrust:
    """A device as ``/keys/query`` lists it, and whether its owner's cross-signing chain covers it."""

    device_id: str
    curve25519: str
    ed25519: str
    signed: bool


@dataclass
class UserTrust:
    devices: dict[str, DeviceTrust] = field(default_factory=dict)
    fetched_at: float = 0.0

    def signed_ids(self) -> frozenset[str]:
        return frozenset(d for d, info in self.devices.items() if info.signed)


def _only_ed25519(key_obj: Any, user_id: str, usage: str) -> str | None:
    """The single ed25519 public key of a cross-signing key object that belongs to ``user_id``."""
    if not isinstance(key_obj, dict) or key_obj.get("user_id") != user_id:
        return None
    if usage not in (key_obj.get("usage") or []):
        return None
    keys = [(k, v) for k, v in (key_obj.get("keys") or {}).items() if k.startswith("ed25519:")]
    if len(keys) != 1:
        return None
    [(key_id, public)] = keys
    # a cross-signing key's id is its own public key
    return public if isinstance(public, str) and key_id == f"ed25519:{public}" else None


def self_signing_key(user_id: str, answer: dict[str, Any]) -> str | None:
    """The user's self-signing key if it is validly signed by the user's master key, else None."""
    master = _only_ed25519((answer.get("master_keys") or {}).get(user_id), user_id, "master")
    ssk_obj = (answer.get("self_signing_keys") or {}).get(user_id)
    ssk = _only_ed25519(ssk_obj, user_id, "self_signing")
    if master is None or ssk is None:
        return None
    if not verify_json(ssk_obj, user_id, f"ed25519:{master}", master):
        return None
    return ssk


def device_trust(user_id: str, device_id: str, device: Any, ssk: str | None) -> DeviceTrust | None:
    """A device's keys and whether it is cross-signed; None for a malformed or forged entry.

    The device must sign its own keys (as nio also checks) and, to count as signed, carry a valid
    signature by the owner's self-signing key over exactly those keys.
    """
    if (
        not isinstance(device, dict)
        or device.get("user_id") != user_id
        or device.get("device_id") != device_id
    ):
        return None
    keys = device.get("keys") or {}
    ed = keys.get(f"ed25519:{device_id}")
    curve = keys.get(f"curve25519:{device_id}")
    if not isinstance(ed, str) or not isinstance(curve, str):
        return None
    if not verify_json(device, user_id, f"ed25519:{device_id}", ed):
        return None
    signed = ssk is not None and verify_json(device, user_id, f"ed25519:{ssk}", ssk)
    return DeviceTrust(device_id, curve, ed, signed)


def user_trust(user_id: str, answer: dict[str, Any]) -> UserTrust:
    """Every device of ``user_id`` in a ``/keys/query`` answer, each with its cross-signing verdict."""
    ssk = self_signing_key(user_id, answer)
    trust = UserTrust(fetched_at=time.monotonic())
    for device_id, device in ((answer.get("device_keys") or {}).get(user_id) or {}).items():
        info = device_trust(user_id, device_id, device, ssk)
        if info is not None:
            trust.devices[device_id] = info
    return trust


class SenderTrust:
    """The cache and the two questions the bot asks: may this device get my keys, did a signed device send?"""

    def __init__(
        self, query: Query, *, enforce: bool, on_change: Callable[[str], None] | None = None
    ) -> None:
        self.query = query
        self.enforce = enforce
        self.on_change = on_change  # called when a user's set of signed devices changed (rotate sessions)
        self._users: dict[str, UserTrust] = {}
        self._stale: set[str] = set()
        self._requeried: dict[str, float] = {}
        self._once: set[tuple[str, str]] = set()  # devices allowed for one explanatory message

    def invalidate(self, user_ids: Iterable[str]) -> None:
        """The sync said these users' devices changed: ask again before the next decision about them."""
        self._stale.update(u for u in user_ids if u in self._users)

    async def refresh(self, user_ids: Iterable[str], *, force: bool = False) -> None:
        """Query the users not cached (or stale, or all with ``force``) in one request."""
        wanted = sorted({u for u in user_ids if force or u not in self._users or u in self._stale})
        if not wanted or not self.enforce:
            return
        answer = await self.query(wanted)
        for user_id in wanted:
            before = self._users.get(user_id)
            now = user_trust(user_id, answer)
            self._users[user_id] = now
            self._stale.discard(user_id)
            if before is not None and before.signed_ids() != now.signed_ids() and self.on_change:
                self.on_change(user_id)

    def device(self, user_id: str, device_id: str) -> DeviceTrust | None:
        user = self._users.get(user_id)
        return user.devices.get(device_id) if user else None

    def device_by_curve(self, user_id: str, curve25519: str) -> DeviceTrust | None:
        user = self._users.get(user_id)
        if user is None:
            return None
        return next((d for d in user.devices.values() if d.curve25519 == curve25519), None)

    def may_receive_keys(self, user_id: str, device_id: str, curve25519: str, ed25519: str) -> bool:
        """For nio's group-session sharing (synchronous): only devices known here as cross-signed."""
        if not self.enforce or (user_id, device_id) in self._once:
            return True
        info = self.device(user_id, device_id)
        return bool(info and info.signed and info.curve25519 == curve25519 and info.ed25519 == ed25519)

    async def sender_device(self, user_id: str, curve25519: str) -> DeviceTrust | None:
        """The device that owns ``curve25519``, re-querying once if the cache does not know it."""
        await self.refresh([user_id])
        info = self.device_by_curve(user_id, curve25519)
        last = self._requeried.get(user_id, 0.0)
        if info is None and time.monotonic() - last > REQUERY_EVERY:
            self._requeried[user_id] = time.monotonic()
            await self.refresh([user_id], force=True)
            info = self.device_by_curve(user_id, curve25519)
        return info

    async def sender_allowed(self, user_id: str, curve25519: str, ed25519: str) -> bool:
        """Whether a message whose room key came from (curve25519, ed25519) was sent by a signed device."""
        if not self.enforce:
            return True
        info = await self.sender_device(user_id, curve25519)
        return bool(info and info.signed and info.ed25519 == ed25519)

    def allow_once(self, user_id: str, device_id: str) -> None:
        self._once.add((user_id, device_id))

    def end_once(self, user_id: str, device_id: str) -> None:
        self._once.discard((user_id, device_id))


def restrict_key_sharing(olm: Any, trust: SenderTrust) -> None:
    """Make nio share room keys only with devices ``trust`` allows.

    nio asks ``is_device_blacklisted`` for every device while sharing a group session (and nowhere that
    matters else); a device refused here is skipped for that session exactly like a blacklisted one, without
    being blacklisted in nio's store. When a user's signed devices change, ``SenderTrust.on_change`` lets the
    bot drop its outbound sessions, so the next message goes out in a session the new set receives.
    """
    blacklisted = olm.is_device_blacklisted

    def refused(device: Any) -> bool:
        if blacklisted(device):
            return True
        return not trust.may_receive_keys(device.user_id, device.id, device.curve25519, device.ed25519)

    olm.is_device_blacklisted = refused


def session_signing_key(olm: Any, room_id: str, event: Any) -> tuple[str, str] | None:
    """(curve25519, ed25519) of the device whose room key decrypted ``event``, from nio's session store."""
    sender_key = getattr(event, "sender_key", None)
    session_id = getattr(event, "session_id", None)
    if olm is None or not sender_key or not session_id:
        return None
    session = olm.inbound_group_store.get(room_id, sender_key, session_id)
    ed25519 = getattr(session, "ed25519", None) if session is not None else None
    return (sender_key, ed25519) if isinstance(ed25519, str) else None


def device_id_for_key(olm: Any, user_id: str, curve25519: str | None) -> str | None:
    """The id of ``user_id``'s device with this Curve25519 key, as nio knows the devices."""
    if olm is None or not curve25519:
        return None
    for device in olm.device_store.active_user_devices(user_id):
        if device.curve25519 == curve25519:
            return str(device.id)
    return None
