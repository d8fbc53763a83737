"""Guided dialogs: a command typed with too little (``!umfrage`` alone) asks for the rest, one question
at a time, and ends in exactly what the one-line command does — the command's own handler is called.

A feature declares the steps next to its command (``commands/polls/guided.py``)::

    guide("umfrage", steps=[Step("frage", "polls.guided.question"), ...], precheck=..., build=...)

The dispatcher offers the guide when parsing finds an argument missing (``MissingArgument``) or the
guide says the parsed values are ``incomplete``. Answers are plain messages of the person who started it:
in a room inside the thread the first question opened, in a DM anywhere. Others' messages are left alone.

State is one ``DialogState`` row per person and room (the idea of the retro DM interview, generalised):
the answers so far, the current step, and a scheduled timeout job. Every answer is handled inside the
dispatcher's per-event transaction, so each message counts once and a restart continues where it was.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot import i18n
from bot.dialog_steps import (
    GUIDES,
    NO_WORDS,
    REQUIRED,
    YES_WORDS,
    Choice,
    Guide,
    Step,
    dump,
    guide,
    load,
    read_answer,
    show_value,
    split_list,
    yes_no,
)
from bot.dialog_texts import register_texts
from bot.framework import (
    Command,
    UsageError,
    UserError,
    fold,
    job,
    message_hook,
    registry,
    tokenize,
)
from storage.dialogs import DialogState

if TYPE_CHECKING:
    from bot.context import Context
    from bot.dispatch import Incoming

# Features declare their guides with the names from bot/dialog_steps.py, imported from here.
__all__ = [
    "CANCEL_WORDS",
    "CONFIRM_WORDS",
    "GUIDES",
    "NO_WORDS",
    "OK_WORDS",
    "REQUIRED",
    "TIMEOUT_JOB",
    "YES_WORDS",
    "Choice",
    "Guide",
    "Step",
    "answer",
    "dump",
    "finish",
    "guide",
    "load",
    "offer",
    "read_answer",
    "show_value",
    "split_list",
    "start",
    "timed_out",
    "yes_no",
]

log = logging.getLogger(__name__)

TIMEOUT_JOB = "dialog.timeout"
OK_WORDS = {"ok", "okay", "oke", "passt", "standard", "default"}
CONFIRM_WORDS = OK_WORDS | {"ja", "jap", "los", "anlegen", "starten", "fertig", "yes", "go", "done"}
CANCEL_WORDS = {"abbrechen", "abbruch", "abbrechen!", "stopp", "stop", "cancel", "abort", "quit"}


def _answers(row: DialogState) -> dict[str, Any]:
    return {k: load(v) for k, v in row.values.get("answers", {}).items()}


def _given(row: DialogState) -> dict[str, Any]:
    return {k: load(v) for k, v in row.values.get("given", {}).items()}


def _store(row: DialogState, answers: dict[str, Any]) -> None:
    # A new dict, so SQLAlchemy sees the JSON column change.
    row.values = {**row.values, "answers": {k: dump(v) for k, v in answers.items()}}


def _empty(value: Any) -> bool:
    return value is None or value is False or value == [] or value == ""


# ------------------------------------------------------------------------------------------- engine


def _guide_for(cmd: Command) -> Guide | None:
    return GUIDES.get(fold(cmd.name))


def _command(row: DialogState) -> tuple[Command, Guide]:
    cmd, _used = registry.lookup(tokenize(row.command))
    assert cmd is not None, row.command
    found = _guide_for(cmd)
    assert found is not None, row.command
    return cmd, found


def _timeout(ctx: Context) -> timedelta:
    return timedelta(minutes=ctx.config.bot.dialog_timeout_minutes)


async def offer(ctx: Context, cmd: Command, values: dict[str, Any], *, complete: bool) -> bool:
    """Called by the dispatcher: start the command's dialog if it has one and the input is too little."""
    found = _guide_for(cmd)
    if found is None or (complete and not found.incomplete(values)):
        return False
    await start(ctx, cmd, found, values)
    return True


