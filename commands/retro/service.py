"""Retros as other features and the retro's own commands and jobs use them: the report, closing, and the
open retro a DM's feedback-like sentence can be offered to (the FAQ's DM conversation asks for that).

Everything runs in the caller's transaction. Queries are in ``store``, chat texts in ``present``, the
report itself (pure) in ``report``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.render import split_long
from commands.retro import store
from commands.retro.access import is_member
from commands.retro.analysis import normalize_question, rating_stats
from commands.retro.chart import ratings_png
from commands.retro.present import categories_line, label
from commands.retro.report import Report, build_report, chart_rows, summary_markdown
from commands.retro.settings import settings
from storage.erasure import scrub_after_commit
from storage.retro import Retro


@dataclass(frozen=True)
class FeedbackTarget:
    """An open retro a person may give feedback to, as a DM offers it: ``!feedback <number> <category> …``."""

    number: int
    label: str  # "#3 „Titel“", escaped Markdown
    categories: str  # "Start · Stop · Weitermachen", escaped Markdown


async def feedback_target(ctx: Context) -> FeedbackTarget | None:
    """The first open retro (lowest number) of a room the sender is a member of, if there is one."""
    retros = [r for r in await store.open_retros(ctx.session) if is_member(ctx, r)]
    if not retros:
        return None
    retro = retros[0]
    return FeedbackTarget(number=retro.number, label=label(retro), categories=categories_line(retro))


async def report_for(ctx: Context, retro: Retro) -> Report:
    min_group = settings(ctx).min_group
    items = await store.items_of(ctx.session, retro)
    ratings = await store.ratings_of(ctx.session, retro)
    earlier = await earlier_averages(ctx.session, retro, min_group)
    return build_report(retro, items, ratings, earlier, min_group)


async def earlier_averages(session: AsyncSession, retro: Retro, min_group: int) -> dict[str, list[float]]:
    """Averages of this retro's questions in earlier closed retros of the same room (shown ones only)."""
    wanted = {normalize_question(q) for q in retro.questions}
    if not wanted:
        return {}
    earlier = await store.closed_before(session, retro)
    found: dict[str, list[float]] = defaultdict(list)
    for old in earlier:
        matches = {i: normalize_question(q) for i, q in enumerate(old.questions)}
        matches = {i: key for i, key in matches.items() if key in wanted}
        if not matches:
            continue
        rows = await store.ratings_of_questions(session, old, list(matches))
        values: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            values[row.question].append(row.value)
        for index, key in matches.items():
            stats = rating_stats(values.get(index, []))
            if stats.count >= min_group and stats.average is not None:
                found[key].append(stats.average)
    return dict(found)


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
