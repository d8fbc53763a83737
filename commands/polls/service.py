"""What other features may call to run a poll: start one (``create_poll``) and end one (``close_poll``).

The chat commands in ``commands.py`` are thin adapters over these; Retro and Meet and Learn start their
points votes here too, so voting, tallying, reminders and results work exactly like any other poll.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from bot.context import Context
from bot.framework import UserError, fold, shorten
from bot.permissions import Permissions
from bot.render import escape_md
from commands import undo
from commands.polls import msc3381, present, store
from commands.polls.settings import settings
from storage.erasure import scrub_after_commit
from storage.polls import Poll

log = logging.getLogger(__name__)

MIN_OPTIONS, MAX_OPTIONS = 2, 20
MAX_QUESTION, MAX_OPTION = 500, 200
CLOSE_JOB, REMIND_JOB = "poll.close", "poll.remind"


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


# ------------------------------------------------------------------------------------- permissions


def may_manage(ctx: Context, poll: Poll) -> bool:
    """Creator, or coordinator *in the poll's room* (asked from a DM, power elsewhere does not count)."""
    if ctx.sender == poll.creator:
        return True
    if poll.room_id == ctx.room_id:
        return ctx.is_coordinator
    return Permissions(ctx.config.coordinators, ctx.messenger).is_coordinator(ctx.sender, poll.room_id)


def may_redact(ctx: Context, room_id: str, user_id: str) -> bool:
    return ctx.messenger.power_level(room_id, user_id) >= ctx.messenger.redact_level(room_id)


def may_start(ctx: Context) -> bool:
    """Whether this person may start polls at all (``[features.polls] create``); ``!hilfe`` asks it too."""
    return ctx.is_coordinator or settings(ctx).create == "everyone"


def start_refusal(ctx: Context) -> str | None:
    """Why this person may not start a poll here (also asked before a guided dialog begins), or None."""
    if not may_start(ctx):
        # Same words as the dispatcher's refusal: to the user this is just a coordinator command.
        name = "umfrage" if ctx.lang != "en" else "poll"
        return ctx.t("dispatch.coordinators_only", command=f"{ctx.prefix}{name}")
    if ctx.is_dm:
        return "⚠️ " + ctx.t("polls.not_in_dm")
    return None


# ---------------------------------------------------------------------------------------- starting


def _refuse(ctx: Context, key: str, **values: object) -> UserError:
    """A refusal of a new poll always ends with a correct example."""
    return UserError(ctx.t(key, **values) + "\n" + ctx.t("polls.example"))


def validate(ctx: Context, question: str, options: list[str]) -> tuple[str, list[str]]:
    question = " ".join(question.split())
    options = [" ".join(o.split()) for o in options]
    if not question:
        raise _refuse(ctx, "polls.empty_question")
    if not question.endswith("?"):
        hint = next((o for o in options if o.endswith("?")), None)
        if hint is not None:
            raise _refuse(ctx, "polls.question_unquoted", option=hint[:60])
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise _refuse(ctx, "polls.option_count", count=len(options))
    if len(question) > MAX_QUESTION:
        raise _refuse(ctx, "polls.too_long", what=ctx.t("polls.the_question"), limit=MAX_QUESTION)
    seen: dict[str, str] = {}
    for n, option in enumerate(options, start=1):
        if not option:
            raise _refuse(ctx, "polls.empty_option", n=n)
        if len(option) > MAX_OPTION:
            raise _refuse(ctx, "polls.too_long", what=ctx.t("polls.option_n", n=n), limit=MAX_OPTION)
        key = fold(option)
        if key in seen:
            raise _refuse(ctx, "polls.duplicate_option", option=escape_md(shorten(option, 60)))
        seen[key] = option
    return question, options


def _remind_at(
    ctx: Context,
    count: int,
    *,
    max_selections: int | None,
    points: int | None,
    closes_at: datetime | None,
    remind_before: timedelta | None,
) -> datetime | None:
    """Refuse what does not fit together; the moment of the reminder, if one was asked for."""
    if points is not None and max_selections is not None:
        raise _refuse(ctx, "polls.points_and_multi")
    if max_selections is not None and max_selections > count:
        raise _refuse(ctx, "polls.multi_too_big", n=max_selections, count=count)
    if remind_before is None:
        return None
    if closes_at is None:
        raise UserError(ctx.t("polls.remind_needs_deadline"))
    remind_at = closes_at - remind_before
    if remind_at <= ctx.now():
        raise UserError(ctx.t("polls.remind_in_past", when=present.when(remind_at, ctx.tz, ctx.lang)))
    return remind_at


async def create_poll(
    ctx: Context,
    question: str,
    options: list[str],
    *,
    max_selections: int | None = None,
    points: int | None = None,
    secret: bool = False,
    anonymous: bool = False,
    closes_at: datetime | None = None,
    remind_before: timedelta | None = None,
) -> Poll:
    """Start a poll in ``ctx.room_id`` by ``ctx.sender`` and return it, posted and scheduled.

    ``points`` makes it a points poll; ``max_selections`` lets each person pick several options.
    Bad input raises ``UserError`` with the reason and an example. Who may start a poll is the
    caller's business (``start_refusal`` for the command).
    """
    question, options = validate(ctx, question, options)
    remind_at = _remind_at(
        ctx,
        len(options),
        max_selections=max_selections,
        points=points,
        closes_at=closes_at,
        remind_before=remind_before,
    )
    poll = Poll(
        room_id=ctx.room_id,
        number=await store.next_number(ctx.session, ctx.room_id),
        question=question,
        options=options,
        kind="points" if points is not None else "choice",
        max_selections=max_selections or 1,
        points=points,
        secret=secret,
        anonymous=anonymous,
        native=points is None and not anonymous,
        creator=ctx.sender,
        created_at=ctx.now(),
        closes_at=closes_at,
        remind_at=remind_at,
        voter_key=store.new_voter_key() if anonymous else None,
    )
    await store.add(ctx.session, poll)
    if poll.native:
        poll.start_event_id = await _post_native(ctx, poll)
    else:
        poll.start_event_id = await ctx.say(present.numbered_message(ctx, poll))
    await _schedule(ctx, poll)
    log.info("poll #%d started in %s (%s)", poll.number, poll.room_id, poll.kind)
    if (
        closes_at is not None
    ):  # a deadline from typed words: say which moment was taken, offer a one-word undo
        await undo.offer(ctx, f"umfrage schließen {poll.number}")
        when = present.when(closes_at, ctx.tz, ctx.lang)
        await ctx.reply(ctx.t("polls.deadline_taken", number=poll.number, when=when, undo=undo.hint(ctx)))
    return poll


