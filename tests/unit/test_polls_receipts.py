"""Votes typed in the room are confirmed in one edited receipt message, not a reply each (issue 16, 6)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from commands.polls import receipts
from storage.models import ScheduledJob
from tests.support.fake import Harness, Sent

ROOM = "!team:test"
COORD = "@koordination:test"
VOTERS = [f"@lotse-{i:02d}:test" for i in range(60)]


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.room(ROOM, [COORD, *VOTERS], power={COORD: 100})
    yield harness
    await receipts.settle()
    await harness.close()


def shown(sent: Sent) -> dict[str, Any]:
    """What a message shows: an edit's new content, else the content itself."""
    content = sent.content.get("m.new_content", sent.content)
    return content if isinstance(content, dict) else {}


def receipts_sent(h: Harness) -> tuple[list[Sent], list[Sent]]:
    """(new receipt messages, edits of them) in the room."""
    mine = [s for s in h.messenger.sent if s.room_id == ROOM and " – per " in str(shown(s).get("body", ""))]
    new = [s for s in mine if "m.new_content" not in s.content]
    return new, [s for s in mine if "m.new_content" in s.content]


def latest(h: Harness) -> str:
    new, edits = receipts_sent(h)
    return str(shown((new + edits)[-1] if not edits else edits[-1])["body"])


async def start(h: Harness, line: str = '!umfrage "Welcher Tag?" "Montag" "Dienstag" "Mittwoch"') -> None:
    await h.say(ROOM, COORD, line)


async def test_a_burst_of_typed_votes_is_one_message_with_every_voter_once(h: Harness) -> None:
    await start(h)
    before = len([s for s in h.messenger.sent if s.room_id == ROOM])
    for i, voter in enumerate(VOTERS[:40]):
        await h.say(ROOM, voter, f"!stimme 1 {i % 3 + 1}")
    await receipts.settle()
    new, edits = receipts_sent(h)
    assert len(new) == 1, "one receipt message for the whole burst"
    assert all(
        e.content["m.relates_to"] == {"rel_type": "m.replace", "event_id": new[0].event_id} for e in edits
    )
    assert len(edits) < 40, "edits are coalesced while one is on its way"
    room_messages = [s for s in h.messenger.sent[before:] if s.room_id == ROOM]
    assert room_messages == new + edits  # nothing else was sent into the room: no reply per vote
    text = latest(h)
    days = ("Montag", "Dienstag", "Mittwoch")
    for i, voter in enumerate(VOTERS[:40]):
        assert text.count(voter) == 1 and f"{voter}: {i % 3 + 1}. {days[i % 3]}" in text
    assert all(s.content.get("m.mentions") == {} for s in new)  # names nobody with a ping
    [result] = await h.say(ROOM, COORD, "!ergebnis 1")
    assert "40 von 61 Mitgliedern haben abgestimmt" in result


async def test_a_changed_vote_replaces_the_line_and_moves_it_down(h: Harness) -> None:
    await start(h)
    await h.say(ROOM, VOTERS[0], "!stimme 1 1")
    await h.say(ROOM, VOTERS[1], "!stimme 1 2")
    h.clock.advance(seconds=1)
    await h.say(ROOM, VOTERS[0], "!stimme 1 3")
    await receipts.settle()
    lines = [line for line in latest(h).splitlines() if line.startswith("- ")]
    assert lines == [f"- {VOTERS[1]}: 2. Dienstag", f"- {VOTERS[0]}: 3. Mittwoch"]


async def test_a_new_message_after_a_quiet_while_or_when_full(h: Harness) -> None:
    await start(h)
    await h.say(ROOM, VOTERS[0], "!stimme 1 1")
    h.clock.advance(minutes=16)  # older than a round: the next voter's line is not far up the timeline
    await h.say(ROOM, VOTERS[1], "!stimme 1 2")
    await receipts.settle()
    new, _ = receipts_sent(h)
    assert (
        len(new) == 2
        and VOTERS[1] in str(shown(new[1])["body"])
        and VOTERS[0] not in str(shown(new[1])["body"])
    )
    for voter in VOTERS[2 : 2 + receipts.MAX_LINES]:
        await h.say(ROOM, voter, "!stimme 1 3")
    await receipts.settle()
    new, _ = receipts_sent(h)
    assert len(new) == 3, "a full receipt starts the next one"


