"""MatrixBot: login, the sync loop with backoff, the sync token, crypto housekeeping."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    LoginResponse,
    SyncResponse,
    WhoamiResponse,
)

from bot import directs
from bot.config import Config
from bot.context import HomeserverUnavailable
from bot.crypto.api import ClientAPI
from bot.crypto.backup import KeyBackup
from bot.crypto.identity import IdentityState
from bot.crypto.trust import SenderTrust, restrict_key_sharing
from bot.dispatch import Dispatcher
from bot.matrix.constants import BACKOFF_MAX, BACKOFF_START, SYNC_FILTER, SYNC_TIMEOUT_MS
from bot.matrix.events import EventsMixin
from bot.matrix.rooms import RoomsMixin
from bot.matrix.sending import SendingMixin
from bot.matrix.trustnotes import TrustMixin
from bot.syncguard import FailureBook
from storage.db import Database
from storage.models import KeyValue

log = logging.getLogger(__name__)


class MatrixBot(EventsMixin, TrustMixin, RoomsMixin, SendingMixin):
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
        self._limited_until = 0.0  # monotonic; see SendingMixin.rate_limited
        self.client.add_response_callback(self._note_limited, ErrorResponse)  # type: ignore[arg-type]

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
        token = await self._prepare_run()
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
            complete = await self._handle_batch(resp, token, first=first)
            if complete is None:  # lost the homeserver: redo the batch after a short wait
                await self._sleep(backoff)
                continue
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

    async def _prepare_run(self) -> str | None:
        """Key sharing policy, key backup and the known DMs before the first sync; the saved token."""
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
        return token

    async def _handle_batch(self, resp: SyncResponse, token: str | None, *, first: bool) -> bool | None:
        """Whether the batch was handled completely (its token may be saved); None if the homeserver was
        lost on the way (the batch is seen again then, and handled events are skipped)."""
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
            return None
        except Exception:
            # Outside every guarded piece (bot/syncguard.py): redo, never skip unhandled events.
            log.exception("unexpected error while processing a sync batch; will redo it")
            return False
        return complete

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