async def _schedule(ctx: Context, poll: Poll) -> None:
    payload: dict[str, Any] = {"room_id": poll.room_id, "poll_id": poll.id}
    if poll.closes_at is not None:
        # run_late: after a long downtime the poll is still closed (with a note), never left open forever.
        poll.close_job_id = await ctx.scheduler.schedule(
            ctx.session,
            CLOSE_JOB,
            poll.closes_at,
            {**payload, "run_late": True},
            timezone=ctx.config.bot.timezone,
        )
    if poll.remind_at is not None:  # a reminder after the fact is noise: this one may be skipped when late
        poll.remind_job_id = await ctx.scheduler.schedule(
            ctx.session, REMIND_JOB, poll.remind_at, payload, timezone=ctx.config.bot.timezone
        )


async def _post_native(ctx: Context, poll: Poll) -> str:
    """The MSC3381 start event, then a short notice with what the widget cannot show (number, deadline)."""
    question = ctx.t("polls.native_question", number=poll.number, question=poll.question)
    fallback = "\n".join(
        [ctx.t("polls.fallback_title", number=poll.number, question=poll.question)]
        + [f"{i + 1}. {text}" for i, text in enumerate(poll.options)]
    )
    content = msc3381.start_content(
        question,
        poll.options,
        max_selections=poll.max_selections,
        disclosed=not poll.secret,
        fallback=fallback,
    )
    event_id = await ctx.send_content(content, event_type=msc3381.START)
    info = [ctx.t("polls.info_title", number=poll.number), *present.details_lines(ctx, poll)]
    info.append(
        ctx.t("polls.info_how_native_secret" if poll.secret else "polls.info_how_native", number=poll.number)
    )
    await ctx.say("\n".join(info))
    return event_id


# ------------------------------------------------------------------------------------------ voting


async def record_vote(ctx: Context, poll: Poll, selections: Any, source: str) -> None:
    """The sender's vote (answer ids, or a points allocation); an anonymous poll keeps only a hash."""
    if poll.anonymous:
        await store.set_ballot(ctx.session, poll, ctx.sender, selections)
        return
    await store.add_response(
        ctx.session,
        poll,
        event_id=ctx.event_id or f"local-{ctx.txn_prefix}",
        sender=ctx.sender,
        ts_ms=ms(ctx.origin_ts or ctx.now()),
        source=source,
        selections=selections,
    )


# ----------------------------------------------------------------------------------------- closing


async def close_poll(
    ctx: Context,
    poll: Poll,
    *,
    end_ts_ms: int,
    end_event_id: str | None = None,
    reply: bool = False,
    running_job: int | None = None,
) -> None:
    """End event (for native polls), result message and chart; erase the anonymous key; stop the jobs."""
    poll.status = "closed"
    poll.closed_at = ctx.now()
    poll.closed_by = ctx.sender
    poll.end_ts_ms = end_ts_ms
    counted = await store.current_tally(ctx.session, poll)
    if poll.native and poll.start_event_id and end_event_id is None:
        summary = present.end_summary(ctx.lang, poll, counted)
        content = msc3381.end_content(poll.start_event_id, ctx.t("polls.end_fallback", summary=summary))
        end_event_id = await ctx.send_content(content, room_id=poll.room_id, event_type=msc3381.END)
    poll.end_event_id = end_event_id
    members = len(ctx.members(poll.room_id))
    text = present.result_markdown(ctx.lang, poll, counted, members=members, final=True, tz=ctx.tz)
    text += ctx.late_note()
    if reply and ctx.room_id == poll.room_id:
        await ctx.reply(text)
    else:
        await ctx.say(text, room_id=poll.room_id)
    png = present.chart_png(poll, counted, ctx.t("polls.chart_title", number=poll.number))
    if png is not None:
        await ctx.upload(
            png,
            filename=f"{ctx.t('polls.file_stem')}-{poll.number}.png",
            mimetype="image/png",
            room_id=poll.room_id,
            msgtype="m.image",
        )
    jobs = [j for j in (poll.close_job_id, poll.remind_job_id) if j is not None and j != running_job]
    await ctx.scheduler.cancel(ctx.session, *jobs)
    if poll.anonymous:
        poll.voter_key = None
        await store.rewrite_ballots(ctx.session, poll)
        scrub_after_commit(ctx.session)  # the erased key also out of the WAL / dead row versions
    if reply and ctx.room_id != poll.room_id:  # closed from a DM: the result is in the room, say where
        await ctx.reply(ctx.t("polls.closed_elsewhere", number=poll.number))
    log.info("poll #%d in %s closed: %d voter(s)", poll.number, poll.room_id, counted.voters)
