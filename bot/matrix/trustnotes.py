"""Notes to senders the bot cannot or may not act on (undecryptable, unsigned device), and key queries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

import aiohttp
from nio import MegolmEvent
from nio.exceptions import LocalProtocolError

from bot import i18n, render
from bot.context import HomeserverUnavailable
from bot.crypto.trust import device_id_for_key, session_signing_key
from bot.matrix.constants import UNDECRYPTABLE_EVERY
from storage.models import Throttle

log = logging.getLogger(__name__)


class TrustMixin:
    """Where [matrix] trust and end-to-end encryption meet the sync loop (bot/crypto/trust.py)."""

    async def _undecryptable(self, room_id: str, event: MegolmEvent) -> None:
        """Tell the sender once an hour at most; a silent bot looks broken."""
        log.warning(
            "cannot decrypt %s from %s in %s (session %s)",
            event.event_id,
            event.sender,
            room_id,
            event.session_id,
        )
        with contextlib.suppress(LocalProtocolError, aiohttp.ClientError):
            await self.client.request_room_key(event)
        key = f"undecryptable:{event.sender}"
        now = datetime.now(UTC)
        async with self.db.transaction() as session:
            row = await session.get(Throttle, key)
            if row is not None and now - row.last_at < UNDECRYPTABLE_EVERY:
                return
            await session.merge(Throttle(key=key, last_at=now))
        content = render.message(
            i18n.t(self.config.bot.language, "undecryptable"),
            msgtype="m.text",  # it mentions the sender; see Context.say
            reply_to=event.event_id,
            mention_users=[event.sender],
        )
        device_id = device_id_for_key(self.client.olm, event.sender, event.sender_key)
        await self._send_readable_by(
            room_id, content, f"undecryptable-{event.event_id}", event.sender, device_id
        )

    async def _from_signed_device(self, room_id: str, event: Any) -> bool:
        """Whether the bot may act on this decrypted message ([matrix] trust, bot/crypto/trust.py).

        If not, the sender learns why (once an hour), in a message their unsigned device can decrypt.
        """
        if not self.trust.enforce:
            return True
        keys = session_signing_key(self.client.olm, room_id, event)
        try:
            if keys is not None and await self.trust.sender_allowed(event.sender, *keys):
                return True
        except aiohttp.ClientError as exc:
            raise HomeserverUnavailable(f"key query failed: {exc}") from exc
        log.warning(
            "ignoring %s from %s: sent from a device its owner has not cross-signed",
            event.event_id,
            event.sender,
        )
        now = datetime.now(UTC)
        async with self.db.transaction() as session:
            row = await session.get(Throttle, f"unsigned:{event.sender}")
            if row is not None and now - row.last_at < UNDECRYPTABLE_EVERY:
                return False
            await session.merge(Throttle(key=f"unsigned:{event.sender}", last_at=now))
        content = render.message(
            i18n.t(self.config.bot.language, "unsigned_device"),
            msgtype="m.text",
            reply_to=event.event_id,
            mention_users=[event.sender],
        )
        device_id = device_id_for_key(self.client.olm, event.sender, keys[0] if keys else None)
        await self._send_readable_by(room_id, content, f"unsigned-{event.event_id}", event.sender, device_id)
        return False

    async def _send_readable_by(
        self, room_id: str, content: dict[str, Any], txn_id: str, user_id: str, device_id: str | None
    ) -> None:
        """Send a note that ``device_id`` can decrypt even though the policy keeps room keys from it.

        The note goes out in a megolm session of its own, shared with the room's signed devices plus this
        one; the session is dropped before and after, so that device never sees what was said before or
        after. (A DM would not help: the policy holds there too, and the question was asked here.)
        """
        olm = self.client.olm
        one_off = olm is not None and device_id is not None and self.trust.enforce
        lock = self._send_lock.setdefault(room_id, asyncio.Lock())
        async with lock:
            if one_off:
                self.trust.allow_once(user_id, device_id)
                olm.outbound_group_sessions.pop(room_id, None)
            try:
                await self._send_locked(room_id, content, event_type="m.room.message", txn_id=txn_id)
            finally:
                if one_off:
                    self.trust.end_once(user_id, device_id)
                    olm.outbound_group_sessions.pop(room_id, None)

    async def _query_keys(self, user_ids: list[str]) -> dict[str, Any]:
        answer = await self._raw(
            "POST", "/_matrix/client/v3/keys/query", {"device_keys": {u: [] for u in user_ids}}
        )
        if "errcode" in answer:
            raise HomeserverUnavailable(f"key query refused: {answer.get('errcode')} {answer.get('error')}")
        return answer

    def _rotate_for(self, user_id: str) -> None:
        """A user's signed devices changed: new outbound sessions in their rooms, shared with the new set."""
        olm = self.client.olm
        if olm is None:
            return
        for room_id, room in self.client.rooms.items():
            if user_id in room.users:
                olm.outbound_group_sessions.pop(room_id, None)