async def start(ctx: Context, cmd: Command, found: Guide, given: dict[str, Any]) -> None:
    if found.precheck is not None and (refusal := found.precheck(ctx)) is not None:
        await ctx.reply(refusal)
        return
    old = await _open_dialog(ctx, ctx.room_id, ctx.sender)
    note = ""
    if old is not None:
        await _end(ctx, old)
        note = ctx.t("dialog.replaced") + "\n\n"
    if found.prefill is not None:
        answers = found.prefill(given)
    else:
        answers = {s.key: given[s.key] for s in found.steps if not _empty(given.get(s.key))}
    passthrough = {k: v for k, v in given.items() if not _empty(v) and k not in answers}
    ctx.thread_root = None if ctx.is_dm else (ctx.thread_root or ctx.event_id)
    now = ctx.now()
    row = DialogState(
        command=cmd.name,
        room_id=ctx.room_id,
        thread_root=ctx.thread_root,
        sender=ctx.sender,
        step=0,
        values={"given": {k: dump(v) for k, v in passthrough.items()}},
        started_at=now,
        touched_at=now,
    )
    _store(row, answers)
    ctx.session.add(row)
    await ctx.session.flush()
    row.timeout_job_id = await ctx.scheduler.schedule(
        ctx.session,
        TIMEOUT_JOB,
        now + _timeout(ctx),
        {"room_id": ctx.room_id, "dialog_id": row.id, "run_late": True},
        timezone=ctx.config.bot.timezone,
    )
    intro = ctx.t(
        "dialog.intro",
        title=ctx.t(found.title),
        where=ctx.t("dialog.where_dm" if ctx.is_dm else "dialog.where_thread"),
        minutes=_minutes(ctx),
    )
    log.info("dialog %s started in %s", cmd.name, _where(ctx))
    await ctx.reply(note + intro + "\n\n" + _next(ctx, found, row, answers))


def _where(ctx: Context) -> str:
    """For the log: never who, and no DM room id (that would name the person as well)."""
    return "a direct message" if ctx.is_dm else ctx.room_id


def _minutes(ctx: Context) -> str:
    minutes = ctx.config.bot.dialog_timeout_minutes
    return str(int(minutes)) if minutes == int(minutes) else f"{minutes:g}"


def _next(ctx: Context, found: Guide, row: DialogState, answers: dict[str, Any]) -> str:
    """Move to the first step still unanswered and return its question, or the preview when none is."""
    visible = found.visible(answers)
    for step in visible:
        if step.key not in answers:
            row.step = found.steps.index(step)
            return _question(ctx, step, answers, visible)
    row.step = len(found.steps)
    return _preview(ctx, found, answers, _given(row))


def _question(ctx: Context, step: Step, answers: dict[str, Any], visible: Sequence[Step]) -> str:
    position = visible.index(step) + 1
    lines = [ctx.t("dialog.question", n=position, total=len(visible), question=ctx.t(step.ask))]
    lines += [f"{i}. {i18n.pick(ctx.lang, c.label)}" for i, c in enumerate(step.choices, start=1)]
    if step.default is not REQUIRED:
        value = _default(ctx, step, answers)
        lines.append(ctx.t("dialog.ok_means", value=show_value(ctx, step, value)))
    return "\n".join(lines)


def _default(ctx: Context, step: Step, answers: dict[str, Any]) -> Any:
    return step.default(ctx, answers) if callable(step.default) else step.default


def _preview(ctx: Context, found: Guide, answers: dict[str, Any], given: dict[str, Any]) -> str:
    lines = [ctx.t("dialog.preview", title=ctx.t(found.title))]
    for i, step in enumerate(found.visible(answers), start=1):
        lines.append(f"{i}. {ctx.t(step.label)}: {show_value(ctx, step, answers.get(step.key))}")
    if given:  # options typed with the command that no step asks about, e.g. `!umfrage --geheim`
        shown = [
            f"`--{k}`" + ("" if v is True else " " + show_value(ctx, Step(k, "", ""), v))
            for k, v in given.items()
        ]
        lines.append(ctx.t("dialog.also", options=", ".join(shown)))
    lines += ["", ctx.t("dialog.confirm")]
    return "\n".join(lines)


async def _open_dialog(ctx: Context, room_id: str, sender: str) -> DialogState | None:
    query = select(DialogState).where(DialogState.room_id == room_id, DialogState.sender == sender)
    return (await ctx.session.execute(query)).scalar_one_or_none()


async def _end(ctx: Context, row: DialogState) -> None:
    if row.timeout_job_id is not None:
        await ctx.scheduler.cancel(ctx.session, row.timeout_job_id)
    await ctx.session.delete(row)
    await ctx.session.flush()


