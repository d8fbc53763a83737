"""Does learning from use help? A simulation that keeps the questions it learns from apart from the test.

Each set's questions are split into two halves by position (even lines "use", odd lines "test"; the files
group questions by topic, so both halves ask about every entry). The "use" half is asked one by one of
an index that learns the way the bot does in the chat:

- a confident answer with the wrong entry (or to a question the KB does not answer) gets a 👎, which
  weakens that question→entry pairing (``FaqIndex.add_mismatch``);
- "not sure" with the right entry among the offered ones: the asker picks it (``!faq 2``), and the
  question becomes a learned phrasing of that entry (``FaqIndex.add_phrasing``);
- "no answer" to an answerable question: a coordinator answers it with the right entry
  (``!faq antworten <Nr> --eintrag <id>``), which is a learned phrasing too.

Then the "test" half is evaluated on the index as built from the KB alone and on the learned one. Every
asker is assumed to react (100 % participation), so the "after" figures are an upper bound for the same
amount of use. Settings are developed on the ``dev`` sets only; ``heldout`` figures are reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from commands.faq.evalsets import COLUMNS, EvalSet, SetResult
from commands.faq.evaluate import EvalCase, evaluate, load_cases
from commands.faq.kb import load_kb
from commands.faq.retrieval import FaqIndex

SHOWN = ("top-1", "rec@3", "abstain", "falseabs", "right", "offered", "wrong", "nohelp")
assert set(SHOWN) <= set(COLUMNS)


@dataclass(frozen=True)
class LearningResult:
    set: EvalSet
    learned: Counter[str]  # 'downvote', 'choice', 'coordinator'
    before: SetResult
    after: SetResult
    #: the "use" half asked again after learning: what learning does for the very questions it saw
    again_before: SetResult
    again_after: SetResult


def halves(cases: Sequence[EvalCase]) -> tuple[list[EvalCase], list[EvalCase]]:
    """(use, test): even and odd positions."""
    return list(cases[0::2]), list(cases[1::2])


def simulate(index: FaqIndex, cases: Sequence[EvalCase]) -> Counter[str]:
    """Ask every question and react as an asker or a coordinator would; the index learns in place."""
    learned: Counter[str] = Counter()
    for c in cases:
        d = index.decide(c.question, k=3)
        if d.kind == "answer" and d.best is not None:
            if d.best.entry.id != c.expected and index.add_mismatch(d.best.entry.id, c.question):
                learned["downvote"] += 1
        elif d.kind == "unsure":
            offered = {m.entry.id for m in d.choices}
            if c.expected in offered and index.add_phrasing(c.expected, c.question):
                learned["choice"] += 1
        elif c.expected is not None and index.add_phrasing(c.expected, c.question):
            learned["coordinator"] += 1
    return learned


def run_learning(sets: Sequence[EvalSet]) -> list[LearningResult]:
    results = []
    for s in sets:
        kb = load_kb(s.kb)
        use, test = halves(load_cases(s.questions))
        learning = FaqIndex.build(kb)
        learned = simulate(learning, use)
        before = SetResult(s, len(kb.entries), evaluate(kb, test, keep_failures=False))
        after = SetResult(s, len(kb.entries), evaluate(kb, test, index=learning, keep_failures=False))
        again_before = SetResult(s, len(kb.entries), evaluate(kb, use, keep_failures=False))
        again = SetResult(s, len(kb.entries), evaluate(kb, use, index=learning, keep_failures=False))
        results.append(LearningResult(s, learned, before, after, again_before, again))
    return results


def format_learning(results: Sequence[LearningResult]) -> str:
    head = f"{'set':<16} {'role':<8} {'':<7} {'n':>4} " + " ".join(f"{c:>9}" for c in SHOWN)
    lines = [head]
    for r in results:
        rows = (
            ("before", r.before),
            ("after", r.after),
            ("again-", r.again_before),
            ("again+", r.again_after),
        )
        for label, res in rows:
            v = res.values()
            cells = " ".join(f"{v[c]:>9.1%}" for c in SHOWN)
            lines.append(
                f"{r.set.name:<16} {r.set.role:<8} {label:<7} {res.report.ours.questions:>4} {cells}"
            )
        lines.append(
            f"{'':<30} learned from the other half: {r.learned['choice']} choices, "
            f"{r.learned['coordinator']} coordinator answers, {r.learned['downvote']} 👎"
        )
    lines += [
        "",
        "Each set's questions split by position: even lines are 'used' (asked, with the reactions the bot",
        "learns from: 👎 on a wrong answer, the right choice picked, a coordinator assigning the entry to an",
        "open question), odd lines are the test: before/after learning. again-/again+ ask the used half",
        "itself again, before/after (the same questions, so no test of generalisation). Every asker reacts.",
    ]
    return "\n".join(lines)
