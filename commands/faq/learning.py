"""Learning from use: a confirmed question teaches its entry new words, a 👎 weakens a pairing.

- An asker picks an offered entry (``!faq 2``), or a coordinator answers an open question with an entry
  (``!faq antworten 3 --eintrag jitsi``): the question becomes a learned *phrasing* of that entry.
- A 👎 on an answer makes a *mismatch*: questions like that one score lower for that entry, so they are
  offered the choices instead of a wrong answer. Taking the 👎 back takes the mismatch back; a 👎 on an
  answer the asker picked also takes back the phrasing that pick taught.

What is kept, and why it is enough: the wording and the entry, how often, and the day (``FaqLearned``) —
not who asked, where, or a link to the question log. The learned data lives in the database, not in the
coordinators' KB files; coordinators see it with ``!faq gelernt`` and remove a piece with
``!faq vergessen``. New evidence is applied to the running index after its transaction has committed (a
few postings, no rebuild); a removal rebuilds the index from the KB on the next question.
"""

from __future__ import annotations

import logging

from bot.context import Context
from commands.faq import runtime, store
from commands.faq.analysis import tokenise
from storage.db import after_commit

log = logging.getLogger(__name__)


async def record(ctx: Context, entry_id: str, kind: str, text: str, source: str) -> None:
    """Store one piece of evidence and, once committed, teach the running index."""
    if not tokenise(text):
        return  # nothing a question could be found by: "2", "??"
    row = await store.learn(ctx.session, entry_id, kind, text, source, ctx.now().astimezone(ctx.tz).date())
    log.info("FAQ learned a %s for %s (%s)", kind, entry_id, source)
    holder = runtime.holder(ctx)
    clean = row.text

    async def teach() -> None:
        current = await holder.current()
        if current.learned:  # otherwise the next question loads everything from the database anyway
            runtime.apply(current.index, entry_id, kind, clean, 1)

    after_commit(ctx.session, teach)


async def retract(ctx: Context, entry_id: str, kind: str, text: str) -> None:
    """Take one piece of evidence back; the index is rebuilt on the next question."""
    if await store.unlearn(ctx.session, entry_id, kind, text):
        rebuild_after_commit(ctx)


def rebuild_after_commit(ctx: Context) -> None:
    """Once committed, drop the learned index: the next question rebuilds it from the KB and the database."""
    holder = runtime.holder(ctx)

    async def rebuild() -> None:
        holder.forget_learning()

    after_commit(ctx.session, rebuild)


async def on_vote(
    ctx: Context, question_id: int | None, entry_id: str | None, value: int, *, undo: bool
) -> None:
    """A 👎 (or its redaction) on the bot's answer with ``entry_id`` to question ``question_id``."""
    if value >= 0 or entry_id is None:
        return  # 👍 confirms what retrieval already found; a coordinator's own answer has no entry
    asked = await store.question(ctx.session, question_id)
    if asked is None:
        return
    picked = asked.outcome == "picked" and asked.entry_id == entry_id
    if undo:
        await retract(ctx, entry_id, "mismatch", asked.question)
        if picked:
            await record(ctx, entry_id, "phrasing", asked.question, "choice")
    else:
        await record(ctx, entry_id, "mismatch", asked.question, "feedback")
        if picked:  # the asker's own choice did not help after all
            await retract(ctx, entry_id, "phrasing", asked.question)
