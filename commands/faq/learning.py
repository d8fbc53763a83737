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

import difflib
import logging

from bot.context import Context
from bot.framework import Arg, Int, Perm, Text, UserError, command
from bot.render import escape_md
from commands.faq import runtime, store
from commands.faq.analysis import tokenise
from commands.faq.present import one_line, short
from commands.faq.texts import FAQ
from storage.db import after_commit
from storage.faq import FaqLearned

log = logging.getLogger(__name__)

LIST_LIMIT = 30


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
        _rebuild_after_commit(ctx)


def _rebuild_after_commit(ctx: Context) -> None:
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


# ------------------------------------------------------------------------------------ coordinators


@command(
    "faq gelernt",
    "faq learned",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={
        "de": "Zeigt, was ich aus Auswahl, Antworten und 👎 gelernt habe (je Eintrag).",
        "en": "Shows what I learned from choices, answers and 👎 (per entry).",
    },
    args=[Arg("eintrag", Text(), optional=True, label={"de": "Eintrag", "en": "entry"})],
    examples=["!faq gelernt", "!faq gelernt jitsi"],
    details={
        "de": "Ohne Eintrag: welche Einträge wie viel gelernt haben. Mit Eintrag: die gelernten "
        "Formulierungen (ihre neuen Wörter finden jetzt den Eintrag) und die Fragen, auf die der Eintrag "
        "ein 👎 bekam (ähnliche Fragen bekommen ihn nur noch zur Auswahl). Gespeichert ist nur der "
        "Wortlaut, nicht wer gefragt hat. `!faq vergessen <Nr>` entfernt eins davon.",
        "en": "Without an entry: which entries learned how much. With an entry: the learned phrasings "
        "(their new words now find the entry) and the questions it got a 👎 for (similar questions only "
        "get it offered). Only the wording is stored, not who asked. `!faq forget <no>` removes one.",
    },
)
async def faq_gelernt(ctx: Context, eintrag: str | None) -> None:
    if eintrag is None:
        rows = await store.learned(ctx.session)
        await ctx.reply(_overview(ctx, rows))
        return
    snapshot = await runtime.snapshot(ctx)
    entry_id = eintrag.strip().lower()
    if snapshot.kb.get(entry_id) is None:
        close = difflib.get_close_matches(entry_id, sorted(snapshot.kb.ids), n=1)
        hint = ctx.t("faq.unknown_entry_hint", id=close[0]) if close else ""
        raise UserError(ctx.t("faq.unknown_entry", id=escape_md(eintrag), hint=hint))
    rows = await store.learned(ctx.session, entry_id)
    await ctx.reply(_details(ctx, entry_id, rows))


def _overview(ctx: Context, rows: list[FaqLearned]) -> str:
    if not rows:
        return ctx.t("faq.learned_none")
    per_entry: dict[str, list[int]] = {}
    for row in rows:
        counts = per_entry.setdefault(row.entry_id, [0, 0])
        counts[0 if row.kind == "phrasing" else 1] += 1
    lines = [ctx.t("faq.learned_title")]
    for entry_id, (phrasings, mismatches) in sorted(per_entry.items()):
        lines.append(ctx.t("faq.learned_entry", id=entry_id, phrasings=phrasings, mismatches=mismatches))
    lines += ["", ctx.t("faq.learned_hint", example=f"{ctx.prefix}faq gelernt {sorted(per_entry)[0]}")]
    return "\n".join(lines)


def _details(ctx: Context, entry_id: str, rows: list[FaqLearned]) -> str:
    if not rows:
        return ctx.t("faq.learned_entry_none", id=entry_id)
    lines = [ctx.t("faq.learned_entry_title", id=entry_id)]
    for kind in ("phrasing", "mismatch"):
        group = [r for r in rows if r.kind == kind]
        if not group:
            continue
        lines += ["", ctx.t("faq.learned_phrasings" if kind == "phrasing" else "faq.learned_mismatches")]
        for row in group[:LIST_LIMIT]:
            lines.append(
                ctx.t(
                    "faq.learned_line",
                    number=row.id,
                    text=escape_md(short(row.text, 200)),
                    count=row.count,
                    source=ctx.t(f"faq.learned_source_{row.source}"),
                    day=row.learned_on.strftime("%d.%m.%Y"),
                )
            )
        if len(group) > LIST_LIMIT:
            lines.append(ctx.t("faq.open_more", count=len(group) - LIST_LIMIT))
    lines += ["", ctx.t("faq.learned_forget_hint", example=f"{ctx.prefix}faq vergessen {rows[0].id}")]
    return "\n".join(lines)


@command(
    "faq vergessen",
    "faq forget",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={
        "de": "Entfernt etwas Gelerntes (Nummer aus `!faq gelernt <Eintrag>`).",
        "en": "Removes something learned (number from `!faq learned <entry>`).",
    },
    args=[Arg("nr", Int(1), label={"de": "Nr", "en": "no"})],
    examples=["!faq vergessen 12"],
)
async def faq_vergessen(ctx: Context, nr: int) -> None:
    row = await store.learned_by_id(ctx.session, nr)
    if row is None:
        raise UserError(ctx.t("faq.learned_unknown", number=nr))
    text, entry_id = row.text, row.entry_id
    await store.remove_learned(ctx.session, row)
    _rebuild_after_commit(ctx)
    log.info("FAQ learned item %d for %s removed by %s", nr, entry_id, ctx.sender)
    await ctx.reply(ctx.t("faq.learned_forgotten", text=escape_md(one_line(short(text, 200))), id=entry_id))
