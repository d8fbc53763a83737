"""Pure functions of the retro feature: formats, categories, rating statistics, similarity and trends.

Nothing here touches the database or Matrix, so the rules that decide what people see (which categories a
format has, how an average is rounded, which items count as similar, when a question "is the same" as an
earlier one) are tested directly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import snowballstemmer

from bot.framework import fold, unquote

# ------------------------------------------------------------------------------------------- formats

FORMATS: dict[str, dict[str, tuple[str, ...]]] = {
    "sss": {"de": ("Start", "Stop", "Weitermachen"), "en": ("Start", "Stop", "Continue")},
    "4l": {
        "de": ("Gefallen", "Gelernt", "Gefehlt", "Gewünscht"),
        "en": ("Liked", "Learned", "Lacked", "Longed for"),
    },
    "msg": {"de": ("Wütend", "Traurig", "Froh"), "en": ("Mad", "Sad", "Glad")},
}
FORMAT_CHOICES = ("sss", "4l", "msg", "custom")
DEFAULT_FORMAT = "sss"

MIN_CATEGORIES, MAX_CATEGORIES = 1, 8
MAX_CATEGORY_CHARS = 40
MAX_QUESTIONS = 12
MAX_QUESTION_CHARS = 300
MAX_TITLE_CHARS = 200
MAX_ITEM_CHARS = 1000
MAX_ITEMS_PER_MESSAGE = 20

SKIP_WORDS = frozenset({"weiter", "ueberspringen", "skip", "next", "-"})
DONE_WORDS = frozenset({"fertig", "beenden", "done", "finish"})


class RetroInputError(ValueError):
    """Bad input to a pure function; ``key`` and ``values`` become the German/English message."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def categories_for(fmt: str, custom: str | None, lang: str) -> list[str]:
    """The categories of a new retro; ``--kategorien`` alone implies ``custom``."""
    if custom is not None and fmt not in ("custom", ""):
        raise RetroInputError("retro.err.format_and_categories", format=fmt)
    if custom is None and fmt == "custom":
        raise RetroInputError("retro.err.custom_needs_categories")
    if custom is not None:
        return parse_categories(custom)
    names = FORMATS[fmt or DEFAULT_FORMAT]
    return list(names.get(lang) or names["de"])


def parse_categories(text: str) -> list[str]:
    """``"Lob; Kritik; Ideen"`` → three names; numbers and interview words are refused as names."""
    names = [" ".join(part.split()) for part in text.split(";")]
    names = [n for n in names if n]
    if not MIN_CATEGORIES <= len(names) <= MAX_CATEGORIES:
        raise RetroInputError("retro.err.category_count", min=MIN_CATEGORIES, max=MAX_CATEGORIES)
    seen: set[str] = set()
    for name in names:
        key = fold(name)
        if len(name) > MAX_CATEGORY_CHARS:
            raise RetroInputError("retro.err.category_long", name=name[:40], max=MAX_CATEGORY_CHARS)
        if key.isdigit() or key in SKIP_WORDS or key in DONE_WORDS:
            raise RetroInputError("retro.err.category_reserved", name=name)
        if key in seen:
            raise RetroInputError("retro.err.category_twice", name=name)
        seen.add(key)
    return names


def match_category(categories: Sequence[str], word: str) -> int | None:
    """A category by number (1-based), by name, or by an unambiguous beginning ("weiter" → Weitermachen)."""
    key = fold(word.strip())
    if key.isdigit():
        index = int(key) - 1
        return index if 0 <= index < len(categories) else None
    folded = [fold(c) for c in categories]
    if key in folded:
        return folded.index(key)
    starts = [i for i, c in enumerate(folded) if c.startswith(key)] if len(key) >= 2 else []
    return starts[0] if len(starts) == 1 else None


