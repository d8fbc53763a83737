"""Knowledge base files: what a KB author or the 'save as new entry' flow would notice."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from commands.faq.cli import main as faq_cli
from commands.faq.kb import (
    Link,
    load_kb,
    parse_entry,
    render_entry,
    suggest_id,
    update_entry,
    validate,
    write_entry,
)

REPO = Path(__file__).resolve().parents[2]
KB_DIR = REPO / "kb"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """---
id: {id}
question: {question}
tags: [Test]
---
Eine Antwort.
"""


# --------------------------------------------------------------------------- shipped KB


def test_shipped_kb_is_valid_and_large_enough() -> None:
    kb = load_kb(KB_DIR)
    assert kb.problems == []
    assert len(kb.entries) >= 30
    assert len(kb.ids) == len(kb.entries)
    assert kb.synonyms, "the sample KB declares synonyms in _synonyms.yaml"
    for entry in kb.entries:
        assert entry.tags, entry.id
        assert entry.path is not None and entry.path.name == f"{entry.id}.md"


def test_shipped_kb_contains_no_contact_data() -> None:
    email = re.compile(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", re.I)
    phone = re.compile(r"(\+49|\b0\d{2,4})[\s/-]*\d{3,}")
    for path in KB_DIR.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not email.search(text), path
        assert not phone.search(text), path


def test_shipped_kb_links_are_public_or_marked_internal() -> None:
    for entry in load_kb(KB_DIR).entries:
        for link in entry.links:
            assert link.url.startswith("https://www."), (entry.id, link.url)


# --------------------------------------------------------------------------- validation


def test_duplicate_id_is_reported_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "a.md", GOOD.format(id="doppelt", question="Erste Frage?"))
    second = write(tmp_path / "b.md", "---\nquestion: Zweite Frage?\nid: doppelt\n---\nAntwort.\n")
    kb = load_kb(tmp_path)
    assert [e.id for e in kb.entries] == ["doppelt"]  # the first one wins
    (problem,) = kb.problems
    assert problem.path == second
    assert problem.line == 3  # the 'id:' line of the second file
    assert "duplicate id 'doppelt'" in problem.message and "a.md" in problem.message
    assert str(problem).startswith(f"{second}:3: ")


def test_missing_question_and_answer_are_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "leer.md", "---\nid: leer\ntags: [x]\n---\n\n")
    problems = validate(tmp_path)
    messages = {(p.line, p.message.split(":")[0]) for p in problems}
    assert (1, "missing 'question'") in messages
    assert (5, "missing answer") in messages  # first line after the closing ---
    assert all(p.path == path for p in problems)
    assert load_kb(tmp_path).entries == []


def test_bad_yaml_is_reported_at_its_line(tmp_path: Path) -> None:
    write(tmp_path / "kaputt.md", "---\nid: kaputt\nquestion: Was?\ntags: [offen\n---\nAntwort\n")
    (problem,) = validate(tmp_path)
    assert problem.path.name == "kaputt.md"
    assert problem.line >= 4
    assert "invalid YAML" in problem.message


def test_missing_front_matter_and_unknown_fields(tmp_path: Path) -> None:
    write(tmp_path / "ohne.md", "Nur Text, kein Kopf.\n")
    write(tmp_path / "tippfehler.md", "---\nid: tipp\nquestion: Frage?\ntag: [x]\n---\nAntwort\n")
    problems = sorted(validate(tmp_path), key=lambda p: p.path.name)
    assert [(p.path.name, p.line) for p in problems] == [("ohne.md", 1), ("tippfehler.md", 4)]
    assert "front matter" in problems[0].message
    assert "unknown field 'tag'" in problems[1].message


def test_invalid_id_and_bad_links_are_reported(tmp_path: Path) -> None:
    text = "---\nid: Mit Leerzeichen\nquestion: Frage?\nlinks: [{title: ohne url}]\n---\nA\n"
    write(tmp_path / "x.md", text)
    lines = {p.line: p.message for p in validate(tmp_path)}
    assert "may only use" in lines[2]
    assert "url" in lines[4]


def test_links_alternatives_and_entry_synonyms_are_loaded(tmp_path: Path) -> None:
    write(
        tmp_path / "e.md",
        """---
