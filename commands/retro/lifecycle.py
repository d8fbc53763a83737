"""Closing a retro (by command or at ``--bis``), the deadline reminder, and the report they share."""

from __future__ import annotations

from sqlalchemy import select

from bot.context import Context
from bot.framework import job
from bot.render import split_long
from commands.retro import store
from commands.retro.analysis import remaining_parts
from commands.retro.chart import ratings_png
from commands.retro.common import label, settings
from commands.retro.report import Report, build_report, chart_rows, earlier_averages, summary_markdown
from commands.retro.texts import amount
from storage.erasure import scrub_after_commit
from storage.retro import Retro, RetroAction


async def report_for(ctx: Context, retro: Retro) -> Report:
    min_group = settings(ctx).min_group
    items = await store.items_of(ctx.session, retro)
    ratings = await store.ratings_of(ctx.session, retro)
    earlier = await earlier_averages(ctx.session, retro, min_group)
    return build_report(retro, items, ratings, earlier, min_group)


async def close(ctx: Context, retro: Retro, *, from_job: bool = False) -> None:
    """Post the summary (and chart) to the retro's room, then make the hashes unlinkable for good."""
    retro.status = "closed"
    retro.closed_at = ctx.now()
    report = await report_for(ctx, retro)
    for part in split_long(summary_markdown(report, ctx.t, ctx.lang) + ctx.late_note()):
        await ctx.say(part, room_id=retro.room_id)
    png = ratings_png(
        ctx.t("retro.chart.title", number=retro.number, title=retro.title), chart_rows(report), ctx.lang
    )
    if png is not None:
        await ctx.upload(
            png,
            filename=f"retro-{retro.number}-bewertungen.png",
            mimetype="image/png",
            room_id=retro.room_id,
            msgtype="m.image",
        )
    retro.secret = None
    await store.forget_interviews(ctx.session, retro)
    await store.ungroup_contributions(ctx.session, retro)
    scrub_after_commit(ctx.session)  # the secret and the hashes also out of the WAL / dead row versions
    pending = [j for j in (retro.remind_job_id, None if from_job else retro.close_job_id) if j is not None]
    await ctx.scheduler.cancel(ctx.session, *pending)


@job("retro.close")
async def close_job(ctx: Context, payload: dict[str, object]) -> None:
    retro = await ctx.session.get(Retro, int(str(payload["retro_id"])))
    if retro is None or not retro.is_open:
        return
    await close(ctx, retro, from_job=True)


@job("retro.remind")
async def remind_job(ctx: Context, payload: dict[str, object]) -> None:
    """ "noch 2 Tage, bisher 6 Beiträge" to the room, with the way to take part."""
    retro = await ctx.session.get(Retro, int(str(payload["retro_id"])))
    if retro is None or not retro.is_open or retro.closes_at is None:
        return
    counts = await store.counts(ctx.session, retro)
    unit, n = remaining_parts(retro.closes_at - ctx.now())
    remaining = ctx.t(f"retro.remaining.{unit}.{'one' if n == 1 else 'many'}", n=n)
    text = ctx.t(
        "retro.remind",
        retro=label(retro),
        remaining=remaining,
        items=amount(ctx.t, "items", counts.items),
        people=amount(ctx.t, "people", counts.people),
        number=retro.number,
    )
    await ctx.say(text + ctx.late_note(), room_id=retro.room_id)


async def actions_of(ctx: Context, retro: Retro) -> list[RetroAction]:
    query = select(RetroAction).where(RetroAction.retro_id == retro.id).order_by(RetroAction.id)
    return list((await ctx.session.scalars(query)).all())
