"""One word takes back what a typed time just created (issue 14, item 3)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.meetlearn import MeetSession
from storage.polls import Poll
from tests.support.fake import COORDINATOR as COORD
from tests.support.fake import LOTSE, Harness
from tests.support.fake import TEAM_ROOM as ROOM


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.team_room()
    yield harness
    await harness.close()


async def test_a_new_session_names_the_date_taken_and_rueckgaengig_cancels_it(h: Harness) -> None:
    # The clock is Monday 23 November 2026: "nächsten Donnerstag" is the Thursday of next week.
    replies = await h.say(ROOM, COORD, '!meetlearn neu nächsten Donnerstag um halb drei "E-Akte"')
    created = replies[-1]
    assert "**Donnerstag, 3. Dezember 2026, 14:30 Uhr**" in created and "„rückgängig“" in created
    undone = await h.say(ROOM, COORD, "Rückgängig!")
    assert any("abgesagt" in text.lower() for text in undone), undone
    async with h.db.transaction() as s:
        [session] = (await s.scalars(select(MeetSession))).all()
        assert session.status == "cancelled"


async def test_only_the_creator_can_undo_and_only_once(h: Harness) -> None:
    await h.say(ROOM, COORD, '!meetlearn neu morgen um zehn "E-Akte"')
    [other] = await h.say(ROOM, LOTSE, "rückgängig")
    assert "nichts rückgängig" in other
    await h.say(ROOM, COORD, "rückgängig")
    [again] = await h.say(ROOM, COORD, "rückgängig")
    assert "nichts rückgängig" in again


async def test_the_offer_expires(h: Harness) -> None:
    await h.say(ROOM, COORD, '!meetlearn neu morgen um zehn "E-Akte"')
    h.clock.advance(minutes=16)
    [late] = await h.say(ROOM, COORD, "undo")
    assert "nichts rückgängig" in late
    async with h.db.transaction() as s:
        [session] = (await s.scalars(select(MeetSession))).all()
        assert session.status == "scheduled"


async def test_a_poll_deadline_is_confirmed_and_undo_closes_the_poll(h: Harness) -> None:
    replies = await h.say(ROOM, COORD, '!umfrage "Welcher Tag?" Montag Dienstag --bis übermorgen früh')
    assert "✅ Umfrage #1 endet am **Mittwoch, 25. November 2026, 08:00 Uhr**." in replies[-1]
    await h.say(ROOM, COORD, "rückgängig")
    async with h.db.transaction() as s:
        [poll] = (await s.scalars(select(Poll))).all()
        assert not poll.is_open


async def test_rueckgaengig_in_chatter_is_left_alone(h: Harness) -> None:
    assert await h.say(ROOM, LOTSE, "das mache ich rückgängig, sobald ich kann") == []
