"""General German knowledge for the FAQ: OpenThesaurus synonyms, nouns and compound parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands.faq.analysis import normalise
from commands.faq.german import NON_NOUN, split_compound, unknown_weight
from commands.faq.kb import Entry
from commands.faq.retrieval import FaqIndex
from commands.faq.thesaurus import general_synonyms, parse, thesaurus_path


def test_the_thesaurus_is_installed() -> None:
    # CI installs openthesaurus-de-text (.ci/run); without it the FAQ silently loses these synonyms
    path = thesaurus_path()
    assert path is not None and path.is_file(), "apt-get install openthesaurus-de-text"
    assert len(general_synonyms(normalise)) > 20_000


def test_parse_keeps_nouns_without_annotations_and_drops_themes() -> None:
    lines = [
        "# comment",
        "Kennwort;Passwort;Parole (ugs.);Schlüsselwort",
        "krank;leidend;unpässlich",  # adjectives: too many senses
        ";".join(f"Wort{i}" for i in range(20)),  # a theme, not a synonym set
        "zu Hause;daheim;Heim (vulg.);Zuhause",
    ]
    assert parse(lines) == [("Kennwort", "Passwort", "Parole", "Schlüsselwort")]


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("passwortrichtlinie", ("passwort", "richtlinie")),
        ("zwangsneustart", ("zwang", "neustart")),
        ("dienstreisegenehmigung", ("dienstreise", "genehmigung")),
        ("telefonliste", ("telefon", "liste")),
        ("passwort", ()),
    ],
)
def test_compounds_split_into_general_nouns(word: str, parts: tuple[str, ...]) -> None:
    assert split_compound(word) == parts


def test_unknown_nouns_count_fully_and_colloquial_fillers_less() -> None:
    assert unknown_weight("urlaub") == 1.0
    assert unknown_weight("telefonliste") == 1.0
    assert unknown_weight("verschwitzt") == NON_NOUN


def _entry(entry_id: str, question: str, answer: str) -> Entry:
    return Entry(entry_id, question, answer, path=Path(f"{entry_id}.md"))


def test_a_kb_without_synonym_list_understands_general_synonyms() -> None:
    entries = [
        _entry("passwort", "Wie setze ich mein Passwort zurück?", "Über das Self-Service-Portal."),
        _entry("drucker", "Wie richte ich einen Drucker ein?", "Über das Softwarecenter."),
        _entry("urlaub", "Wie beantrage ich Urlaub?", "Im Zeiterfassungsportal."),
    ]
    index = FaqIndex.build(entries)
    # 'Kennwort' is nowhere in the KB; OpenThesaurus knows it means 'Passwort'
    assert index.search("kennwort vergessen")[0].entry.id == "passwort"
    # 'Passwortrichtlinie' splits although the KB never says 'Richtlinie'
    assert index.search("passwortrichtlinie")[0].entry.id == "passwort"


def test_a_known_word_inside_an_unknown_compound_is_no_known_topic() -> None:
    entries = [
        _entry("arbeitszeit", "Wie erfasse ich meine Arbeitszeit?", "Im Zeiterfassungsportal buchen."),
        _entry("dienstreise", "Wie beantrage ich eine Dienstreise?", "Im Reiseportal beantragen."),
    ]
    # 'Eltern|zeit' shares only its last part with the KB: not answered as if it were known
    assert FaqIndex.build(entries).decide("Wie beantrage ich Elternzeit?").kind != "answer"


def test_an_entry_that_matches_only_the_frame_of_a_question_is_offered_not_answered() -> None:
    entries = [
        _entry("ticket", "Wie lange dauert es, bis mein Ticket bearbeitet wird?", "Drei Arbeitstage."),
        _entry("drucker", "Wie richte ich einen Drucker ein?", "Über das Softwarecenter."),
    ]
    index = FaqIndex.build(entries)
    # 'wie lange dauert' fits the ticket entry, the noun the question is about does not
    decision = index.decide("wie lange dauert eine dienstreisegenehmigung")
    assert decision.kind != "answer"
    assert decision.matches[0].features["topic"] < 0.3
    assert index.decide("wie lange dauert mein ticket").kind == "answer"


def test_a_word_the_kb_uses_elsewhere_still_finds_the_entry_that_says_it_another_way() -> None:
    entries = [
        _entry("passwort", "Wie ändere ich mein Passwort?", "Im Self-Service-Portal unter Sicherheit."),
        # 'Kennwort' occurs in the KB, but only in an entry about something else
        _entry(
            "dateien",
            "Wie verschicke ich große Dateien?",
            "Mit dem Transferdienst; das Kennwort schickst du getrennt.",
        ),
        _entry("drucker", "Wie richte ich einen Drucker ein?", "Über das Softwarecenter."),
    ]
    index = FaqIndex.build(entries)
    assert index.search("kennwort ändern")[0].entry.id == "passwort"
    assert index.search("große dateien verschicken")[0].entry.id == "dateien"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("mein pw ist abgelaufen", "passwort"),
        ("neues smartphone einrichten", "handy"),
        ("perso verloren, was tun", "ausweis"),
        ("mikro geht nicht in der videokonferenz", "mikrofon"),
    ],
)
def test_colloquial_words_find_the_entry_written_in_office_german(question: str, expected: str) -> None:
    entries = [
        _entry("passwort", "Wie ändere ich mein Passwort?", "Im Self-Service-Portal unter Sicherheit."),
        _entry("handy", "Wie richte ich ein Diensthandy ein?", "Mit der Anleitung im Intranet."),
        _entry(
            "ausweis",
            "Was tue ich, wenn mein Personalausweis verloren ist?",
            "Verlust beim Bürgerbüro melden.",
        ),
        _entry("mikrofon", "Mein Mikrofon funktioniert in der Videokonferenz nicht", "Prüfe die Freigabe."),
        _entry("drucker", "Wie richte ich einen Drucker ein?", "Über das Softwarecenter."),
    ]
    assert FaqIndex.build(entries).search(question)[0].entry.id == expected


def test_spoken_prefixes_meet_the_written_verb() -> None:
    entries = [
        _entry("software", "Wie kann ich Software herunterladen?", "Über das Softwarecenter."),
        _entry("drucker", "Wie richte ich einen Drucker ein?", "Über das Softwarecenter."),
        _entry("homeoffice", "Wie arbeite ich von zuhause?", "Mit dem VPN-Zugang."),
    ]
    index = FaqIndex.build(entries)
    assert index.search("darf ich mir was runterladen")[0].entry.id == "software"
    assert index.search("arbeiten von daheim")[0].entry.id == "homeoffice"
