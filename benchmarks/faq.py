"""FAQ benchmark: index build time and answer latency on a synthetic 1,000-entry KB.

Run from the repo root: ``python benchmarks/faq.py [--entries N] [--queries N]``.
The synthetic KB mixes the real KB's words with invented compounds in a Zipf-like distribution,
so the vocabulary is large (as in a real German KB) and compound splitting gets real work.
Also prints the evaluation figures of both engines on the shipped question set.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commands.faq.bm25 import Bm25Index  # noqa: E402
from commands.faq.evaluate import evaluate, format_report, load_cases  # noqa: E402
from commands.faq.kb import Entry, load_kb  # noqa: E402
from commands.faq.retrieval import FaqIndex  # noqa: E402

_SYLLABLES = [
    "ver",
    "wal",
    "tung",
    "an",
    "trag",
    "ge",
    "neh",
    "mi",
    "gung",
    "stadt",
    "amt",
    "bau",
    "kon",
    "to",
    "por",
    "tal",
    "da",
    "ten",
    "schutz",
    "frist",
    "mel",
    "dung",
    "zu",
    "gang",
    "be",
    "richt",
    "stel",
    "le",
    "pla",
    "nung",
    "recht",
    "la",
    "ger",
    "kos",
    "ten",
    "zei",
    "chen",
    "buch",
    "haus",
    "rat",
]


def _vocabulary(rng: random.Random, base: list[str], size: int) -> list[str]:
    words = list(dict.fromkeys(base))
    while len(words) < size:
        roll = rng.random()
        if roll < 0.5:  # compound of two known words, German style
            w = rng.choice(base) + rng.choice(["", "s", "en"]) + rng.choice(base).lower()
        else:  # invented word
            w = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 5)))
        words.append(w.capitalize() if rng.random() < 0.6 else w)
    return words


def _zipf_sampler(rng: random.Random, words: list[str]) -> list[str]:
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(words))]
    order = words[:]
    rng.shuffle(order)

    def sample(n: int) -> list[str]:
        return rng.choices(order, weights=weights, k=n)

    return sample  # type: ignore[return-value]


def synthetic_kb(n: int = 1000, seed: int = 7) -> list[Entry]:
    rng = random.Random(seed)
    real = load_kb(ROOT / "kb").entries
    base = sorted(
        {w.strip(".,;:!?()*„“\"'") for e in real for w in (e.answer + " " + e.question).split()} - {""}
    )
    vocab = _vocabulary(rng, base, 15_000)
    sample = _zipf_sampler(rng, vocab)
    entries = []
    for i in range(n):
        q = " ".join(sample(rng.randint(4, 9))) + "?"
        alt = " ".join(sample(rng.randint(4, 9))) + "?"
        tags = tuple(sample(rng.randint(2, 6)))
        answer = "\n".join(" ".join(sample(rng.randint(8, 20))) + "." for _ in range(rng.randint(3, 8)))
        entries.append(Entry(id=f"syn-{i:04d}", question=q, answer=answer, alternatives=(alt,), tags=tags))
    return entries


def _queries(rng: random.Random, entries: list[Entry], count: int) -> list[str]:
    real_questions = [c.question for c in load_cases(ROOT / "tests/data/faq_eval.tsv")]
    out = []
    for i in range(count):
        kind = i % 3
        if kind == 0:  # paraphrase-ish: a shuffled subset of an entry's question, with a typo
            words = rng.choice(entries).question.rstrip("?").split()
            words = rng.sample(words, k=max(1, len(words) - 2))
            j = rng.randrange(len(words))
            w = words[j]
            if len(w) > 5:
                k = rng.randrange(1, len(w) - 1)
                words[j] = w[:k] + w[k + 1 :]
            out.append(" ".join(words) + "?")
        elif kind == 1:
            out.append(rng.choice(real_questions))
        else:  # unseen words
            out.append("Wie " + "".join(rng.choice(_SYLLABLES) for _ in range(4)) + " ich das?")
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _learned_latency(index: FaqIndex, entries: list[Entry], queries: list[str], count: int) -> None:
    """Teach ``count`` phrasings and ``count`` 👎 pairings (as use would), then time decide() again."""
    rng = random.Random(5)
    t0 = time.perf_counter()
    for i in range(count):
        entry = rng.choice(entries)
        index.add_phrasing(entry.id, f"{rng.choice(queries)} neuwort{i}")
        index.add_mismatch(rng.choice(entries).id, rng.choice(queries))
    per_item = (time.perf_counter() - t0) * 1000 / max(1, 2 * count)
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        index.decide(q)
        lat.append((time.perf_counter() - t0) * 1000)
    print(
        f"after learning {count} phrasings + {count} 👎 ({per_item:.2f} ms each): decide() p50 "
        f"{statistics.median(lat):.2f} ms, p95 {_percentile(lat, 0.95):.2f} ms, max {max(lat):.2f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--learned", type=int, default=300, help="phrasings and 👎 learned, then timed again")
    args = parser.parse_args(argv)

    entries = synthetic_kb(args.entries)
    builds = []
    for _ in range(3):
        t0 = time.perf_counter()
        index = FaqIndex.build(entries)
        builds.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    bm25 = Bm25Index.build(entries)
    bm25_build = time.perf_counter() - t0

    queries = _queries(random.Random(11), entries, args.queries)
    lat, lat_bm25 = [], []
    for q in queries:
        t0 = time.perf_counter()
        index.decide(q)
        lat.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        bm25.search(q)
        lat_bm25.append((time.perf_counter() - t0) * 1000)

    print(f"synthetic KB: {len(entries)} entries, {len(index._postings)} index terms")
    print(
        f"index build: first {builds[0]:.3f} s (cold stem cache), best of 3 {min(builds):.3f} s;"
        f" bm25 {bm25_build:.3f} s"
    )
    print(
        f"decide() over {len(queries)} queries: p50 {statistics.median(lat):.2f} ms, "
        f"p95 {_percentile(lat, 0.95):.2f} ms, max {max(lat):.2f} ms"
    )
    print(
        f"bm25 search():                 p50 {statistics.median(lat_bm25):.2f} ms, "
        f"p95 {_percentile(lat_bm25, 0.95):.2f} ms"
    )
    _learned_latency(index, entries, queries, args.learned)
    huge = {  # the shapes tests/unit/test_faq_retrieval.py checks for an honest decision
        "words": "Reisekostenabrechnung " * 4700,
        "one endless word": "ä" * 100_000,
        "symbols": "🙂 ✓ ẞ ﬁ " * 25_000,
        "hyphenation": "a-" * 50_000,
    }
    timings = []
    for name, blob in huge.items():
        t0 = time.perf_counter()
        index.decide(blob)
        timings.append(f"{name} {(time.perf_counter() - t0) * 1000:.1f} ms")
    print("100 KB questions: " + ", ".join(timings))

    kb = load_kb(ROOT / "kb")
    report = evaluate(kb, load_cases(ROOT / "tests/data/faq_eval.tsv"))
    print()
    print(f"evaluation on the shipped set ({len(kb.entries)} entries):")
    print(format_report(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
