"""Spelling correction against the KB's own vocabulary (character trigrams + edit distance)."""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable

from commands.faq.analysis import MAX_WORD


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, abandoned early once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        row_min = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            row_min = min(row_min, v)
        if row_min > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _trigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class TypoIndex:
    """Character-trigram index over the KB vocabulary to find near spellings quickly."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted({w for w in words if 4 <= len(w) <= MAX_WORD and w.isalpha()})
        self._grams: dict[str, list[int]] = defaultdict(list)
        for i, w in enumerate(self.words):
            for g in _trigrams(w):
                self._grams[g].append(i)

    @staticmethod
    def max_distance(word: str) -> int:
        return 0 if len(word) < 5 else 1 if len(word) < 9 else 2

    def lookup(self, word: str) -> list[tuple[str, int]]:
        """Nearest known words (same first letter) within the length-dependent edit distance."""
        limit = self.max_distance(word)
        if limit == 0 or len(word) > MAX_WORD:
            return []
        counts: Counter[int] = Counter()
        for g in _trigrams(word):
            counts.update(self._grams.get(g, ()))  # counted in C: common trigrams list thousands of words
        need = max(1, len(word) - 2 - 3 * limit)
        # nsmallest is sorted(...)[:40] (stable too) without sorting every candidate
        ranked = heapq.nsmallest(40, (c for c in counts.items() if c[1] >= need), key=lambda c: -c[1])
        found: list[tuple[str, int]] = []
        for i, _ in ranked:
            cand = self.words[i]
            if cand[0] != word[0]:
                continue
            d = damerau(word, cand, limit)
            if 0 < d <= limit:
                found.append((cand, d))
        if not found:
            return []
        best = min(d for _, d in found)
        return [(w, d) for w, d in found if d == best][:5]