id: e
question: Frage?
alternatives:
  - Andere Frage?
tags: [a, b]
links:
  - https://www.service-bw.de
  - {title: OZG, url: https://www.onlinezugangsgesetz.de}
synonyms:
  laptop: [notebook]
---
Antwort
""",
    )
    kb = load_kb(tmp_path)
    assert kb.problems == []
    (entry,) = kb.entries
    assert entry.questions == ("Frage?", "Andere Frage?")
    assert entry.links == (
        Link("https://www.service-bw.de", "https://www.service-bw.de"),
        Link("OZG", "https://www.onlinezugangsgesetz.de"),
    )
    assert ("laptop", "notebook") in kb.synonyms


def test_synonym_file_formats_and_errors(tmp_path: Path) -> None:
    write(tmp_path / "_synonyms.yaml", "laptop: [notebook, rechner]\nretro: retrospektive\nkaputt: {a: b}\n")
    kb = load_kb(tmp_path)
    assert ("laptop", "notebook", "rechner") in kb.synonyms
    assert ("retro", "retrospektive") in kb.synonyms
    (problem,) = kb.problems
    assert problem.path.name == "_synonyms.yaml" and problem.line == 3

    write(tmp_path / "_synonyms.yaml", "- [e-akte, elektronische akte]\n- [ozg, onlinezugangsgesetz]\n")
    assert load_kb(tmp_path).synonyms == [("e-akte", "elektronische akte"), ("ozg", "onlinezugangsgesetz")]


def test_readme_and_hidden_files_are_not_entries(tmp_path: Path) -> None:
    write(tmp_path / "README.md", "# Wissensdatenbank\n")
    write(tmp_path / "_entwurf.md", "kein Eintrag")
    write(tmp_path / "thema" / "ok.md", GOOD.format(id="ok", question="Frage?"))
    kb = load_kb(tmp_path)
    assert kb.problems == [] and [e.id for e in kb.entries] == ["ok"]


def test_missing_directory_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    kb = load_kb(tmp_path / "gibt-es-nicht")
    assert kb.entries == [] and len(kb.problems) == 1


# --------------------------------------------------------------------------- writing


def test_saved_entry_loads_back(tmp_path: Path) -> None:
    write(tmp_path / "alt.md", GOOD.format(id="alt", question="Alte Frage?"))
    path = write_entry(
        tmp_path,
        "neue-frage",
        "Wie funktioniert das: mit Doppelpunkt, # und „Anführungszeichen“?",
        "Erste Zeile.\n\n- Punkt 1\n- Punkt 2\n",
        tags=["Neu", "Test"],
        alternatives=["Andere Formulierung?"],
        links=[Link("service-bw", "https://www.service-bw.de")],
    )
    assert path == tmp_path / "neue-frage.md"
    kb = load_kb(tmp_path)
    assert kb.problems == []
    entry = kb.get("neue-frage")
    assert entry is not None
    assert entry.question == "Wie funktioniert das: mit Doppelpunkt, # und „Anführungszeichen“?"
    assert entry.answer == "Erste Zeile.\n\n- Punkt 1\n- Punkt 2"
    assert entry.tags == ("Neu", "Test")
    assert entry.alternatives == ("Andere Formulierung?",)
    assert entry.links == (Link("service-bw", "https://www.service-bw.de"),)
    assert not list(tmp_path.glob(".tmp-*")), "no temporary files left behind"


def test_saved_entry_is_found_by_the_search(tmp_path: Path) -> None:
    from commands.faq.retrieval import FaqIndex

    write_entry(tmp_path, "kantine", "Wann hat die Kantine geöffnet?", "Mo-Fr mittags.", ["Kantine"])
    write_entry(tmp_path, "parken", "Wo kann ich parken?", "Im Parkhaus am Rathaus.", ["Parken"])
    index = FaqIndex.build(load_kb(tmp_path))
    assert index.search("Kantine Öffnungszeiten")[0].entry.id == "kantine"


def test_save_refuses_duplicates_and_bad_input(tmp_path: Path) -> None:
    write(tmp_path / "anders.md", GOOD.format(id="schon-da", question="Frage?"))
    with pytest.raises(FileExistsError):
        write_entry(tmp_path, "schon-da", "Frage?", "Antwort")
    write_entry(tmp_path, "neu", "Frage?", "Antwort")
    with pytest.raises(FileExistsError):
        write_entry(tmp_path, "neu", "Noch eine Frage?", "Antwort")
    with pytest.raises(ValueError):
        write_entry(tmp_path, "Kein Slug!", "Frage?", "Antwort")
    with pytest.raises(ValueError):
        write_entry(tmp_path, "leer", "Frage?", "   ")
    with pytest.raises(ValueError):
        write_entry(tmp_path, "leer", " ", "Antwort")


def test_suggest_id_is_readable_valid_and_unique() -> None:
    first = suggest_id("Wie beantrage ich eine Dienstreise?")
    assert first == "beantrage-dienstreise"
    assert suggest_id("Wie beantrage ich eine Dienstreise?", taken={first}) == f"{first}-2"
    assert suggest_id("Wo finde ich Größenangaben für Übungen?") == "finde-groessenangaben-uebungen"
    assert suggest_id("???") == "eintrag"


def test_render_entry_round_trips() -> None:
    text = render_entry("x", "Frage: mit Doppelpunkt?", "Antwort", ["a"])
    entry, problems = parse_entry(text, Path("x.md"))
    assert problems == [] and entry is not None and entry.question == "Frage: mit Doppelpunkt?"


# --------------------------------------------------------------------------- CLI


def test_cli_validate(tmp_path: Path) -> None:
    out = io.StringIO()
    assert faq_cli(["validate", "--kb", str(KB_DIR)], out=out) == 0
    assert out.getvalue().startswith("OK:")

    write(tmp_path / "a.md", GOOD.format(id="x", question="A?"))
    write(tmp_path / "b.md", GOOD.format(id="x", question="B?"))
    out = io.StringIO()
    assert faq_cli(["validate", "--kb", str(tmp_path)], out=out) == 1
    assert re.search(r"b\.md:2: duplicate id 'x'", out.getvalue())


def test_update_entry_keeps_the_front_matter_when_only_the_answer_changes(tmp_path: Path) -> None:
    original = (
        "---\n# reviewed 2026\nid: e\nquestion: Frage?\nsynonyms: {kasse: [kassenautomat]}\n---\nAlt.\n"
    )
    path = write(tmp_path / "e.md", original)
    entry = update_entry(path, answer="Neu, mit **Markdown**.")
    assert entry.answer == "Neu, mit **Markdown**."
    assert path.read_text(encoding="utf-8") == original.replace("Alt.", "Neu, mit **Markdown**.")
    assert not list(tmp_path.glob(".tmp-*"))


def test_update_entry_new_question_keeps_the_old_one_as_alternative(tmp_path: Path) -> None:
    path = write(
        tmp_path / "e.md", '---\nid: e\nquestion: Alt?\nalternatives: ["Anders?"]\ntags: [T]\n---\nA.\n'
    )
    entry = update_entry(path, question="Neu?", add_alternatives=["Noch anders?", "anders?"])
    assert entry.question == "Neu?"
    assert entry.alternatives == ("Anders?", "Alt?", "Noch anders?")
    assert entry.tags == ("T",) and entry.answer == "A."
    assert not load_kb(tmp_path).problems


def test_update_entry_refuses_what_would_not_load(tmp_path: Path) -> None:
    path = write(tmp_path / "e.md", GOOD.format(id="e", question="Frage?"))
    before = path.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        update_entry(path, answer="   ")
    with pytest.raises(ValueError):
        update_entry(path, question="")
    assert path.read_text(encoding="utf-8") == before
