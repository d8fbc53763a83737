"""Plain BM25 baseline: lower-cased word tokens, nothing German-specific.

It exists only to show what the German-aware engine adds; the bot does not use it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from commands.faq.decision import Match
from commands.faq.kb import Entry

_WORD = re.compile(r"\w+")


def bm25_tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class Bm25Index:
    """Okapi BM25 over question, alternatives, tags and answer of each entry as one document.

    ``Match.score`` is the raw BM25 score divided by the best score the query could reach
    (every term in a document at saturation), which puts it in [0, 1] without calibration.
    """

    def __init__(self, entries: Sequence[Entry], k1: float = 1.2, b: float = 0.75) -> None:
        self.entries = list(entries)
        self.k1, self.b = k1, b
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        for doc, e in enumerate(self.entries):
            toks = bm25_tokens(" ".join([*e.questions, *e.tags, e.answer]))
            self._lengths.append(len(toks))
            for term, tf in Counter(toks).items():
                self._postings[term].append((doc, tf))
        n = max(1, len(self.entries))
        self._avg = (sum(self._lengths) / n) or 1.0
        self._idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self._postings.items()}

    @classmethod
    def build(cls, entries: Sequence[Entry]) -> Bm25Index:
        return cls(entries)

    def search(self, question: str, k: int = 3) -> list[Match]:
        # sorted, and ties by KB order: a set's order changes with the hash seed, and so did the sums
        terms = sorted(set(bm25_tokens(question[:20_000])))
        scores: dict[int, float] = defaultdict(float)
        k1, b = self.k1, self.b
        for t in terms:
            idf = self._idf.get(t)
            if idf is None:
                continue
            for doc, tf in self._postings[t]:
                norm = k1 * (1 - b + b * self._lengths[doc] / self._avg)
                scores[doc] += idf * tf * (k1 + 1) / (tf + norm)
        ceiling = sum(self._idf.get(t, 0.0) for t in terms) * (k1 + 1) or 1.0
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [Match(self.entries[d], min(1.0, s / ceiling), {"bm25": s}) for d, s in ranked]
