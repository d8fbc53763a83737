"""The DM interview: one category or rating question at a time, answers are plain messages.

State is one ``RetroInterview`` row keyed by the person's hash, holding only the step. It survives a
restart (the next message simply continues) and is deleted when the person says ``fertig`` or answers the
last question, so afterwards nothing links them to their answers.
"""

from __future__ import annotations

from bot.context import Context
from bot.dispatch import Incoming
from bot.framework import fold, message_hook
from bot.render import escape_md
from commands.retro import store
from commands.retro.analysis import (
    DONE_WORDS,
    MAX_ITEM_CHARS,
    MAX_ITEMS_PER_MESSAGE,
    SKIP_WORDS,
    parse_rating,
    split_answer,
)
from commands.retro.present import label
from commands.retro.texts import amount
from storage.retro import Retro, RetroInterview


def total_steps(retro: Retro) -> int:
    return len(retro.categories) + len(retro.questions)


def prompt(ctx: Context, retro: Retro, step: int) -> str:
    """The question for ``step``: categories first, then the rating questions."""
    total = total_steps(retro)
    n_cat = len(retro.categories)
    if step < n_cat:
        name = retro.categories[step]
        if retro.format == "custom":
            question = ctx.t("retro.prompt.custom", category=escape_md(name))
        else:
            question = ctx.t(f"retro.prompt.{retro.format}.{step}")
        return ctx.t(
            "retro.interview.category",
            step=step + 1,
            total=total,
            category=escape_md(name),
            question=question,
        )
    index = step - n_cat
    return ctx.t(
        "retro.interview.rating",
        step=step + 1,
        total=total,
        question=escape_md(retro.questions[index]),
    )


async def start(ctx: Context, retro: Retro) -> None:
    """Begin, or resume where the person was; other interviews of theirs are parked."""
    person = store.person_hash(retro, ctx.sender)
    await store.pause_other_interviews(ctx.session, ctx.sender, retro)
    row = await store.interview(ctx.session, retro, person)
    if row is not None:
        row.active = True
        intro = ctx.t(
            "retro.interview.resume", retro=label(retro), step=row.step + 1, total=total_steps(retro)
        )
    else:
        row = RetroInterview(retro_id=retro.id, person_hash=person, step=0, active=True)
        ctx.session.add(row)
        given = await store.own_items(ctx.session, retro, person)
        intro = ctx.t(
            "retro.interview.intro",
            retro=label(retro),
            categories=amount(ctx.t, "categories", len(retro.categories)),
            questions=amount(ctx.t, "questions", len(retro.questions)),
        )
        if given:
            intro += "\n\n" + ctx.t("retro.interview.again", items=amount(ctx.t, "items", len(given)))
    await ctx.session.flush()
    await ctx.reply(intro + "\n\n" + prompt(ctx, retro, row.step))


async def finish(ctx: Context, retro: Retro, row: RetroInterview, prefix: str = "") -> None:
    person = row.person_hash
    await ctx.session.delete(row)
    items = await store.own_items(ctx.session, retro, person)
    ratings = await store.own_ratings(ctx.session, retro, person)
    text = ctx.t(
        "retro.interview.done",
        items=amount(ctx.t, "items", len(items)),
        ratings=amount(ctx.t, "ratings", len(ratings)),
        number=retro.number,
    )
    await ctx.reply(prefix + text)


@message_hook(10)
async def answer(ctx: Context, incoming: Incoming) -> bool:
    """Plain DM messages of someone in an interview are answers; everything else is left to others."""
    if not ctx.is_dm or incoming.content.get("msgtype") != "m.text":
        return False
    if incoming.relates_to.get("rel_type") == "m.replace":  # an edit would count the answer twice
        return False
    found = await store.active_interview(ctx.session, ctx.sender)
    if found is None:
        return False
    retro, row = found
    text = incoming.body.strip()
    word = fold(text)
    if word in DONE_WORDS:
        await finish(ctx, retro, row)
        return True
    n_cat = len(retro.categories)
    skipped = word in SKIP_WORDS
    if row.step < n_cat:
        ack = ctx.t("retro.interview.skipped")
        if not skipped:
            items = split_answer(text)
            if len(items) > MAX_ITEMS_PER_MESSAGE:
                await ctx.reply(ctx.t("retro.err.too_many_items", max=MAX_ITEMS_PER_MESSAGE))
                return True
            if any(len(i) > MAX_ITEM_CHARS for i in items):
                await ctx.reply(ctx.t("retro.err.item_long", max=MAX_ITEM_CHARS))
                return True
            if items:
                await store.add_items(ctx.session, retro, row.person_hash, row.step, items)
                ack = ctx.t("retro.interview.noted", count=len(items))
    else:
        ack = ctx.t("retro.interview.skipped")
        if not skipped:
            value = parse_rating(text)
            if value is None:
                await ctx.reply(ctx.t("retro.err.rating_answer") + "\n\n" + prompt(ctx, retro, row.step))
                return True
            await store.set_rating(ctx.session, retro, row.person_hash, row.step - n_cat, value)
            ack = ctx.t("retro.interview.rated", value=value)
    row.step += 1
    if row.step >= total_steps(retro):
        await finish(ctx, retro, row, prefix=ack + " ")
        return True
    await ctx.reply(ack + "\n\n" + prompt(ctx, retro, row.step))
    return True
