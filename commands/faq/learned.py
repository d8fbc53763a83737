"""What the FAQ learned from use, for coordinators: `!faq gelernt` lists it, `!faq vergessen` removes one.

How evidence is recorded and applied is in ``learning.py``.
"""

from __future__ import annotations

import difflib
import logging

from bot.context import Context
from bot.framework import Arg, Int, Perm, Text, UserError, command
from bot.render import escape_md
from commands.faq import learning, runtime, store
from commands.faq.present import one_line, short
from commands.faq.texts import FAQ
from storage.faq import FaqLearned

log = logging.getLogger(__name__)

LIST_LIMIT = 30


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
    learning.rebuild_after_commit(ctx)
    log.info("FAQ learned item %d for %s removed by %s", nr, entry_id, ctx.sender)
    await ctx.reply(ctx.t("faq.learned_forgotten", text=escape_md(one_line(short(text, 200))), id=entry_id))
