"""Per-KB calibration of the abstain threshold from the KB's own left-out alternatives."""

from __future__ import annotations

from pathlib import Path

from commands.faq import selfcal
from commands.faq.decision import Thresholds
from commands.faq.kb import Entry, load_kb
from commands.faq.retrieval import FaqIndex

REPO = Path(__file__).resolve().parents[2]


def test_a_kb_whose_paraphrases_score_low_refuses_less_readily() -> None:
    sample = FaqIndex.build(load_kb(REPO / "kb"))
    it = FaqIndex.build(load_kb(REPO / "tests" / "data" / "faq" / "it-servicedesk" / "kb"))
    assert sample.paraphrase_level is not None and it.paraphrase_level is not None
    # the IT KB's alternatives use other words than its questions ('Urlaubsantwort' for the
    # Abwesenheitsnotiz), so its right entries score lower and its threshold is lower too
    assert it.paraphrase_level < sample.paraphrase_level
    assert it.thresholds.abstain < Thresholds().abstain < sample.thresholds.abstain


def test_too_few_alternatives_leave_the_threshold_alone() -> None:
    entries = [Entry(f"e{i}", f"Wie geht Thema {i}?", "Antwort.", alternatives=("Frage?",)) for i in range(3)]
    index = FaqIndex.build(entries)
    assert index.paraphrase_level is None
    assert index.thresholds == Thresholds()


def test_given_thresholds_are_kept_and_the_scale_is_bounded() -> None:
    kb = load_kb(REPO / "kb")
    fixed = Thresholds(abstain=0.3)
    assert FaqIndex.build(kb, thresholds=fixed).thresholds == fixed
    assert selfcal.abstain_scale(0.0) == selfcal.MIN_SCALE
    assert selfcal.abstain_scale(1.0) == selfcal.MAX_SCALE
    assert selfcal.abstain_scale(selfcal.REFERENCE_LEVEL) == 1.0
