"""Does a German text address the reader with "du" (or "ihr")? The yardstick of the "de-Sie" tests.

Two signals, both from German grammar rather than from the bot's texts:

* a du/ihr pronoun: du, dich, dir, dein…, euch, euer/eure…;
* a du-imperative: a verb-like word where German puts an imperative — first in its clause (capitalised),
  or lowercase after "bitte", "dann", "oder", "und", "sonst" — or a lowercase word right before "bitte"
  ("starte bitte"). Verb-like means: not a closed-class word (articles, pronouns, prepositions,
  conjunctions, adverbs, modal forms), not ending like a finite 3rd person, participle or infinitive
  (-t, -st, -en, -ern, -eln), and followed by what follows an imperative (an object, "bitte", a
  preposition, a quote or a command) rather than by a verb, a colon or a number. Questions are skipped:
  an imperative never ends in "?".

Developed on the core, help, undo and poll texts (``DEV_SOURCES``); ``tests/unit/test_i18n_sie.py``
reports it on the retro, Meet-and-Learn and FAQ texts, which it was not developed on.
"""

from __future__ import annotations

import re

DEV_SOURCES = ("bot/", "commands/help", "commands/core", "commands/undo", "commands/polls")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PRONOUN = re.compile(r"\b(?:du|dich|dir|dein(?:e[mnrs]?)?|euch|euer|eur(?:e[mnrs]?))\b", re.IGNORECASE)

# Closed-class words that start clauses without being imperatives.
CLOSED = _words(
    """
    der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner keines
    dies diese dieser dieses diesen diesem jede jeder jedes jeden jedem alle allen aller alles
    manche mancher welche welcher welches welchen welchem solche
    ich du er sie es wir ihr mir mich uns ihn ihm ihnen man niemand jemand nichts etwas
    mein meine meinen meinem meiner sein seine seinen seinem seiner ihre ihren ihrem ihrer unser unsere
    mit ohne für gegen bei nach vor seit um zu zum zur von vom aus in im ins an am auf über unter
    zwischen durch bis ab außer statt trotz wegen während neben hinter
    und oder aber denn sondern doch wenn falls weil da als wie ob dass damit sobald solange bevor
    nachdem obwohl also dann sonst danach dazu dafür daher dort hier jetzt gerade schon noch nur auch
    bitte danke ja nein nicht so gleich erst zuerst später heute morgen gestern immer nie oft wieder selbst
    ist sind war waren wird werden hat haben hatte kann können darf dürfen muss müssen soll sollen
    will wollen mag möchte möchten weiß gibt geht steht
    was wer wo wann warum wieso welche wofür womit wozu wohin woher
    mehr weniger viel viele wenig wenige einige mehrere beide andere anderen neu neue
    """
)
# What can follow an imperative: an object, a particle, a preposition, a quote or a command.
FOLLOWERS = _words("die den das ein eine einen sie es ihn mir mich uns bitte einfach doch mal alles etwas so")
# Adverbs and prepositions follow imperatives too ("Antworte in …", "Stimme so ab"), but also nouns in
# labels ("Stimme für …", "Ergebnis erst nach …"): they count only in a full sentence (ending in "." or
# "!"), not in a fragment.
WEAK_FOLLOWERS = _words(
    """
    in im ins an am auf mit bei nach zu zum zur für von vom aus über unter
    gern gerne ruhig jetzt erst zuerst kurz hier dort noch nur mehr alle
    """
)
CLAUSE = re.compile(r"(?:^|[.!;:–—\n]\s*|[-*]\s+|^\W+\s*)([A-ZÄÖÜ][a-zäöüß]+)\s+(\S+)", re.MULTILINE)
LOWER = re.compile(r"\b((?i:bitte|dann|oder|und|sonst))\s+([a-zäöüß]+)\s+(\S+)")
BEFORE_BITTE = re.compile(r"\b([a-zäöüß]{3,})\s+bitte\b")
PLACEHOLDER = re.compile(r"\{\w*\}")
NOT_VERB_END = re.compile(r"(?:t|st|stens|en|ern|eln|ung|heit|keit|ion|lich|ig|isch)$")


def _verb_like(word: str, follower: str, sentence: str) -> bool:
    low = word.lower()
    if low in CLOSED or len(low) < 3 or NOT_VERB_END.search(low):
        return False
    nxt = follower.strip("„“\"'*_,.").lower()
    if nxt in WEAK_FOLLOWERS:
        return sentence.rstrip(" _*)`").endswith((".", "!"))
    return nxt in FOLLOWERS or follower[:1] in '„"`'


def _sentences(text: str) -> list[str]:
    """Split into sentences, dropping questions (no imperative ends in "?")."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [p for p in parts if not p.rstrip(" _*)").endswith("?")]


def imperative(text: str) -> str | None:
    """The first du-imperative in ``text``, or None."""
    for sentence in _sentences(text):
        for match in CLAUSE.finditer(sentence):
            if _verb_like(match[1], match[2], sentence):
                return match[1]
        for match in LOWER.finditer(sentence):
            # After "bitte" a lowercase word is a verb: an infinitive (excluded by its ending) or an
            # imperative, whatever follows ("Bitte prüfe Tag und Monat").
            after_bitte = match[1].lower() == "bitte" and not NOT_VERB_END.search(match[2])
            if (after_bitte and match[2] not in CLOSED) or _verb_like(match[2], match[3], sentence):
                return match[2]
        for match in BEFORE_BITTE.finditer(sentence):
            if match[1] not in CLOSED and not NOT_VERB_END.search(match[1]):
                return match[1]
    return None


def du_form(text: str) -> str | None:
    """Why ``text`` addresses the reader informally (the word that shows it), or None."""
    text = PLACEHOLDER.sub("0", text)  # "{dir}" is a value filled in later, not the word "dir"
    pronoun = PRONOUN.search(text)
    if pronoun:
        return pronoun[0]
    return imperative(text)
