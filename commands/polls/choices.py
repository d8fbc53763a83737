"""Reading a typed vote: ``!stimme 3 2`` / ``1,3`` / an option's name, ``!punkte 3 E-Akte=3 2=1``.

Turns the words into answer ids (or a points allocation) or refuses with a message that says what was
wrong and lists the options to pick from.
"""

from __future__ import annotations

import re

from bot.context import Context
from bot.framework import UserError, fold, shorten
from bot.render import escape_md
from commands.polls import msc3381, names
from commands.polls.present import points_example
from storage.polls import Poll

NONE_WORDS = {"keine", "keins", "nichts", "none", "nothing", "-", "0"}


def parse_choices(ctx: Context, poll: Poll, words: list[str]) -> list[str]:
    """``2`` / ``1,3`` / ``1 3`` / an option's text / ``keine`` → answer ids (empty = withdraw)."""
    text = " ".join(words).strip()
    folded = fold(text)
    if folded in NONE_WORDS:
        return []
    for i, option in enumerate(poll.options):
        if fold(option) == folded:
            return [msc3381.answer_id(i)]
    if not re.fullmatch(r"[#\d,;\s]+", text):  # a name or the beginning of one: "E-Akte", "ki"
        try:
            return [msc3381.answer_id(names.resolve_option(text, poll.options))]
        except names.NameProblem as problem:
            raise option_problem(ctx, poll, problem) from None
    chosen: list[str] = []
    for part in filter(None, re.split(r"[,;\s]+", text)):
        cleaned = part.lstrip("#")
        if not cleaned.isdigit() or not 1 <= int(cleaned) <= len(poll.options):
            raise UserError(
                ctx.t(
                    "polls.bad_choice",
                    value=escape_md(shorten(part, 40)),
                    number=poll.number,
                    count=len(poll.options),
                )
            )
        answer = msc3381.answer_id(int(cleaned) - 1)
        if answer not in chosen:
            chosen.append(answer)
    if len(chosen) > poll.max_selections:
        raise UserError(
            ctx.t("polls.too_many_choices", number=poll.number, max=poll.max_selections, got=len(chosen))
        )
    return chosen


def option_problem(ctx: Context, poll: Poll, problem: names.NameProblem) -> UserError:
    """Unknown or ambiguous option name: say which, and list the options to pick from."""
    if problem.kind == "ambiguous":
        listed = ", ".join(f"{i + 1}. {escape_md(poll.options[i])}" for i in problem.candidates)
        key = "polls.option_ambiguous"
    else:
        listed = ", ".join(f"{i + 1}. {escape_md(option)}" for i, option in enumerate(poll.options))
        key = "polls.option_unknown"
    return UserError(
        ctx.t(key, value=escape_md(shorten(problem.name, 40)), number=poll.number, options=listed)
    )


def parse_points(ctx: Context, poll: Poll, words: list[str]) -> dict[str, int]:
    """``1=3 4=2`` or ``E-Akte=3 KI im Amt=2`` → {"1": 3, "2": 2}; refuses what it cannot read, unknown or
    ambiguous options and overspending (see ``commands.polls.names``)."""
    text = " ".join(words).strip()
    if fold(text) in NONE_WORDS:
        return {}
    budget = poll.points or 0
    example = points_example(budget, len(poll.options))
    try:
        pairs = names.split_allocation(text)
    except names.Unreadable as exc:
        raise UserError(
            ctx.t("polls.bad_points", value=escape_md(shorten(exc.part or text, 40)), number=poll.number)
        ) from None
    allocation: dict[str, int] = {}
    for name, amount in pairs:
        if name.lstrip("#").isdigit() and not 1 <= int(name.lstrip("#")) <= len(poll.options):
            raise UserError(
                ctx.t(
                    "polls.points_unknown_option",
                    value=int(name.lstrip("#")),
                    number=poll.number,
                    count=len(poll.options),
                )
            )
        try:
            index = names.resolve_option(name, poll.options)
        except names.NameProblem as problem:
            raise option_problem(ctx, poll, problem) from None
        answer = msc3381.answer_id(index)
        allocation[answer] = allocation.get(answer, 0) + amount
    total = sum(allocation.values())
    if total > budget:
        raise UserError(
            ctx.t("polls.points_over_budget", got=total, budget=budget, number=poll.number, example=example)
        )
    return {answer: amount for answer, amount in allocation.items() if amount}
