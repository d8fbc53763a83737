"""Sending: replies in order per room with the caller's transaction id, uploads, redactions, DMs."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import time
from typing import Any

import aiohttp
from nio import RoomCreateResponse, RoomRedactResponse, RoomSendResponse, UploadResponse
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from bot import render
from bot.context import HomeserverUnavailable
from bot.matrix.constants import BACKOFF_MAX, BACKOFF_START, SEND_ATTEMPTS, SYNC_FILTER
from storage.idempotent import insert_ignore
from storage.models import BotRoom, KeyValue

log = logging.getLogger(__name__)
LIMIT_MEMORY = 5.0  # seconds after a 429's retry_after that the bot still counts as rate limited
REMEMBER_ATTEMPTS = 6  # background writes of a new DM's rows; each waits up to the busy timeout


class SendError(RuntimeError):
    """The homeserver refused for good (forbidden, unknown room, too large): retrying will not help."""


class SendingMixin:
    """The sending half of ``bot.context.Messenger``."""

    async def send(self, room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str) -> str:
        """Send with the caller's transaction id: a retry, even after a restart, posts at most once."""
        content = render.guard_mentions(content, event_type)  # also for what bypasses Context
        lock = self._send_lock.setdefault(room_id, asyncio.Lock())
        async with lock:  # keeps replies in order and the megolm session shared once
            return await self._send_locked(room_id, content, event_type=event_type, txn_id=txn_id)

    async def prepare_send(self, room_id: str) -> None:
        """Do now what an encrypted send would do first: query the members' keys and share the room key.

        A message held back to its due instant (a reminder, ``Context.hold_until``) then only encrypts and
        posts at that instant; sharing the key is a round trip of to-device messages, which at the instant
        would delay the reminder by as much. Failures are left for the send itself to meet and report.
        """
        olm = self.client.olm
        if olm is None or not self.is_encrypted(room_id):
            return
        async with self._send_lock.setdefault(room_id, asyncio.Lock()):
            try:
                await self._refresh_member_keys(room_id)
                if not self.client.rooms[room_id].members_synced:
                    await self.client.joined_members(room_id)
                    if self.client.should_query_keys:
                        await self.client.keys_query()
                if olm.should_share_group_session(room_id) and room_id not in self.client.sharing_session:
                    await self.client.share_group_session(room_id, ignore_unverified_devices=True)
            except Exception as exc:  # the send will try again and say what went wrong
                log.warning("preparing a send to %s failed (%s)", room_id, exc.__class__.__name__)

    async def _send_locked(
        self, room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str
    ) -> str:
        delay = BACKOFF_START
        refused: str | None = None
        try:
            await self._refresh_member_keys(room_id)
        except (aiohttp.ClientError, TimeoutError, HomeserverUnavailable) as exc:
            log.warning("key query before sending to %s failed (%s); sharing as last known", room_id, exc)
        for attempt in range(SEND_ATTEMPTS):
            try:
                resp = await self.client.room_send(
                    room_id, event_type, content, tx_id=txn_id, ignore_unverified_devices=True
                )
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning(
                    "send to %s failed (%s), attempt %d", room_id, exc.__class__.__name__, attempt + 1
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            if isinstance(resp, RoomSendResponse):
                self.messages_sent += 1
                return resp.event_id
            log.warning("send to %s refused: %s %s", room_id, resp.status_code, resp.message)
            if resp.status_code in ("M_FORBIDDEN", "M_NOT_FOUND", "M_TOO_LARGE", "M_BAD_JSON"):
                refused = f"{resp.status_code} {resp.message}"
                break
            await asyncio.sleep(delay)
            delay = min(delay * 2, BACKOFF_MAX)
        if refused:
            raise SendError(f"could not send to {room_id}: {refused}")
        raise HomeserverUnavailable(f"could not send to {room_id} after {SEND_ATTEMPTS} attempts")

    async def _refresh_member_keys(self, room_id: str) -> None:
        """Who may get the room key (``trust = "cross-signed"``): ask about members the cache does not know
        yet. Both the send and its preparation do it; without enforcement, or unencrypted, nothing to ask."""
        if self.trust.enforce and self.is_encrypted(room_id):
            await self.trust.refresh(list(self.client.rooms[room_id].users))

    async def _note_limited(self, resp: Any) -> None:
        """nio calls this with each 429 before it waits the answer's ``retry_after_ms`` out."""
        if getattr(resp, "status_code", None) == "M_LIMIT_EXCEEDED":
            retry = (getattr(resp, "retry_after_ms", None) or 5000) / 1000
            if not self.rate_limited():  # one line per limited stretch, not one per 429
                log.info("homeserver rate limit (429): waiting %.1f s before the same request again", retry)
            self._limited_until = max(self._limited_until, time.monotonic() + retry + LIMIT_MEMORY)

    def rate_limited(self) -> bool:
        """Whether the homeserver is holding the bot to its rate limit right now (a 429 lately)."""
        return time.monotonic() < self._limited_until

    async def upload(self, data: bytes, *, filename: str, mimetype: str, encrypt: bool) -> dict[str, Any]:
        """Upload a file; for encrypted rooms the media store only sees ciphertext (``file``, not ``url``)."""
        try:
            resp, keys = await self.client.upload(
                lambda *_: io.BytesIO(data),
                content_type="application/octet-stream" if encrypt else mimetype,
                filename=None if encrypt else filename,
                filesize=len(data),
                encrypt=encrypt,
            )
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise HomeserverUnavailable(f"upload failed: {exc.__class__.__name__}") from exc
        if not isinstance(resp, UploadResponse):
            code = getattr(resp, "status_code", None)
            if code in ("M_FORBIDDEN", "M_TOO_LARGE", "M_BAD_JSON"):
                raise SendError(f"upload refused: {code} {getattr(resp, 'message', resp)}")
            raise HomeserverUnavailable(f"upload failed: {code} {getattr(resp, 'message', resp)}")
        if encrypt and keys:
            return {"file": {**keys, "url": resp.content_uri}}
        return {"url": resp.content_uri}

    def is_encrypted(self, room_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        return bool(room and room.encrypted)

    async def redact(self, room_id: str, event_id: str, *, reason: str | None, txn_id: str) -> None:
        """Raises ``SendError`` if the homeserver refused (e.g. no power): callers tell the user the truth."""
        resp = await self.client.room_redact(room_id, event_id, reason=reason, tx_id=txn_id)
        if not isinstance(resp, RoomRedactResponse):
            raise SendError(f"could not redact {event_id}: {getattr(resp, 'message', resp)}")

    async def direct_room(self, user_id: str, *, own_sync: bool = True) -> str:
        """The bot's DM with a user, created (encrypted) on first use and remembered.

        ``own_sync=False`` is for callers outside event handling (the DM fan-out, ``bot/fanout.py``): they
        wait for the main sync loop to bring the new room instead of syncing themselves, since a second
        sync running alongside the main loop's would get the same to-device messages, and nio decrypting an
        Olm message twice breaks the session ("decryption failed", lost room keys).
        """
        key = f"dm:{user_id}"
        known = await self.known_direct_room(user_id)
        if known is not None:
            return known
        resp = await self.client.room_create(
            is_direct=True,
            invite=[user_id],
            initial_state=[
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            ],
        )
        if not isinstance(resp, RoomCreateResponse):
            raise SendError(f"could not open a DM with {user_id}: {getattr(resp, 'message', resp)}")
        self._direct.add(resp.room_id)
        self._store_later(
            BotRoom(room_id=resp.room_id, active_since_ms=int(time.time() * 1000), greeted=True, direct=True),
            KeyValue(key=key, value=resp.room_id),
        )
        if not own_sync and await self._room_arrives(resp.room_id, user_id):
            return resp.room_id
        # nio learns about the new room only from a sync. This extra sync may run inside a handler; it is
        # safe because the main loop keeps its own token and sees these events again (and deduplicates).
        await self.client.sync(timeout=0, sync_filter=json.dumps(SYNC_FILTER))
        await self._crypto_housekeeping()
        return resp.room_id

    async def known_direct_room(self, user_id: str) -> str | None:
        """The bot's DM with ``user_id`` if it has one already (nothing is created; no write waited for).

        Remembered as ``dm:<user>``; else found among the joined rooms: made as a DM, or created by the bot
        itself (it creates rooms only as DMs) with just this person in it. The second finds again a DM
        whose ``dm:`` row was lost to a kill -9 right after the room was created, instead of opening
        another one for the same person.
        """
        key = f"dm:{user_id}"
        async with self.db.transaction() as session:
            row = await session.get(KeyValue, key)
        if row is not None and row.value in self.client.rooms:
            return row.value
        for room_id, room in list(self.client.rooms.items()):
            members = set(room.users) | set(room.invited_users)
            if members != {self.user_id, user_id}:
                continue
            if self.is_dm(room_id) or self._creators.get(room_id) == {self.user_id}:
                self._direct.add(room_id)
                self._store_later(KeyValue(key=key, value=room_id))
                return room_id
        return None

    async def _room_arrives(self, room_id: str, user_id: str, seconds: float = 60) -> bool:
        """Wait until the main sync loop has brought ``room_id`` into nio's rooms, encrypted and with
        ``user_id`` invited, and make sure nio will ask for that person's devices before the first send.

        nio adds a room to ``client.rooms`` before it has applied the room's timeline (where a new room's
        encryption and the invitation are) and marks the members for a device-key query only after it; it
        awaits in between. A send in that gap shared the room key with nobody, so the first DM to a person
        whose devices nio had not asked about yet (a fan-out invitation) was undecryptable for them.
        """
        deadline = time.monotonic() + seconds
        while not self._room_ready(room_id, user_id):
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        if self.client.olm is not None:
            self.client.olm.update_tracked_users(self.client.rooms[room_id])  # queried in room_send
        return True

    def _room_ready(self, room_id: str, user_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        return room is not None and room.encrypted and user_id in room.users

    def _store_later(self, *rows: BotRoom | KeyValue) -> None:
        """Write in a background transaction, because ``direct_room`` runs inside a handler's transaction.

        That transaction already holds SQLite's single write lock, so writing in a second one right away
        would stall until the busy timeout. These rows are a cache (the scan above finds the DM again),
        so it is fine that they land a moment later, once the handler has committed.
        """

        async def write() -> None:
            # Each attempt waits up to SQLite's busy timeout; several handlers in a row that open DMs (a
            # burst of typed votes) can hold the write lock longer than that on a busy machine, and a row
            # lost here would forget after a restart that the room is a DM. So try again a few times.
            for attempt in range(1, REMEMBER_ATTEMPTS + 1):
                try:
                    async with self.db.transaction() as session:
                        for row in rows:
                            await self._remember(session, row)
                    return
                except OperationalError as exc:
                    if attempt == REMEMBER_ATTEMPTS:
                        log.exception("could not remember a direct room")
                        return
                    log.warning("remembering a direct room waits (%s), attempt %d", exc.orig, attempt)
                    await asyncio.sleep(attempt)
                except Exception:
                    log.exception("could not remember a direct room")
                    return

        task = asyncio.create_task(write())
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @staticmethod
    async def _remember(session: Any, row: BotRoom | KeyValue) -> None:
        """Idempotent: the sync loop may insert the same ``bot_rooms`` row at the same moment."""
        if isinstance(row, BotRoom):
            values = {"active_since_ms": row.active_since_ms, "joined": True, "greeted": bool(row.greeted)}
            direct = bool(row.direct)
            if not await insert_ignore(session, BotRoom, room_id=row.room_id, direct=direct, **values):
                await session.execute(
                    update(BotRoom).where(BotRoom.room_id == row.room_id).values(direct=direct)
                )
        elif not await insert_ignore(session, KeyValue, key=row.key, value=row.value):
            await session.execute(update(KeyValue).where(KeyValue.key == row.key).values(value=row.value))
