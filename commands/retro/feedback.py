"""Short forms for people who don't want the interview, and reviewing one's own feedback.

All three only work in a DM: in a team room everyone would see who wrote what.
"""

from __future__ import annotations

import re

from bot.context import Context
from bot.framework import Arg, Int, Rest, Text, UserError, command, fold, unquote
from bot.render import code_md, escape_md
from commands.retro import store
from commands.retro.access import participant_retro, require_dm
from commands.retro.analysis import MAX_ITEM_CHARS, match_category
from commands.retro.present import label
from commands.retro.texts import GROUP, PRIVACY, amount
from storage.retro import Retro, RetroItem

NUMBER = Arg("nummer", Int(1), label={"de": "Retro-Nr.", "en": "retro no."})
EDIT_WORDS = frozenset({"aendern", "bearbeiten", "change", "edit"})
DELETE_WORDS = frozenset({"loeschen", "entfernen", "delete", "remove"})


def _clean_item(ctx: Context, text: str) -> str:
    cleaned = " ".join(unquote(text).split())
    if not cleaned:
        raise UserError(ctx.t("retro.err.item_empty"))
    if len(cleaned) > MAX_ITEM_CHARS:
        raise UserError(ctx.t("retro.err.item_long", max=MAX_ITEM_CHARS))
    return cleaned


def _category(ctx: Context, retro: Retro, word: str) -> int:
    index = match_category(retro.categories, word)
    if index is None:
        names = ", ".join(code_md(c) for c in retro.categories)
        raise UserError(ctx.t("retro.err.unknown_category", word=escape_md(word[:40]), names=names))
    return index


@command(
    "feedback",
    group=GROUP,
    help={
        "de": "Im Direktchat: ein Feedback direkt einer Kategorie zuordnen (ohne Interview).",
        "en": "In a DM: add one item to a category directly (no interview).",
    },
    args=[
        NUMBER,
        Arg("kategorie", Text(), label={"de": "Kategorie", "en": "category"}),
        Arg("text", Rest(), label={"de": "Text", "en": "text"}),
    ],
    examples=["!feedback 3 Stop Termine zu kurzfristig", "!feedback 3 2 Weniger Folien"],
    details=PRIVACY,
)
async def feedback(ctx: Context, nummer: int, kategorie: str, text: str) -> None:
    await require_dm(ctx, redact=True)
    retro = await participant_retro(ctx, nummer)
    category = _category(ctx, retro, kategorie)
    item_text = _clean_item(ctx, text)
    author = store.person_hash(retro, ctx.sender)
    [item] = await store.add_items(ctx.session, retro, author, category, [item_text])
    await ctx.reply(
        ctx.t(
            "retro.feedback.noted",
            retro=label(retro),
            category=escape_md(retro.categories[category]),
            seq=item.seq,
            number=retro.number,
        )
    )


@command(
    "bewertung",
    "rating",
    group=GROUP,
    help={
        "de": "Im Direktchat: eine Bewertungsfrage mit 1–5 beantworten (nochmal = ändern).",
        "en": "In a DM: answer a rating question with 1–5 (again = change).",
    },
    args=[
        NUMBER,
        Arg("frage", Int(1), label={"de": "Frage-Nr.", "en": "question no."}),
        Arg("wert", Int(1, 5), label={"de": "1-5", "en": "1-5"}),
    ],
    examples=["!bewertung 3 1 4"],
    details=PRIVACY,
)
async def bewertung(ctx: Context, nummer: int, frage: int, wert: int) -> None:
    await require_dm(ctx, redact=True)
    retro = await participant_retro(ctx, nummer)
    if not retro.questions:
        raise UserError(ctx.t("retro.err.no_questions", number=nummer))
    if frage > len(retro.questions):
        raise UserError(
            ctx.t(
                "retro.err.unknown_question",
                question=frage,
                count=amount(ctx.t, "questions", len(retro.questions)),
            )
        )
    rater = store.person_hash(retro, ctx.sender)
    previous = await store.set_rating(ctx.session, retro, rater, frage - 1, wert)
    key = "retro.rating.changed" if previous is not None and previous != wert else "retro.rating.noted"
    await ctx.reply(
        ctx.t(
            key, value=wert, previous=previous, question=escape_md(retro.questions[frage - 1]), number=nummer
        )
    )


@command(
    "meinfeedback",
    "myfeedback",
    group=GROUP,
    help={
        "de": "Im Direktchat: eigene Beiträge ansehen, ändern oder löschen, solange die Retro läuft.",
        "en": "In a DM: review, change or delete your own items while the retro runs.",
    },
    args=[
        NUMBER,
        Arg("aenderung", Rest(), optional=True, label={"de": "ändern|löschen …", "en": "change|delete …"}),
    ],
    examples=["!meinfeedback 3", "!meinfeedback 3 ändern 2 Neuer Text", "!meinfeedback 3 löschen 2"],
    details=PRIVACY,
)
async def meinfeedback(ctx: Context, nummer: int, aenderung: str | None) -> None:
    await require_dm(ctx, redact=False)
    retro = await participant_retro(ctx, nummer)
    author = store.person_hash(retro, ctx.sender)
    if aenderung is None:
        await ctx.reply(await _overview(ctx, retro, author))
        return
    parts = aenderung.strip().split(maxsplit=2)
    action = fold(parts[0])
    if action not in EDIT_WORDS | DELETE_WORDS:
        raise UserError(ctx.t("retro.err.edit_word", word=escape_md(parts[0][:40])))
    if len(parts) < 2 or not re.fullmatch(r"#?\d{1,6}", parts[1]):
        raise UserError(ctx.t("retro.err.edit_number"))
    item = await _own_item(ctx, retro, author, int(parts[1].lstrip("#")))
    if action in DELETE_WORDS:
        if len(parts) > 2:
            raise UserError(ctx.t("retro.err.delete_extra"))
        await ctx.session.delete(item)
        await ctx.reply(ctx.t("retro.mine.deleted", seq=item.seq, number=nummer))
        return
    if len(parts) < 3:
        raise UserError(ctx.t("retro.err.edit_text"))
    item.text = _clean_item(ctx, parts[2])
    await ctx.reply(ctx.t("retro.mine.changed", seq=item.seq, text=escape_md(item.text)))


async def _own_item(ctx: Context, retro: Retro, author: str, seq: int) -> RetroItem:
    for item in await store.own_items(ctx.session, retro, author):
        if item.seq == seq:
            return item
    raise UserError(ctx.t("retro.err.no_such_item", seq=seq, number=retro.number))


async def _overview(ctx: Context, retro: Retro, author: str) -> str:
    items = await store.own_items(ctx.session, retro, author)
    ratings = await store.own_ratings(ctx.session, retro, author)
    parts = [ctx.t("retro.mine.title", retro=label(retro))]
    if not items and not ratings:
        parts.append(ctx.t("retro.mine.empty", number=retro.number))
        return "\n\n".join(parts)
    for index, name in enumerate(retro.categories):
        own = [i for i in items if i.category == index]
        if own:
            lines = [f"**{escape_md(name)}**"] + [f"- **{i.seq}** · {escape_md(i.text)}" for i in own]
            parts.append("\n".join(lines))
    if ratings:
        lines = [ctx.t("retro.mine.ratings")]
        lines += [f"- {q + 1}. {escape_md(retro.questions[q])}: **{v}**" for q, v in sorted(ratings.items())]
        parts.append("\n".join(lines))
    parts.append(ctx.t("retro.mine.howto", number=retro.number))
    return "\n\n".join(parts)