@message_hook(5)  # before the retro interview (10) and the FAQ (500): an open dialog gets its answers
async def answer(ctx: Context, incoming: Incoming) -> bool:
    if incoming.content.get("msgtype") != "m.text" or incoming.relates_to.get("rel_type") == "m.replace":
        return False
    row = await _open_dialog(ctx, ctx.room_id, ctx.sender)
    if row is None or (not ctx.is_dm and incoming.thread_root != row.thread_root):
        return False  # someone else, or the same person talking in the room next to their dialog
    cmd, found = _command(row)
    text = incoming.body.strip()
    word = fold(text.rstrip(".!"))
    if word in CANCEL_WORDS:
        await _end(ctx, row)
        await ctx.reply(ctx.t("dialog.cancelled", command=f"{ctx.prefix}{cmd.display_name(ctx.lang)}"))
        return True
    row.touched_at = ctx.now()
    if row.timeout_job_id is not None:
        await ctx.scheduler.reschedule(ctx.session, row.timeout_job_id, row.touched_at + _timeout(ctx))
    answers = _answers(row)
    if row.step >= len(found.steps):
        await _at_preview(ctx, cmd, found, row, answers, text, word)
        return True
    step = found.steps[row.step]
    visible = found.visible(answers)
    if word in OK_WORDS:
        if step.default is REQUIRED:
            await ctx.reply(ctx.t("dialog.needs_answer") + "\n\n" + _question(ctx, step, answers, visible))
            return True
        value = _default(ctx, step, answers)
    else:
        try:
            value = read_answer(cmd, step, text, ctx)
            if step.check is not None:
                step.check(ctx, value, answers)
        except (UsageError, UserError) as exc:
            await ctx.reply(f"⚠️ {exc.message}\n\n" + _question(ctx, step, answers, visible))
            return True
    answers[step.key] = value
    # Answers to steps that no longer apply (e.g. a count after switching to a single choice) are dropped.
    answers = {k: v for k, v in answers.items() if k not in _hidden_keys(found, answers)}
    _store(row, answers)
    await ctx.reply(_next(ctx, found, row, answers))
    return True


def _hidden_keys(found: Guide, answers: dict[str, Any]) -> set[str]:
    shown = {s.key for s in found.visible(answers)}
    return {s.key for s in found.steps} - shown


async def _at_preview(
    ctx: Context, cmd: Command, found: Guide, row: DialogState, answers: dict[str, Any], text: str, word: str
) -> None:
    visible = found.visible(answers)
    if word.isdigit() and 1 <= int(word) <= len(visible):
        step = visible[int(word) - 1]
        row.step = found.steps.index(step)
        answers.pop(step.key, None)
        _store(row, answers)
        await ctx.reply(_question(ctx, step, answers, found.visible(answers)))
        return
    if word not in CONFIRM_WORDS:
        await ctx.reply(ctx.t("dialog.confirm_again", count=len(visible)))
        return
    await finish(ctx, cmd, found, row, answers)


async def finish(ctx: Context, cmd: Command, found: Guide, row: DialogState, answers: dict[str, Any]) -> None:
    """Call the command's own handler with the answers — the one-liner's code path, nothing copied."""
    given = _given(row)
    await _end(ctx, row)
    if not ctx.may(cmd.permission):
        await ctx.reply(
            ctx.t("dispatch.coordinators_only", command=f"{ctx.prefix}{cmd.display_name(ctx.lang)}")
        )
        return
    if found.precheck is not None and (refusal := found.precheck(ctx)) is not None:
        await ctx.reply(refusal)
        return
    kwargs: dict[str, Any] = {a.name: None for a in cmd.args}
    kwargs |= {f.key: ([] if f.repeat else (False if f.type is None else None)) for f in cmd.flags}
    kwargs |= given
    visible = {s.key for s in found.visible(answers)}
    chosen = {k: v for k, v in answers.items() if k in visible}
    kwargs |= found.build(chosen) if found.build is not None else chosen
    for step in found.visible(answers):  # "in 10 Minuten" may have passed while the preview waited
        value = answers.get(step.key)
        if isinstance(value, datetime) and value <= ctx.now():
            fix = ctx.t("dialog.fix", count=len(visible))
            raise UserError(ctx.t("dialog.past", label=ctx.t(step.label)) + "\n\n" + fix)
    log.info("dialog %s finished in %s", cmd.name, _where(ctx))
    try:
        await cmd.handler(ctx, **kwargs)
    except (UserError, UsageError) as exc:
        # The transaction is rolled back, so the dialog is still at its preview: say how to fix it there.
        raise UserError(exc.message + "\n\n" + ctx.t("dialog.fix", count=len(visible))) from exc
    if found.done is not None:
        await ctx.reply(ctx.t(found.done))


@job(TIMEOUT_JOB)
async def timed_out(ctx: Context, payload: dict[str, Any]) -> None:
    row = await ctx.session.get(DialogState, payload["dialog_id"])
    if row is None:
        return
    if row.touched_at + _timeout(ctx) > ctx.now() + timedelta(seconds=1):  # answered meanwhile
        return
    cmd, _found = _command(row)
    row.timeout_job_id = None  # this very job: the scheduler marks it done
    await _end(ctx, row)
    ctx.thread_root = row.thread_root
    await ctx.reply(
        ctx.t(
            "dialog.timed_out",
            minutes=_minutes(ctx),
            command=f"{ctx.prefix}{cmd.display_name(ctx.lang)}",
        )
    )


register_texts()
