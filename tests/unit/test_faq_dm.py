"""A DM is a conversation: chat is not answered from the KB; feedback goes to the open retro."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from commands.faq.dm import is_closing, is_feedback_like, is_statement
from storage.faq import FaqQuestion, FaqUnanswered
from tests.support.fake import Harness

REPO = Path(__file__).resolve().parents[2]
TEAM = "!team:test"
ANNA = "@anna:test"
CHEFIN = "@koordination:test"
DM = "!dm-anna:test"
FEEDBACK = "Mehr Austausch zwischen den Ämtern wäre toll"


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    kb = tmp_path / "kb"
    shutil.copytree(REPO / "kb", kb)
    harness = await Harness(tmp_path, features={"faq": {"kb_dir": str(kb)}}).start()
    harness.room(TEAM, [ANNA, CHEFIN], power={CHEFIN: 100})
    harness.room(DM, [ANNA])
    yield harness
    await harness.close()


async def questions_logged(h: Harness) -> int:
    async with h.db.transaction() as session:
        asked = await session.scalar(select(func.count()).select_from(FaqQuestion))
        open_ = await session.scalar(select(func.count()).select_from(FaqUnanswered))
        return int(asked or 0) + int(open_ or 0)


def test_statements_questions_and_closing_words_are_told_apart() -> None:
    assert is_closing("Fertig!") and is_closing("das war's")
    assert is_feedback_like(FEEDBACK) and is_feedback_like("Der Workshop hat mir gut gefallen")
    assert is_statement(FEEDBACK, question_like=False)
    assert is_statement("fertig", question_like=True)
    assert not is_statement("Wie bekomme ich einen Jitsi-Raum?", question_like=True)
    assert not is_statement("Jitsi Raum anlegen", question_like=True)  # keywords are a question
    assert not is_statement("Wäre ein Jitsi-Raum für 30 Leute möglich?", question_like=True)


async def test_chat_in_a_dm_fetches_no_entry(h: Harness) -> None:
    [closing] = await h.say(DM, ANNA, "fertig")
    assert closing.startswith("Alles klar, danke dir!")
    [back] = await h.say(DM, ANNA, FEEDBACK)
    assert back.startswith("Ist das eine Frage an mich?")
    [back] = await h.say(DM, ANNA, "Ich bin morgen leider nicht im Büro, weil ich zum Zahnarzt gehe.")
    assert back.startswith("Ist das eine Frage an mich?")
    assert "###" not in back
    assert await questions_logged(h) == 0  # nothing for the statistics or the coordinators
    # a real question still gets its answer
    [answer] = await h.say(DM, ANNA, "Wie lade ich Kollegen in einen Jitsi-Raum ein?")
    assert answer.startswith("### Wie starte ich eine Videokonferenz im Jitsi-Raum der Stadt?")


async def test_feedback_after_a_retro_interview_is_offered_to_the_open_retro(h: Harness) -> None:
    await h.say(TEAM, CHEFIN, '!retro start "Modul 3" --frage "Wie zufrieden warst du insgesamt?"')
    [offer] = await h.say(DM, ANNA, FEEDBACK)
    assert offer.startswith("Das klingt nach Feedback. Soll es in die Retro")
    assert f"`!feedback 1 <Kategorie> {FEEDBACK}`" in offer
    command = f"!feedback 1 {offer.split('Kategorien: ')[1].split(' ·')[0]} {FEEDBACK}"
    [noted] = await h.say(DM, ANNA, command)
    assert "Modul 3" in noted  # the retro took it
    assert await questions_logged(h) == 0
