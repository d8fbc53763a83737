"""The retro's scheduled jobs: closing at ``--bis``, the reminder before it, and the reminder of a due action.

Each job reloads its row and does nothing if the retro was closed or the action done in the meantime.
"""

from __future__ import annotations

from typing import Any

from bot.context import Context
from bot.framework import job
from commands.retro import service, store
from commands.retro.analysis import remaining_parts
from commands.retro.present import action_line, label
from commands.retro.texts import amount
from storage.retro import Retro, RetroAction


@job("retro.close")
async def close_job(ctx: Context, payload: dict[str, object]) -> None:
    retro = await ctx.session.get(Retro, int(str(payload["retro_id"])))
    if retro is None or not retro.is_open:
        return
    await service.close(ctx, retro, from_job=True)


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


@job("retro.action_due")
async def action_due(ctx: Context, payload: dict[str, Any]) -> None:
    action = await ctx.session.get(RetroAction, int(payload["action_id"]))
    if action is None or action.status != "open":
        return
    retro = await ctx.session.get(Retro, action.retro_id)
    if retro is None:
        return
    text = (
        ctx.t("retro.action.reminder", action=action_line(ctx, action, retro), id=action.id) + ctx.late_note()
    )
    if action.responsible:
        await ctx.dm(action.responsible, text)
    else:
        await ctx.say(text, room_id=retro.room_id)
