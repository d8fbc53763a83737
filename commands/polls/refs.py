"""Poll numbers as people type them (``3``, ``#3``, ``3@!room:server``) and finding the poll meant."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.context import Context
from bot.framework import Arg, ArgType, UsageError, UserError, shorten
from bot.render import escape_md
from commands.polls import store
from commands.polls.service import may_manage
from storage.polls import Poll


@dataclass(frozen=True)
class Ref:
    """A poll as people name it: ``3``, ``#3`` or, from a DM with several rooms, ``3@!room:server``."""

    number: int
    room_id: str | None = None


_REF = re.compile(r"#?(\d{1,6})(?:@(![^\s]+))?")


class PollRef(ArgType):
    def convert(self, text: str, ctx: Context) -> Ref:
        match = _REF.fullmatch(text.strip())
        if match is None:
            raise UsageError(ctx.t("polls.bad_ref", value=escape_md(shorten(text, 40))))
        return Ref(int(match.group(1)), match.group(2))


NR = Arg("nr", PollRef(), label={"de": "Nr", "en": "no"})


async def resolve(ctx: Context, ref: Ref | None) -> Poll:
    """Find the poll meant: in a room by its number there; in a DM among the sender's rooms."""
    session = ctx.session
    if ref is not None and ref.room_id:
        poll = await store.by_number(session, ref.room_id, ref.number)
        if poll is None or (ref.room_id != ctx.room_id and ctx.sender not in ctx.members(ref.room_id)):
            raise UserError(ctx.t("polls.not_found_dm", number=ref.number))
        return poll
    if not ctx.is_dm:
        if ref is None:
            poll = await store.latest_in_room(session, ctx.room_id)
            if poll is None:
                raise UserError(ctx.t("polls.none_yet"))
            return poll
        poll = await store.by_number(session, ctx.room_id, ref.number)
        if poll is None:
            raise UserError(ctx.t("polls.not_found", number=ref.number))
        return poll
    mine = [
        p
        for p in await store.polls_numbered(session, ref.number if ref else None)
        if ctx.sender in ctx.members(p.room_id)
    ]
    if not mine:
        raise UserError(ctx.t("polls.not_found_dm", number=ref.number if ref else "?"))
    if ref is None:
        return mine[0]
    pool = [p for p in mine if p.is_open] or mine
    if len({p.room_id for p in pool}) > 1:
        example = f"{ctx.prefix}stimme {ref.number}@{pool[0].room_id} 1"
        raise UserError(ctx.t("polls.ambiguous", number=ref.number, example=example))
    return pool[0]


async def resolve_managed(ctx: Context, ref: Ref, refused: str) -> Poll:
    """The poll meant, if the sender may manage it (creator or coordinator there); else ``refused``."""
    poll = await resolve(ctx, ref)
    if not may_manage(ctx, poll):
        raise UserError(ctx.t(refused, number=poll.number))
    return poll
