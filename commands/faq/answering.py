"""Answering a question: a confident answer, a choice of entries, or an honest "no answer".

A question arrives as ``!faq <Frage>`` (or ``!frage``), or through the message hook in
``addressing.py``. The engine decides between a confident answer, a choice of up to three entries
("Ich bin nicht sicher") and an honest "no answer"; the last is logged for the coordinators and, if
``[features.faq] escalation_room`` is set, forwarded there (``curation.py`` answers it back).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import timedelta

from bot.context import Context
from bot.framework import Arg, Rest, command, fold
from bot.render import escape_md
from commands.faq import learning, runtime, store
from commands.faq.analysis import tokenise
from commands.faq.decision import Decision, Match
from commands.faq.present import render_answer, render_choices, who
from commands.faq.texts import FAQ
from storage.faq import FaqQuestion, FaqUnanswered

log = logging.getLogger(__name__)

CHOICES_VALID = timedelta(days=1)  # after that `!faq 2` no longer refers to an old question
MAX_QUESTION_CHARS = 1000  # longer messages are not questions; a pasted text must not be "answered"


@command(
    "faq",
    "ask",
    "frage",
    group=FAQ,
    help={
        "de": "Beantwortet eine Frage aus der Wissensdatenbank.",
        "en": "Answers a question from the knowledge base.",
    },
    args=[Arg("frage", Rest(), optional=True, label={"de": "Frage", "en": "question"})],
    examples=["!faq Wie bekomme ich einen Jitsi-Raum?", "!frage Was ist das OZG?", "!faq 2"],
    details={
        "de": "Auch ohne Befehl: eine Nachricht, die mit `?` beginnt, eine Frage per Direktnachricht an "
        "mich oder eine Nachricht, die mich erwähnt. Bin ich unsicher, biete ich bis zu drei Fragen an – "
        "`!faq 2` wählt die zweite. 👍/👎 auf eine Antwort hilft, die Wissensdatenbank zu verbessern.",
        "en": "Also without a command: a message starting with `?`, a question in a direct message to me, "
        "or a message mentioning me. When I am unsure I offer up to three questions – `!faq 2` picks the "
        "second. 👍/👎 on an answer helps to improve the knowledge base.",
    },
)
async def faq(ctx: Context, frage: str | None) -> None:
    await ask(ctx, frage or "", "command")


async def ask(ctx: Context, text: str, via: str, *, question_like: bool = True) -> None:
    """Answer, offer choices or admit there is no answer; every outcome is logged for the statistics."""
    question = " ".join(text.split())
    if not question:
        snapshot = await runtime.snapshot(ctx)
        await ctx.reply(ctx.t("faq.intro", entries=len(snapshot.kb.entries)))
        return
    number = choice_number(question)
    if number is not None:
        if not await pick(ctx, number):
            await ctx.reply(ctx.t("faq.no_choices"))
        return
    question = question[:MAX_QUESTION_CHARS]
    snapshot = await runtime.snapshot(ctx)
    if not snapshot.kb.entries:
        await ctx.reply(ctx.t("faq.kb_empty"))
        return
    decision = snapshot.index.decide(question, k=3)
    if decision.kind == "none" and (not question_like or not tokenise(question)):
        # "Bin morgen nicht da" in a DM: no question, so nothing for the statistics or the coordinators
        await ctx.reply(ctx.t("faq.none") + " " + ctx.t("faq.none_not_question"))
        return
    row = await store.log_question(
        ctx.session,
        FaqQuestion(
            asked_at=ctx.now(),
            question=question,
            via=via,
            outcome=decision.kind,
            entry_id=decision.best.entry.id if decision.kind == "answer" and decision.best else None,
            score=round(decision.best.score, 4) if decision.best else None,
        ),
    )
    if decision.kind == "answer" and decision.best is not None:
        await _answer(ctx, row, decision)
    elif decision.kind == "unsure" and decision.best is not None:
        await _unsure(ctx, row, decision)
    else:
        await _no_answer(ctx, row, question)


def choice_number(text: str) -> int | None:
    """'2', '#2', '2.' pick the second offered question; anything else is a question."""
    m = re.fullmatch(r"#?\s*(\d{1,2})\s*[.)]?", text.strip())
    return int(m.group(1)) if m else None


async def _answer(ctx: Context, row: FaqQuestion, decision: Decision) -> None:
    assert decision.best is not None
    also = [m.entry for m in decision.alternatives]
    event_id = await ctx.reply(render_answer(ctx, decision.best.entry, also))
    store.add_reply(ctx.session, event_id, row.id, decision.best.entry.id)
    await _offer(ctx, row, [decision.best, *decision.alternatives] if also else [])


async def _unsure(ctx: Context, row: FaqQuestion, decision: Decision) -> None:
    choices = list(decision.choices)[:3]
    await ctx.reply(render_choices(ctx, choices))
    await _offer(ctx, row, choices)


async def _offer(ctx: Context, row: FaqQuestion, matches: Sequence[Match]) -> None:
    """Remember what `!faq <n>` refers to for this person in this room (the latest offer wins).

    An answer without alternatives clears an older offer, so `!faq 2` never refers to a question
    asked before the last one.
    """
    ids = [m.entry.id for m in matches]
    await store.set_choice(ctx.session, ctx.room_id, ctx.sender, row.id, ids, ctx.now())


async def pick(ctx: Context, number: int) -> bool:
    """Answer with the n-th offered entry; False if nothing was offered here recently."""
    found = await store.choice(ctx.session, ctx.room_id, ctx.sender)
    if found is None or ctx.now() - found.offered_at > CHOICES_VALID:
        return False
    if not 1 <= number <= len(found.entry_ids):
        await ctx.reply(ctx.t("faq.choice_range", count=len(found.entry_ids)))
        return True
    entry_id = found.entry_ids[number - 1]
    snapshot = await runtime.snapshot(ctx)
    entry = snapshot.kb.get(entry_id)
    if entry is None:
        await ctx.reply(ctx.t("faq.choice_gone", id=entry_id))
        return True
    event_id = await ctx.reply(render_answer(ctx, entry))
    question = await store.question(ctx.session, found.question_id)
    if question is not None:
        question.outcome, question.entry_id = "picked", entry.id
        await learning.record(ctx, entry.id, "phrasing", question.question, "choice")
    store.add_reply(ctx.session, event_id, found.question_id, entry.id)
    return True


async def _no_answer(ctx: Context, row: FaqQuestion, question: str) -> None:
    """Honest "no answer"; the question is kept for the coordinators and forwarded if configured."""
    folded = fold(question)
    for earlier, text in await store.open_of_sender(ctx.session, ctx.sender):
        if fold(text) == folded:  # asking the same thing twice must not bother anyone twice
            key = "faq.none_escalated" if earlier.escalation_event_id else "faq.none_logged"
            await ctx.reply(ctx.t("faq.none") + " " + ctx.t(key, number=earlier.number))
            return
    item = await store.add_unanswered(
        ctx.session,
        question_id=row.id,
        asked_at=ctx.now(),
        room_id=ctx.room_id,
        sender=ctx.sender,
        event_id=ctx.event_id,
        thread_root=ctx.thread_root,
    )
    item.escalation_event_id = await _escalate(ctx, item, question)
    key = "faq.none_escalated" if item.escalation_event_id else "faq.none_logged"
    await ctx.reply(ctx.t("faq.none") + " " + ctx.t(key, number=item.number))


async def _escalate(ctx: Context, item: FaqUnanswered, question: str) -> str | None:
    room_id = await runtime.escalation_room(ctx)
    if room_id is None:
        return None
    if ctx.is_dm:
        where = ctx.t("faq.where_dm")
    else:
        where = ctx.t("faq.where_room", link=f"https://matrix.to/#/{ctx.room_id}/{ctx.event_id or ''}")
    text = ctx.t(
        "faq.escalation",
        number=item.number,
        who=who(ctx, ctx.room_id, ctx.sender),
        where=where,
        question=escape_md(question),
    )
    try:
        return await ctx.say(text, room_id=room_id)
    except Exception:  # the question is logged either way; `!faq offen` still shows it
        log.warning("could not forward FAQ question %d to %s", item.number, room_id, exc_info=True)
        return None
