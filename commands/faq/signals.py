"""Second opinions on a shortlist: a character n-gram ranking and a plain BM25 ranking.

The concept engine (:mod:`commands.faq.retrieval`) is one view of a question. Two views built in
a different way make mistakes in different places: character n-grams of the words (TF-IDF,
cosine) catch spellings, inflections and compounds without any word list, and BM25 over raw
words weighs term frequency and entry length, which the concept engine ignores. Where all three
put the same entry first, that entry is right far more often than its score alone says
(docs/faq-eval.md), so their agreement feeds the decision; the n-gram view also refines the
ranking itself.

Both are scored only for the concept engine's shortlist (a few dozen entries), so the cost per
question stays a few hundred dictionary lookups however large the KB is.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from commands.faq.analysis import normalise
from commands.faq.kb import Entry

_WORD = re.compile(r"[^\W_]+")
_MIN_N, _MAX_N = 3, 5
#: the answer text counts half as much as the entry's questions and tags for the n-gram view
_ANSWER_SHARE = 0.5
_BM25_K1, _BM25_B = 1.2, 0.75


def char_grams(text: str) -> Counter[str]:
    """Character 3- to 5-grams of each normalised word, with word boundaries marked by spaces."""
    out: Counter[str] = Counter()
    for word in _WORD.findall(normalise(text[:20_000])):
        padded = f" {word[:40]} "
        for n in range(_MIN_N, _MAX_N + 1):
            for i in range(len(padded) - n + 1):
                out[padded[i : i + n]] += 1
    return out


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text[:20_000]))


class SecondOpinions:
    """Character n-gram and BM25 scores of given entries for a question (index positions = KB order)."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        n = max(1, len(entries))
        raw: list[dict[str, float]] = []
        df: Counter[str] = Counter()
        self._tf: list[Counter[str]] = []
        self._lengths: list[int] = []
        wdf: Counter[str] = Counter()
        for e in entries:
            own = " ".join((*e.questions, *e.tags))
            vec: dict[str, float] = {}
            for gram, c in char_grams(own).items():
                vec[gram] = 1.0 + math.log(c)
            for gram, c in char_grams(e.answer).items():
                vec[gram] = vec.get(gram, 0.0) + _ANSWER_SHARE * (1.0 + math.log(c))
            raw.append(vec)
            df.update(vec.keys())
            toks = words(f"{own} {e.answer}")
            tf = Counter(toks)
            self._tf.append(tf)
            self._lengths.append(len(toks))
            wdf.update(tf.keys())
        self._gram_idf = {g: math.log((n + 1) / (d + 0.5)) for g, d in df.items()}
        self._vectors: list[dict[str, float]] = []
        for vec in raw:
            weighted = {g: v * self._gram_idf[g] for g, v in vec.items()}
            norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
            self._vectors.append({g: v / norm for g, v in weighted.items()})
        self._word_idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in wdf.items()}
        self._avg = (sum(self._lengths) / n) or 1.0

    def char_scores(self, question: str, docs: Sequence[int]) -> list[float]:
        """Cosine of the question's n-gram TF-IDF vector with each entry's, in ``docs`` order."""
        idf = self._gram_idf
        query = {g: (1.0 + math.log(c)) * idf[g] for g, c in char_grams(question).items() if g in idf}
        norm = math.sqrt(sum(v * v for v in query.values())) or 1.0
        items = sorted(query.items())  # a fixed order: float sums must not depend on the hash seed
        out = []
        for doc in docs:
            vec = self._vectors[doc]
            out.append(sum(v * vec.get(g, 0.0) for g, v in items) / norm)
        return out

    def bm25_scores(self, question: str, docs: Sequence[int]) -> list[float]:
        """Okapi BM25 over raw words (no stemming, no stop words), in ``docs`` order."""
        terms = sorted({w for w in words(question) if w in self._word_idf})
        out = []
        for doc in docs:
            tf, length = self._tf[doc], self._lengths[doc]
            norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * length / self._avg)
            score = 0.0
            for t in terms:
                f = tf.get(t)
                if f:
                    score += self._word_idf[t] * f * (_BM25_K1 + 1) / (f + norm)
            out.append(score)
        return out
