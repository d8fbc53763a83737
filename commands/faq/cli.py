"""Command-line entry for the FAQ tools (hooked in as ``lotsenbot faq ...``).

Lets KB authors check their files and try questions without a running bot.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from commands.faq.decision import Decision, Match
from commands.faq.evalsets import format_sets, load_sets, run_sets
from commands.faq.evaluate import evaluate, format_report, load_cases
from commands.faq.kb import load_kb
from commands.faq.learneval import format_learning, run_learning
from commands.faq.retrieval import FaqIndex

DEFAULT_SETS = Path(__file__).resolve().parents[2] / "tests" / "data" / "faq" / "sets.yaml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lotsenbot faq", description="FAQ knowledge base tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check the knowledge base; exit 1 if there are problems")
    p.add_argument("--kb", required=True, help="knowledge base directory")

    p = sub.add_parser("ask", help="show ranked matches and the answer/unsure/none decision")
    p.add_argument("--kb", required=True, help="knowledge base directory")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("-k", type=int, default=3, help="number of matches to show (default 3)")
    p.add_argument("question", nargs="+", help="the question")

    p = sub.add_parser(
        "eval", help="evaluate on one KB + TSV question set, or on every set of a manifest (the default)"
    )
    p.add_argument("--kb", help="knowledge base directory (together with --questions)")
    p.add_argument("--questions", help="TSV file: question<TAB>expected_id[<TAB>split]")
    p.add_argument(
        "--sets",
        default=str(DEFAULT_SETS),
        help="manifest of evaluation sets with dev/heldout roles (default: tests/data/faq/sets.yaml)",
    )
    p.add_argument("--failures", action="store_true", help="also list the questions the engine got wrong")
    p.add_argument(
        "--learning",
        action="store_true",
        help="simulate learning from use on half of each set's questions and report the other half",
    )
    return parser


def _match_json(m: Match) -> dict[str, object]:
    return {
        "id": m.entry.id,
        "question": m.entry.question,
        "score": round(m.score, 4),
        "features": {k: round(v, 4) for k, v in m.features.items()},
    }


def _decision_json(question: str, d: Decision) -> dict[str, object]:
    return {
        "question": question,
        "decision": d.kind,
        "best": d.best.entry.id if d.best else None,
        "alternatives": [m.entry.id for m in d.alternatives],
        "matches": [_match_json(m) for m in d.matches],
    }


def _eval_sets(args: argparse.Namespace, out: TextIO) -> int:
    """Every set of the manifest: the figures per set, or (``--learning``) before/after learning from use."""
    try:
        sets = load_sets(args.sets)
        text = format_learning(run_learning(sets)) if args.learning else None
        text = text or format_sets(run_sets(sets), failures=args.failures)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=out)
        return 2
    print(text, file=out)
    return 0


def main(argv: list[str], out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on usage errors
        return int(exc.code or 0)

    if args.command == "eval" and (args.learning or not (args.kb or args.questions)):
        return _eval_sets(args, out)
    if args.command == "eval" and not (args.kb and args.questions):
        print("error: --kb and --questions go together (or give neither to use --sets)", file=out)
        return 2

    kb = load_kb(args.kb)

    if args.command == "validate":
        for problem in kb.problems:
            print(problem, file=out)
        if kb.problems:
            print(f"{len(kb.problems)} problem(s) in {args.kb}", file=out)
            return 1
        print(f"OK: {len(kb.entries)} entries, {len(kb.synonyms)} synonym groups", file=out)
        return 0

    if args.command == "ask":
        question = " ".join(args.question)
        index = FaqIndex.build(kb)
        decision = index.decide(question, k=max(1, args.k))
        if args.json:
            print(json.dumps(_decision_json(question, decision), ensure_ascii=False, indent=2), file=out)
            return 0
        if not decision.matches:
            print("no match", file=out)
        for rank, m in enumerate(decision.matches, start=1):
            print(f"{rank}. {m.score:.3f}  {m.entry.id}: {m.entry.question}", file=out)
        th = index.thresholds
        bands = f"abstain < {th.abstain:.2f} <= unsure < {th.confident:.2f} <= answer"
        print(f"decision: {decision.kind} ({bands})", file=out)
        if decision.kind == "answer" and decision.alternatives:
            print("close seconds: " + ", ".join(m.entry.id for m in decision.alternatives), file=out)
        return 0

    if args.command == "eval":
        try:
            cases = load_cases(args.questions)
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=out)
            return 2
        report = evaluate(kb, cases)
        print(f"{len(kb.entries)} entries, {len(cases)} questions", file=out)
        print(format_report(report, failures=args.failures), file=out)
        return 0

    return 2  # pragma: no cover - argparse enforces the sub-commands


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
