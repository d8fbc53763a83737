"""``language = "de-Sie"``: every text that says "du" has a Sie form, none says "du", placeholders agree.

German texts are found in three places: the catalogue (by key), inline ``{"de": …, "en": …}`` mappings
(command help, labels, choices, help overview) and key-less German strings (usage examples, time and
recurrence errors). ``tests/support/duform.py`` decides whether a German text addresses the reader; it was
developed on the core, help, undo and poll texts and is reported on the others by
``test_detector_on_texts_it_was_not_developed_on``.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import i18n
from bot.framework import registry
from tests.support.duform import DEV_SOURCES, du_form

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT_KEYS = ("retro.", "ml.", "faq.")

# Texts the detector flags that were read and do not address the reader (so German is right for Sie too),
# by catalogue key or by German text. All are from the part the detector was not developed on.
NOT_ADDRESSING = {
    "ml.too_long": "“Bitte kürzer fassen” is an infinitive",
    "retro.redact_reason": "“bitte per Direktnachricht” has no verb",
    "retro.room.running": "a heading: “Feedback bitte im Direktchat mit mir:” has no verb",
    "faq.read_only": "“verändere” is the bot's own first person (“ich … verändere sie nicht”)",
    "faq.show_entry": "a label: “Eintrag `x` in `y`:”",
    "faq.edited": "“Eintrag `x` geändert” is a noun with a participle",
    "Überblick über die Meet-and-Learn-Befehle.": "a noun phrase (help of `!meetlearn`)",
}

# Sie texts the detector flags although they say "Sie": a noun before "bitte" looks like an imperative.
SIE_FALSE_ALARMS = {"retro.err.dm_only", "retro.room.use_dm"}  # "Feedback bitte nur im Direktchat …"


def _load() -> None:
    import bot.dispatch
    import bot.edits
    import bot.matrix  # noqa: F401  (register their texts)
    from commands import load_all

    load_all()


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _inline_literals() -> Iterator[tuple[str, str]]:
    """(German text, file) of every ``{"de": "…", "en": …}`` literal with a constant German string."""
    for path in sorted([*ROOT.glob("bot/**/*.py"), *ROOT.glob("commands/**/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
            if "de" in keys and "en" in keys:
                value = node.values[keys.index("de")]
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    yield value.value, str(path.relative_to(ROOT))


def keyless_german() -> dict[str, str]:
    """Every German text without a catalogue key → where it comes from (a path or a module)."""
    from bot.timeparse.errors import TimeParseError
    from commands.help import OVERVIEW
    from commands.meetlearn.recurrence import RuleParseError

    catalogue = {texts["de"] for texts in i18n._CATALOGUE.values()}
    found = {text: where for text, where in _inline_literals() if text not in catalogue}
    for cmd in registry.commands:
        where = cmd.handler.__module__.replace(".", "/")
        for texts in (cmd.help, cmd.group, cmd.details):
            if texts:
                found.setdefault(texts["de"], where)
        for example in cmd.examples:
            found.setdefault(example, where)
    for _title, tasks in OVERVIEW:
        for task in tasks:
            found.setdefault(task.example, "commands/help")
    for cls, where in ((TimeParseError, "bot/timeparse"), (RuleParseError, "commands/meetlearn")):
        for german, _english in cls.MESSAGES.values():
            found.setdefault(german, where)
    return found


def _sie(key_or_text: str, *, keyed: bool) -> str | None:
    table = i18n._BY_KEY if keyed else i18n._BY_TEXT
    return table["de-Sie"].get(key_or_text)


def test_every_text_that_says_du_has_a_sie_form() -> None:
    _load()
    missing = []
    for key, texts in i18n._CATALOGUE.items():
        why = du_form(texts["de"])
        if why and key not in NOT_ADDRESSING and _sie(key, keyed=True) is None:
            missing.append(f"{key} (“{why}”): {texts['de'][:80]}")
    for text, where in keyless_german().items():
        why = du_form(text)
        if why and text not in NOT_ADDRESSING and _sie(text, keyed=False) is None:
            missing.append(f"{where} (“{why}”): {text[:80]}")
    assert missing == []


def test_no_sie_text_says_du_and_each_replaces_a_real_german_text() -> None:
    _load()
    keyless = keyless_german()
    problems = []
    for key, text in i18n._BY_KEY["de-Sie"].items():
        if key not in i18n._CATALOGUE:
            problems.append(f"{key}: no such key")
        if du_form(text) and key not in SIE_FALSE_ALARMS:
            problems.append(f"{key}: says “{du_form(text)}”")
    for german, text in i18n._BY_TEXT["de-Sie"].items():
        if german not in keyless:
            problems.append(f"no German text {german[:60]!r} any more (changed?)")
        if du_form(text):
            problems.append(f"{german[:40]!r}: says “{du_form(text)}”")
        if text == german:
            problems.append(f"{german[:40]!r}: the Sie text is the German text")
    assert problems == []
    assert len(i18n._BY_KEY["de-Sie"]) > 100


def test_sie_texts_have_the_german_placeholders() -> None:
    _load()
    problems = []
    pairs = [(key, i18n._CATALOGUE[key]["de"], sie) for key, sie in i18n._BY_KEY["de-Sie"].items()]
    pairs += [(german[:40], german, sie) for german, sie in i18n._BY_TEXT["de-Sie"].items()]
    for name, german, sie in pairs:
        if _fields(german) != _fields(sie):
            problems.append(f"{name}: {sorted(_fields(german))} vs {sorted(_fields(sie))}")
    assert problems == []


def test_the_fallback_is_the_german_text_and_english_is_untouched() -> None:
    _load()
    assert (
        i18n.t("de-Sie", "polls.vote_ok", number=3, choice="Ja") == "✅ Ihre Stimme für Umfrage #3 zählt: Ja."
    )
    assert i18n.t("de-Sie", "polls.votes", n=2) == i18n.t("de", "polls.votes", n=2) == "2 Stimmen"
    assert i18n.t("en", "polls.vote_ok", number=3, choice="Yes").startswith("✅ Your vote")
    assert i18n.pick("de-Sie", {"de": "Hallo", "en": "Hello"}) == "Hallo"
    assert i18n.pick("de-Sie", {"de": "Hallo", "de-Sie": "Guten Tag", "en": "Hello"}) == "Guten Tag"


@pytest.mark.parametrize(
    ("text", "addresses"),
    [
        ("Schreib mir bitte eine Nachricht.", True),
        ("Eine Umfrage starte bitte im Raum.", True),
        ("Bitte prüfe Tag und Monat.", True),
        ("Kennt ihr das? Dann meldet euch.", True),
        ("Wähle eine Nummer von 1 bis 3.", True),
        ("Die Umfrage ist beendet.", False),
        ("Passt alles? Dann los.", False),
        ("Bitte eine Zahl von 2 bis 5.", False),
        ("Einträge in `{dir}`", False),
        ("Schreiben Sie mir eine Nachricht.", False),
    ],
)
def test_detector_examples(text: str, addresses: bool) -> None:
    assert (du_form(text) is not None) == addresses, du_form(text)


def _figures(rows: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(1 for truth, pred in rows if truth and pred)
    fp = sum(1 for truth, pred in rows if pred and not truth)
    fn = sum(1 for truth, pred in rows if truth and not pred)
    return {
        "texts": len(rows),
        "addressing": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
    }


def detector_figures() -> dict[str, dict[str, float]]:
    """Detector vs. the hand-made overlays (a text addresses the reader iff it has a Sie form)."""
    _load()
    parts: dict[str, list[tuple[bool, bool]]] = {"dev": [], "held_out": []}
    for key, texts in i18n._CATALOGUE.items():
        part = "held_out" if key.startswith(HELD_OUT_KEYS) else "dev"
        parts[part].append((_sie(key, keyed=True) is not None, du_form(texts["de"]) is not None))
    for text, where in keyless_german().items():
        part = "dev" if where.startswith(DEV_SOURCES) else "held_out"
        parts[part].append((_sie(text, keyed=False) is not None, du_form(text) is not None))
    return {part: _figures(rows) for part, rows in parts.items()}


def test_detector_on_texts_it_was_not_developed_on() -> None:
    """Retro, Meet-and-Learn and FAQ texts: a missed "du" would slip through test (a) unnoticed if the
    overlay missed it too; a false alarm costs a line in ``NOT_ADDRESSING``. Both must stay rare."""
    figures = detector_figures()
    print(figures)
    held = figures["held_out"]
    assert held["texts"] > 300 and held["addressing"] > 60
    assert held["recall"] >= 0.9 and held["precision"] >= 0.85
