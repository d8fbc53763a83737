"""Evaluation across several independent knowledge bases, each with its own question set.

Figures measured on the KB a system was tuned on flatter it; a coordinator's real KB is written
by someone else. So ``sets.yaml`` names several sets, each with a *role*: ``dev`` sets may be
looked at while tuning, ``heldout`` sets are only reported. The report prints every set on its
own line and the spread (min/max) per role, so a gain on the dev sets that does not carry over
shows at once. See ``docs/faq-eval.md``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from commands.faq.evaluate import EvalReport, evaluate, load_cases
from commands.faq.kb import load_kb

ROLES = ("dev", "heldout")


@dataclass(frozen=True)
class EvalSet:
    name: str
    kb: Path
    questions: Path
    role: str


@dataclass(frozen=True)
class SetResult:
    set: EvalSet
    entries: int
    report: EvalReport

    def values(self) -> dict[str, float]:
        """The columns of the issue's table, as fractions."""
        f, o = self.report.ours, self.report.outcomes
        d = (o.answerable if o else 0) or 1
        return {
            "top-1": f.top1,
            "rec@3": f.recall3,
            "abstain": f.abstain_accuracy,
            "falseabs": f.false_abstain,
            "right": (o.answered_right / d) if o else 0.0,
            "offered": (o.offered_right / d) if o else 0.0,
            "wrong": (o.answered_wrong / d) if o else 0.0,
            "nohelp": (o.unhelped / d) if o else 0.0,
            "bm25 top-1": self.report.baseline.top1,
        }


COLUMNS = ("top-1", "rec@3", "abstain", "falseabs", "right", "offered", "wrong", "nohelp", "bm25 top-1")


def load_sets(path: str | os.PathLike[str]) -> list[EvalSet]:
    """Read the manifest; paths are relative to it. Raises ValueError with the set's name on mistakes."""
    manifest = Path(path)
    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{manifest}: expected a mapping 'name: {{kb, questions, role}}'")
    sets: list[EvalSet] = []
    for name, spec in data.items():
        if not isinstance(spec, dict) or not {"kb", "questions"} <= spec.keys():
            raise ValueError(f"{manifest}: set '{name}' needs 'kb' and 'questions'")
        role = str(spec.get("role", "heldout"))
        if role not in ROLES:
            raise ValueError(f"{manifest}: set '{name}' has role '{role}', expected one of {ROLES}")
        base = manifest.parent
        sets.append(EvalSet(str(name), base / str(spec["kb"]), base / str(spec["questions"]), role))
    return sets


def run_sets(sets: Sequence[EvalSet]) -> list[SetResult]:
    results = []
    for s in sets:
        kb = load_kb(s.kb)
        if not kb.entries:
            raise ValueError(f"set '{s.name}': no entries in {s.kb}")
        results.append(SetResult(s, len(kb.entries), evaluate(kb, load_cases(s.questions))))
    return results


def _header() -> str:
    return f"{'set':<16} {'role':<8} {'n':>4} " + " ".join(f"{c:>10}" for c in COLUMNS)


def _line(label: str, role: str, n: str, values: dict[str, str]) -> str:
    return f"{label:<16} {role:<8} {n:>4} " + " ".join(f"{values[c]:>10}" for c in COLUMNS)


def format_sets(results: Sequence[SetResult], failures: bool = False) -> str:
    lines = [_header()]
    for r in results:
        v = r.values()
        lines.append(
            _line(r.set.name, r.set.role, str(r.report.ours.questions), {c: f"{v[c]:.1%}" for c in COLUMNS})
        )
    lines.append("")
    for role in ROLES:
        group = [r.values() for r in results if r.set.role == role]
        if not group:
            continue
        spread = {c: f"{min(g[c] for g in group):.0%}–{max(g[c] for g in group):.0%}" for c in COLUMNS}
        lines.append(_line(f"spread {role}", role, str(len(group)), spread))
    lines += [
        "",
        "top-1/rec@3 over answerable questions; abstain = accuracy of the abstain decision over all",
        "questions; falseabs = answerable questions wrongly abstained; right/offered/wrong/nohelp =",
        "what askers of answerable questions get (right answer, right entry among those offered,",
        "wrong answer, no help).",
        "Only 'dev' sets may be looked at while tuning; 'heldout' figures are the honest ones.",
    ]
    if failures:
        for r in results:
            if r.set.role != "dev" or not r.report.failures:
                continue
            lines += ["", f"failures in {r.set.name} (question | expected | decision | top 3):"]
            for f in r.report.failures:
                lines.append(f"  {f.case.question} | {f.case.expected or 'NONE'} | {f.decision} | {f.got}")
    return "\n".join(lines)