def split_answer(text: str) -> list[str]:
    """One interview answer → items: each non-empty line is one item; list bullets are dropped."""
    items = []
    for line in text.splitlines():
        cleaned = re.sub(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+", "", line)
        cleaned = " ".join(unquote(cleaned).split())
        if cleaned:
            items.append(cleaned)
    return items


def parse_rating(text: str) -> int | None:
    """``4``, ``4/5``, ``4 von 5``, ``4.`` → 4; anything else → None."""
    m = re.fullmatch(r"\s*([1-5])\s*(?:(?:/|von|of|aus)\s*5)?\s*[.!]?\s*", text, flags=re.IGNORECASE)
    return int(m.group(1)) if m else None


# ----------------------------------------------------------------------------------- rating statistics


@dataclass(frozen=True)
class RatingStats:
    count: int
    distribution: tuple[int, int, int, int, int]  # how many said 1, 2, 3, 4, 5

    @property
    def average(self) -> float | None:
        if not self.count:
            return None
        return sum((i + 1) * n for i, n in enumerate(self.distribution)) / self.count


def rating_stats(values: Iterable[int]) -> RatingStats:
    dist = [0, 0, 0, 0, 0]
    for value in values:
        if not 1 <= value <= 5:
            raise ValueError(f"rating out of range: {value}")
        dist[value - 1] += 1
    return RatingStats(sum(dist), (dist[0], dist[1], dist[2], dist[3], dist[4]))


def decimal(value: float, lang: str = "de", digits: int = 1) -> str:
    """4.25 → "4,3" in German: half-up like people round by hand, not banker's rounding of a float."""
    quantum = Decimal(1).scaleb(-digits)
    text = str(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))
    return text.replace(".", ",") if lang != "en" else text


def distribution_lines(stats: RatingStats, width: int = 12) -> list[str]:
    """Monospace bars, 5 at the top like a school grade scale read upwards: ``4 ██████······  3``."""
    biggest = max(stats.distribution) or 1
    lines = []
    for value in range(5, 0, -1):
        n = stats.distribution[value - 1]
        filled = round(width * n / biggest)
        lines.append(f"{value} {'█' * filled}{'·' * (width - filled)} {n}")
    return lines


# ------------------------------------------------------------------------------------------ similarity

STOPWORDS = frozenset(
    """
    der die das den dem des ein eine einen einem einer eines und oder aber auch als an am auf aus bei bis
    da dass denn doch durch fuer gegen hat hatte haben ich ihr im in ins ist es er sie wir man mit nach nicht
    noch nur ob ohne so sehr sind sich sollte sollten statt um unter uns unser unsere viel viele vom von vor
    war waren was weil wenn wie wieder wird werden wo zu zum zur mehr weniger immer mal schon dann hier
    the a an and or of to in on for with is are be we it this that
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("german")


def word_stems(text: str) -> frozenset[str]:
    """Content words of an item, folded and stemmed, so "Termine" and "Terminen" meet."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    kept = [w for w in words if w not in STOPWORDS and len(w) > 1]
    return frozenset(_stemmer().stemWords(kept))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Word overlap (Jaccard) of two stem sets; 0 when either is empty."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Entry:
    text: str
    count: int  # identical texts (after folding) are shown once with a count


def group_similar(texts: Iterable[str], threshold: float = 0.3) -> list[list[Entry]]:
    """Identical items merged, similar ones in one group, groups largest first; input order is ignored.

    Sorting first makes the result deterministic and hides the order in which items were written.
    """
    merged: dict[str, Entry] = {}
    for text in sorted(texts, key=lambda t: (fold(t), t)):
        key = " ".join(re.findall(r"\w+", fold(text)))
        if key in merged:
            merged[key] = Entry(merged[key].text, merged[key].count + 1)
        else:
            merged[key] = Entry(text, 1)
    groups: list[tuple[list[Entry], list[frozenset[str]]]] = []
    for entry in merged.values():
        stems = word_stems(entry.text)
        best, best_score = None, 0.0
        for group in groups:
            score = max(similarity(stems, other) for other in group[1])
            if score > best_score:
                best, best_score = group, score
        if best is not None and best_score >= threshold:
            best[0].append(entry)
            best[1].append(stems)
        else:
            groups.append(([entry], [stems]))
    ordered = sorted(groups, key=lambda g: -sum(e.count for e in g[0]))  # stable: ties keep sorted order
    return [sorted(g[0], key=lambda e: -e.count) for g in ordered]  # the most named item leads its group


# ------------------------------------------------------------------------------------------------ trend


def normalize_question(text: str) -> str:
    """The identity of a rating question across retros: case, umlauts, punctuation and spacing ignored."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def trend_text(previous: Sequence[float], current: float, lang: str = "de", keep: int = 3) -> str:
    """``4,1 → 4,4``: up to ``keep`` earlier averages (oldest first) and the current one."""
    values = [*previous[-keep:], current]
    return " → ".join(decimal(v, lang) for v in values)


# ----------------------------------------------------------------------------------------------- time


def remaining_parts(delta: timedelta) -> tuple[str, int]:
    """("days", 2) for "noch 2 Tage": the largest whole unit, rounded to the nearest, at least 1."""
    seconds = max(0, delta.total_seconds())
    if seconds >= 36 * 3600:
        return "days", round(seconds / 86400)
    if seconds >= 90 * 60:
        return "hours", round(seconds / 3600)
    return "minutes", max(1, round(seconds / 60))
