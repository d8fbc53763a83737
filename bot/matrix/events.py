"""Sync batch processing: each joined room's timeline, in order, into ``Dispatcher.handle`` (at most once)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from nio import MegolmEvent, RoomCreateEvent, RoomMessagesResponse, SyncResponse
from nio.api import MessageDirection

from bot import directs
from bot.dispatch import Incoming
from bot.matrix.constants import PARALLEL_ROOMS
from storage.models import BotRoom

log = logging.getLogger(__name__)


class EventsMixin:
    """The way of an event from a sync batch to the dispatcher (see ``bot.matrix``)."""

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
        return await self._process_rooms(list(resp.rooms.join.items()), since) and complete

    async def _process_rooms(self, rooms: list[tuple[str, Any]], since: str | None) -> bool:
        """Each room's events in order; different rooms side by side (``PARALLEL_ROOMS`` at a time).

        Only on PostgreSQL: SQLite has one writer, and a handler holds it while its reply is sent, so rooms
        in parallel would only queue for that lock (and could run into its busy timeout under load).
        """
        if self.db.is_sqlite or len(rooms) < 2:
            complete = True
            for room_id, info in rooms:
                complete &= await self._process_room(room_id, info, since)
            return complete
        limit = asyncio.Semaphore(PARALLEL_ROOMS)

        async def one(room_id: str, info: Any) -> bool:
            async with limit:
                return await self._process_room(room_id, info, since)

        tasks = [asyncio.create_task(one(room_id, info)) for room_id, info in rooms]
        try:
            return all(await asyncio.gather(*tasks))
        except BaseException:
            # The batch is redone (a lost homeserver): let no room go on handling alongside the redo.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

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
        handled: set[str] = set()
        asked: list[bool] = []

        async def ask_ledger() -> None:
            ids = [i for e in events if (i := (getattr(e, "source", None) or {}).get("event_id"))]
            handled.update(await self._ledger_among(ids))
            asked.append(True)

        if not await guard(f"room:{room_id}/ledger", ask_ledger):
            return False
        for event in events:
            key = (getattr(event, "source", None) or {}).get("event_id") or f"{room_id}/?"
            if key in handled:
                continue  # handled before (a redone batch): no transaction, no decryption again
            unseen = bool(asked) and key.startswith("$")  # if the ledger gave no answer: each asks it
            handled.add(key)  # the same event twice in one batch (gap and timeline overlap): once
            done = await guard(
                key,
                lambda e=event, u=unseen: self._on_room_event(room_id, e, since_ms, unseen=u),
                lambda ref, e=event: self._give_up(room_id, e, since_ms, ref),
            )
            if not done:
                return False  # the rest of this room waits for the redo, in order
        return True

    async def _ledger_among(self, event_ids: list[str]) -> set[str]:
        assert self.dispatcher is not None
        return await self.dispatcher.ledger.handled_among(event_ids) if event_ids else set()

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

    async def _on_room_event(self, room_id: str, event: Any, since_ms: int, *, unseen: bool = False) -> None:
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
            await self.dispatcher.handle(incoming, unseen=unseen)

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
