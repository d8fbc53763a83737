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
#: the answer text counts half as much as the entry's questions and tags for the n-gram view, and
#: only its beginning (where it names its topic): that bounds the build cost per entry; on the dev
#: sets the whole answer, 400 or 150 characters or none gave top-1 within one question
_ANSWER_SHARE = 0.5
_ANSWER_CHARS = 400
_BM25_K1, _BM25_B = 1.2, 0.75


def _word_grams(word: str) -> tuple[str, ...]:
    padded = f" {word[:40]} "
    return tuple(padded[i : i + n] for n in range(_MIN_N, _MAX_N + 1) for i in range(len(padded) - n + 1))


_GRAM_CACHE: dict[str, tuple[str, ...]] = {}


def char_grams(text: str) -> Counter[str]:
    """Character 3- to 5-grams of each normalised word, with word boundaries marked by spaces."""
    out: Counter[str] = Counter()
    for word, count in Counter(_WORD.findall(normalise(text[:20_000]))).items():
        grams = _GRAM_CACHE.get(word)
        if grams is None:
            grams = _word_grams(word)
            if len(_GRAM_CACHE) > 200_000:
                _GRAM_CACHE.clear()
            _GRAM_CACHE[word] = grams
        for gram in grams:
            out[gram] += count
    return out


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text[:20_000]))


def _tf_weight(count: int) -> float:
    return 1.0 + math.log(count)


class SecondOpinions:
    """Character n-gram and BM25 scores of given entries for a question (index positions = KB order)."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        n = max(1, len(entries))
        self._grams: list[dict[str, float]] = []  # sublinear term frequency, idf applied at query time
        df: Counter[str] = Counter()
        self._tf: list[Counter[str]] = []
        self._lengths: list[int] = []
        wdf: Counter[str] = Counter()
        for e in entries:
            own = " ".join((*e.questions, *e.tags))
            vec = {g: _tf_weight(c) for g, c in char_grams(own).items()}
            for g, c in char_grams(e.answer[:_ANSWER_CHARS]).items():
                vec[g] = vec.get(g, 0.0) + _ANSWER_SHARE * _tf_weight(c)
            self._grams.append(vec)
            df.update(vec.keys())
            tf = Counter(words(f"{own} {e.answer}"))
            self._tf.append(tf)
            self._lengths.append(sum(tf.values()))
            wdf.update(tf.keys())
        idf = self._gram_idf = {g: math.log((n + 1) / (d + 0.5)) for g, d in df.items()}
        self._norms = [
            math.sqrt(sum((v * idf[g]) ** 2 for g, v in vec.items())) or 1.0 for vec in self._grams
        ]
        self._word_idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in wdf.items()}
        self._avg = (sum(self._lengths) / n) or 1.0

    def char_scores(self, question: str, docs: Sequence[int]) -> list[float]:
        """Cosine of the question's n-gram TF-IDF vector with each entry's, in ``docs`` order."""
        idf = self._gram_idf
        query = {g: _tf_weight(c) * idf[g] for g, c in char_grams(question).items() if g in idf}
        # fsum is exact, so the result does not depend on the (hash-seeded) order of the grams
        qnorm = math.sqrt(math.fsum(v * v for v in query.values())) or 1.0
        # idf twice: once for the question's vector, once for the entry's (applied once per question,
        # not once per entry; the same products in the same order, so the same result to the bit)
        twice = {g: v * idf[g] for g, v in query.items()}
        out = []
        for doc in docs:
            vec = self._grams[doc]
            # a C-level intersection (it walks the smaller side): only shared grams are summed
            dot = math.fsum([twice[g] * vec[g] for g in twice.keys() & vec.keys()])
            out.append(dot / (qnorm * self._norms[doc]))
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
