"""General German knowledge for words a knowledge base does not contain.

A coordinator's KB is small, so many words of a question are unknown to it. The OpenThesaurus
word list (see :mod:`commands.faq.thesaurus`) knows ~60,000 German nouns, which gives two things
no per-KB list can:

- compounds split even when the KB knows only one part: 'passwortrichtlinie' ->
  'passwort' | 'richtlinie', 'zwangsneustart' -> 'zwang' | 'neustart';
- whether an unknown word is a noun. The topic of a question is its nouns; an unknown word that is
  no noun ('bekomm', 'krieg', 'verschwitzt') is mostly colloquial filler and weighs less.

Lookups only, nothing to build beyond the word list itself, so the first answer is not delayed.
"""

from __future__ import annotations

from functools import lru_cache

from commands.faq.thesaurus import general_lexicon

#: weight of an unknown word that is no noun, relative to an unknown noun
NON_NOUN = 0.5
_LINKERS = ("", "s", "es", "n", "en", "e", "er")
_ENDINGS = ("", "s", "e", "en", "n", "er", "ern", "es")
_MIN_PART = 4
_MAX_WORD = 40


def _lexicon() -> dict[str, bool]:
    from commands.faq.analysis import normalise

    return general_lexicon(normalise)


def _noun(word: str, lexicon: dict[str, bool], endings: tuple[str, ...]) -> str | None:
    for end in endings:
        if end and not word.endswith(end):
            continue
        base = word[: len(word) - len(end)] if end else word
        if len(base) >= _MIN_PART and lexicon.get(base):
            return base
    return None


@lru_cache(maxsize=50_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Two nouns a compound is made of ('zwangsneustart' -> ('zwang', 'neustart')), or ().

    Of all cuts the most balanced wins, so 'passwortrichtlinie' gives 'passwort' | 'richtlinie'
    rather than a short word glued to a long rest.
    """
    if not 2 * _MIN_PART <= len(word) <= _MAX_WORD or not word.isalpha():
        return ()  # an endless 'word' would cost a slice per cut
    lexicon = _lexicon()
    if _noun(word, lexicon, _ENDINGS):
        return ()  # a word of its own ('passwort' is no 'pass' | 'wort')
    best: tuple[int, tuple[str, ...]] | None = None
    for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
        tail = _noun(word[cut:], lexicon, _ENDINGS)
        if tail is None:
            continue
        for link in _LINKERS:
            head = word[:cut]
            if link:
                if not head.endswith(link):
                    continue
                head = head[: -len(link)]
            if len(head) >= _MIN_PART and lexicon.get(head):
                balance = min(len(head), len(tail))
                if best is None or balance > best[0]:
                    best = (balance, (head, tail))
                break
    return best[1] if best else ()


@lru_cache(maxsize=50_000)
def unknown_weight(word: str) -> float:
    """Factor for the weight of a question word the KB does not know (1 = counts fully)."""
    if len(word) > _MAX_WORD:
        return 1.0
    lexicon = _lexicon()
    if _noun(word, lexicon, _ENDINGS) or split_compound(word):
        return 1.0  # a noun: the topic of the question, even if the KB never mentions it
    return NON_NOUN
