"""Actions ("Maßnahmen") agreed after a retro, with a responsible person and a due date.

Unlike feedback, actions are assigned in the open, so they name the responsible person; the reminder goes
to that person by DM when the action is due (to the room if nobody is responsible).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from bot import render, timeparse
from bot.config import USER_ID
from bot.context import Context
from bot.framework import (
    Arg,
    ArgType,
    Flag,
    Int,
    Text,
    Token,
    UsageError,
    UserError,
    Words,
    command,
    fold,
)
from bot.render import escape_md
from commands.retro import store
from commands.retro.access import is_coordinator_for, may_see, visible_retro
from commands.retro.present import action_line
from commands.retro.texts import GROUP
from storage.retro import Retro, RetroAction

DUE_TIME = time(9, 0)  # "--bis 01.12." means the morning of that day: the reminder comes when work starts
MAX_ACTION_CHARS = 500


class DueDate(ArgType):
    """Like ``When``, but a date without a time means 9:00 that day."""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[datetime, int]:
        used = 0
        while used < len(tokens) and not tokens[used].quoted:
            used += 1
        used = used or min(1, len(tokens))
        if not used:
            raise UsageError(ctx.t("retro.err.due_missing"))
        text = " ".join(t.text for t in tokens[:used])
        now = ctx.now()
        try:
            value = timeparse.parse_when(text, now, ctx.tz, ctx.lang, default_time=DUE_TIME)
            timeparse.require_future(value, now, ctx.lang)
        except timeparse.TimeParseError as exc:
            raise UsageError(exc.markdown(ctx.lang)) from exc
        return value, used


def resolve_person(ctx: Context, room_id: str, text: str) -> str:
    """A full Matrix id, or a member of the retro's room by user name or display name (also a pill's text)."""
    text = " ".join(text.split())
    if USER_ID.match(text):
        return text
    key = fold(text.lstrip("@"))
    members = [m for m in ctx.messenger.room_members(room_id) if m != ctx.messenger.user_id]

    def names(user_id: str) -> tuple[str, str]:
        return fold(user_id[1:].split(":", 1)[0]), fold(ctx.messenger.display_name(room_id, user_id))

    exact = [m for m in members if key in names(m)]
    if len(exact) == 1:
        return exact[0]
    starts = exact or [m for m in members if any(n.startswith(key) for n in names(m))]
    if len(starts) == 1:
        return starts[0]
    if not starts:
        raise UserError(ctx.t("retro.err.person_unknown", name=escape_md(text[:60])))
    raise UserError(ctx.t("retro.err.person_ambiguous", name=escape_md(text[:60])))


@command(
    "maßnahme",
    "action",
    group=GROUP,
    help={
        "de": "Hält eine Maßnahme aus einer Retro fest, optional mit Verantwortlichen und Termin.",
        "en": "Records an action from a retro, optionally with a responsible person and due date.",
    },
    args=[
        Arg("nummer", Int(1), label={"de": "Retro-Nr.", "en": "retro no."}),
        Arg("text", Text(), label={"de": "Text", "en": "text"}),
        Arg("verantwortlich", Words(), optional=True, label={"de": "@verantwortlich", "en": "@responsible"}),
    ],
    flags=[Flag("bis", DueDate(), aliases=("until", "due"), label={"de": "Datum", "en": "date"})],
    examples=[
        '!maßnahme 3 "Termine zwei Wochen vorher ankündigen" @koordination --bis 15.12.',
        '!maßnahme 3 "Wissenssammlung anlegen"',
    ],
)
async def massnahme(
    ctx: Context, nummer: int, text: str, verantwortlich: list[str] | None, bis: datetime | None
) -> None:
    retro = await visible_retro(ctx, nummer)
    cleaned = " ".join(text.split())
    if not cleaned:
        raise UserError(ctx.t("retro.err.action_empty"))
    if len(cleaned) > MAX_ACTION_CHARS:
        raise UserError(ctx.t("retro.err.action_long", max=MAX_ACTION_CHARS))
    responsible = resolve_person(ctx, retro.room_id, " ".join(verantwortlich)) if verantwortlich else None
    action = RetroAction(
        retro_id=retro.id, text=cleaned, responsible=responsible, due_at=bis, created_at=ctx.now()
    )
    ctx.session.add(action)
    await ctx.session.flush()
    if bis is not None:
        action.job_id = await ctx.scheduler.schedule(
            ctx.session,
            "retro.action_due",
            bis,
            {
                "room_id": retro.room_id,
                "action_id": action.id,
                "run_late": True,
            },  # still due after a downtime
            timezone=ctx.config.bot.timezone,
        )
    markdown = ctx.t("retro.action.created", action=action_line(ctx, action, retro), id=action.id)
    content = render.message(
        markdown,
        reply_to=ctx.event_id,
        thread_root=ctx.thread_root,
        mention_users=[responsible] if responsible and responsible != ctx.sender else (),
    )
    await ctx.send_content(content)


@command(
    "maßnahme erledigt",
    "action done",
    group=GROUP,
    help={"de": "Hakt eine Maßnahme ab.", "en": "Marks an action as done."},
    args=[Arg("id", Int(1), label={"de": "Maßnahmen-Nr.", "en": "action no."})],
    examples=["!maßnahme erledigt 4"],
)
async def massnahme_erledigt(ctx: Context, id: int) -> None:
    action = await ctx.session.get(RetroAction, id)
    retro = await ctx.session.get(Retro, action.retro_id) if action is not None else None
    if action is None or retro is None or not may_see(ctx, retro):
        raise UserError(ctx.t("retro.err.unknown_action", id=id))
    if action.status == "done":
        raise UserError(ctx.t("retro.err.action_done_already", id=id))
    allowed = action.responsible in (None, ctx.sender) or is_coordinator_for(ctx, retro)
    if not allowed:
        raise UserError(ctx.t("retro.err.action_not_yours", id=id))
    action.status, action.done_at = "done", ctx.now()
    if action.job_id is not None:
        await ctx.scheduler.cancel(ctx.session, action.job_id)
    await ctx.reply(ctx.t("retro.action.done", id=id, text=escape_md(action.text)))


@command(
    "maßnahmen",
    "actions",
    group=GROUP,
    help={
        "de": "Offene Maßnahmen: im Raum die des Raums, im Direktchat deine.",
        "en": "Open actions: in a room the room's, in a DM yours.",
    },
    examples=["!maßnahmen"],
)
async def massnahmen(ctx: Context) -> None:
    if ctx.is_dm:
        rows = await store.open_actions(ctx.session, responsible=ctx.sender)
    else:
        rows = await store.open_actions(ctx.session, room_id=ctx.room_id)
    if not rows:
        await ctx.reply(ctx.t("retro.action.none_dm" if ctx.is_dm else "retro.action.none"))
        return
    lines = [ctx.t("retro.action.list_title")]
    lines += [f"- {action_line(ctx, a, r)}" for a, r in rows]
    lines.append(ctx.t("retro.action.list_howto"))
    await ctx.reply("\n".join(lines))
