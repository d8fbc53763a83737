"""FAQ retrieval: behaviour a Lotse asking the bot would notice."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.faq.analysis import analyse, normalise, tokenise
from commands.faq.bm25 import Bm25Index
from commands.faq.cli import main as faq_cli
from commands.faq.decision import Thresholds
from commands.faq.evaluate import EvalCase, evaluate, format_report, load_cases
from commands.faq.kb import Entry, KnowledgeBase, load_kb
from commands.faq.retrieval import FaqIndex
from commands.faq.stemming import german_stem, reference_stem

REPO = Path(__file__).resolve().parents[2]
KB_DIR = REPO / "kb"
EVAL = REPO / "tests" / "data" / "faq_eval.tsv"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb(KB_DIR)


@pytest.fixture(scope="module")
def index(kb: KnowledgeBase) -> FaqIndex:
    return FaqIndex.build(kb)


def top_id(index: FaqIndex, question: str) -> str | None:
    matches = index.search(question)
    return matches[0].entry.id if matches else None


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Schlüssel", "Schluessel"),
        ("SCHLÜSSEL", "schlussel"),
        ("Straße", "STRASSE"),
        ("Öffnungszeiten", "Oeffnungszeiten"),
        ("Café", "cafe"),
    ],
)
def test_spellings_of_umlauts_and_case_meet(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)
    assert analyse(a) == analyse(b)


def test_stop_words_and_question_phrasing_are_ignored() -> None:
    assert analyse("Was versteht man eigentlich unter der E-Akte?") == analyse("E-Akte")
    assert analyse("Wie ist das denn?") == []


def test_hyphenated_words_keep_their_parts() -> None:
    (token,) = tokenise("Open-Data-Portal")
    assert token.text == "opendataportal" and token.parts == ("open", "data", "portal")
    (token,) = tokenise("E-Akte")
    assert token.text == "eakte" and token.extra == ("akte",)


def test_fast_stemmer_agrees_with_snowballstemmer(kb: KnowledgeBase) -> None:
    words = {t.text for e in kb.entries for t in tokenise(" ".join([*e.questions, *e.tags, e.answer]))}
    words |= {w for c in load_cases(EVAL) for w in re.findall(r"[a-z0-9]+", normalise(c.question))}
    assert len(words) > 500
    assert [w for w in words if german_stem(w) != reference_stem(w)] == []


@given(st.text(alphabet="abcdefghiklmnoprstuyzäöüßq", min_size=1, max_size=16))
@settings(max_examples=500, deadline=None)
def test_fast_stemmer_agrees_on_random_words(word: str) -> None:
    assert german_stem(word) == reference_stem(word)


# --------------------------------------------------------------------------- finding answers


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Reisekosten", "reisekostenabrechnung"),  # part of a compound in the KB
        ("Wie funktioniert die Reisekostenabrechnung?", "reisekostenabrechnung"),
        ("Reisekostenabrechnungen", "reisekostenabrechnung"),  # plural
        ("Reisekostenabrechnug", "reisekostenabrechnung"),  # typo
        ("Dienstreisantrag stellen", "dienstreiseantrag"),  # typo inside a compound
        ("Schulung fuer enaio", "enaio-zugang"),  # 'ue' for 'ü'
        ("ONLINEZUGANGSGESETZ", "ozg"),
        ("Stackfeld Zugang", "stackfield"),  # typo in a product name
        ("Notebook ausleihen", "laptop-ausleihen"),  # synonym from _synonyms.yaml
        ("Was ist die elektronische Akte?", "e-akte"),  # multi-word synonym of 'E-Akte'
        ("Open-Data-Portal", "open-data-portal"),
        ("Was bedeutet Open Data?", "open-data"),  # not the portal or the day
        ("Stakeholder Analyse", "stakeholderanalyse"),  # compound written apart
        ("Wie kannst du mir bei einer Umfrage helfen?", "umfragen-bot"),  # du-form
        ("Können Sie mir sagen, wie ich einen Jitsi-Raum anlege?", "jitsi"),  # Sie-form
    ],
)
def test_finds_the_right_entry(index: FaqIndex, question: str, expected: str) -> None:
    assert top_id(index, question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "Wie wird das Wetter morgen?",
        "Wann gibt es Kantinenessen?",
        "Wer hat das Fußballspiel gewonnen?",
        "asdf qwertz",
        "",
        "   ",
        "???",
        "Wie ist das denn?",  # stop words only
    ],
)
def test_off_topic_questions_are_abstained(index: FaqIndex, question: str) -> None:
    decision = index.decide(question)
    assert decision.kind == "none"
    assert decision.best is None and decision.alternatives == ()


def test_clear_question_is_answered_with_high_confidence(index: FaqIndex) -> None:
    decision = index.decide("Wie stelle ich einen Dienstreiseantrag?")
    assert decision.kind == "answer"
    assert decision.best is not None and decision.best.entry.id == "dienstreiseantrag"
    assert decision.best.score >= index.thresholds.confident


def test_scores_are_probabilities_in_ranked_order(index: FaqIndex) -> None:
    for question in ["Open Data", "Lotse", "Reisekosten Belege", "Meet and Learn", "Teams"]:
        matches = index.search(question, k=5)
        assert 1 <= len(matches) <= 5
        scores = [m.score for m in matches]
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True)
        assert len({m.entry.id for m in matches}) == len(matches)


def test_unsure_band_offers_up_to_three_choices(kb: KnowledgeBase) -> None:
    index = FaqIndex.build(kb, thresholds=Thresholds(abstain=0.01, confident=0.9999))
    decision = index.decide("Open Data")
    assert decision.kind == "unsure"
    ids = [m.entry.id for m in decision.choices]
    assert 2 <= len(ids) <= 3 and len(set(ids)) == len(ids)
    assert {"open-data", "open-data-portal"} <= set(ids)


def test_close_seconds_are_offered_with_an_answer(kb: KnowledgeBase) -> None:
    index = FaqIndex.build(kb, thresholds=Thresholds(abstain=0.05, confident=0.3, close_second=0.3))
    decision = index.decide("Meet and Learn Termin und Aufzeichnung")
    assert decision.kind == "answer"
    assert decision.best is not None
    ids = {decision.best.entry.id} | {m.entry.id for m in decision.alternatives}
    assert {"meet-and-learn-termine", "meet-and-learn-aufzeichnungen"} <= ids
    assert all(m.score >= 0.3 * decision.best.score for m in decision.alternatives)


def test_kb_synonyms_change_what_is_found() -> None:
    entries = [
        Entry(id="rechner", question="Wie bekomme ich einen neuen Rechner?", answer="Beim Team IT."),
        Entry(id="kaffee", question="Wo gibt es Kaffee?", answer="In der Teeküche."),
    ]
    assert FaqIndex.build(entries).decide("PC kaputt").kind == "none"
    with_synonyms = FaqIndex.build(entries, synonyms=[("Rechner", "PC", "Computer")])
    assert with_synonyms.search("PC")[0].entry.id == "rechner"


def test_empty_kb_never_answers() -> None:
    index = FaqIndex.build([])
    assert index.search("Reisekosten") == []
    assert index.decide("Reisekosten").kind == "none"


# --------------------------------------------------------------------------- robustness


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_search_never_raises_on_arbitrary_unicode(index: FaqIndex, text: str) -> None:
    normalise(text)
    tokenise(text)
    for m in index.search(text, k=3):
        assert 0.0 <= m.score <= 1.0
    assert index.decide(text).kind in ("answer", "unsure", "none")


@pytest.mark.parametrize(
    ("blob", "expected"),
    [
        ("Reisekostenabrechnung " * 4700, "reisekostenabrechnung"),  # ~100 KB of words
        ("ä" * 100_000, None),  # one endless word
        ("🙂 ✓ ẞ ﬁ " * 25_000, None),  # symbols, ligatures, capital sharp s
        ("a-" * 50_000, None),  # endless hyphenation
    ],
)
def test_huge_questions_get_an_honest_decision(index: FaqIndex, blob: str, expected: str | None) -> None:
    # How fast: benchmarks/faq.py times these same shapes.
    assert len(blob) >= 100_000
    decision = index.decide(blob)
    if expected is None:
        assert decision.kind == "none"
    else:
        assert decision.kind in ("answer", "unsure")
        assert decision.matches[0].entry.id == expected
    assert Bm25Index.build(index.entries).search(blob) is not None


# --------------------------------------------------------------------------- evaluation


def test_eval_set_is_big_enough_and_consistent(kb: KnowledgeBase) -> None:
    cases = load_cases(EVAL)
    answerable = [c for c in cases if c.expected is not None]
    assert len(answerable) >= 120
    assert len(cases) - len(answerable) >= 20
    assert {c.expected for c in answerable} <= kb.ids
    assert {c.split for c in cases} == {"dev", "holdout", "holdout2", "holdout3", "holdout4"}


# Measured on the shipped set (481 questions): top-1 94.6 % overall (dev 95.4 %, holdout 97.3 %,
# holdout2 93.3 %, holdout3 96.6 %, holdout4 90.5 %), abstain accuracy 95.2 %. holdout4 was written by
# a third engineer before the last round of changes and never tuned on, so it is the cleanest estimate
# (84.5 % / 87.0 % before those changes). The floor leaves a little room for KB edits; the gap to BM25
# must stay clear.
TOP1_MIN = 0.93


def test_eval_figures_meet_targets_and_beat_bm25(kb: KnowledgeBase, index: FaqIndex) -> None:
    report = evaluate(kb, load_cases(EVAL), index=index)
    ours, bm25 = report.ours, report.baseline
    assert ours.top1 >= TOP1_MIN
    assert ours.recall3 >= 0.95
    assert ours.abstain_accuracy >= 0.85
    assert ours.top1 >= bm25.top1 + 0.08
    assert ours.mrr >= bm25.mrr + 0.06
    assert ours.abstain_accuracy >= bm25.abstain_accuracy + 0.05
    for split, (o, b) in report.by_split.items():
        assert o.top1 > b.top1, split
        assert o.abstain_accuracy >= 0.85, split
    # what askers get: a confident wrong answer costs trust, so it must stay rare
    got = report.outcomes
    assert got is not None and got.answerable == ours.answerable
    assert got.answered_wrong / got.answerable <= 0.04
    assert (got.answered_right + got.offered_right) / got.answerable >= 0.90
    text = format_report(report, failures=True)
    assert "lotsenbot" in text and "bm25" in text and "[holdout]" in text and "what askers get" in text


def test_bm25_baseline_works_but_misses_typos_and_compounds(kb: KnowledgeBase, index: FaqIndex) -> None:
    bm25 = Bm25Index.build(kb.entries)
    assert bm25.search("Wie stelle ich einen Dienstreiseantrag digital?")[0].entry.id == "dienstreiseantrag"
    assert not bm25.search("Reisekostenabrechung")  # typo: no shared token at all
    assert top_id(index, "Reisekostenabrechung") == "reisekostenabrechnung"


def test_load_cases_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text("# Kommentar\nFrage eins\tozg\n\nFrage zwei\tNONE\tholdout\n", encoding="utf-8")
    assert load_cases(path) == [
        EvalCase("Frage eins", "ozg", "all", 2),
        EvalCase("Frage zwei", None, "holdout", 4),
    ]
    path.write_text("nur eine Spalte\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"q\.tsv:1"):
        load_cases(path)


# --------------------------------------------------------------------------- CLI


def test_cli_ask_prints_ranking_and_decision() -> None:
    out = io.StringIO()
    assert faq_cli(["ask", "--kb", str(KB_DIR), "Wie", "rechne", "ich", "Reisekosten", "ab?"], out=out) == 0
    text = out.getvalue()
    assert text.splitlines()[0].split()[2] == "reisekostenabrechnung:"
    assert "decision: answer" in text


def test_cli_ask_json() -> None:
    out = io.StringIO()
    assert faq_cli(["ask", "--kb", str(KB_DIR), "--json", "Wie wird das Wetter morgen?"], out=out) == 0
    data = json.loads(out.getvalue())
    assert data["decision"] == "none" and data["best"] is None
    assert isinstance(data["matches"], list)


def test_cli_eval_prints_both_engines(tmp_path: Path) -> None:
    questions = tmp_path / "q.tsv"
    rows = "Reisekosten abrechnen\treisekostenabrechnung\nWetter morgen?\tNONE\n"
    questions.write_text(rows, encoding="utf-8")
    out = io.StringIO()
    assert faq_cli(["eval", "--kb", str(KB_DIR), "--questions", str(questions)], out=out) == 0
    assert "lotsenbot" in out.getvalue() and "bm25" in out.getvalue()
    assert faq_cli(["eval", "--kb", str(KB_DIR), "--questions", str(tmp_path / "fehlt.tsv")], out=out) == 2


# --------------------------------------------------------------------------- later improvements


def test_unknown_topic_with_a_known_verb_is_not_answered(index: FaqIndex) -> None:
    # 'beantragen' matches the Dienstreise entry perfectly, but the question is about something else
    for question in ("Wie beantrage ich Urlaub?", "Wie beantrage ich Elternzeit?"):
        decision = index.decide(question)
        assert decision.kind == "none" and decision.best is None, question
    assert index.decide("Wie beantrage ich eine Dienstreise?").kind == "answer"


def test_latin_plurals_meet_their_singular(index: FaqIndex) -> None:
    assert top_id(index, "Themen vorschlagen") == "thema-vorschlagen"
    assert top_id(index, "Themenvorschlag fürs Meet and Learn") == "thema-vorschlagen"


def test_a_hyphen_part_does_not_stand_for_the_whole_word(index: FaqIndex) -> None:
    # 'government' alone must not make 'Open Government' as good as 'E-Government' for this compound
    assert top_id(index, "E-Government-Gesetz") == "e-government"
    assert top_id(index, "E-Akte") == "e-akte"


def test_same_kind_of_question_breaks_ties() -> None:
    entries = [
        Entry(id="wie", question="Wie bekomme ich einen Schlüssel für das Büro?", answer="Beim Hausdienst."),
        Entry(id="wo", question="Wo bekomme ich einen Schlüssel für das Büro?", answer="Im Erdgeschoss."),
        Entry(id="kantine", question="Wann ist die Kantine offen?", answer="Mittags."),
    ]
    index = FaqIndex.build(entries)
    assert top_id(index, "Wo gibt es einen Schlüssel fürs Büro?") == "wo"
    assert top_id(index, "Wie komme ich an einen Büroschlüssel?") == "wie"


def test_results_do_not_depend_on_the_hash_seed() -> None:
    """Set iteration order changes with PYTHONHASHSEED; rankings and scores must not."""
    import subprocess
    import sys

    script = (
        "from commands.faq.kb import load_kb\n"
        "from commands.faq.retrieval import FaqIndex\n"
        "from commands.faq.evaluate import load_cases\n"
        f"index = FaqIndex.build(load_kb({str(KB_DIR)!r}))\n"
        f"for c in load_cases({str(EVAL)!r}):\n"
        "    print(c.question, [(m.entry.id, round(m.score, 6)) for m in index.search(c.question, k=5)])\n"
    )
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
