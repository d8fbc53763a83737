"""Evaluation of the FAQ engine against the BM25 baseline on a TSV question set.

TSV lines: ``question<TAB>expected_id[<TAB>split]``; ``NONE`` means the bot should abstain,
``#`` starts a comment. The optional split (e.g. ``dev`` / ``holdout``) lets tuning use one part
and report the other honestly.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from commands.faq.bm25 import Bm25Index
from commands.faq.decision import Calibration, Match
from commands.faq.kb import Entry, KnowledgeBase
from commands.faq.retrieval import FaqIndex

NONE = "NONE"


@dataclass(frozen=True)
class EvalCase:
    question: str
    expected: str | None  # None: should abstain
    split: str = "all"
    line: int = 0


@dataclass(frozen=True)
class Figures:
    engine: str
    questions: int
    answerable: int
    off_topic: int
    top1: float  # answerable questions whose first match is right
    recall3: float  # ... whose right entry is among the first three
    mrr: float
    abstain_accuracy: float  # all questions: abstained exactly when it should
    abstain_recall: float  # off-topic questions that were abstained
    false_abstain: float  # answerable questions that were wrongly abstained
    threshold_note: str = ""


@dataclass
class Failure:
    case: EvalCase
    got: list[tuple[str, float]]
    decision: str


@dataclass(frozen=True)
class Outcomes:
    """What askers of answerable questions actually get from the bot (not just the ranking)."""

    answerable: int
    answered_right: int  # a confident answer with the right entry
    offered_right: int  # "Ich bin nicht sicher" with the right entry among the three offered
    answered_wrong: int  # a confident answer with a wrong entry: the costly case
    unhelped: int  # no answer, or an offer without the right entry

    def line(self) -> str:
        d = self.answerable or 1
        return (
            f"what askers get ({self.answerable} answerable): right answer {self.answered_right / d:.1%}, "
            f"right entry offered {self.offered_right / d:.1%}, wrong answer {self.answered_wrong / d:.1%}, "
            f"no help {self.unhelped / d:.1%}"
        )


@dataclass
class EvalReport:
    ours: Figures
    baseline: Figures
    by_split: dict[str, tuple[Figures, Figures]] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    outcomes: Outcomes | None = None

    def format(self) -> str:
        return format_report(self)


def load_cases(path: str | os.PathLike[str]) -> list[EvalCase]:
    cases: list[EvalCase] = []
    for no, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or not cols[0].strip() or not cols[1].strip():
            raise ValueError(f"{path}:{no}: expected 'question<TAB>expected_id[<TAB>split]'")
        expected = cols[1].strip()
        split = cols[2].strip() if len(cols) > 2 and cols[2].strip() else "all"
        cases.append(EvalCase(cols[0].strip(), None if expected == NONE else expected, split, no))
    return cases


Searcher = Callable[[str], list[Match]]


def _ranking_figures(cases: Sequence[EvalCase], ranked: Sequence[list[Match]]) -> tuple[float, float, float]:
    top1 = rec3 = rr = 0.0
    answerable = 0
    for case, matches in zip(cases, ranked, strict=True):
        if case.expected is None:
            continue
        answerable += 1
        ids = [m.entry.id for m in matches]
        if ids[:1] == [case.expected]:
            top1 += 1
        if case.expected in ids[:3]:
            rec3 += 1
        if case.expected in ids:
            rr += 1 / (ids.index(case.expected) + 1)
    d = answerable or 1
    return top1 / d, rec3 / d, rr / d


def _abstain_figures(cases: Sequence[EvalCase], abstained: Sequence[bool]) -> tuple[float, float, float]:
    ok = off = off_ok = ans = false_abs = 0
    for case, a in zip(cases, abstained, strict=True):
        should = case.expected is None
        ok += a == should
        if should:
            off += 1
            off_ok += a
        else:
            ans += 1
            false_abs += a
    return ok / (len(cases) or 1), off_ok / (off or 1), false_abs / (ans or 1)


def _figures(
    name: str,
    cases: Sequence[EvalCase],
    ranked: Sequence[list[Match]],
    abstained: Sequence[bool],
    note: str = "",
) -> Figures:
    top1, rec3, mrr = _ranking_figures(cases, ranked)
    acc, recall, false_abs = _abstain_figures(cases, abstained)
    answerable = sum(1 for c in cases if c.expected is not None)
    return Figures(
        name, len(cases), answerable, len(cases) - answerable, top1, rec3, mrr, acc, recall, false_abs, note
    )


def best_threshold(cases: Sequence[EvalCase], top_scores: Sequence[float]) -> float:
    """Threshold on the top score that maximises abstain accuracy (used for the baseline)."""
    candidates = sorted({0.0, *top_scores, 1.01})
    best_t, best_acc = 0.0, -1.0
    for t in candidates:
        acc, _, _ = _abstain_figures(cases, [s < t for s in top_scores])
        if acc > best_acc:
            best_t, best_acc = t, acc
    return best_t


def evaluate(
    kb: KnowledgeBase | Sequence[Entry],
    cases: Sequence[EvalCase],
    index: FaqIndex | None = None,
    keep_failures: bool = True,
) -> EvalReport:
    """Run both engines on the same cases; the baseline gets its best possible abstain threshold."""
    entries = kb.entries if isinstance(kb, KnowledgeBase) else list(kb)
    ours = index or FaqIndex.build(kb if isinstance(kb, KnowledgeBase) else entries)
    base = Bm25Index.build(entries)

    ours_ranked: list[list[Match]] = []
    ours_abstain: list[bool] = []
    decisions: list[str] = []
    for c in cases:
        d = ours.decide(c.question, k=10)
        ours_ranked.append(list(d.matches))
        ours_abstain.append(d.kind == "none")
        decisions.append(d.kind)
    base_ranked = [base.search(c.question, k=10) for c in cases]
    base_top = [m[0].score if m else 0.0 for m in base_ranked]

    def run(subset: list[int]) -> tuple[Figures, Figures]:
        sc = [cases[i] for i in subset]
        f_ours = _figures(
            "lotsenbot", sc, [ours_ranked[i] for i in subset], [ours_abstain[i] for i in subset]
        )
        tops = [base_top[i] for i in subset]
        t = best_threshold(sc, tops)
        f_base = _figures(
            "bm25",
            sc,
            [base_ranked[i] for i in subset],
            [s < t for s in tops],
            note=f"oracle threshold {t:.3f}",
        )
        return f_ours, f_base

    all_idx = list(range(len(cases)))
    ours_f, base_f = run(all_idx)
    report = EvalReport(ours_f, base_f, outcomes=_outcomes(cases, ours_ranked, decisions))
    splits = sorted({c.split for c in cases})
    if len(splits) > 1:
        for s in splits:
            report.by_split[s] = run([i for i in all_idx if cases[i].split == s])
    if keep_failures:
        for c, ranked, kind in zip(cases, ours_ranked, decisions, strict=True):
            top = ranked[0].entry.id if ranked else None
            wrong = (kind == "none") != (c.expected is None) or (c.expected is not None and top != c.expected)
            if wrong:
                got = [(m.entry.id, round(m.score, 3)) for m in ranked[:3]]
                report.failures.append(Failure(c, got, kind))
    return report


def _outcomes(cases: Sequence[EvalCase], ranked: Sequence[list[Match]], kinds: Sequence[str]) -> Outcomes:
    right = offered = wrong = none = 0
    for case, matches, kind in zip(cases, ranked, kinds, strict=True):
        if case.expected is None:
            continue
        ids = [m.entry.id for m in matches]
        if kind == "answer":
            right += ids[:1] == [case.expected]
            wrong += ids[:1] != [case.expected]
        elif kind == "unsure" and case.expected in ids[:3]:
            offered += 1
        else:
            none += 1
    return Outcomes(right + offered + wrong + none, right, offered, wrong, none)


def _row(f: Figures) -> str:
    return (
        f"{f.engine:<10} {f.questions:>4} {f.top1:>7.1%} {f.recall3:>7.1%} {f.mrr:>6.3f} "
        f"{f.abstain_accuracy:>9.1%} {f.abstain_recall:>9.1%} {f.false_abstain:>9.1%}"
    )


def format_report(report: EvalReport, failures: bool = False) -> str:
    head = (
        f"{'engine':<10} {'n':>4} {'top-1':>7} {'rec@3':>7} {'MRR':>6} "
        f"{'abstain':>9} {'offtopic':>9} {'falseabs':>9}"
    )
    lines = ["[all]", head, _row(report.ours), _row(report.baseline)]
    if report.outcomes is not None:
        lines.append(report.outcomes.line())
    for split, (o, b) in report.by_split.items():
        lines += ["", f"[{split}]", head, _row(o), _row(b)]
    lines += [
        "",
        "top-1/rec@3/MRR over answerable questions; abstain = accuracy of the abstain decision over all;",
        "offtopic = off-topic questions abstained; falseabs = answerable questions wrongly abstained.",
        f"bm25 abstains below its best threshold on each set ({report.baseline.threshold_note}), "
        "which flatters it.",
    ]
    if failures and report.failures:
        lines += ["", "failures (question | expected | decision | top 3):"]
        for f in report.failures:
            lines.append(f"  {f.case.question} | {f.case.expected or NONE} | {f.decision} | {f.got}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- calibration


def fit_calibration(
    index: FaqIndex,
    cases: Sequence[EvalCase],
    candidates: int = 1,
    epochs: int = 4000,
    lr: float = 0.5,
    l2: float = 1e-3,
) -> Calibration:
    """Fit the logistic weights on labelled cases.

    With ``candidates=1`` the example is "is the top match right?", which is exactly what the
    answer/abstain decision needs; larger values also teach the ordering of runners-up.
    """
    xs: list[tuple[float, float, float, float]] = []
    ys: list[float] = []
    for c in cases:
        for m in index.search(c.question, k=candidates):
            f = m.features
            xs.append((f["coverage"], f["reverse"], f["gap"], f["known"]))
            ys.append(1.0 if m.entry.id == c.expected else 0.0)
    w = [0.0] * 5
    n = len(xs) or 1
    for _ in range(epochs):
        grad = [0.0] * 5
        for x, y in zip(xs, ys, strict=True):
            z = w[0] + sum(wi * xi for wi, xi in zip(w[1:], x, strict=True))
            p = 1 / (1 + math.exp(-max(-50, min(50, z))))
            e = p - y
            grad[0] += e
            for i, xi in enumerate(x):
                grad[i + 1] += e * xi
        for i in range(5):
            w[i] -= lr * (grad[i] / n + (l2 * w[i] if i else 0.0))
    return Calibration(bias=w[0], coverage=w[1], reverse=w[2], gap=w[3], known=w[4])
