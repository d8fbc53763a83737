"""Who may do what with a retro, and the lookups by number that check it.

Access rules, in one place:
* taking part (interview, ``!feedback``, ``!bewertung``, ``!meinfeedback``) only in a DM with the bot and only
  for members of the room the retro belongs to;
* counts and results only in that room, or in a DM of one of its members — never in another room;
* closing and voting only for coordinators *of that room* (``bot.permissions`` decides).
"""

from __future__ import annotations

import logging

from bot.context import Context
from bot.framework import UserError
from bot.permissions import Permissions
from commands.retro import store
from storage.retro import Retro

log = logging.getLogger(__name__)


def is_member(ctx: Context, retro: Retro) -> bool:
    return ctx.sender in ctx.messenger.room_members(retro.room_id)


def is_coordinator_for(ctx: Context, retro: Retro) -> bool:
    return Permissions(ctx.config.coordinators, ctx.messenger).is_coordinator(ctx.sender, retro.room_id)


def may_see(ctx: Context, retro: Retro) -> bool:
    return ctx.room_id == retro.room_id or (ctx.is_dm and is_member(ctx, retro))


async def get_retro(ctx: Context, number: int) -> Retro:
    retro = await store.by_number(ctx.session, number)
    if retro is None:
        raise UserError(ctx.t("retro.err.unknown", number=number))
    return retro


async def visible_retro(ctx: Context, number: int) -> Retro:
    retro = await get_retro(ctx, number)
    if not may_see(ctx, retro):
        raise UserError(ctx.t("retro.err.other_room", number=number))
    return retro


async def participant_retro(ctx: Context, number: int) -> Retro:
    """A retro this person may give feedback to right now, or a clear refusal."""
    retro = await get_retro(ctx, number)
    if not is_member(ctx, retro):
        raise UserError(ctx.t("retro.err.not_member", number=number))
    if not retro.is_open:
        raise UserError(ctx.t("retro.err.closed", number=number))
    return retro


async def require_dm(ctx: Context, *, redact: bool) -> None:
    """Feedback in a team room would carry the sender's name; refuse, and take it down if we can."""
    if ctx.is_dm:
        return
    if not (redact and ctx.event_id):
        raise UserError(ctx.t("retro.err.dm_only"))
    try:
        await ctx.messenger.redact(
            ctx.room_id, ctx.event_id, reason=ctx.t("retro.redact_reason"), txn_id=ctx.next_txn()
        )
    except Exception:  # no power to redact: say so, and ask the sender to delete it
        log.info("could not redact retro feedback typed in %s", ctx.room_id)
        raise UserError(ctx.t("retro.err.dm_only") + " " + ctx.t("retro.err.not_removed")) from None
    raise UserError(ctx.t("retro.err.dm_only") + " " + ctx.t("retro.err.removed"))