async def test_secret_and_points_polls_and_votes_from_a_dm(h: Harness) -> None:
    await start(h, '!umfrage "Wer moderiert?" "Archiv" "Museum" --geheim')
    await h.say(ROOM, VOTERS[0], "!stimme 1 2")
    await receipts.settle()
    text = latest(h)
    assert f"{VOTERS[0]}: gezählt" in text and "Museum" not in text and "nach dem Ende" in text
    h.room("!dm:test", [VOTERS[1]])
    [reply] = await h.say("!dm:test", VOTERS[1], "!stimme 1 1")  # a DM floods nobody: reply there
    assert reply == "✅ Deine Stimme für Umfrage #1 zählt: 1. Archiv."
    await start(h, '!umfrage "Was zuerst?" "Reisekosten" "E-Akte" --punkte 5')
    await h.say(ROOM, VOTERS[2], "!punkte 2 1=3")
    await receipts.settle()
    assert f"{VOTERS[2]}: 1. Reisekosten = 3 (2 von 5 Punkten übrig)" in latest(h)
    assert "`!punkte`" in latest(h)


async def test_lines_not_shown_before_a_crash_are_shown_after_the_restart(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await start(h)
    await h.say(ROOM, VOTERS[0], "!stimme 1 1")
    await receipts.settle()
    with monkeypatch.context() as crash:  # the vote is committed, then the process dies before the edit
        crash.setattr(receipts._Sender, "wake", lambda self: None)
        await h.say(ROOM, VOTERS[1], "!stimme 1 2")
    receipts._senders.clear()  # a new process knows nothing but the database
    assert VOTERS[1] not in latest(h)
    await h.dispatcher.run_startup()
    async with h.db.transaction() as session:
        [job] = (await session.scalars(select(ScheduledJob).where(ScheduledJob.kind == "poll.receipt"))).all()
    await h.scheduler.fire(job.id)
    await receipts.settle()
    new, _ = receipts_sent(h)
    assert len(new) == 1, "the resent first message is deduplicated by its transaction id"
    assert f"{VOTERS[0]}: 1. Montag" in latest(h) and f"{VOTERS[1]}: 2. Dienstag" in latest(h)


def final_texts(h: Harness) -> list[str]:
    """What each receipt message reads in the end: its newest edit, or the message as first sent."""
    new, edits = receipts_sent(h)
    final = {s.event_id: str(shown(s)["body"]) for s in new}
    for edit in edits:  # in send order, so the last one wins, as in a client
        final[edit.content["m.relates_to"]["event_id"]] = str(shown(edit)["body"])
    return [final[s.event_id] for s in new]


async def test_no_line_is_lost_when_a_burst_fills_a_receipt_while_an_edit_is_on_its_way(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Votes that gathered during an edit must be shown even when the next vote starts a new receipt."""
    await start(h)
    plain_send = h.messenger.send
    homeserver_free = asyncio.Event()
    homeserver_free.set()

    async def slow_send(*args: Any, **kwargs: Any) -> str:
        await homeserver_free.wait()  # an edit on its way while later votes come in
        return await plain_send(*args, **kwargs)

    monkeypatch.setattr(h.messenger, "send", slow_send)
    voters = VOTERS[: receipts.MAX_LINES + 8]
    for i, voter in enumerate(voters):
        if i == receipts.MAX_LINES - 5:
            await receipts.settle()
            homeserver_free.clear()  # the next edit hangs; the last lines of the full receipt gather
        await h.say(ROOM, voter, f"!stimme 1 {i % 3 + 1}")
    homeserver_free.set()
    await receipts.settle()
    texts = final_texts(h)
    assert len(texts) == 2, "a full receipt starts a second one"
    for voter in voters:
        assert sum(t.count(f"{voter}:") for t in texts) == 1, f"{voter} not shown exactly once"
