"""The FAQ's second opinions (character n-grams, BM25) and how their agreement changes the decision."""

from __future__ import annotations

from commands.faq.decision import Match, Thresholds, decide
from commands.faq.kb import Entry
from commands.faq.retrieval import FaqIndex
from commands.faq.signals import SecondOpinions

ENTRIES = [
    Entry("reisekosten", "Wie rechne ich meine Reisekosten ab?", "Nach der Dienstreise im Portal abrechnen."),
    Entry("urlaub", "Wie beantrage ich Urlaub?", "Den Urlaubsantrag stellst du im Personalportal."),
    Entry(
        "drucker",
        "Wie richte ich einen Drucker ein?",
        "Den Netzwerkdrucker fügst du über die Einstellungen hinzu.",
    ),
]


def test_character_ngrams_find_a_misspelt_compound() -> None:
    views = SecondOpinions(ENTRIES)
    scores = views.char_scores("reisekostn abrechung", [0, 1, 2])
    assert scores[0] > 2 * max(scores[1:])


def test_bm25_scores_only_entries_that_share_a_word() -> None:
    views = SecondOpinions(ENTRIES)
    scores = views.bm25_scores("Drucker geht nicht", [0, 1, 2])
    assert scores[2] > 0 and scores[0] == scores[1] == 0


def _match(score: float, agree: float) -> Match:
    features = {"agree": agree, "known": 0.8, "topic": 0.6}
    return Match(ENTRIES[0], score, features)


def test_agreeing_views_turn_a_mid_score_offer_into_an_answer() -> None:
    th = Thresholds()
    runner_up = Match(ENTRIES[1], 0.1, {"agree": 0.0})
    assert decide((_match(0.5, 2.0), runner_up), th).kind == "answer"
    assert decide((_match(0.5, 1.0), runner_up), th).kind == "unsure"  # only one other view agrees
    assert decide((_match(th.agree_answer - 0.05, 2.0), runner_up), th).kind == "unsure"  # too weak


def test_every_match_reports_whether_the_views_agree() -> None:
    index = FaqIndex.build(ENTRIES)
    matches = index.search("Reisekosten abrechnen")
    assert matches[0].entry.id == "reisekosten"
    assert matches[0].features["agree"] == 2.0
    assert all(m.features["agree"] == 0.0 for m in matches[1:])
