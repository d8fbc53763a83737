"""General German synonyms from OpenThesaurus, so a KB needs no synonym list of its own.

The data comes from the Debian package ``openthesaurus-de-text`` (one synonym set per line,
``;``-separated; installed by ``./dev setup`` and ``.ci/run``). Nothing is fetched at run time. If the
file is missing the FAQ still works, only without these synonyms (logged once).

Only what generalises is kept: nouns (single words and two-word terms), without annotations such as
``(ugs.)``; very large sets are dropped because they join words that share just a loose theme.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from commands.faq import colloquial

log = logging.getLogger(__name__)

DEFAULT_PATH = Path("/usr/share/openthesaurus-de/openthesaurus.txt")
ENV_PATH = "LOTSENBOT_THESAURUS"  # another file in the same format (or "" to switch it off)
MAX_SET = 12  # larger sets ('Anzeige', 'Schirm', 'Display', …) are themes, not synonyms
_ANNOTATION = re.compile(r"\([^)]*\)")
_SKIP = ("(vulg.)", "(derb)", "(veraltet)", "(Jargon)", "(abwertend)")


def thesaurus_path() -> Path | None:
    value = os.environ.get(ENV_PATH)
    if value is not None:
        return Path(value) if value else None
    return DEFAULT_PATH


def parse(lines: list[str]) -> list[tuple[str, ...]]:
    """Synonym sets as tuples of plain terms (annotations removed, unusable members dropped)."""
    sets: list[tuple[str, ...]] = []
    for line in lines:
        if not line or line.startswith("#"):
            continue
        members = line.rstrip("\n").split(";")
        if len(members) > MAX_SET:
            continue
        terms: list[str] = []
        for raw in members:
            if any(s in raw for s in _SKIP):
                continue
            term = " ".join(_ANNOTATION.sub(" ", raw).split())
            # nouns only: verb and adjective sets mix too many senses ('krank' ~ 'fehlen', 'hohl')
            if term and len(term.split()) <= 2 and term[0].isupper():
                terms.append(term)
        terms = list(dict.fromkeys(terms))
        if len(terms) > 1:
            sets.append(tuple(terms))
    return sets


@cache
def _load(path: Path | None) -> list[tuple[str, ...]]:
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("FAQ: German thesaurus not available (%s): searching without general synonyms", exc)
        return []
    return parse(text.splitlines())


Normaliser = Callable[[str], str]
_ENDINGS = ("s", "es", "e", "en", "n", "er", "ern")


class Synonyms:
    """Lookup from a normalised word to its synonyms (as written in the thesaurus).

    Keyed by the surface word, not the stem, so building it is one pass over the file; the few
    synonyms a question needs are stemmed when they are used.
    """

    def __init__(self, sets: list[tuple[str, ...]], normalise: Normaliser) -> None:
        self._by_word: dict[str, list[str]] = {}
        for terms in sets:
            for term in terms:
                if " " in term:
                    continue  # a two-word term is found from its partner word, not looked up itself
                bucket = self._by_word.setdefault(normalise(term), [])
                bucket.extend(t for t in terms if t != term and t not in bucket)

    def __len__(self) -> int:
        return len(self._by_word)

    def get(self, word: str) -> list[str]:
        """Synonyms of ``word`` (normalised), also when it carries a plural or case ending."""
        found = self._by_word.get(word)
        if found is None:
            for end in _ENDINGS:
                if word.endswith(end) and len(word) - len(end) >= 4:
                    found = self._by_word.get(word[: -len(end)])
                    if found is not None:
                        break
        return found or []


@cache
def _synonyms(path: Path | None, normalise: Normaliser) -> Synonyms:
    return Synonyms([*_load(path), *colloquial.groups()], normalise)


def general_synonyms(normalise: Normaliser) -> Synonyms:
    """The process-wide synonym table (built once, on first use)."""
    return _synonyms(thesaurus_path(), normalise)


@cache
def _lexicon(path: Path | None, normalise: Callable[[str], str]) -> dict[str, bool]:
    words: dict[str, bool] = {}
    for terms in _load(path):
        for term in terms:
            if " " in term or not term.isalpha():
                continue
            key = normalise(term)
            # German capitalises nouns: a word seen capitalised in any set counts as a noun
            words[key] = words.get(key, False) or term[0].isupper()
    return words


def general_lexicon(normalise: Callable[[str], str]) -> dict[str, bool]:
    """Single German words from the thesaurus (normalised) -> whether it is a noun."""
    return _lexicon(thesaurus_path(), normalise)
