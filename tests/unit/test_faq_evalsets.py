"""The multi-KB evaluation: independent sets, dev/heldout roles, one line per set and a spread."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from commands.faq.cli import main as faq_cli
from commands.faq.evalsets import format_sets, load_sets, run_sets
from commands.faq.evaluate import load_cases
from commands.faq.kb import SYNONYMS_FILE, load_kb

SETS = Path(__file__).resolve().parents[1] / "data" / "faq" / "sets.yaml"


def test_every_set_is_consistent_and_big_enough() -> None:
    sets = load_sets(SETS)
    assert {s.role for s in sets} == {"dev", "heldout"}
    independent = [s for s in sets if s.name != "sample"]
    assert len(independent) >= 2
    for s in independent:
        kb = load_kb(s.kb)
        assert not kb.problems, s.name
        assert 20 <= len(kb.entries) <= 60, s.name
        # the goal must be reached without a per-KB synonym list
        assert not (s.kb / SYNONYMS_FILE).exists() and not kb.synonyms, s.name
        cases = load_cases(s.questions)
        answerable = [c for c in cases if c.expected is not None]
        assert len(cases) >= 90, s.name
        assert 0.10 <= 1 - len(answerable) / len(cases) <= 0.25, s.name
        assert {c.expected for c in answerable} <= kb.ids, s.name
        # every entry is asked about, so no entry is dead weight in the figures
        assert {c.expected for c in answerable} == kb.ids, s.name


def test_load_sets_reports_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "sets.yaml"
    path.write_text("a:\n  kb: kb\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'a' needs 'kb' and 'questions'"):
        load_sets(path)
    path.write_text("a:\n  kb: kb\n  questions: q.tsv\n  role: tuning\n", encoding="utf-8")
    with pytest.raises(ValueError, match="role 'tuning'"):
        load_sets(path)


def test_report_has_one_line_per_set_and_a_spread_per_role(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "drucker.md").write_text(
        "---\nid: drucker\nquestion: Wie richte ich einen Drucker ein?\n---\nÜber das Softwarecenter.\n",
        encoding="utf-8",
    )
    (kb / "urlaub.md").write_text(
        "---\nid: urlaub\nquestion: Wie beantrage ich Urlaub?\n---\nIm Zeiterfassungsportal.\n",
        encoding="utf-8",
    )
    (tmp_path / "q.tsv").write_text(
        "drucker einrichten\tdrucker\nurlaub beantragen\turlaub\nwetter morgen\tNONE\n", encoding="utf-8"
    )
    manifest = tmp_path / "sets.yaml"
    manifest.write_text(
        "eins:\n  kb: kb\n  questions: q.tsv\n  role: dev\nzwei:\n  kb: kb\n  questions: q.tsv\n"
        "  role: heldout\n",
        encoding="utf-8",
    )
    results = run_sets(load_sets(manifest))
    assert [r.set.name for r in results] == ["eins", "zwei"]
    assert results[0].values()["top-1"] == 1.0
    text = format_sets(results)
    assert "spread dev" in text and "spread heldout" in text
    out = io.StringIO()
    assert faq_cli(["eval", "--sets", str(manifest)], out=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("eins") and lines[2].startswith("zwei")
    assert "100.0%" in lines[1]
    assert faq_cli(["eval", "--sets", str(tmp_path / "fehlt.yaml")], out=out) == 2
    assert faq_cli(["eval", "--kb", str(kb)], out=out) == 2


# Measured (docs/faq-eval.md): top-1 85.5 / 84.6 / 88.2 %, askers right 73.9 / 73.1 / 72.9 %, wrong
# 2.2 / 6.9 / 1.2 % on it-servicedesk (dev) / personal / organisation (heldout). The goal (90 %,
# 80 %, 5 %) is not reached yet; these floors only keep what was reached from sliding back. They hold
# for the sets they were measured on; the sets written blind later (datenschutz, beschaffung) measure the
# gap on unseen material and carry no floor of their own (first-run figures in docs/faq-eval.md).
FLOORED_SETS = {"it-servicedesk", "personal", "organisation"}


def test_independent_kbs_do_not_fall_behind_what_was_reached() -> None:
    results = run_sets([s for s in load_sets(SETS) if s.name in FLOORED_SETS])
    assert {r.set.name for r in results} == FLOORED_SETS
    for r in results:
        v = r.values()
        assert v["top-1"] >= 0.82, r.set.name
        assert v["top-1"] >= v["bm25 top-1"] + 0.08, r.set.name
        assert v["right"] + v["offered"] >= 0.80, r.set.name
        assert v["wrong"] <= 0.08, r.set.name
        assert v["abstain"] >= 0.78, r.set.name
