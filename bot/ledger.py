"""Which events were handled — without a record that ties an anonymous vote or retro item to a person.

The at-most-once guarantee needs one row per handled event, written in the same transaction as the
event's effects. For an event in a team room that row is plain (event id, room, time). For an event in a
direct message it is not: the transaction that stores an anonymous ballot or a retro item also writes
this row, so on SQLite both land in the same WAL frames and on PostgreSQL they share a transaction id
(``xmin``). A row naming the DM room would name the person. So a DM event is recorded as

    ``dm:<epoch>:<HMAC(epoch key, event id)>`` with an empty room and the epoch's start as its time.

Nobody can group these rows by room or order them by time, and without the event id (which only the
homeserver knows) the hash says nothing. Keys rotate every ``EPOCH``; an epoch's rows and key are deleted
``KEEP`` after it ended, when a redelivery (crash before the sync token was saved, a lost token, a gap
fill) is long past. From then on DM events older than the end of the deleted epoch are ignored
(``horizon``), so a replay can never hand a vote or an item in a second time.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.erasure import scrub_after_commit
from storage.models import KeyValue, ProcessedEvent

log = logging.getLogger(__name__)

EPOCH = timedelta(days=1)
KEEP = timedelta(days=2)  # after an epoch ended; a DM command delivered later than that is ignored
SKEW = timedelta(minutes=10)  # homeserver clock vs. ours, for the horizon
KEY_PREFIX = "ledger_epoch:"
HORIZON_KEY = "ledger_dm_horizon_ms"
CHUNK = 500  # ids per query in handled_among (SQLite allows 32,766 parameters, older builds 999)


@dataclass(frozen=True)
class Epoch:
    number: int
    start: datetime
    key: bytes

    def ledger_id(self, event_id: str) -> str:
        digest = hmac.new(self.key, event_id.encode(), hashlib.sha256).hexdigest()[:32]
        return f"dm:{self.number}:{digest}"


class Ledger:
    """``seen`` / ``record`` for the dispatcher; ``maintain`` rotates keys and prunes old DM rows."""

    def __init__(self, db: Database, is_dm: Callable[[str], bool], clock: Callable[[], datetime]) -> None:
        self.db = db
        self.is_dm = is_dm
        self.clock = clock
        self.epochs: list[Epoch] | None = None  # oldest first; the last one records new events
        self.horizon_ms = 0
        self._maintaining = asyncio.Lock()  # rooms are handled side by side (bot/matrix/events.py)

    async def maintain(self) -> None:
        """Load the keys once, start a new epoch when the current one is ``EPOCH`` old, prune expired ones.

        Costs nothing on the hot path: only the in-memory epoch start is compared unless work is due.
        """
        now = self.clock()
        if self.epochs is not None and self.epochs and now - self.epochs[-1].start < EPOCH:
            return
        async with self._maintaining:
            if self.epochs is not None and self.epochs and now - self.epochs[-1].start < EPOCH:
                return  # done by another room's event meanwhile
            await self._maintain(now)

    async def _maintain(self, now: datetime) -> None:
        async with self.db.transaction() as session:
            if self.epochs is None:
                await self._load(session)
            assert self.epochs is not None
            if not self.epochs or now - self.epochs[-1].start >= EPOCH:
                number = self.epochs[-1].number + 1 if self.epochs else 1
                epoch = Epoch(number, now, secrets.token_bytes(32))
                session.add(
                    KeyValue(
                        key=f"{KEY_PREFIX}{number}",
                        value=json.dumps({"start": now.isoformat(), "key": epoch.key.hex()}),
                    )
                )
                self.epochs.append(epoch)
            pairs = zip(self.epochs, self.epochs[1:], strict=False)
            expired = [e for e, following in pairs if following.start + KEEP <= now]
            for epoch in expired:
                await session.execute(
                    delete(ProcessedEvent).where(ProcessedEvent.event_id.like(f"dm:{epoch.number}:%"))
                )
                await session.execute(delete(KeyValue).where(KeyValue.key == f"{KEY_PREFIX}{epoch.number}"))
                ended = self.epochs[self.epochs.index(epoch) + 1].start
                self.horizon_ms = max(self.horizon_ms, int((ended + SKEW).timestamp() * 1000))
            if expired:
                await session.merge(KeyValue(key=HORIZON_KEY, value=str(self.horizon_ms)))
                self.epochs = [e for e in self.epochs if e not in expired]
                scrub_after_commit(session, full=())
                log.info("pruned %d expired epoch(s) of the DM event ledger", len(expired))

    async def _load(self, session: AsyncSession) -> None:
        rows = (await session.scalars(select(KeyValue).where(KeyValue.key.like(f"{KEY_PREFIX}%")))).all()
        epochs = []
        for row in rows:
            data = json.loads(row.value)
            number = int(row.key.removeprefix(KEY_PREFIX))
            epochs.append(Epoch(number, datetime.fromisoformat(data["start"]), bytes.fromhex(data["key"])))
        self.epochs = sorted(epochs, key=lambda e: e.number)
        horizon = await session.get(KeyValue, HORIZON_KEY)
        self.horizon_ms = int(horizon.value) if horizon is not None else 0

    def too_old(self, room_id: str, ts_ms: int) -> bool:
        """A DM event from before the pruned epochs: it was handled then, or is far too late to act on."""
        return ts_ms < self.horizon_ms and self.is_dm(room_id)

    async def seen(self, session: AsyncSession, event_id: str) -> bool:
        """Handled before, in whichever form it was recorded (the room may have stopped being a DM)."""
        ids = [event_id] + [e.ledger_id(event_id) for e in self.epochs or ()]
        query = select(ProcessedEvent.event_id).where(ProcessedEvent.event_id.in_(ids)).limit(1)
        return (await session.scalar(query)) is not None

    async def handled_among(self, event_ids: list[str]) -> set[str]:
        """Which of a sync batch's events were handled before, in one query (per ``CHUNK``) instead of one
        per event: after a crash the redone batch is skipped cheaply, and the dispatcher need not ask again
        for the others (``Dispatcher.handle(unseen=True)``)."""
        await self.maintain()
        forms: dict[str, str] = {}  # each form an event may be recorded in → the event id
        for event_id in event_ids:
            forms[event_id] = event_id
            for epoch in self.epochs or ():
                forms[epoch.ledger_id(event_id)] = event_id
        found: set[str] = set()
        ids = list(forms)
        async with self.db.transaction() as session:
            for start in range(0, len(ids), CHUNK):
                query = select(ProcessedEvent.event_id).where(
                    ProcessedEvent.event_id.in_(ids[start : start + CHUNK])
                )
                found.update(forms[row] for row in (await session.scalars(query)).all())
        return found

    def record(self, session: AsyncSession, event_id: str, room_id: str) -> None:
        if self.is_dm(room_id) and self.epochs:
            epoch = self.epochs[-1]
            row = ProcessedEvent(event_id=epoch.ledger_id(event_id), room_id="", handled_at=epoch.start)
            session.add(row)
        else:
            session.add(ProcessedEvent(event_id=event_id, room_id=room_id))
