"""The scheduled work of a poll: closing at the deadline and the one reminder before it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.context import Context
from bot.framework import job, startup
from bot.render import escape_md
from commands.polls import present, receipts, store
from commands.polls.service import CLOSE_JOB, REMIND_JOB, close_poll, ms


@job(CLOSE_JOB)
async def close_at_deadline(ctx: Context, payload: dict[str, Any]) -> None:
    poll = await store.by_id(ctx.session, int(payload["poll_id"]))
    if poll is None or not poll.is_open:
        return  # closed by hand or in Element meanwhile: nothing to do, and never a second result
    # The deadline is the end: even if this runs late, votes cast after it do not count.
    end = min(ctx.now(), poll.closes_at) if poll.closes_at is not None else ctx.now()
    await close_poll(ctx, poll, end_ts_ms=ms(end), running_job=poll.close_job_id)


@job(REMIND_JOB)
async def remind(ctx: Context, payload: dict[str, Any]) -> None:
    """One reminder before the deadline that mentions only those who have not voted (nobody if anonymous)."""
    poll = await store.by_id(ctx.session, int(payload["poll_id"]))
    if poll is None or not poll.is_open or poll.closes_at is None:
        return
    counted = await store.current_tally(ctx.session, poll)
    members = ctx.members(poll.room_id)
    when = present.when(poll.closes_at, ctx.tz, ctx.lang)
    question = escape_md(poll.question)
    if poll.anonymous:
        text = ctx.t(
            "polls.reminder_anonymous",
            number=poll.number,
            question=question,
            when=when,
            voters=counted.voters,
            members=max(len(members), counted.voters),
        )
        await ctx.say(text + ctx.late_note(), room_id=poll.room_id)
        return
    missing = [m for m in members if m not in counted.ballots]
    if not missing:
        return
    people = ", ".join(
        f"[{escape_md(ctx.messenger.display_name(poll.room_id, m))}](<https://matrix.to/#/{m}>)"
        for m in missing
    )
    text = ctx.t("polls.reminder", number=poll.number, question=question, when=when, people=people)
    await ctx.say(text + ctx.late_note(), room_id=poll.room_id, mention_users=missing)


@startup
async def receipts_after_restart(ctx: Context) -> None:
    """Show recent receipts once more (a crash may have kept lines from being shown); drop finished ones."""
    for poll_id in await store.receipt_polls(ctx.session):
        poll = await store.by_id(ctx.session, poll_id)
        data = await store.receipt(ctx.session, poll_id)
        if poll is None or data is None or not poll.is_open:
            await store.drop_receipt(ctx.session, poll_id)
            continue
        if ctx.now() - datetime.fromisoformat(data["started"]) < receipts.ROUND:
            # As a job: it waits for the first sync, before which the bot cannot send to the room.
            payload = {"room_id": poll.room_id, "poll_id": poll.id}
            await ctx.scheduler.schedule(ctx.session, receipts.RECEIPT_JOB, ctx.now(), payload)
    await store.prune_receipt_messages(ctx.session)


@job(receipts.RECEIPT_JOB)
async def show_receipt(ctx: Context, payload: dict[str, Any]) -> None:
    poll = await store.by_id(ctx.session, int(payload["poll_id"]))
    if poll is not None and poll.is_open:
        await receipts.show_again(ctx, poll)
