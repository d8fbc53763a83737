"""Retro texts built from rows for the chat: labels, dates, the status of a retro, the announcement, actions.

Pure rendering (nothing here reads or writes the database or sends anything). The summary and the exports
of a closed retro are built in ``report``.
"""

from __future__ import annotations

from datetime import datetime

from bot.context import Context
from bot.render import escape_md
from bot.timeparse import format_de, format_en
from commands.retro.settings import settings
from storage.retro import Retro, RetroAction


def when(ctx: Context, moment: datetime) -> str:
    local = moment.astimezone(ctx.tz)
    return format_de(local) if ctx.lang != "en" else format_en(local)


def label(retro: Retro) -> str:
    """``#3 „Titel“`` with the title escaped."""
    return f"#{retro.number} „{escape_md(retro.title)}“"


def categories_line(retro: Retro) -> str:
    return " · ".join(escape_md(c) for c in retro.categories)


def state(ctx: Context, retro: Retro) -> str:
    """ "offen bis …", "offen" or "geschlossen am …": the status part of ``!retro status`` and ``!retros``."""
    if retro.is_open:
        return (
            ctx.t("retro.status.until", when=when(ctx, retro.closes_at))
            if retro.closes_at
            else ctx.t("retro.status.open")
        )
    return ctx.t("retro.status.closed", when=when(ctx, retro.closed_at or retro.created_at))


def announcement(ctx: Context, retro_row: Retro) -> str:
    """The room's news that a retro started: how to take part, the questions, the deadline, the privacy."""
    parts = [
        ctx.t(
            "retro.announce",
            retro=label(retro_row),
            categories=categories_line(retro_row),
            number=retro_row.number,
            steps=len(retro_row.categories) + len(retro_row.questions),
        )
    ]
    if retro_row.questions:
        lines = [ctx.t("retro.announce.questions")]
        lines += [f"{i}. {escape_md(q)}" for i, q in enumerate(retro_row.questions, start=1)]
        parts.append("\n".join(lines))
    if retro_row.closes_at is not None:
        parts.append(ctx.t("retro.announce.until", when=when(ctx, retro_row.closes_at)))
    parts.append(ctx.t("retro.announce.privacy", min_group=settings(ctx).min_group))
    return "\n\n".join(parts)


def action_line(ctx: Context, action: RetroAction, retro: Retro) -> str:
    """ "**#4** Text (verantwortlich: …; bis …; aus Retro #3)": an action as listed and reminded."""
    extra = []
    if action.responsible:
        who = ctx.messenger.display_name(retro.room_id, action.responsible)
        extra.append(ctx.t("retro.action.responsible", who=escape_md(who)))
    if action.due_at is not None:
        extra.append(ctx.t("retro.action.due", when=when(ctx, action.due_at)))
    extra.append(ctx.t("retro.action.from", number=retro.number))
    return f"**#{action.id}** {escape_md(action.text)} ({'; '.join(extra)})"
