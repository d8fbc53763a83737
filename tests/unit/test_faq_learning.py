"""Learning from use in the FAQ engine: learned phrasings, 👎 pairings, the simulation measuring them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from commands.faq.cli import main as faq_cli
from commands.faq.evaluate import EvalCase
from commands.faq.kb import load_kb
from commands.faq.learneval import halves, simulate
from commands.faq.retrieval import FaqIndex

REPO = Path(__file__).resolve().parents[2]
IT = REPO / "tests" / "data" / "faq" / "it-servicedesk" / "kb"


@pytest.fixture(scope="module")
def kb():  # type: ignore[no-untyped-def]
    return load_kb(IT)


def test_a_learned_phrasing_teaches_the_entry_new_words(kb) -> None:  # type: ignore[no-untyped-def]
    index = FaqIndex.build(kb)
    # 'Kennwort' is a general synonym of 'Passwort' now (it is found without learning); this word is not
    question = "mein geheimwort verschwitzt"
    before = index.decide(question)
    assert before.kind != "answer" or before.best.entry.id != "passwort-vergessen"  # type: ignore[union-attr]
    assert index.add_phrasing("passwort-vergessen", "geheimwort verschwitzt, was nun")
    after = index.decide(question)
    assert after.kind == "answer" and after.best is not None
    assert after.best.entry.id == "passwort-vergessen"


def test_learning_only_adds_words_the_kb_does_not_use(kb) -> None:  # type: ignore[no-untyped-def]
    index = FaqIndex.build(kb)
    fresh = FaqIndex.build(kb)
    # every word is already in the KB: nothing changes for any question
    index.add_phrasing("vpn-einrichten", "Drucker einrichten")
    for q in ("drucker einrichten", "vpn einrichten", "wie richte ich den drucker ein"):
        assert [m.entry.id for m in index.search(q)] == [m.entry.id for m in fresh.search(q)]


def test_unknown_entry_or_empty_text_is_not_learned(kb) -> None:  # type: ignore[no-untyped-def]
    index = FaqIndex.build(kb)
    assert not index.add_phrasing("gibt-es-nicht", "irgendwas neues")
    assert not index.add_phrasing("passwort-vergessen", "und das ist es")  # stop words only
    assert not index.add_mismatch("gibt-es-nicht", "drucker einrichten")


def test_a_thumbs_down_weakens_that_pairing_only(kb) -> None:  # type: ignore[no-untyped-def]
    index = FaqIndex.build(kb)
    question = "drucker installieren"
    before = index.decide(question)
    assert before.kind == "answer" and before.best is not None
    entry = before.best.entry.id
    assert index.add_mismatch(entry, question)
    after = index.decide(question)
    assert after.kind != "answer" or after.best.entry.id != entry  # type: ignore[union-attr]
    assert entry in {m.entry.id for m in after.matches}  # weakened, still offered or listed
    other = index.decide("vpn einrichten")  # an unrelated question keeps its answer
    assert other.kind == "answer" and other.best is not None and other.best.entry.id != entry


def test_simulation_learns_from_the_use_half_only(kb) -> None:  # type: ignore[no-untyped-def]
    question = "neues smartphone, codes umziehen"  # answered with a wrong entry (the Diensthandy request)
    cases = [EvalCase(question, "mfa-neues-handy"), EvalCase("xyz", None)]
    use, test = halves(cases)
    assert use == cases[:1] and test == cases[1:]
    index = FaqIndex.build(kb)
    wrong = index.decide(question).best
    assert wrong is not None and wrong.entry.id != "mfa-neues-handy"
    learned = simulate(index, use)
    assert learned == {"downvote": 1}
    again = index.decide(question)
    assert again.kind != "answer"  # the 👎'd pairing is offered at most, no longer answered
    assert "mfa-neues-handy" in {m.entry.id for m in again.choices}


def test_eval_learning_reports_before_and_after_per_set() -> None:
    out = io.StringIO()
    assert faq_cli(["eval", "--learning"], out=out) == 0
    lines = out.getvalue().splitlines()
    for name in ("sample", "it-servicedesk", "personal", "organisation"):
        labels = [line.split()[2] for line in lines if line.startswith(name)]
        assert labels == ["before", "after", "again-", "again+"]
