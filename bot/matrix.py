"""The bot's Matrix side: login, the sync loop, turning events into ``Incoming`` and sending replies.

The way of an event: ``sync()`` → nio decrypts and updates room state → ``_process`` walks each joined
room's timeline in order, drops what the bot must not act on (its own messages, other bots' notices, edits,
anything older than the moment the bot joined) → ``Dispatcher.handle`` (at most once, in a transaction)
→ a feature handler → ``send()``. The sync token is saved only after a whole batch is handled, so a crash
means the batch is seen again and deduplicated, never skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    JoinError,
    LoginResponse,
    MegolmEvent,
    RoomCreateEvent,
    RoomCreateResponse,
    RoomMessagesResponse,
    RoomRedactResponse,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
    WhoamiResponse,
)
from nio.api import MessageDirection
from nio.exceptions import LocalProtocolError
from sqlalchemy import select, update

from bot import directs, i18n, render
from bot.config import Config
from bot.context import HomeserverUnavailable
from bot.crypto.api import ClientAPI
from bot.crypto.backup import KeyBackup
from bot.crypto.identity import IdentityState
from bot.crypto.trust import SenderTrust, device_id_for_key, restrict_key_sharing, session_signing_key
from bot.dispatch import Dispatcher, Incoming
from bot.syncguard import FailureBook
from storage.db import Database
from storage.idempotent import insert_ignore
from storage.models import BotRoom, KeyValue, Throttle

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
TIMELINE_LIMIT = 50
BACKOFF_START, BACKOFF_MAX = 1.0, 15.0  # a recovered homeserver is noticed within 15 s
SEND_ATTEMPTS = 7
UNDECRYPTABLE_EVERY = timedelta(hours=1)
SYNC_FILTER = {
    "room": {
        "timeline": {"limit": TIMELINE_LIMIT},
        "state": {"lazy_load_members": False},
        "ephemeral": {"not_types": ["*"]},
    },
    "presence": {"not_types": ["*"]},
}


CREATOR_POWER = 2**31  # "infinite" power of room creators since room version 12


def _creators_privileged(version: str | None) -> bool:
    if not version:
        return False
    if version.isdigit():
        return int(version) >= 12
    return "hydra" in version  # the unstable MSC4289 test versions


class SendError(RuntimeError):
    """The homeserver refused for good (forbidden, unknown room, too large): retrying will not help."""


class MatrixBot:
    """Implements ``bot.context.Messenger`` on top of a nio ``AsyncClient``."""

    def __init__(self, config: Config, db: Database) -> None:
        self.config = config
        self.db = db
        self.user_id = config.matrix.user_id
        self.data_dir = config.bot.data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        store = self.data_dir / "crypto"
        store.mkdir(exist_ok=True)
        self.client = AsyncClient(
            config.matrix.homeserver,
            self.user_id,
            store_path=str(store),
            config=AsyncClientConfig(
                encryption_enabled=True,
                store_sync_tokens=False,
                max_limit_exceeded=None,  # obey every M_LIMIT_EXCEEDED with its retry_after_ms
                max_timeouts=1,  # connection trouble is retried (with logging) by us, not silently by nio
                request_timeout=SYNC_TIMEOUT_MS / 1000 + 30,
            ),
        )
        self.dispatcher: Dispatcher | None = None
        self.started_ms = int(time.time() * 1000)
        self._stop = asyncio.Event()
        self.synced = asyncio.Event()
        self.idle = asyncio.Event()  # clear while a batch is being handled
        self.idle.set()
        self._send_lock: dict[str, asyncio.Lock] = {}
        self._background: set[asyncio.Task[None]] = set()
        self.events_seen = 0
        self.batch_ms_total = 0.0
        self.batches = 0
        self.messages_sent = 0
        self.last_sync_at: float | None = None  # time.time() of the last completed batch
        self._creators: dict[str, set[str]] = {}
        self._configured_ids: set[str] = set()  # the configured team rooms, aliases resolved
        self._settled: dict[str, int] = {}  # room → active_since_ms, for joined rooms already greeted
        self._direct: set[str] = set()  # the DMs (see bot/directs.py); loaded at start
        self.failures = FailureBook()  # unexpected errors per event/room step (see bot/syncguard.py)
        self.crypto: IdentityState | None = None  # cross-signing state after setup_crypto (bot.crypto)
        self.crypto_api: ClientAPI | None = None
        self.trust = SenderTrust(
            self._query_keys, enforce=config.matrix.trust == "cross-signed", on_change=self._rotate_for
        )
        self.backup: KeyBackup | None = None  # server-side key backup, set up when the sync loop starts

    # ---------------------------------------------------------------------------------- login

    @property
    def _session_file(self) -> Path:
        return self.data_dir / "session.json"

    async def login(self) -> None:
        """Reuse one device across restarts: a new device each start would break end-to-end encryption."""
        token = self.config.access_token()
        if token:
            device_id = self.config.matrix.device_id
            if not device_id:  # ask the homeserver which device the token belongs to
                self.client.access_token = token
                whoami = await self.client.whoami()
                if not isinstance(whoami, WhoamiResponse) or not whoami.device_id:
                    raise RuntimeError(f"access token rejected: {getattr(whoami, 'message', whoami)}")
                device_id = whoami.device_id
            self.client.restore_login(self.user_id, device_id, token)
            return
        if self._session_file.exists():
            saved = json.loads(self._session_file.read_text(encoding="utf-8"))
            self.client.restore_login(saved["user_id"], saved["device_id"], saved["access_token"])
            check = await self.client.whoami()
            if isinstance(check, WhoamiResponse):
                log.info("restored session for %s (device %s)", self.user_id, saved["device_id"])
                return
            log.warning(
                "saved session no longer valid (%s); logging in again", getattr(check, "message", check)
            )
        password = self.config.password()
        if not password:
            raise RuntimeError(
                "no credentials: set the password or access token as described in config.example.toml"
            )
        resp = await self.client.login(password, device_name=self.config.matrix.device_name)
        if not isinstance(resp, LoginResponse):
            raise RuntimeError(f"login failed: {getattr(resp, 'message', resp)}")
        self._session_file.write_text(
            json.dumps(
                {"user_id": resp.user_id, "device_id": resp.device_id, "access_token": resp.access_token}
            ),
            encoding="utf-8",
        )
        os.chmod(self._session_file, 0o600)
        log.info("logged in as %s, new device %s", resp.user_id, resp.device_id)

    # ----------------------------------------------------------------------------------- sync

    async def run(self, dispatcher: Dispatcher) -> None:
        """Sync until ``stop()``; a homeserver outage is waited out with exponential backoff."""
        self.dispatcher = dispatcher
        if self.client.olm is not None:
            restrict_key_sharing(self.client.olm, self.trust)
        if self.client.olm is not None and self.backup is None:
            storage = self.crypto.storage if self.crypto else None
            self.backup = KeyBackup(
                self.client,
                self.config.matrix.homeserver,
                self.data_dir / "crypto",
                self._save_backup_status,
                storage=storage,
            )
            await self.backup.start()
        token = await self._load_token()
        async with self.db.transaction() as session:
            self._direct |= await directs.load(session)
        first = True
        backoff = BACKOFF_START
        sync_filter = json.dumps(SYNC_FILTER)
        while not self._stop.is_set():
            try:
                resp = await self.client.sync(
                    timeout=0 if first else SYNC_TIMEOUT_MS,
                    since=token,
                    full_state=first,  # nio keeps no room state across restarts: fetch it whole once
                    sync_filter=sync_filter,
                    set_presence="online",
                )
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning(
                    "homeserver unreachable (%s); retrying in %.0f s", exc.__class__.__name__, backoff
                )
                await self._sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            if not isinstance(resp, SyncResponse):
                log.warning("sync failed: %s; retrying in %.0f s", getattr(resp, "message", resp), backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            if backoff > BACKOFF_START:
                log.info("homeserver reachable again")
            backoff = BACKOFF_START
            try:
                await self._crypto_housekeeping()
                if first:
                    await self._join_configured_rooms()
                seen_before, started = self.events_seen, time.perf_counter()
                self.idle.clear()
                try:
                    complete = await self._process(resp, since=token)
                finally:
                    self.idle.set()
                elapsed_ms = (time.perf_counter() - started) * 1000
                self.batch_ms_total += elapsed_ms
                if self.events_seen > seen_before or first:
                    log.debug(
                        "batch: %d event(s), %d room(s), %.1f ms (rooms known: %d)",
                        self.events_seen - seen_before,
                        len(resp.rooms.join),
                        elapsed_ms,
                        len(self.client.rooms),
                    )
            except (aiohttp.ClientError, TimeoutError, OSError, HomeserverUnavailable) as exc:
                # Not saving the token means this batch is seen again; handled events are skipped then.
                log.warning("lost the homeserver while handling a batch (%s); will redo it", exc)
                await self._sleep(backoff)
                continue
            except Exception:
                # Outside every guarded piece (bot/syncguard.py): redo, never skip unhandled events.
                log.exception("unexpected error while processing a sync batch; will redo it")
                complete = False
            if not complete:
                await self._sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
                continue
            token = resp.next_batch
            await self._save_token(token)
            first = False
            self.batches += 1
            self.last_sync_at = time.time()
            self.synced.set()

    def stop(self) -> None:
        self._stop.set()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    async def setup_crypto(self) -> None:
        """Cross-signing identity and secret storage (``bot.crypto.setup``): after login, before events."""
        from bot.crypto.setup import setup_cross_signing

        self.crypto, self.crypto_api = await setup_cross_signing(self.config, self.client)

    async def close(self) -> None:
        if self.crypto_api is not None:
            await self.crypto_api.close()
        if self.backup is not None:
            await self.backup.close()
        await self.client.close()

    async def _save_backup_status(self, status: dict[str, Any]) -> None:
        """For ``lotsenbot status``, which runs without the bot's keys: is the key backup working?"""
        async with self.db.transaction() as session:
            await session.merge(KeyValue(key="key_backup", value=json.dumps(status)))

    async def _crypto_housekeeping(self) -> None:
        client = self.client
        if client.olm is None:
            return
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())
        await client.send_to_device_messages()

    async def _load_token(self) -> str | None:
        async with self.db.transaction() as session:
            row = await session.get(KeyValue, "sync_token")
            return row.value if row else None

    async def _save_token(self, token: str) -> None:
        async with self.db.transaction() as session:
            await session.merge(KeyValue(key="sync_token", value=token))

    # ------------------------------------------------------------------------------ processing

    async def _process(self, resp: SyncResponse, *, since: str | None) -> bool:
        """Handle a batch; False if a piece failed and the batch must be redone (bot/syncguard.py)."""
        self.trust.invalidate(resp.device_list.changed)
        complete = True
        guard = self.failures.run
        self._direct |= directs.from_account_data(resp.account_data_events)
        for room_id, info in resp.rooms.invite.items():
            state = info.invite_state
            complete &= await guard(f"invite:{room_id}", lambda r=room_id, s=state: self._on_invite(r, s))
        for room_id in resp.rooms.leave:
            await self._set_joined(room_id, joined=False)
        for room_id, info in resp.rooms.join.items():
            self._note_creators(room_id, [*info.state, *info.timeline.events])
            if room_id not in self._direct and directs.joined_as_direct(info.state, self.user_id):
                self._direct.add(room_id)  # a DM joined before bot_rooms.direct existed
            complete &= await self._process_room(room_id, info, since)
        return complete

    async def _process_room(self, room_id: str, info: Any, since: str | None) -> bool:
        guard = self.failures.run
        cutoff: list[tuple[int, bool]] = []

        async def active_since() -> None:
            cutoff.append(await self._active_since(room_id))

        if not await guard(f"room:{room_id}/cutoff", active_since):
            return False
        if not cutoff:
            return True  # given up on this room's part of the batch (logged with a reference)
        since_ms, greet = cutoff[0]
        if greet and not await guard(
            f"room:{room_id}/greeting", lambda: self._greet(room_id), lambda _ref: self._greeted(room_id)
        ):
            return False
        events = list(info.timeline.events)
        if info.timeline.limited and since is not None:
            older: list[Any] = []

            async def fill() -> None:
                older.extend(await self._fill_gap(room_id, info.timeline.prev_batch, since))

            if not await guard(f"room:{room_id}/gap", fill):
                return False
            events = older + events
        for event in events:
            key = (getattr(event, "source", None) or {}).get("event_id") or f"{room_id}/?"
            done = await guard(
                key,
                lambda e=event: self._on_room_event(room_id, e, since_ms),
                lambda ref, e=event: self._give_up(room_id, e, since_ms, ref),
            )
            if not done:
                return False  # the rest of this room waits for the redo, in order
        return True

    async def _give_up(self, room_id: str, event: Any, since_ms: int, ref: str) -> None:
        """Record an event that kept failing (and tell a command's sender), so the batch can go on."""
        source = getattr(event, "source", None) or {}
        sender = source.get("sender") or getattr(event, "sender", "")
        ts = source.get("origin_server_ts") or getattr(event, "server_timestamp", 0)
        if sender == self.user_id or ts < since_ms or "state_key" in source or isinstance(event, MegolmEvent):
            return
        incoming = self._incoming(room_id, source, sender, ts)
        if incoming is not None:
            assert self.dispatcher is not None
            await self.dispatcher.give_up(incoming, ref)

    async def _greeted(self, room_id: str) -> None:
        """The greeting could not be sent, repeatedly: do not retry it in every batch from now on."""
        async with self.db.transaction() as session:
            row = await session.get(BotRoom, room_id)
            if row is not None:
                row.greeted = True

    def _note_creators(self, room_id: str, events: list[Any]) -> None:
        """Room version 12 gives creators unlimited power without listing them in m.room.power_levels."""
        for event in events:
            if isinstance(event, RoomCreateEvent):
                content = event.source.get("content", {})
                extra = content.get("additional_creators") or []
                self._creators[room_id] = {event.sender, *(u for u in extra if isinstance(u, str))}

    async def _fill_gap(self, room_id: str, prev_batch: str | None, since: str) -> list[Any]:
        """A limited timeline hides events; fetch them back to the last token so no vote is missed."""
        if not prev_batch:
            return []
        older: list[Any] = []
        start: str | None = prev_batch
        for _page in range(50):
            resp = await self.client.room_messages(
                room_id, start=start or "", end=since, direction=MessageDirection.back, limit=100
            )
            if not isinstance(resp, RoomMessagesResponse) or not resp.chunk:
                break
            older.extend(resp.chunk)
            if not resp.end or resp.end == start:
                break
            start = resp.end
        older.reverse()
        log.info("filled a gap of %d event(s) in %s", len(older), room_id)
        return older

    async def _on_room_event(self, room_id: str, event: Any, since_ms: int) -> None:
        source = getattr(event, "source", None) or {}
        sender = source.get("sender") or getattr(event, "sender", "")
        ts = source.get("origin_server_ts") or getattr(event, "server_timestamp", 0)
        if sender == self.user_id or ts < since_ms or "state_key" in source:
            return
        self.events_seen += 1
        if isinstance(event, MegolmEvent):
            restored = await self.backup.recover(room_id, event) if self.backup else None
            if restored is None:
                await self._undecryptable(room_id, event)
                return
            event, source = restored, restored.source  # handled like any event nio decrypted itself
        if getattr(event, "decrypted", False) and not await self._from_signed_device(room_id, event):
            return
        incoming = self._incoming(room_id, source, sender, ts)
        if incoming is not None:
            assert self.dispatcher is not None
            await self.dispatcher.handle(incoming)

    def _incoming(self, room_id: str, source: dict[str, Any], sender: str, ts: int) -> Incoming | None:
        """The event as features see it, or None for what the bot does not act on."""
        event_type = source.get("type", "")
        content = source.get("content")
        if not isinstance(content, dict) or not source.get("event_id"):
            return None
        rel = content.get("m.relates_to")
        rel = rel if isinstance(rel, dict) else {}
        if event_type == "m.room.message":
            if content.get("msgtype") not in ("m.text",):
                return None  # notices are other bots talking (no loops); edits: see bot/edits.py
        elif event_type not in self._hooked_types():
            return None
        if event_type == "m.room.redaction" and "redacts" not in content and source.get("redacts"):
            content = {**content, "redacts": source["redacts"]}  # room versions < 11 keep it outside
        thread_root = rel.get("event_id") if rel.get("rel_type") == "m.thread" else None
        return Incoming(
            event_id=source["event_id"],
            room_id=room_id,
            sender=sender,
            type=event_type,
            content=content,
            ts_ms=int(ts),
            thread_root=thread_root,
        )

    def _hooked_types(self) -> set[str]:
        assert self.dispatcher is not None
        return set(self.dispatcher.registry.event_hooks)

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

    # --------------------------------------------------------------------------- rooms & invites

    async def _active_since(self, room_id: str) -> tuple[int, bool]:
        """The cutoff for acting on messages in this room, and whether the bot still owes a greeting.

        Cached once the room is settled (joined and greeted): this runs for every room in every batch and
        would otherwise cost a database round trip on the hot path of each reply.
        """
        cached = self._settled.get(room_id)
        if cached is not None:
            return cached, False
        async with self.db.transaction() as session:
            row = await session.get(BotRoom, room_id)
            if row is None:  # direct_room may be storing the same row right now: no check-then-insert
                values = {"active_since_ms": self.started_ms, "joined": True, "greeted": True}
                await insert_ignore(session, BotRoom, room_id=room_id, **values)
                row = await session.get(BotRoom, room_id, populate_existing=True)
                assert row is not None
            if not row.joined:
                row.joined = True
            if row.greeted:
                self._settled[room_id] = row.active_since_ms
            return row.active_since_ms, not row.greeted

    async def _greet(self, room_id: str) -> None:
        """Say hello once per join; the flag is set only after the message went out."""
        async with self.db.transaction() as session:
            row = await session.get(BotRoom, room_id)
            if row is None or row.greeted:
                return
            key = "greeting_dm" if self.is_dm(room_id) else "greeting"
            text = i18n.t(self.config.bot.language, key, prefix=self.config.bot.command_prefix)
            await self.send(
                room_id,
                render.message(text),
                event_type="m.room.message",
                txn_id=f"hello-{row.active_since_ms}-{room_id}",
            )
            row.greeted = True

    async def _set_joined(self, room_id: str, *, joined: bool) -> None:
        self._settled.pop(room_id, None)
        async with self.db.transaction() as session:
            row = await session.get(BotRoom, room_id)
            if row is not None:
                row.joined = joined

    def _may_invite(self, inviter: str) -> bool:
        inv = self.config.invites
        server = inviter.split(":", 1)[1] if ":" in inviter else ""
        if inviter in inv.allowed_users or inviter in self.config.coordinators.users:
            return True
        if inv.allowed_servers:
            return server in inv.allowed_servers
        if inv.allowed_users:
            return False
        return server == self.user_id.split(":", 1)[1]  # default: people from the bot's own homeserver

    async def _on_invite(self, room_id: str, state: list[Any]) -> None:
        invite = next(
            (
                e
                for e in state
                if isinstance(e, InviteMemberEvent)
                and e.state_key == self.user_id
                and e.membership == "invite"
            ),
            None,
        )
        if invite is None:
            return
        if not self._may_invite(invite.sender):
            log.warning("refusing invite to %s from %s (not allowed by [invites])", room_id, invite.sender)
            reason = i18n.t(self.config.bot.language, "invite_refused")
            await self._leave(room_id, reason)
            return
        # Record the join before making it: a crash right after joining must not leave the room without a
        # row, or the restart would take its own start as the cutoff and skip commands sent in between.
        now_ms = int(time.time() * 1000)
        self._settled.pop(room_id, None)
        direct = directs.invite_is_direct(invite)
        if direct:
            self._direct.add(room_id)
        async with self.db.transaction() as session:
            row = await session.get(BotRoom, room_id)
            if row is None:
                row = BotRoom(room_id=room_id, active_since_ms=now_ms, joined=True, greeted=False)
                session.add(row)
            elif not row.joined:
                # A re-invite after the bot left: a fresh start, no replay of what was said meanwhile.
                row.active_since_ms, row.joined, row.greeted = now_ms, True, False
            else:
                # The bot is in this room already. A tokenless sync within Synapse's response cache window
                # replays old invites; moving the cutoff then would skip what was sent while the bot was
                # down, and greet again (issue 17). The cutoff is set once per join, never by a restart.
                log.info("invite to %s seen again while joined (a replayed sync); cutoff kept", room_id)
            row.direct = row.direct or direct
        resp = await self.client.join(room_id)
        if isinstance(resp, JoinError):
            log.warning("could not join %s: %s", room_id, resp.message)
            await self._set_joined(room_id, joined=False)
            return
        log.info("joined %s on invitation by %s", room_id, invite.sender)

    async def _leave(self, room_id: str, reason: str) -> None:
        """Decline with a reason (nio's room_leave has none); rate limits are waited out, a few times."""
        path = f"/_matrix/client/v3/rooms/{room_id}/leave"
        for _attempt in range(4):
            try:
                answer = await self._raw("POST", path, {"reason": reason})
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("could not decline invite to %s: %s", room_id, exc)
                return
            if answer.get("errcode") != "M_LIMIT_EXCEEDED":
                if "errcode" in answer:
                    log.warning("declining invite to %s refused: %s", room_id, answer)
                return
            await asyncio.sleep(min(int(answer.get("retry_after_ms", 1000)), 10_000) / 1000)
        log.warning("declining invite to %s: still rate-limited, the invite stays pending", room_id)

    async def _raw(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        from urllib.parse import quote

        url = self.config.matrix.homeserver + quote(path, safe="/_")
        headers = {"Authorization": f"Bearer {self.client.access_token}"}
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, url, json=body, headers=headers) as r,
        ):
            return await r.json(content_type=None)

    async def _join_configured_rooms(self) -> None:
        for ref in self.config.rooms:
            if ref in self.client.rooms:
                self._configured_ids.add(ref)
                continue
            resp = await self.client.join(ref)  # by alias too; joining a joined room just answers its id
            if isinstance(resp, JoinError):
                log.warning("could not join configured room %s: %s", ref, resp.message)
            else:
                self._configured_ids.add(resp.room_id)

    # ----------------------------------------------------------------------- Messenger protocol

    async def send(self, room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str) -> str:
        """Send with the caller's transaction id: a retry, even after a restart, posts at most once."""
        content = render.guard_mentions(content, event_type)  # also for what bypasses Context
        lock = self._send_lock.setdefault(room_id, asyncio.Lock())
        async with lock:  # keeps replies in order and the megolm session shared once
            return await self._send_locked(room_id, content, event_type=event_type, txn_id=txn_id)

    async def _send_locked(
        self, room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str
    ) -> str:
        delay = BACKOFF_START
        refused: str | None = None
        if self.trust.enforce and self.is_encrypted(room_id):
            try:  # who may get the room key: ask about members the cache does not know (yet)
                await self.trust.refresh(list(self.client.rooms[room_id].users))
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

    async def direct_room(self, user_id: str) -> str:
        """The bot's DM with a user, created (encrypted) on first use and remembered."""
        key = f"dm:{user_id}"
        async with self.db.transaction() as session:
            row = await session.get(KeyValue, key)
        if row is not None and row.value in self.client.rooms:
            return row.value
        for room_id, room in self.client.rooms.items():
            members = set(room.users) | set(room.invited_users)
            if members == {self.user_id, user_id} and self.is_dm(room_id):
                self._store_later(KeyValue(key=key, value=room_id))
                return room_id
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
        # nio learns about the new room only from a sync. This extra sync may run inside a handler; it is
        # safe because the main loop keeps its own token and sees these events again (and deduplicates).
        await self.client.sync(timeout=0, sync_filter=json.dumps(SYNC_FILTER))
        await self._crypto_housekeeping()
        return resp.room_id

    def _store_later(self, *rows: BotRoom | KeyValue) -> None:
        """Write in a background transaction, because ``direct_room`` runs inside a handler's transaction.

        That transaction already holds SQLite's single write lock, so writing in a second one right away
        would stall until the busy timeout. These rows are a cache (the scan above finds the DM again),
        so it is fine that they land a moment later, once the handler has committed.
        """

        async def write() -> None:
            try:
                async with self.db.transaction() as session:
                    for row in rows:
                        await self._remember(session, row)
            except Exception:
                log.exception("could not remember a direct room")

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

    def room_members(self, room_id: str) -> list[str]:
        room = self.client.rooms.get(room_id)
        return sorted(u for u, member in room.users.items() if not member.invited) if room else []

    def display_name(self, room_id: str, user_id: str) -> str:
        room = self.client.rooms.get(room_id)
        return room.user_name(user_id) or user_id if room else user_id

    async def resolve_alias(self, alias: str) -> str | None:
        """The room id behind an alias like ``#koordination:stadt.example`` (None if it does not resolve)."""
        resp = await self.client.room_resolve_alias(alias)
        room_id = getattr(resp, "room_id", None)
        return room_id if isinstance(room_id, str) and room_id else None

    def is_dm(self, room_id: str) -> bool:
        """Made as a DM (bot/directs.py), and never a configured team room."""
        if room_id not in self._direct:
            return False
        return room_id not in self._configured_ids and room_id not in self.config.rooms

    def power_level(self, room_id: str, user_id: str) -> int:
        room = self.client.rooms.get(room_id)
        if room is None:
            return 0
        if user_id in self._creators.get(room_id, ()) and _creators_privileged(room.room_version):
            return CREATOR_POWER
        return room.power_levels.get_user_level(user_id)

    def redact_level(self, room_id: str) -> int:
        """The power needed to redact others' events here (the spec's default 50 when unknown)."""
        room = self.client.rooms.get(room_id)
        return room.power_levels.defaults.redact if room else 50

    def team_rooms(self) -> list[str]:
        """The rooms whose coordinators act for the whole bot: the configured ``rooms`` (all group rooms
        only when none are configured, which check-config warns about)."""
        if self.config.rooms:
            return sorted(self._configured_ids)
        return [room_id for room_id in self.client.rooms if not self.is_dm(room_id)]

    async def known_rooms(self) -> list[str]:
        async with self.db.transaction() as session:
            return list((await session.scalars(select(BotRoom.room_id).where(BotRoom.joined))).all())
