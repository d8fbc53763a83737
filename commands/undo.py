"""One word to take back what a time just created: reply "rückgängig" (or "undo").

A command that creates something from a typed time (``!meetlearn neu``, a poll with ``--bis``) says which
date it took and offers the undo. The offer is a pending scheduled job (kind ``undo.offer``) for the
sender in that room; it expires after ``WINDOW`` (the job then just ends). Undoing runs the feature's own
command for it (``meetlearn absagen 7``, ``umfrage schließen 3``) as that person, with that command's
permission check, so undo can never do more than the person could type themselves. Offers live in the
database like every other piece of scheduled work, so a restart keeps them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot import i18n
from bot.context import Context
from bot.dispatch import Incoming
from bot.framework import UsageError, fold, job, message_hook, registry, tokenize
from storage.models import ScheduledJob

KIND = "undo.offer"
WINDOW = timedelta(minutes=15)
WORDS = frozenset({"rueckgaengig", "rueckgaengig machen", "undo", "zuruecknehmen"})


async def offer(ctx: Context, command: str) -> None:
    """Let the sender take back what was just created by replying one word; ``command`` is run then."""
    await withdraw(ctx)  # only the newest thing can be undone: no guessing which one was meant
    payload = {"room_id": ctx.room_id, "sender": ctx.sender, "command": command}
    await ctx.scheduler.schedule(ctx.session, KIND, ctx.now() + WINDOW, payload, timezone=ctx.tz.key)


async def _pending(ctx: Context) -> list[ScheduledJob]:
    rows = await ctx.session.scalars(
        select(ScheduledJob)
        .where(ScheduledJob.kind == KIND, ScheduledJob.status == "pending", ScheduledJob.due_at > ctx.now())
        .order_by(ScheduledJob.id.desc())
    )
    return [
        r for r in rows if r.payload.get("room_id") == ctx.room_id and r.payload.get("sender") == ctx.sender
    ]


async def withdraw(ctx: Context) -> str | None:
    """Cancel the sender's open offers in this room; the newest one's command, if there was one."""
    offers = await _pending(ctx)
    if not offers:
        return None
    await ctx.scheduler.cancel(ctx.session, *(o.id for o in offers))
    return str(offers[0].payload.get("command", ""))


def is_undo(text: str) -> bool:
    return fold(text.strip().rstrip("!.?").strip()) in WORDS


@message_hook(300)  # before near-command hints and the FAQ
async def on_undo(ctx: Context, incoming: Incoming) -> bool:
    if incoming.content.get("msgtype") != "m.text" or not is_undo(incoming.body):
        return False
    command = await withdraw(ctx)
    if not command:
        await ctx.reply(ctx.t("undo.nothing", minutes=int(WINDOW.total_seconds() // 60)))
        return True
    try:
        tokens = tokenize(command, ctx.lang)
        cmd, used = registry.lookup(tokens)
        if cmd is None or not ctx.may(cmd.permission):
            await ctx.reply(ctx.t("undo.nothing", minutes=int(WINDOW.total_seconds() // 60)))
            return True
        values = cmd.parse(tokens[used:], command, ctx)
    except UsageError:  # the thing changed meanwhile (e.g. already cancelled): say so, don't guess
        await ctx.reply(ctx.t("undo.nothing", minutes=int(WINDOW.total_seconds() // 60)))
        return True
    await cmd.handler(ctx, **values)
    return True


@job(KIND)
async def expired(ctx: Context, payload: dict[str, Any]) -> None:
    """The window is over; nothing to do (the offer simply stops being pending)."""


def hint(ctx: Context) -> str:
    return ctx.t("undo.hint", minutes=int(WINDOW.total_seconds() // 60))


i18n.register(
    {
        "undo.hint": {
            "de": "Falsch verstanden? Antworte in den nächsten {minutes} Minuten mit „rückgängig“.",
            "en": "Got it wrong? Reply “undo” within {minutes} minutes.",
        },
        "undo.nothing": {
            "de": "Da gibt es nichts rückgängig zu machen. Das geht bis {minutes} Minuten nach dem Anlegen "
            "eines Termins oder einer Umfrage mit Frist.",
            "en": "There is nothing to undo. That works up to {minutes} minutes after creating a session "
            "or a poll with a deadline.",
        },
    }
)
