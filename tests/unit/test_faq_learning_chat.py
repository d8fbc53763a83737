"""Learning from use in the chat: choices, coordinators' answers and 👎 become evidence, listed, undoable."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.faq import FaqLearned
from tests.support.fake import Harness
from tests.unit.test_faq_chat import ANNA, BEN, CHEFIN, KOORD, REPO, TEAM, UNSURE, _harness, reaction


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    kb = tmp_path / "kb"
    shutil.copytree(REPO / "kb", kb)
    harness = await _harness(tmp_path, kb, escalation_room=KOORD)
    yield harness
    await harness.close()


PERSO = "Wie logge ich mich mit meinem Perso ein?"  # no answer in the sample KB: 'Perso' is no KB word


async def learned_rows(h: Harness) -> list[FaqLearned]:
    async with h.db.transaction() as session:
        return list((await session.scalars(select(FaqLearned).order_by(FaqLearned.id))).all())


async def test_a_coordinator_answer_with_an_entry_teaches_the_wording(h: Harness) -> None:
    replies = await h.say(TEAM, ANNA, f"!faq {PERSO}")
    assert "(Nr. 1)" in replies[-1]
    await h.say(KOORD, CHEFIN, "!faq antworten 1 --eintrag servicekonto")
    to_anna = [s.body for s in h.messenger.sent if s.room_id == TEAM and "Antwort der Koordination" in s.body]
    assert len(to_anna) == 1 and "Servicekonto" in to_anna[0]
    [listing] = await h.say(KOORD, CHEFIN, "!faq offen")
    assert "Nr. 1" not in listing  # assigned to an existing entry: nothing left to save

    [answer] = await h.say(TEAM, BEN, f"!faq {PERSO}")  # the next asker gets the entry right away
    assert answer.startswith("### ") and "Servicekonto" in answer

    [shown] = await h.say(KOORD, CHEFIN, "!faq gelernt servicekonto")
    [row] = await learned_rows(h)
    assert f"Nr. {row.id}: „{PERSO}“ – 1×, von der Koordination" in shown
    assert ANNA not in shown and "anna" not in repr((row.text, row.key, row.source, row.entry_id))

    [overview] = await h.say(KOORD, CHEFIN, "!faq gelernt")
    assert "`servicekonto`: 1 / 0" in overview
    [gone] = await h.say(KOORD, CHEFIN, f"!faq vergessen {row.id}")
    assert gone.startswith("Vergessen: „Wie logge ich mich")
    assert await learned_rows(h) == []
    again = await h.say(TEAM, BEN, f"?{PERSO}")
    assert "keine Antwort" in again[-1]  # rebuilt from the KB alone


async def test_a_choice_is_learned_and_a_thumbs_down_on_it_takes_it_back(h: Harness) -> None:
    [offer] = await h.say(TEAM, ANNA, f"!faq {UNSURE}")
    lines = [line for line in offer.splitlines() if line[:2] in ("1.", "2.", "3.")]
    number = next(line[0] for line in lines if "Digitalisierungsidee" in line)
    [picked] = await h.say(TEAM, ANNA, f"!faq {number}")
    picked_event = h.messenger.sent[-1].event_id
    assert "Digitalisierungsidee" in picked
    [row] = await learned_rows(h)
    assert (row.entry_id, row.kind, row.text, row.source) == ("idee-einreichen", "phrasing", UNSURE, "choice")

    down = await reaction(h, picked_event, "👎")  # the pick did not help after all
    [row] = await learned_rows(h)
    assert (row.kind, row.source, row.count) == ("mismatch", "feedback", 1)
    [shown] = await h.say(KOORD, CHEFIN, "!faq gelernt idee-einreichen")
    assert "Fragen mit 👎" in shown and f"„{UNSURE}“" in shown and "Formulierungen" not in shown

    await h.event(TEAM, ANNA, "m.room.redaction", {"redacts": down})  # taken back: as before
    [row] = await learned_rows(h)
    assert (row.kind, row.source) == ("phrasing", "choice")


async def test_a_thumbs_down_turns_that_answer_into_a_choice(h: Harness) -> None:
    [answer] = await h.say(TEAM, ANNA, "!faq Was ist das OZG?")
    assert answer.startswith("### Was ist das Onlinezugangsgesetz")
    down = await reaction(h, h.messenger.sent[-1].event_id, "👎", sender=BEN)
    [offer] = await h.say(TEAM, BEN, "!faq Was ist das OZG?")
    assert offer.startswith("🤔 Ich bin nicht sicher") and "Onlinezugangsgesetz" in offer
    [other] = await h.say(TEAM, BEN, "!faq Wie bekomme ich einen Jitsi-Raum?")  # other pairings unchanged
    assert other.startswith("### ")
    await h.event(TEAM, BEN, "m.room.redaction", {"redacts": down})
    [again] = await h.say(TEAM, ANNA, "!faq Was ist das OZG?")
    assert again.startswith("### Was ist das Onlinezugangsgesetz")


async def test_learning_commands_explain_mistakes_and_are_for_coordinators(h: Harness) -> None:
    [refused] = await h.say(TEAM, ANNA, "!faq gelernt")
    assert "nur Koordinator" in refused
    [none] = await h.say(KOORD, CHEFIN, "!faq gelernt")
    assert none.startswith("Ich habe noch nichts aus der Nutzung gelernt")
    [unknown] = await h.say(KOORD, CHEFIN, "!faq gelernt jitsy")
    assert "`jitsi`" in unknown
    [missing] = await h.say(KOORD, CHEFIN, "!faq vergessen 99")
    assert "Nr. 99 gibt es unter dem Gelernten nicht" in missing
    await h.say(TEAM, ANNA, f"!faq {PERSO}")
    [no_answer] = await h.say(KOORD, CHEFIN, "!faq antworten 1")
    assert "Da fehlt die Antwort" in no_answer and "--eintrag <id>" in no_answer
    [wrong_entry] = await h.say(KOORD, CHEFIN, "!faq antworten 1 --eintrag servicekont")
    assert "`servicekonto`" in wrong_entry
    assert await learned_rows(h) == []
