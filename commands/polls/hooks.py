"""The Matrix events that feed a poll besides commands: clicks in Element's poll widget, number
reactions, redactions and an end from Element."""

from __future__ import annotations

import logging

from bot.context import Context
from bot.dispatch import Incoming
from bot.framework import event_hook
from commands.polls import msc3381, present, store
from commands.polls.service import close_poll, may_redact
from storage.polls import Poll

log = logging.getLogger(__name__)


async def _poll_of(ctx: Context, incoming: Incoming) -> Poll | None:
    """The poll whose start event this response or end refers to (``m.reference``), or None."""
    start = msc3381.referenced_event(incoming.content)
    return await store.by_start_event(ctx.session, incoming.room_id, start) if start else None


@event_hook(msc3381.RESPONSE, msc3381.STABLE_RESPONSE)
async def on_poll_response(ctx: Context, incoming: Incoming) -> bool:
    """A click in Element's poll widget: stored as it came, judged later by the tally rules."""
    poll = await _poll_of(ctx, incoming)
    if poll is None:
        return False
    if poll.anonymous or poll.is_points:
        return True  # no widget was offered for these; a forged response must not count
    await store.add_response(
        ctx.session,
        poll,
        event_id=incoming.event_id,
        sender=incoming.sender,
        ts_ms=incoming.ts_ms,
        source="poll",
        selections=msc3381.response_selections(incoming.type, incoming.content),
    )
    return True


@event_hook(msc3381.REACTION)
async def on_reaction(ctx: Context, incoming: Incoming) -> bool:
    """1️⃣…🔟 on a poll is a response choosing that option — except on secret and anonymous polls."""
    parsed = msc3381.reaction_index(incoming.content)
    if parsed is None:
        return False
    target, index = parsed
    poll = await store.by_start_event(ctx.session, incoming.room_id, target)
    if poll is None:
        return False
    if poll.is_open and (poll.secret or poll.anonymous):
        await _refuse_reaction(ctx, poll, incoming)
        return True
    if poll.anonymous or poll.is_points or index >= len(poll.options):
        return True
    await store.add_response(
        ctx.session,
        poll,
        event_id=incoming.event_id,
        sender=incoming.sender,
        ts_ms=incoming.ts_ms,
        source="reaction",
        selections=[msc3381.answer_id(index)],
    )
    return True


async def _refuse_reaction(ctx: Context, poll: Poll, incoming: Incoming) -> None:
    """A number reaction on a secret or anonymous poll is not counted.

    Element shows every reaction, and who gave it, to the whole room, so counting it would leak the
    interim result (and, for anonymous polls, the vote). The reaction is removed if the bot may redact;
    the person is told privately how to vote instead, never named in the room.
    """
    removed = False
    if may_redact(ctx, incoming.room_id, ctx.messenger.user_id):
        try:
            reason = ctx.t("polls.redact_reason_reaction")
            await ctx.messenger.redact(
                incoming.room_id, incoming.event_id, reason=reason, txn_id=ctx.next_txn()
            )
            removed = True
        except Exception:  # the reaction still does not count; the hint asks them to take it back
            log.info(
                "could not redact a reaction on poll #%d in %s", poll.number, poll.room_id, exc_info=True
            )
    else:
        log.info("no power to redact a reaction on poll #%d in %s", poll.number, poll.room_id)
    if not poll.anonymous:
        first = await store.note_ignored_reaction(
            ctx.session, poll, event_id=incoming.event_id, sender=incoming.sender, ts_ms=incoming.ts_ms
        )
        if not first:
            return  # told once per poll is enough; the reaction was still removed (if possible)
    # Anonymous polls may store nothing about who reacted, so there each reaction gets its answer.
    hint = present.reaction_hint(ctx, poll)
    hint += "\n\n" + ctx.t("polls.reaction_removed" if removed else "polls.reaction_remove_yourself")
    try:
        await ctx.dm(incoming.sender, hint)
    except Exception:  # not counted either way; a notice in the room instead would name the person
        log.warning("could not send the reaction hint for poll #%d", poll.number, exc_info=True)


@event_hook(msc3381.REDACTION)
async def on_redaction(ctx: Context, incoming: Incoming) -> bool:
    """A removed response, reaction or ``!stimme``: the voter's previous response applies again."""
    target = msc3381.redacted_event(incoming.content)
    if target is None:
        return False
    return await store.mark_redacted(ctx.session, target)


@event_hook(msc3381.END, msc3381.STABLE_END)
async def on_poll_end(ctx: Context, incoming: Incoming) -> bool:
    """Someone ended the poll in Element: valid from the creator or anyone allowed to redact (MSC3381)."""
    poll = await _poll_of(ctx, incoming)
    if poll is None:
        return False
    if not poll.is_open:
        return True
    allowed = (
        incoming.sender == poll.creator
        or ctx.is_coordinator
        or may_redact(ctx, incoming.room_id, incoming.sender)
    )
    if not allowed:
        log.info("ignoring a poll end for #%d from a user without permission", poll.number)
        return True
    await close_poll(ctx, poll, end_ts_ms=incoming.ts_ms, end_event_id=incoming.event_id)
    return True
