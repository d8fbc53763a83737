"""The scheduled work of a poll: closing at the deadline and the one reminder before it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.fanout import still_needed, still_wanted
from bot.framework import job, startup
from bot.render import escape_md
from commands.polls import present, receipts, store
from commands.polls.service import CLOSE_JOB, REMIND_JOB, close_poll, ms

# The reminder's DM fan-outs, keyed "<kind>:<poll id>": named polls skip who voted meanwhile; anonymous
# ones are private (everybody, nobody skipped), so they are a kind of their own without that check.
FANOUT, FANOUT_ANONYMOUS = "poll.remind", "poll.remind_anonymous"


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
    """One reminder before the deadline, by DM (``bot/fanout.py``): to those who have not voted, or — in an
    anonymous poll, where the bot must not keep a list of them — to everybody, with a count in the room."""
    poll = await store.by_id(ctx.session, int(payload["poll_id"]))
    if poll is None or not poll.is_open or poll.closes_at is None:
        return
    counted = await store.current_tally(ctx.session, poll)
    members = ctx.members(poll.room_id)
    when = present.when(poll.closes_at, ctx.tz, ctx.lang)
    question = escape_md(poll.question)
    values = {"number": poll.number, "question": question, "when": when}
    title = ctx.t("polls.reminder_title", **values)
    fan = {"payload": {"poll_id": poll.id}, "deadline": poll.closes_at, "room_id": poll.room_id}
    if poll.anonymous:
        voters, total = counted.voters, max(len(members), counted.voters)
        text = ctx.t("polls.reminder_anonymous", voters=voters, members=total, **values)
        await ctx.say(text + ctx.late_note(), room_id=poll.room_id)
        dm = ctx.t("polls.reminder_dm_anonymous", **values) + ctx.late_note()
        await ctx.fan_out(f"{FANOUT_ANONYMOUS}:{poll.id}", members, dm, title=title, private=True, **fan)
        return
    missing = [m for m in members if m not in counted.ballots]
    link = f"https://matrix.to/#/{poll.room_id}/{poll.start_event_id or ''}".rstrip("/")
    dm = ctx.t("polls.reminder_dm", link=link, **values) + ctx.late_note()
    await ctx.fan_out(f"{FANOUT}:{poll.id}", missing, dm, title=title, **fan)


@still_wanted(FANOUT)
@still_wanted(FANOUT_ANONYMOUS)
async def _poll_open(session: AsyncSession, payload: dict[str, Any]) -> bool:
    poll = await store.by_id(session, int(payload["poll_id"]))
    return poll is not None and poll.is_open


@still_needed(FANOUT)
async def _not_voted(session: AsyncSession, payload: dict[str, Any], user_id: str) -> bool:
    """Right before each DM of a named poll: who voted meanwhile is not reminded any more."""
    poll = await store.by_id(session, int(payload["poll_id"]))
    return poll is not None and user_id not in (await store.current_tally(session, poll)).ballots


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
