"""Server-side key backup: every room key the bot receives is on the homeserver, encrypted, before it counts.

Why the ordering matters. nio handles an encrypted to-device message in one go: it decrypts it with the Olm
session (and writes the advanced Olm session to its store), then creates the megolm session (a second
write). A kill -9 between the two writes used to lose the room key for good: on restart the same to-device
message comes again (the sync token was not saved), but the Olm session on disk has already used its message
key, so it cannot be decrypted a second time.

So while nio handles the to-device part of a sync, :class:`KeyBackup` holds back nio's store writes (Olm
sessions, the Olm account, megolm sessions; the objects in memory are nio's as always) and afterwards:
1. uploads the new megolm sessions to the backup with idempotent ``PUT /room_keys/keys`` (the server keeps
   the better copy of a session, so uploading again after a crash does no harm);
2. writes the Olm sessions and account; 3. writes the megolm sessions.
A kill before 1 leaves the old Olm state on disk, so the re-sent to-device message decrypts again; a kill
after 1 leaves the key in the backup, and :meth:`KeyBackup.recover` fetches it when an event cannot be
decrypted. If the upload fails (homeserver gone right after a sync) the key is written locally anyway and
uploaded later: the bot never trades a working key for a backup.

The held-back writes must not leak out early through another task's write while the upload is awaited
(the account or an Olm session object is the same in memory): :class:`bot.crypto.gate.CryptoGate` makes
every other Olm-changing nio call wait until the batch is settled. The Olm sessions are written before the
account and in one transaction with it, so the account never lacks a one-time key whose session is missing.

The backup key itself lives in secret storage (``bot.crypto.backup_key``), so a new device with the recovery
key reads the backup. Every uploaded key carries an MSC4048 MAC made with that key, and only keys with a valid
MAC are restored: the public key alone (which the homeserver knows) cannot plant a key the bot would use.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import vodozemac
from nio import AsyncClient, BadEvent, MegolmEvent, UnknownBadEvent
from nio.crypto.sessions import InboundGroupSession
from nio.exceptions import EncryptionError, LocalProtocolError

from bot.crypto import backup_format as fmt
from bot.crypto.backup_key import BackupKeyStore
from bot.crypto.canonical import verify_json
from bot.crypto.gate import CryptoGate
from bot.crypto.secrets import SecretStorage

log = logging.getLogger(__name__)

KILL_IN_KEY_WINDOW_ENV = "LOTSENBOT_TEST_KILL_IN_KEY_WINDOW"
UPLOAD_TIMEOUT_S = 20
UPLOAD_BATCH = 200  # keys per PUT: a first start with a large store must not send one huge request
RETRY_SETUP_S = 300.0  # a set-up that failed is tried again after this long
MISS_TTL_S = 300.0  # a session the backup did not have is asked for again after this long

# ---------------------------------------------------------------------------------- the backup


StatusWriter = Callable[[dict[str, Any]], Awaitable[None]]


class KeyBackup:
    """The bot's side of ``m.megolm_backup.v1.curve25519-aes-sha2`` on top of a logged-in nio client."""

    def __init__(
        self,
        client: AsyncClient,
        homeserver: str,
        store_dir: Path,
        status: StatusWriter,
        storage: SecretStorage | None = None,
    ) -> None:
        self.client = client
        self.keys = BackupKeyStore(storage, store_dir)
        self.homeserver = homeserver.rstrip("/")
        self.store_dir = store_dir
        self._write_status = status
        self.state = "off"  # off | active | key_missing | error
        self.version: str | None = None
        self.public_key: str | None = None
        self._secret: vodozemac.Curve25519SecretKey | None = None
        self._mac_key: bytes | None = None
        self._retry_at = 0.0
        self._deferring = False
        self.gate = CryptoGate()  # to-device handling and Olm-changing calls take turns (bot/crypto/gate.py)
        self._olm_pending: dict[tuple[str, str], tuple[str, Any]] = {}
        self._account_pending = False
        self._megolm_pending: list[InboundGroupSession] = []
        self._unsent: dict[tuple[str, str], InboundGroupSession] = {}  # saved locally, not yet uploaded
        self._misses: dict[str, float] = {}
        self._http: aiohttp.ClientSession | None = None
        self._save_session: Callable[[str, Any], None] | None = None
        self._save_account: Callable[..., None] | None = None
        self._save_group_session: Callable[[InboundGroupSession], None] | None = None
        self.uploaded = 0
        self.restored = 0
        self.upload_ms: list[float] = []

    # ------------------------------------------------------------------------------ start-up

    async def start(self) -> None:
        """Install the hooks, then find or create the backup. Never fails the bot: problems are logged."""
        self.install()
        await self._try_setup()

    async def _try_setup(self) -> None:
        self._retry_at = time.monotonic() + RETRY_SETUP_S
        try:
            await self._setup()
            if self.state == "active":
                await self._upload_missing()
        except Exception as exc:  # a backup problem must never stop the bot from answering
            if self.state != "active":
                self.state = "error"
            log.warning(
                "key backup: set-up incomplete (%s: %s); retrying in %.0f min",
                type(exc).__name__,
                exc,
                RETRY_SETUP_S / 60,
            )
        await self._status()

    def install(self) -> None:
        """Route nio's store writes through this object and wrap its to-device handling (see module doc)."""
        olm = self.client.olm
        if olm is None or self._save_session is not None:
            return
        self._save_session = olm.save_session
        self._save_account = olm.save_account
        self._save_group_session = olm.save_inbound_group_session
        olm.save_session = self._on_save_session  # type: ignore[method-assign]
        olm.save_account = self._on_save_account  # type: ignore[method-assign]
        olm.save_inbound_group_session = self._on_save_group_session  # type: ignore[method-assign]
        handle = self.client._handle_to_device
        self.gate.install(self.client)

        async def handle_to_device(response: Any) -> None:
            async with self.gate.held():  # also a DM's extra sync that overlaps the main loop's
                self._deferring = True
                try:
                    await handle(response)
                finally:
                    self._deferring = False
                    await self._settle()

        self.client._handle_to_device = handle_to_device  # type: ignore[method-assign]

    async def _setup(self) -> None:
        current = await self._request("GET", "/room_keys/version")
        secret = await self.keys.load()
        if current.get("errcode") == "M_NOT_FOUND":
            await self._create(secret or fmt.new_backup_key())
            return
        if "errcode" in current:
            raise ValueError(f"GET /room_keys/version: {current.get('errcode')} {current.get('error')}")
        version, algorithm = str(current.get("version")), current.get("algorithm")
        auth = current.get("auth_data") or {}
        public = auth.get("public_key")
        if algorithm == fmt.ALGORITHM and secret is not None and fmt.public_key_of(secret) == public:
            self._activate(version, secret)
            await self.keys.keep(secret, version)
            try:
                await self._sign_with_master(version, auth)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning("key backup: could not add the master key's signature (%s)", type(exc).__name__)
            log.info("key backup: using backup version %s (key from %s)", version, self.key_source)
            return
        # Someone (an operator, an earlier install) made this backup; overwriting it would orphan its keys.
        self.state, self.version, self.public_key = "key_missing", version, public
        log.error(
            "key backup: the account has backup version %s (%s) but the bot does not have its key "
            "(not in secret storage%s); room keys are NOT backed up. Configure the recovery key that opens "
            "secret storage, or delete that backup version so the bot can make its own.",
            version,
            algorithm,
            "" if self.keys.storage else ", which needs the recovery key",
        )

    async def _sign_with_master(self, version: str, auth: dict[str, Any]) -> None:
        """A backup made before the bot had a cross-signing identity gets its master key's signature."""
        signers = await self.keys.signers(self.client)
        user_id = self.client.user_id
        masters = [s for s in signers if s[1] != f"ed25519:{self.client.device_id}"]
        if not masters or verify_json(auth, user_id, masters[0][1], masters[0][1].split(":", 1)[1]):
            return
        new_auth = fmt.auth_data(auth["public_key"], signers)
        body = {"algorithm": fmt.ALGORITHM, "auth_data": new_auth, "version": version}
        answer = await self._request("PUT", f"/room_keys/version/{version}", body)
        if "errcode" in answer:
            log.warning("key backup: could not add the master key's signature: %s", answer.get("errcode"))
        else:
            log.info("key backup: version %s is now signed by the master key", version)

    async def _create(self, secret: vodozemac.Curve25519SecretKey) -> None:
        public = fmt.public_key_of(secret)
        auth = fmt.auth_data(public, await self.keys.signers(self.client))
        body = {"algorithm": fmt.ALGORITHM, "auth_data": auth}
        answer = await self._request("POST", "/room_keys/version", body)
        if "version" not in answer:
            raise ValueError(f"POST /room_keys/version: {answer.get('errcode')} {answer.get('error')}")
        version = str(answer["version"])
        self._activate(version, secret)
        await self.keys.keep(secret, version)
        log.info("key backup: created backup version %s (key in %s)", version, self.key_source)

    def _activate(self, version: str, secret: vodozemac.Curve25519SecretKey) -> None:
        self.state, self.version, self._secret = "active", version, secret
        self._mac_key = fmt.backup_mac_key(secret)
        self.public_key = fmt.public_key_of(secret)

    async def _upload_missing(self) -> None:
        """Upload what the local store has and the backup lacks (keys from before this feature, or from a
        time the upload failed). The server keeps the better copy, so a few extra uploads cost nothing."""
        await self._queue_missing()
        if self._unsent:
            log.info("key backup: %d local key(s) not in the backup yet", len(self._unsent))
            await self._upload_unsent()

    async def _queue_missing(self) -> None:
        olm = self.client.olm
        assert olm is not None and self.version is not None
        answer = await self._request("GET", "/room_keys/keys", params={"version": self.version})
        backed: dict[tuple[str, str], int] = {}
        for room_id, room in (answer.get("rooms") or {}).items():
            for session_id, data in (room.get("sessions") or {}).items():
                backed[(room_id, session_id)] = int(data.get("first_message_index", 0))
        for session in olm.inbound_group_store:
            known = backed.get((session.room_id, session.id))
            if known is None or session.first_known_index < known:
                self._unsent[(session.room_id, session.id)] = session

    # ------------------------------------------------------------------------- nio's store writes

    def _on_save_session(self, curve_key: str, session: Any) -> None:
        if self._deferring:
            self._olm_pending[(curve_key, session.id)] = (curve_key, session)
            return
        assert self._save_session is not None
        self._save_session(curve_key, session)

    def _on_save_account(self, account: Any = None) -> None:
        if self._deferring and account is None:
            self._account_pending = True
            return
        assert self._save_account is not None
        self._save_account(account)

    def _on_save_group_session(self, session: InboundGroupSession) -> None:
        if self._deferring:
            self._megolm_pending.append(session)
            return
        assert self._save_group_session is not None
        self._save_group_session(session)
        self._unsent[(session.room_id, session.id)] = session  # e.g. the bot's own outbound sessions

    async def _settle(self) -> None:
        """After nio handled the to-device events: backup first, then the Olm writes, then the megolm ones."""
        fresh, self._megolm_pending = self._megolm_pending, []
        if self.state == "error" and time.monotonic() >= self._retry_at:
            await self._try_setup()  # e.g. the homeserver was down when the bot started
        for session in fresh:
            self._unsent[(session.room_id, session.id)] = session
        if self._unsent and self.state == "active":
            try:
                await self._upload_unsent()
            except Exception:  # whatever went wrong, nio's writes below must still happen
                log.exception("key backup: upload failed; the keys stay pending")
        assert self._save_session is not None and self._save_account is not None
        olm_pending, self._olm_pending = self._olm_pending, {}
        account, self._account_pending = self._account_pending, False
        with self._olm_transaction():  # sessions first: an account without their one-time keys wedges them
            for curve_key, session in olm_pending.values():
                self._save_session(curve_key, session)
            if account:
                self._save_account()
        if fresh:
            self._test_hook_kill()
        assert self._save_group_session is not None
        for session in fresh:
            self._save_group_session(session)

    def _olm_transaction(self) -> Any:
        """One SQLite transaction around the Olm writes, if nio's store is the usual peewee one."""
        database = getattr(self.client.store, "database", None)
        atomic = getattr(database, "atomic", None)
        return atomic() if callable(atomic) else contextlib.nullcontext()

    def _test_hook_kill(self) -> None:
        """TEST HOOK, inert unless ``LOTSENBOT_TEST_KILL_IN_KEY_WINDOW`` names a file that does not exist yet:
        then it creates that file and SIGKILLs this process at the exact moment that used to lose keys (Olm
        session written, megolm session not). Used by ``tests/resilience/test_kill9_key_backup.py``."""
        marker = os.environ.get(KILL_IN_KEY_WINDOW_ENV)
        if not marker or Path(marker).exists():
            return
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        log.warning("test hook: SIGKILL in the key window (backup uploaded: %s)", self.uploaded)
        os.kill(os.getpid(), signal.SIGKILL)

    # ----------------------------------------------------------------------------------- upload

    async def _upload_unsent(self) -> None:
        """Everything pending, ``UPLOAD_BATCH`` keys per PUT; on failure the rest stays pending."""
        while self._unsent and self.state == "active":
            before = len(self._unsent)
            await self._upload_batch(dict(list(self._unsent.items())[:UPLOAD_BATCH]))
            if len(self._unsent) >= before:
                return  # refused or unreachable: try again after the next sync

    async def _upload_batch(self, batch: dict[tuple[str, str], InboundGroupSession]) -> None:
        assert self.version is not None and self.public_key is not None
        rooms: dict[str, dict[str, Any]] = {}
        for (room_id, session_id), session in batch.items():
            entry = fmt.key_backup_data(
                session, self.public_key, user_id=self.client.user_id, mac_key=self._mac_key
            )
            rooms.setdefault(room_id, {"sessions": {}})["sessions"][session_id] = entry
        started = time.perf_counter()
        try:
            answer = await self._request(
                "PUT", "/room_keys/keys", {"rooms": rooms}, params={"version": self.version}
            )
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning(
                "key backup: upload of %d key(s) failed (%s); will retry", len(batch), type(exc).__name__
            )
            return
        elapsed = (time.perf_counter() - started) * 1000
        if "errcode" in answer:
            log.warning("key backup: upload refused: %s %s", answer.get("errcode"), answer.get("error"))
            if answer.get("errcode") in ("M_WRONG_ROOM_KEYS_VERSION", "M_NOT_FOUND"):
                await self._setup()  # the backup was replaced or deleted: find out what is there now
                await self._status()
                if self.state == "active":
                    await self._queue_missing()  # a new version starts empty: all local keys go there
            return
        for key in batch:
            self._unsent.pop(key, None)
        self.uploaded += len(batch)
        self.upload_ms.append(elapsed)
        log.info("key backup: uploaded %d key(s) in %.1f ms (version %s)", len(batch), elapsed, self.version)

    # ---------------------------------------------------------------------------------- restore

    async def recover(self, room_id: str, event: MegolmEvent) -> Any | None:
        """The decrypted event if the backup has its session (imported into nio's store), else None."""
        if self.state != "active" or self._secret is None or not event.session_id:
            return None
        olm = self.client.olm
        if olm is None:
            return None
        if time.monotonic() - self._misses.get(event.session_id, -MISS_TTL_S) < MISS_TTL_S:
            return None
        if olm.inbound_group_store.get(room_id, event.sender_key, event.session_id) is None:
            try:
                session = await self._fetch(room_id, event)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                log.warning(
                    "key backup: could not fetch session %s (%s)", event.session_id, type(exc).__name__
                )
                return None  # not remembered as missing: asked again with the next event of that session
            if session is None:
                self._misses[event.session_id] = time.monotonic()
                return None
            olm.inbound_group_store.add(session)
            assert self._save_group_session is not None
            self._save_group_session(session)  # already in the backup: no upload
            self.restored += 1
            log.info("key backup: restored the key of session %s in %s", event.session_id, room_id)
        try:
            decrypted = olm.decrypt_megolm_event(event, room_id)
        except EncryptionError as exc:
            log.warning("key backup: restored key did not decrypt %s: %s", event.event_id, exc)
            return None
        if isinstance(decrypted, BadEvent | UnknownBadEvent):
            log.warning("key backup: %s decrypted to a malformed event", event.event_id)
            return None
        return decrypted

    async def _fetch(self, room_id: str, event: MegolmEvent) -> InboundGroupSession | None:
        assert self._secret is not None and self.version is not None
        path = f"/room_keys/keys/{quote(room_id, safe='')}/{quote(event.session_id, safe='')}"
        data = await self._request("GET", path, params={"version": self.version}, quoted=True)
        if not isinstance(data.get("session_data"), dict):
            return None
        assert self._mac_key is not None
        if not fmt.is_authentic(data["session_data"], self.client.user_id, self._mac_key):
            # Anyone who knows the public key can write to this backup (the homeserver, for one); only
            # keys MAC'ed with the backup key (MSC4048), i.e. written by the bot itself, are taken.
            log.warning(
                "key backup: session %s is not authenticated by the backup key; ignored", event.session_id
            )
            return None
        try:
            payload = fmt.decrypt_payload(self._secret, data["session_data"])
        except fmt.BackupFormatError as exc:
            log.warning("key backup: session %s: %s", event.session_id, exc)
            return None
        # And it must be for the device the event names, and really be the event's session.
        if payload["sender_key"] != event.sender_key:
            log.warning("key backup: session %s belongs to another device; ignored", event.session_id)
            return None
        claimed = (payload.get("sender_claimed_keys") or {}).get("ed25519", "")
        device = await self._device(event)
        if device is None or device.ed25519 != claimed:
            log.warning(
                "key backup: session %s does not match a device of %s; ignored",
                event.session_id,
                event.sender,
            )
            return None
        try:
            session = InboundGroupSession.import_session(
                payload["session_key"],
                claimed,
                payload["sender_key"],
                room_id,
                list(payload.get("forwarding_curve25519_key_chain") or []),
            )
        except (vodozemac.SessionKeyDecodeException, ValueError) as exc:
            log.warning("key backup: session %s does not import: %s", event.session_id, exc)
            return None
        return session if session.id == event.session_id else None

    async def _device(self, event: MegolmEvent) -> Any | None:
        """The sender's device with the event's Curve25519 key, asking the homeserver once if unknown."""
        olm = self.client.olm
        if olm is None or not event.sender_key:
            return None
        device = olm.device_store.device_from_sender_key(event.sender, event.sender_key)
        if device is None:
            olm.users_for_key_query.add(event.sender)
            try:
                await self.client.keys_query()
            except (aiohttp.ClientError, TimeoutError, OSError, LocalProtocolError) as exc:
                log.warning("key backup: cannot query %s's devices (%s)", event.sender, type(exc).__name__)
                return None
            device = olm.device_store.device_from_sender_key(event.sender, event.sender_key)
        return device

    # ------------------------------------------------------------------------------------- misc

    @property
    def key_source(self) -> str:
        return self.keys.source

    def status(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "version": self.version,
            "public_key": self.public_key,
            "key_source": self.key_source,
        }

    async def _status(self) -> None:
        try:
            await self._write_status(self.status())
        except Exception:  # the status line is a convenience; never let it stop the bot
            log.exception("key backup: could not record its status")

    async def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        params: dict[str, str] | None = None,
        quoted: bool = False,
    ) -> dict[str, Any]:
        if self._http is None:
            self._http = aiohttp.ClientSession()
        url = self.homeserver + "/_matrix/client/v3" + (path if quoted else quote(path, safe="/_"))
        headers = {"Authorization": f"Bearer {self.client.access_token}"}
        timeout = aiohttp.ClientTimeout(total=UPLOAD_TIMEOUT_S)
        async with self._http.request(
            method, url, json=body, params=params, headers=headers, timeout=timeout
        ) as r:
            answer = await r.json(content_type=None)
        return answer if isinstance(answer, dict) else {"errcode": "M_UNKNOWN", "error": repr(answer)}

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None
