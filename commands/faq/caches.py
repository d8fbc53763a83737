"""Per-index caches of the query path: idf-weighted postings per term, and entries' weighted questions.

Both are pure functions of the index's postings and idf, kept once computed because common words
recur in most questions (their postings list most of a large KB) and every shortlisted entry's
question is weighed again for reverse coverage. They hold references to the index's own dicts, so
the index only has to :meth:`clear` them when it changes those (a learned phrasing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

#: bound on cached terms; a KB's question vocabulary is far smaller, so this only guards against abuse
_MAX_TERMS = 5000


class _QuestionTerm(Protocol):
    term: str
    parts: tuple[str, ...]


WeightedQuestion = tuple[float, list[tuple[str, float, tuple[str, ...]]]]


class TermHits:
    """{entry: idf * field weight} per term, over the index's (mutable) postings and idf."""

    def __init__(self, postings: dict[str, dict[int, float]], idf: dict[str, float]) -> None:
        self._postings = postings
        self._idf = idf
        self._cache: dict[str, dict[int, float]] = {}

    def clear(self) -> None:
        self._cache.clear()

    def term(self, term: str) -> dict[int, float]:
        """The term's products, kept once computed. The returned map is shared: callers only read it."""
        hits = self._cache.get(term)
        if hits is None:
            p = self._postings.get(term)
            w = self._idf.get(term, 0.0)
            hits = {doc: w * fw for doc, fw in p.items()} if p else {}
            if len(self._cache) >= _MAX_TERMS:
                self._cache.clear()
            self._cache[term] = hits
        return hits

    def form(self, terms: tuple[str, ...]) -> dict[int, float]:
        """Idf-weighted field weight of each entry holding a form's terms (summed over its terms).

        A one-term form (most of them) returns its term's products as they are: no accumulator.
        """
        if len(terms) == 1:
            return self.term(terms[0])
        acc: dict[int, float] = defaultdict(float)
        for t in terms:
            for doc, v in self.term(t).items():
                acc[doc] += v
        return acc


class QuestionWeights:
    """Each entry's phrasings as (idf sum, [(term, idf, parts)]), skipping those without weight."""

    def __init__(self, questions: Sequence[Sequence[Sequence[_QuestionTerm]]], idf: dict[str, float]) -> None:
        self._questions = questions
        self._idf = idf
        self._cache: dict[int, list[WeightedQuestion]] = {}

    def clear(self) -> None:
        self._cache.clear()

    def of(self, doc: int) -> list[WeightedQuestion]:
        cached = self._cache.get(doc)
        if cached is None:
            idf = self._idf
            cached = []
            for terms in self._questions[doc]:
                weighted = [(t.term, idf.get(t.term, 0.0), t.parts) for t in terms]
                norm = sum(w for _, w, _ in weighted)
                if norm > 0:
                    cached.append((norm, weighted))
            self._cache[doc] = cached
        return cached
