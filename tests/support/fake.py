"""Feature tests without a homeserver: a recording Messenger and a ready Context/Dispatcher."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.dispatch import Dispatcher, Incoming
from bot.framework import registry
from bot.scheduler import Scheduler
from storage.db import Database
from tests.support.template_db import copy_migrated_sqlite

BOT = "@lotsenbot:test"
# The usual team room of the unit tests: a coordinator (power 100) and one Lotse; see Harness.team_room.
TEAM_ROOM = "!team:test"
COORDINATOR = "@koordination:test"
LOTSE = "@lotse:test"


@dataclass
class Sent:
    room_id: str
    event_type: str
    content: dict[str, Any]
    txn_id: str
    event_id: str

    @property
    def body(self) -> str:
        return str(self.content.get("body", ""))


@dataclass
class FakeMessenger:
    """Records what the bot would send; rooms and power levels are plain dicts set by the test."""

    user_id: str = BOT
    members: dict[str, list[str]] = field(default_factory=dict)
    power: dict[str, dict[str, int]] = field(default_factory=dict)
    redact_levels: dict[str, int] = field(default_factory=dict)  # room → level; 50 when not set
    team: list[str] | None = None  # the configured team rooms; None: every group room (no `rooms` set)
    sent: list[Sent] = field(default_factory=list)
    uploads: list[tuple[str, str, bytes]] = field(default_factory=list)
    encrypted: set[str] = field(default_factory=set)
    redacted: list[str] = field(default_factory=list)
    prepared: list[str] = field(default_factory=list)  # rooms a held send was prepared for (keys shared)
    refuse_redactions: bool = False
    limited: bool = False  # the homeserver answers 429 (rate_limited)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _by_txn: dict[str, str] = field(default_factory=dict)

    async def send(self, room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str) -> str:
        if txn_id in self._by_txn:  # like Synapse: same transaction id → same event, nothing new
            return self._by_txn[txn_id]
        event_id = f"$sent{next(self._ids)}"
        self._by_txn[txn_id] = event_id
        self.sent.append(Sent(room_id, event_type, content, txn_id, event_id))
        return event_id

    async def prepare_send(self, room_id: str) -> None:
        self.prepared.append(room_id)

    async def upload(self, data: bytes, *, filename: str, mimetype: str, encrypt: bool) -> dict[str, Any]:
        self.uploads.append((filename, mimetype, data))
        url = f"mxc://test/{len(self.uploads)}"
        return {"file": {"url": url, "v": "v2"}} if encrypt else {"url": url}

    def is_encrypted(self, room_id: str) -> bool:
        return room_id in self.encrypted

    async def redact(self, room_id: str, event_id: str, *, reason: str | None, txn_id: str) -> None:
        if self.refuse_redactions:  # like a homeserver answering M_FORBIDDEN to a bot without the power
            raise RuntimeError(f"could not redact {event_id}: M_FORBIDDEN")
        self.redacted.append(event_id)

    async def direct_room(self, user_id: str, *, own_sync: bool = True) -> str:
        return self._dm(user_id)

    def rate_limited(self) -> bool:
        return self.limited

    async def known_direct_room(self, user_id: str) -> str | None:
        """Here every DM exists already (opening one takes no time), so ``ctx.dm`` sends right away."""
        return self._dm(user_id)

    def _dm(self, user_id: str) -> str:
        room = f"!dm-{user_id.strip('@').split(':')[0]}:test"
        self.members.setdefault(room, [BOT, user_id])
        return room

    def room_members(self, room_id: str) -> list[str]:
        return list(self.members.get(room_id, []))

    def display_name(self, room_id: str, user_id: str) -> str:
        return user_id

    def is_dm(self, room_id: str) -> bool:
        """Rooms of two set up by a test stand for DMs; a configured team room never is one (as in
        bot/directs.py, where DMs are what was made as one)."""
        return len(self.members.get(room_id, [])) <= 2 and room_id not in (self.team or ())

    def power_level(self, room_id: str, user_id: str) -> int:
        return self.power.get(room_id, {}).get(user_id, 0)

    def redact_level(self, room_id: str) -> int:
        return self.redact_levels.get(room_id, 50)

    def team_rooms(self) -> list[str]:
        if self.team is not None:
            return list(self.team)
        return [r for r in self.members if not self.is_dm(r)]

    def bodies(self, room_id: str | None = None) -> list[str]:
        return [s.body for s in self.sent if room_id is None or s.room_id == room_id]


class SlowDMs(FakeMessenger):
    """DM rooms exist only once opened, and opening one waits for ``gate`` — on a real homeserver it takes
    seconds (room creation, the room arriving by sync). Counts the openings and how many ran at once."""

    def __init__(self, busy_at: int = 1) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.busy = asyncio.Event()  # set once ``busy_at`` openings are under way at the same time
        self.busy_at = busy_at
        self.dm_sent = asyncio.Event()
        self.opening = 0
        self.peak = 0
        self.opened: list[str] = []

    async def known_direct_room(self, user_id: str) -> str | None:
        room = f"!dm-{user_id.strip('@').split(':')[0]}:test"
        return room if room in self.members else None

    async def direct_room(self, user_id: str, *, own_sync: bool = True) -> str:
        assert not own_sync, "DMs are opened beside the sync loop, which brings the new room"
        if await self.known_direct_room(user_id) is None:
            self.opening += 1
            self.peak = max(self.peak, self.opening)
            if self.opening >= self.busy_at:
                self.busy.set()
            try:
                await self.gate.wait()
                await asyncio.sleep(0.01)
            finally:
                self.opening -= 1
            self.opened.append(user_id)
        return await super().direct_room(user_id, own_sync=own_sync)

    async def send(self, room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str) -> str:
        event_id = await super().send(room_id, content, event_type=event_type, txn_id=txn_id)
        if room_id.startswith("!dm-"):
            self.dm_sent.set()
        return event_id


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


def make_config(data_dir: Path, **sections: dict[str, Any]) -> Config:
    raw: dict[str, Any] = {
        "matrix": {"homeserver": "http://127.0.0.1:1", "user_id": BOT},
        "bot": {"data_dir": str(data_dir)},
    }
    for key, value in sections.items():
        raw.setdefault(key, {})
        raw[key].update(value)
    return Config.model_validate(raw)


class Harness:
    """A dispatcher over a real (SQLite) database and a fake messenger: feed it events, read replies."""

    def __init__(
        self,
        tmp_path: Path,
        *,
        db_url: str | None = None,
        messenger: FakeMessenger | None = None,
        **sections: dict[str, Any],
    ) -> None:
        from commands import load_all

        load_all()
        self.config = make_config(tmp_path, **sections)
        self._db_path = None if db_url else tmp_path / "test.db"
        self.db = Database(db_url or f"sqlite+aiosqlite:///{self._db_path}")
        self.messenger = messenger or FakeMessenger()
        self.clock = FakeClock()
        self.scheduler = Scheduler(self.db, self.clock, self.config.scheduler.misfire_grace)
        self.dispatcher = Dispatcher(
            config=self.config,
            registry=registry,
            db=self.db,
            messenger=self.messenger,
            scheduler=self.scheduler,
            clock=self.clock,
        )
        self._ids = itertools.count(1)

    async def start(self) -> Harness:
        if self._db_path is not None and not self._db_path.exists():
            await copy_migrated_sqlite(self._db_path)  # what migrate() would make, without its CPU cost
        else:
            await self.db.migrate()  # a database from an earlier Harness here ("a restart"), or PostgreSQL
        self.scheduler.runner = self.dispatcher.run_job  # fire() is called by the test, not APScheduler
        return self

    async def close(self) -> None:
        self.scheduler.shutdown()
        await self.db.close()

    def team_room(self) -> str:
        return self.room(TEAM_ROOM, [COORDINATOR, LOTSE], power={COORDINATOR: 100})

    def room(self, room_id: str, members: list[str], power: dict[str, int] | None = None) -> str:
        self.messenger.members[room_id] = [BOT, *members]
        self.messenger.power[room_id] = power or {}
        return room_id

    async def event(
        self, room_id: str, sender: str, event_type: str, content: dict[str, Any], event_id: str | None = None
    ) -> str:
        event_id = event_id or f"$in{next(self._ids)}"
        ts = int(self.clock().timestamp() * 1000)
        await self.dispatcher.handle(Incoming(event_id, room_id, sender, event_type, content, ts))
        return event_id

    async def say(self, room_id: str, sender: str, body: str, event_id: str | None = None) -> list[str]:
        """Send a text message and return the bodies of everything the bot sent in response."""
        before = len(self.messenger.sent)
        await self.event(room_id, sender, "m.room.message", {"msgtype": "m.text", "body": body}, event_id)
        return [s.body for s in self.messenger.sent[before:]]
