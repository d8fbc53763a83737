"""The syncing observer of ``benchmarks/load_vote.py``: when each bot message and receipt line arrived."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from typing import Any

from nio import AsyncClient, SyncResponse


class Observer:
    """Syncs one room and notes when each bot message arrives, keyed by the event it replies to."""

    def __init__(self, client: AsyncClient, room: str, bot_id: str) -> None:
        self.client = client
        self.room = room
        self.bot_id = bot_id
        self.replies: dict[str, list[float]] = {}  # command event id → arrival times of bot replies
        self.from_bot: list[dict[str, Any]] = []
        self.server_ts: dict[str, int] = {}  # event id → origin_server_ts, every event of the room
        self.limited = 0  # syncs that did not show every event (would hide replies from the count)
        self.receipts: dict[str, str] = {}  # receipt message → its newest text
        self.listed: dict[str, float] = {}  # voter's name → when a receipt first showed it
        self.listed_ts: dict[str, int] = {}  # … and that receipt version's origin_server_ts
        self.vote_ts: dict[str, int] = {}  # typed voter's name → origin_server_ts of the vote
        self.versions: list[int] = []  # origin_server_ts of every receipt version (message or edit)
        self.messages = 0  # new messages from the bot (not edits) since ``mark``
        self.edits = 0
        self.last_at = 0.0  # perf_counter() when the latest bot message (or edit) arrived
        self._task: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    async def start(self) -> None:
        """Begin syncing; the initial sync also records what the bot said before, e.g. its greeting."""
        self._task = asyncio.create_task(self._loop())

    def _filter(self) -> str:
        return json.dumps(
            {"room": {"rooms": [self.room], "timeline": {"limit": 1000}}, "presence": {"not_types": ["*"]}}
        )

    async def _loop(self) -> None:
        sync_filter = self._filter()
        initial = True
        while True:
            resp = await self.client.sync(timeout=30_000, sync_filter=sync_filter)
            now = time.perf_counter()
            if not isinstance(resp, SyncResponse):
                await asyncio.sleep(0.2)
                continue
            info = resp.rooms.join.get(self.room)
            if info is None:
                continue
            self.limited += bool(info.timeline.limited) and not initial  # the initial sync is a summary
            initial = False
            for event in info.timeline.events:
                source = getattr(event, "source", {}) or {}
                self.server_ts[str(source.get("event_id"))] = int(source.get("origin_server_ts", 0))
                if source.get("sender") != self.bot_id:
                    body = str((source.get("content") or {}).get("body", ""))
                    if body.startswith("!stimme "):
                        name = str(source.get("sender", ""))[1:].split(":", 1)[0]
                        self.vote_ts[name] = int(source.get("origin_server_ts", 0))
                    continue
                self.from_bot.append(source)
                self.last_at = now
                self._note_receipt(source, now)
                rel = (source.get("content") or {}).get("m.relates_to") or {}
                target = (rel.get("m.in_reply_to") or {}).get("event_id")
                if target:
                    self.replies.setdefault(target, []).append(now)
            self._changed.set()

    def _note_receipt(self, event: dict[str, Any], now: float) -> None:
        content = event.get("content") or {}
        rel = content.get("m.relates_to") or {}
        if rel.get("rel_type") == "m.replace":
            self.edits += 1
            if rel.get("event_id") not in self.receipts:
                return
            self.receipts[rel["event_id"]] = str((content.get("m.new_content") or {}).get("body", ""))
            text = self.receipts[rel["event_id"]]
        else:
            self.messages += 1
            text = str(content.get("body", ""))
            if " – per " not in text:
                return
            self.receipts[str(event.get("event_id"))] = text
        self.versions.append(int(event.get("origin_server_ts", 0)))
        for line in text.splitlines():
            if line.startswith("- ") and ": " in line:
                name = line[2:].split(": ", 1)[0]
                if name not in self.listed:
                    self.listed[name] = now
                    self.listed_ts[name] = int(event.get("origin_server_ts", 0))

    def listed_times(self) -> dict[str, int]:
        """How often each name is listed, over the receipt messages as they read in the end."""
        counts: dict[str, int] = {}
        for text in self.receipts.values():
            for line in text.splitlines():
                if line.startswith("- ") and ": " in line:
                    name = line[2:].split(": ", 1)[0]
                    counts[name] = counts.get(name, 0) + 1
        return counts

    def gaps_ms(self) -> list[float]:
        """Time between consecutive receipt versions (homeserver clock): the pace of the edits."""
        ordered = sorted(self.versions)
        return [float(b - a) for a, b in itertools.pairwise(ordered)]

    def server_ms(self) -> list[float]:
        """Vote → its line in a receipt, both by the homeserver's clock (origin_server_ts)."""
        return [float(self.listed_ts[n] - t) for n, t in self.vote_ts.items() if n in self.listed_ts]

    def mark(self) -> None:
        self.messages = self.edits = 0

    async def wait(self, cond: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not cond():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
        return True

    async def wait_reply(self, event_id: str, timeout: float = 60) -> dict[str, Any]:
        if not await self.wait(lambda: event_id in self.replies, timeout):
            raise TimeoutError(f"no reply to {event_id} within {timeout} s")
        return next(e for e in reversed(self.from_bot) if reply_to(e) == event_id)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


def reply_to(event: dict[str, Any]) -> str | None:
    rel = (event.get("content") or {}).get("m.relates_to") or {}
    return (rel.get("m.in_reply_to") or {}).get("event_id")
