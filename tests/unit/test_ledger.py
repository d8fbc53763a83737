"""The event ledger: DM events recorded without room or time, pruned, still handled at most once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.ledger import EPOCH, KEEP
from storage.models import KeyValue, ProcessedEvent
from tests.support.fake import Harness

ROOM = "!team:test"
COORD = "@koordination:test"
LOTSE = "@lotse:test"
DM = "!dm-lotse:test"


async def ledger(h: Harness) -> list[tuple[str, str]]:
    async with h.db.transaction() as session:
        rows = await session.execute(select(ProcessedEvent.event_id, ProcessedEvent.room_id))
        return [(r[0], r[1]) for r in rows]


async def test_dm_events_leave_no_room_and_are_pruned_but_never_handled_twice(tmp_path: Path) -> None:
    h = await Harness(tmp_path).start()
    try:
        h.room(ROOM, [COORD, LOTSE], power={COORD: 100})
        h.room(DM, [LOTSE])
        assert await h.say(DM, LOTSE, "!ping", event_id="$dm1")
        assert await h.say(ROOM, LOTSE, "!ping", event_id="$room1")
        rows = await ledger(h)
        assert ("$room1", ROOM) in rows  # team rooms: plain
        [dm_row] = [r for r in rows if r[0] != "$room1"]
        assert dm_row[1] == "" and dm_row[0].startswith("dm:1:") and "$dm1" not in dm_row[0]
        # redelivered: not handled again, neither in the same epoch nor after a key rotation
        assert await h.say(DM, LOTSE, "!ping", event_id="$dm1") == []
        h.clock.advance(seconds=EPOCH.total_seconds() + 60)
        assert await h.say(DM, LOTSE, "!ping", event_id="$dm2")
        assert await h.say(DM, LOTSE, "!ping", event_id="$dm1") == []
        # long after: epoch 1 is pruned with its key, and its events are older than the horizon
        h.clock.advance(seconds=(EPOCH + KEEP).total_seconds() + 60)
        old_ts = int((h.clock() - EPOCH - KEEP).timestamp() * 1000)
        from bot.dispatch import Incoming

        before = len(h.messenger.sent)
        content = {"msgtype": "m.text", "body": "!ping"}
        await h.dispatcher.handle(Incoming("$dm1", DM, LOTSE, "m.room.message", content, old_ts))
        assert len(h.messenger.sent) == before  # a replay from before the horizon is not acted on
        ids = [r[0] for r in await ledger(h)]
        assert not any(i.startswith("dm:1:") for i in ids) and "$room1" in ids
        async with h.db.transaction() as session:
            keys = (
                await session.scalars(select(KeyValue.key).where(KeyValue.key.like("ledger_epoch:%")))
            ).all()
        assert "ledger_epoch:1" not in keys
        # a fresh DM command is handled as usual
        assert await h.say(DM, LOTSE, "!ping", event_id="$dm3")
    finally:
        await h.close()


async def test_a_batch_asks_the_ledger_once_and_a_late_double_still_gets_one_reply(tmp_path: Path) -> None:
    """``handled_among`` answers for a whole sync batch (group and DM forms, older epochs too); an event
    handled meanwhile by another run is still answered once, though the dispatcher was told "unseen"."""
    from bot.dispatch import Incoming

    h = await Harness(tmp_path).start()
    try:
        h.room(ROOM, [COORD, LOTSE], power={COORD: 100})
        h.room(DM, [LOTSE])
        assert await h.say(ROOM, LOTSE, "!ping", event_id="$r1")
        assert await h.say(DM, LOTSE, "!ping", event_id="$d1")
        h.clock.advance(seconds=EPOCH.total_seconds() + 60)  # $d1 is now recorded under an older epoch
        ledger_ = h.dispatcher.ledger
        assert await ledger_.handled_among(["$r1", "$d1", "$r2", "$d2"]) == {"$r1", "$d1"}

        def ping(event_id: str, room: str) -> Incoming:
            ts = int(h.clock().timestamp() * 1000)
            return Incoming(
                event_id, room, LOTSE, "m.room.message", {"msgtype": "m.text", "body": "!ping"}, ts
            )

        before = len(h.messenger.sent)
        # both were "unseen" when the batch asked, then another run handled them: no second reply
        await h.dispatcher.handle(ping("$r1", ROOM), unseen=True)
        await h.dispatcher.handle(ping("$d1", DM), unseen=True)
        assert len(h.messenger.sent) == before
        # (the fake homeserver, like Synapse for a day, would swallow a repeated reply: the ledger tells)
        assert len([i for i, _room in await ledger(h) if i.startswith("dm:")]) == 1
        await h.dispatcher.handle(ping("$r2", ROOM), unseen=True)
        await h.dispatcher.handle(ping("$r2", ROOM), unseen=True)
        assert len(h.messenger.sent) == before + 1
        assert ("$r2", ROOM) in await ledger(h)
    finally:
        await h.close()
