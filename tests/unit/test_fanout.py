"""The DM fan-out queue (bot/fanout.py) over a real SQLite database and a recording messenger.

What a coordinator and the Lotsen notice: everybody gets the message once, the most urgent fan-out goes
first, a crash between a send and its mark does not double it, and one status message shows the progress.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import fanout
from bot.fanout import FanoutWorker
from bot.matrix import SendError
from storage.fanout import Fanout, FanoutRecipient
from tests.conftest import new_database_url
from tests.support.fake import FakeMessenger, Harness, SlowDMs

ROOM = "!team:test"


class Crashing(FakeMessenger):
    """Like the homeserver, but the bot 'dies' right after the n-th DM went out (before it is marked)."""

    crash_after: int | None = None
    refuse: set[str] = set()  # noqa: RUF012 (set per test)

    async def send(self, room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str) -> str:
        event_id = await super().send(room_id, content, event_type=event_type, txn_id=txn_id)
        dms = [s for s in self.sent if s.room_id.startswith("!dm-")]
        if self.crash_after is not None and len(dms) == self.crash_after and room_id.startswith("!dm-"):
            self.crash_after = None
            raise asyncio.CancelledError  # the process is gone: nothing after the send runs
        return event_id

    async def direct_room(self, user_id: str, *, own_sync: bool = True) -> str:
        assert not own_sync, "the fan-out worker runs beside the sync loop: it must not sync itself"
        if user_id in self.refuse:
            raise SendError(f"could not open a DM with {user_id}: M_FORBIDDEN")
        return await super().direct_room(user_id)


@pytest.fixture(params=["sqlite", "postgres"])
async def h(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    harness = Harness(tmp_path, db_url=await new_database_url(tmp_path, request.param))
    harness.messenger = Crashing()
    harness.dispatcher.messenger = harness.messenger
    await harness.start()
    harness.room(ROOM, ["@koordination:test"], power={"@koordination:test": 100})
    yield harness
    await harness.close()


def people(n: int, tag: str = "l") -> list[str]:
    return [f"@{tag}{i:03d}:test" for i in range(n)]


async def enqueue(h: Harness, key: str, recipients: list[str], **kw: Any) -> int:
    async with h.db.transaction() as session:
        ctx = h.dispatcher.context(
            session, sender=h.messenger.user_id, room_id=ROOM, event_id=None, thread_root=None, txn_prefix=key
        )
        return await ctx.fan_out(key, recipients, f"Hallo aus {key}", title=f"Test {key}", **kw)


def dms(h: Harness) -> list[tuple[str, str]]:
    """(recipient, body) of every DM in the order sent."""
    return [
        (s.room_id.removeprefix("!dm-").split(":")[0], s.body)
        for s in h.messenger.sent
        if "!dm-" in s.room_id
    ]


def statuses(h: Harness) -> list[str]:
    return [s.content.get("m.new_content", s.content)["body"] for s in h.messenger.sent if s.room_id == ROOM]


async def test_everybody_once_with_progress_edits(h: Harness) -> None:
    assert await enqueue(h, "t:1", people(30)) == 30
    worker = FanoutWorker(h.db, h.messenger, h.clock)
    fanout.STATUS_MIN_SECONDS, saved = 0.0, fanout.STATUS_MIN_SECONDS
    try:
        await worker.drain()
    finally:
        fanout.STATUS_MIN_SECONDS = saved
    assert [who for who, _ in dms(h)] == [p[1:].split(":")[0] for p in people(30)]
    assert all(body == "Hallo aus t:1" for _, body in dms(h))
    shown = statuses(h)
    assert shown[0] == "📨 Test t:1: an 0 von 30 verschickt …"
    assert "📨 Test t:1: an 15 von 30 verschickt …" in shown  # edited along the way
    assert shown[-1] == "✅ Test t:1: an 30 von 30 verschickt."
    edits = [s.content for s in h.messenger.sent if s.room_id == ROOM][1:]
    first = next(s.event_id for s in h.messenger.sent if s.room_id == ROOM)
    assert all(e["m.relates_to"] == {"rel_type": "m.replace", "event_id": first} for e in edits)
    assert all(e["m.mentions"] == {} and e["m.new_content"]["m.mentions"] == {} for e in edits)
    dm = next(s.content for s in h.messenger.sent if "!dm-" in s.room_id)
    assert dm["msgtype"] == "m.text" and dm["m.mentions"] == {"user_ids": ["@l000:test"]}
    async with h.db.transaction() as session:  # only the counts stay, nobody's name
        assert await session.scalar(select(func.count()).select_from(FanoutRecipient)) == 0


async def test_earliest_deadline_first(h: Harness) -> None:
    now = h.clock()
    await enqueue(h, "later:1", people(3, "a"), deadline=now + timedelta(days=7))
    await enqueue(h, "none:1", people(2, "c"))
    await enqueue(h, "soon:1", people(3, "b"), deadline=now + timedelta(minutes=10))
    await FanoutWorker(h.db, h.messenger, h.clock).drain()
    order = [who[0] for who, _ in dms(h)]
    assert order == ["b"] * 3 + ["a"] * 3 + ["c"] * 2


async def test_crash_between_send_and_mark_sends_nobody_twice(h: Harness) -> None:
    await enqueue(h, "t:2", people(10))
    h.messenger.crash_after = 4
    with pytest.raises(asyncio.CancelledError):
        await FanoutWorker(h.db, h.messenger, h.clock).drain()
    assert len(dms(h)) == 4
    await FanoutWorker(h.db, h.messenger, h.clock).drain()  # "after the restart"
    recipients = [who for who, _ in dms(h)]
    assert len(recipients) == len(set(recipients)) == 10
    assert statuses(h)[-1] == "✅ Test t:2: an 10 von 10 verschickt."


async def test_attempt_older_than_the_homeservers_memory_is_not_repeated(h: Harness) -> None:
    await enqueue(h, "t:3", people(3))
    h.messenger.crash_after = 2
    with pytest.raises(asyncio.CancelledError):
        await FanoutWorker(h.db, h.messenger, h.clock).drain()
    h.messenger._by_txn.clear()  # the homeserver forgot the transaction ids
    h.clock.advance(hours=21)
    await FanoutWorker(h.db, h.messenger, h.clock).drain()
    assert [who for who, _ in dms(h)] == ["l000", "l001", "l002"]
    assert statuses(h)[-1].startswith("✅ Test t:3: an 2 von 3 verschickt. 1 vielleicht nicht angekommen")


async def test_still_needed_skips_who_acted_and_deadline_stops(h: Harness) -> None:
    done = {"@l001:test"}

    @fanout.still_needed("needy")
    async def check(session: Any, payload: dict[str, Any], user_id: str) -> bool:
        assert payload == {"poll_id": 7}
        return user_id not in done

    try:
        await enqueue(
            h, "needy:1", people(4), payload={"poll_id": 7}, deadline=h.clock() + timedelta(hours=1)
        )
        worker = FanoutWorker(h.db, h.messenger, h.clock)
        assert await worker.step() and await worker.step()  # l000 sent, l001 skipped
        h.clock.advance(hours=2)
        await worker.drain()
        assert [who for who, _ in dms(h)] == ["l000"]
        assert statuses(h)[-1] == (
            "✅ Test needy:1: an 1 von 4 verschickt. 1 nicht mehr nötig (inzwischen erledigt). "
            "2 nicht mehr verschickt, weil es dafür zu spät war (Frist vorbei oder beendet)."
        )
        with pytest.raises(ValueError, match="must not skip"):
            await enqueue(h, "needy:2", people(2), private=True)
    finally:
        fanout.NEEDED.pop("needy", None)


async def test_refused_dm_is_counted_and_the_rest_goes_on(h: Harness) -> None:
    h.messenger.refuse = {"@l001:test"}
    await enqueue(h, "t:4", people(3))
    await FanoutWorker(h.db, h.messenger, h.clock).drain()
    assert [who for who, _ in dms(h)] == ["l000", "l002"]
    assert statuses(h)[-1] == (
        "✅ Test t:4: an 2 von 3 verschickt. 1 nicht erreichbar (der Direktchat ließ sich nicht öffnen)."
    )


async def test_same_key_is_one_fanout_and_nobody_means_nothing(h: Harness) -> None:
    assert await enqueue(h, "t:5", people(2)) == 2
    assert await enqueue(h, "t:5", people(5)) == 2
    assert await enqueue(h, "t:6", [h.messenger.user_id]) == 0
    await FanoutWorker(h.db, h.messenger, h.clock).drain()
    assert len(dms(h)) == 2
    async with h.db.transaction() as session:
        rows = (await session.scalars(select(Fanout))).all()
    assert [(f.key, f.state, f.sent, f.status_final) for f in rows] == [("t:5", "done", 2, True)]


async def test_english_status(tmp_path: Path) -> None:
    h = await Harness(tmp_path, bot={"language": "en"}).start()
    h.room(ROOM, ["@koordination:test"])
    try:
        await enqueue(h, "t:7", people(2))
        await FanoutWorker(h.db, h.messenger, h.clock).drain()
        assert statuses(h) == ["📨 Test t:7: sent to 0 of 2 …", "✅ Test t:7: sent to 2 of 2."]
    finally:
        await h.close()


def test_eta_needs_a_pace() -> None:
    fan = Fanout(title="X", lang="de", total=200, sent=120, skipped=0, failed=0, expired=0, unsure=0)
    text = fanout.status_markdown(fan, final=False, eta_seconds=400)
    assert text.startswith("📨 X: an 120 von 200 verschickt … (noch etwa 7 Min.")


async def test_new_dms_are_opened_ahead_but_sent_in_order(tmp_path: Path) -> None:
    slow = SlowDMs(busy_at=fanout.OPEN_AHEAD)
    h = await Harness(tmp_path, messenger=slow).start()
    h.room(ROOM, ["@koordination:test"])
    try:
        slow.gate.set()
        await slow.direct_room("@l004:test", own_sync=False)  # l004 has a DM already: nothing to open
        slow.gate.clear()
        slow.opened.clear()
        slow.peak = 0
        await enqueue(h, "t:8", people(10))
        worker = FanoutWorker(h.db, h.messenger, h.clock)

        async def release_when_busy() -> None:
            # The first send waits for its own DM while the next ones are being opened; one at a time (as
            # before) never gets there, and then the peak below says so.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(slow.busy.wait(), 10)
            slow.gate.set()

        await asyncio.gather(worker.drain(), release_when_busy())
        assert [who for who, _ in dms(h)] == [p[1:].split(":")[0] for p in people(10)]
        assert slow.peak == fanout.OPEN_AHEAD  # side by side, and never more at a time
        assert sorted(slow.opened) == [p for p in people(10) if p != "@l004:test"]  # each once
        assert set(slow.prepared) == {f"!dm-{p[1:].split(':')[0]}:test" for p in slow.opened}  # keys too
    finally:
        await h.close()


async def test_under_a_binding_rate_limit_only_the_dm_needed_now_is_opened(tmp_path: Path) -> None:
    """While the homeserver answers 429, room creations side by side would only collect more 429s."""
    slow = SlowDMs()
    slow.limited = True
    slow.gate.set()
    h = await Harness(tmp_path, messenger=slow).start()
    h.room(ROOM, ["@koordination:test"])
    try:
        await enqueue(h, "t:9", people(5))
        await FanoutWorker(h.db, h.messenger, h.clock).drain()
        assert [who for who, _ in dms(h)] == [p[1:].split(":")[0] for p in people(5)]
        assert slow.peak == 1 and slow.opened == people(5)
    finally:
        await h.close()
