"""Check an entry against the question: which of the question's words does the entry contain at all?

The retrieval score weighs where a word occurs (an entry's own question counts twice as much as its
answer), which is right for ranking but makes a KB whose entries name the askers' words only in the
answer text look unsure of every match. The check here asks a plainer question of one entry: which
share of the question's content words (with all the forms the engine found for them: stems, compound
parts, synonyms, spelling corrections) occurs anywhere in the entry, its answer included, and how
much of the question hangs on the largest word the entry does *not* contain. A question whose words
are all in the entry, with no heavy word missing, is about that entry even when its score is middling;
one that hinges on a word the entry never mentions is not (the usual hard negative).

It is computed only when the decision is in doubt (about one question in ten on the dev sets), so the
usual answer costs nothing extra. The engine's concept analysis is read, not changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.faq import weights
from commands.faq.decision import Check, EntryCheck, Match

if TYPE_CHECKING:
    from commands.faq.retrieval import FaqIndex

#: a form at least this close to the word (the word itself, its compound parts, a KB synonym) counts
#: fully; weaker forms (a general synonym, a typo correction, another ending) count by their weight
_FULL_FORM = weights.FORM_PARTS


def checker(index: FaqIndex, question: str) -> Check:
    """A function checking one match against ``question``; the question is analysed on first use."""
    concepts: list = []

    def check(match: Match) -> EntryCheck:
        if not concepts:
            concepts.append(index._concepts(question))
        return entry_check(index, concepts[0], index._doc_of[match.entry.id])

    return check


def entry_check(index: FaqIndex, concepts: list, doc: int) -> EntryCheck:
    """Cover and largest miss of one entry (``doc``, its position in the index) for analysed concepts."""
    idf, rare, postings = index._idf, index._idf_unknown, index._postings
    total = sum(c.weight for c in concepts)
    if total <= 0:
        return EntryCheck(0.0, 1.0)
    covered = miss = unknown = 0.0
    for c in concepts:
        best = 0.0
        for terms, form_weight in c.forms:
            norm = sum(idf.get(t, rare) for t in terms) or 1.0
            found = sum(idf.get(t, 0.0) for t in terms if doc in postings.get(t, ()))
            best = max(best, min(1.0, form_weight / _FULL_FORM) * found / norm)
        covered += c.weight * best
        missing = c.weight * (1.0 - best) / total
        miss = max(miss, missing)
        if not c.known:
            unknown = max(unknown, missing)
    return EntryCheck(covered / total, miss, unknown)
