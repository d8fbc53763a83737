"""Fit the answer check's logistic weights on the *dev* sets: ``python -m commands.faq.verifyfit``.

The answer check (:class:`commands.faq.decision.AnswerCheck`) estimates whether an answer the scores
call confident is right, from the match's features and the entry check (commands/faq/verify.py).
Only sets with role ``dev`` in ``tests/data/faq/sets.yaml`` are read; the held-out sets never are.
The example is each question's best match: 1 when it is the expected entry, 0 when it is another
entry or the KB does not answer the question at all.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path

from commands.faq.decision import AnswerCheck
from commands.faq.evalsets import load_sets
from commands.faq.evaluate import load_cases
from commands.faq.kb import load_kb
from commands.faq.retrieval import FaqIndex
from commands.faq.verify import checker

SETS = Path(__file__).resolve().parents[2] / "tests" / "data" / "faq" / "sets.yaml"


def examples(sets_path: Path = SETS) -> tuple[list[list[float]], list[float]]:
    xs: list[list[float]] = []
    ys: list[float] = []
    for s in load_sets(sets_path):
        if s.role != "dev":
            continue
        index = FaqIndex.build(load_kb(s.kb))
        for case in load_cases(s.questions):
            matches = index.search(case.question, k=3)
            if not matches:
                continue
            best = matches[0]
            xs.append(AnswerCheck.inputs(best, checker(index, case.question)(best)))
            ys.append(1.0 if best.entry.id == case.expected else 0.0)
    return xs, ys


def fit(xs: Sequence[Sequence[float]], ys: Sequence[float], l2: float = 1.0) -> list[float]:
    """Logistic regression by Newton's method, L2 on the weights (not the bias); [bias, *weights]."""
    rows = [[1.0, *x] for x in xs]
    k = len(rows[0])
    w = [0.0] * k
    for _ in range(30):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y in zip(rows, ys, strict=True):
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, sum(a * b for a, b in zip(w, x, strict=True))))))
            for i in range(k):
                grad[i] += (p - y) * x[i]
                for j in range(k):
                    hess[i][j] += p * (1 - p) * x[i] * x[j]
        for i in range(1, k):
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
    return w


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a handful of unknowns)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[c][c]:
                f = m[r][c] / m[c][c]
                for j in range(c, n + 1):
                    m[r][j] -= f * m[c][j]
    return [m[i][n] / m[i][i] if m[i][i] else 0.0 for i in range(n)]


def main() -> int:
    xs, ys = examples()
    w = fit(xs, ys)
    names = ("bias", *AnswerCheck.FEATURES)
    print(", ".join(f"{n}={v:.3f}" for n, v in zip(names, w, strict=True)), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
