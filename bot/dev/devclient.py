"""A plain Matrix user for the demo, the end-to-end tests and the benchmarks: logs in, syncs, sends, waits.

It uses nio with encryption on, the way Element would: it shares its megolm keys with every device in the
room, so the bot has to really decrypt what it gets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    LoginResponse,
    MegolmEvent,
    MemoryDownloadResponse,
    RoomCreateResponse,
    RoomSendResponse,
    SyncResponse,
)
from nio.crypto import decrypt_attachment

PASSWORD = "lotse-test-password"

Predicate = Callable[[dict[str, Any]], bool]


class Lotse:
    def __init__(self, homeserver: str, user_id: str, store: Path) -> None:
        store.mkdir(parents=True, exist_ok=True)
        self.user_id = user_id
        self.client = AsyncClient(
            homeserver, user_id, store_path=str(store), config=AsyncClientConfig(encryption_enabled=True)
        )
        self.events: dict[str, list[dict[str, Any]]] = {}
        self.undecryptable: list[str] = []
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def login(self, password: str = PASSWORD, *, cross_sign: bool = True) -> None:
        """Log in; like Element at first login, also create a cross-signing identity that signs this device
        (the bot serves only cross-signed devices by default). ``cross_sign=False`` plays an old client."""
        resp = await self.client.login(password, device_name="test-client")
        assert isinstance(resp, LoginResponse), resp
        if cross_sign:
            await self.cross_sign(password)

    async def cross_sign(self, password: str = PASSWORD) -> None:
        """Master, self-signing and user-signing keys for this account, and this device signed with them."""
        from bot.crypto.api import ClientAPI
        from bot.crypto.identity import CrossSigningKeys, sign_device, signing_keys_body, upload_signing_keys

        c = self.client
        if c.should_upload_keys:
            await c.keys_upload()
        async with ClientAPI(c.homeserver, c.access_token, self.user_id) as api:
            keys = CrossSigningKeys.generate()
            await upload_signing_keys(api, signing_keys_body(self.user_id, keys), password)
            own = await api.query_keys([self.user_id])
            await sign_device(api, own["device_keys"][self.user_id][c.device_id], keys, None, None)

    async def start(self) -> None:
        await self._sync_once(timeout=0)
        self._task = asyncio.create_task(self._loop())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()

    async def _loop(self) -> None:
        while True:
            try:
                await self._sync_once(timeout=10_000)
            except asyncio.CancelledError:
                raise
            except Exception:
                await asyncio.sleep(0.5)

    async def _sync_once(self, timeout: int) -> None:
        resp = await self.client.sync(
            timeout=timeout, sync_filter=json.dumps({"room": {"timeline": {"limit": 100}}})
        )
        if not isinstance(resp, SyncResponse):
            await asyncio.sleep(0.5)
            return
        await self._keys()
        for room_id in resp.rooms.invite:
            await self.client.join(room_id)
        for room_id, info in resp.rooms.join.items():
            for event in info.timeline.events:
                if isinstance(event, MegolmEvent):
                    self.undecryptable.append(event.event_id)
                    continue
                source = getattr(event, "source", None)
                if source:
                    self.events.setdefault(room_id, []).append(source)
        async with self._changed:
            self._changed.notify_all()

    async def _keys(self) -> None:
        c = self.client
        if c.should_upload_keys:
            await c.keys_upload()
        if c.should_query_keys:
            await c.keys_query()
        if c.should_claim_keys:
            await c.keys_claim(c.get_users_for_key_claiming())
        await c.send_to_device_messages()

    # ------------------------------------------------------------------------------ actions

    async def create_room(
        self,
        *,
        invite: list[str] = (),
        encrypted: bool = True,
        name: str = "Digitallotsen",
        direct: bool = False,
    ) -> str:
        state = (
            [{"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]
            if encrypted
            else []
        )
        resp = await self.client.room_create(
            name=name, invite=list(invite), initial_state=state, is_direct=direct
        )
        assert isinstance(resp, RoomCreateResponse), resp
        return resp.room_id

    async def join(self, room_id: str) -> None:
        resp = await self.client.join(room_id)
        assert isinstance(resp, JoinResponse), resp
        await self.wait_member(room_id, self.user_id)

    async def wait_member(self, room_id: str, user_id: str, timeout: float = 20) -> None:
        """Wait until this client sees ``user_id`` joined, then fetch its device keys (needed for E2EE)."""

        def joined() -> bool:
            room = self.client.rooms.get(room_id)
            return bool(room and user_id in room.users and not room.users[user_id].invited)

        await self._wait(joined, timeout, f"{user_id} to join {room_id}")
        await self.client.joined_members(room_id)
        if self.client.should_query_keys:
            await self.client.keys_query()

    async def set_power(self, room_id: str, user_id: str, level: int) -> None:
        room = self.client.rooms[room_id]
        users = dict(room.power_levels.users)
        users[user_id] = level
        content = {
            "users": users,
            "users_default": room.power_levels.defaults.users_default,
            "events_default": room.power_levels.defaults.events_default,
            "state_default": room.power_levels.defaults.state_default,
            "ban": room.power_levels.defaults.ban,
            "kick": room.power_levels.defaults.kick,
            "redact": room.power_levels.defaults.redact,
            "invite": room.power_levels.defaults.invite,
            "events": room.power_levels.events,
        }
        await self.client.room_put_state(room_id, "m.room.power_levels", content)

    async def send(self, room_id: str, body: str, *, thread_root: str | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": body}
        if thread_root:
            content["m.relates_to"] = {
                "rel_type": "m.thread",
                "event_id": thread_root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": thread_root},
            }
        return await self.send_event(room_id, "m.room.message", content)

    async def send_event(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        resp = await self.client.room_send(room_id, event_type, content, ignore_unverified_devices=True)
        assert isinstance(resp, RoomSendResponse), resp
        return resp.event_id

    def discard_room_key(self, room_id: str) -> None:
        """What Element's ``/discardsession`` does: the next message starts a new megolm session, which is
        shared with every device in the room again."""
        if self.client.olm is not None:
            self.client.olm.outbound_group_sessions.pop(room_id, None)

    async def notifications(self) -> list[dict[str, Any]]:
        """The events the homeserver's push rules notified this user about (``/notifications``), newest
        first. Only meaningful for unencrypted rooms: the server cannot read encrypted content."""
        resp = await self.client.send(
            "GET",
            "/_matrix/client/v3/notifications?limit=50",
            headers={"Authorization": f"Bearer {self.client.access_token}"},
        )
        resp.raise_for_status()
        return [n["event"] for n in (await resp.json())["notifications"]]

    async def download(self, content: dict[str, Any]) -> bytes:
        """The bytes of a file message, decrypted when it came as an encrypted attachment."""
        encrypted = content.get("file")
        resp = await self.client.download(mxc=encrypted["url"] if encrypted else content["url"])
        assert isinstance(resp, MemoryDownloadResponse), resp
        if not encrypted:
            return resp.body
        return decrypt_attachment(
            resp.body, encrypted["key"]["k"], encrypted["hashes"]["sha256"], encrypted["iv"]
        )

    # ------------------------------------------------------------------------------- waiting

    async def _wait(self, cond: Callable[[], bool], timeout: float, what: str) -> None:
        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(cond)

        try:
            await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}") from None

    async def wait_for(
        self, room_id: str, pred: Predicate, timeout: float = 20, what: str = "an event"
    ) -> dict[str, Any]:
        found: list[dict[str, Any]] = []

        def check() -> bool:
            for ev in self.events.get(room_id, []):
                if pred(ev):
                    found.append(ev)
                    return True
            return False

        await self._wait(check, timeout, what)
        return found[0]

    async def wait_reply(self, room_id: str, to_event: str, timeout: float = 20) -> dict[str, Any]:
        """The bot's answer to one of our messages (``m.in_reply_to`` points at it)."""

        def is_reply(ev: dict[str, Any]) -> bool:
            rel = ev.get("content", {}).get("m.relates_to") or {}
            return (rel.get("m.in_reply_to") or {}).get("event_id") == to_event and ev.get(
                "sender"
            ) != self.user_id

        return await self.wait_for(room_id, is_reply, timeout, f"a reply to {to_event}")

    async def ask(self, room_id: str, text: str, timeout: float = 20, thread_root: str | None = None) -> str:
        """Send a command and return the body of the bot's reply."""
        event_id = await self.send(room_id, text, thread_root=thread_root)
        reply = await self.wait_reply(room_id, event_id, timeout)
        return str(reply["content"].get("body", ""))

    def messages_from(self, room_id: str, sender: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.events.get(room_id, [])
            if e.get("sender") == sender and e.get("type") == "m.room.message"
        ]
