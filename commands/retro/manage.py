"""Running a retro: start, announce, status, close, export, list — and ``!retro`` itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.fanout import still_wanted
from bot.framework import Arg, Choice, Duration, Flag, Int, Perm, Text, UserError, When, command
from bot.render import escape_md
from commands.retro import interview, present, service, store
from commands.retro.access import is_coordinator_for, is_member, participant_retro, visible_retro
from commands.retro.analysis import (
    FORMAT_CHOICES,
    MAX_QUESTION_CHARS,
    MAX_QUESTIONS,
    MAX_TITLE_CHARS,
    RetroInputError,
    categories_for,
    normalize_question,
)
from commands.retro.present import label, when
from commands.retro.report import export_csv, export_markdown
from commands.retro.settings import settings
from commands.retro.texts import GROUP, PRIVACY, amount
from storage.retro import Retro

DEFAULT_REMINDER = timedelta(days=1)
NUMBER = Arg("nummer", Int(1), label={"de": "Retro-Nr.", "en": "retro no."})


@command(
    "retro",
    group=GROUP,
    help={
        "de": "Im Direktchat: Feedback zu einer laufenden Retro geben (kurzes Interview).",
        "en": "In a DM: give feedback to a running retro (short interview).",
    },
    args=[Arg("nummer", Int(1), optional=True, label={"de": "Retro-Nr.", "en": "retro no."})],
    examples=["!retro", "!retro 3"],
    details=PRIVACY,
)
async def retro(ctx: Context, nummer: int | None) -> None:
    if not ctx.is_dm:
        await _room_overview(ctx, nummer)
        return
    if nummer is not None:
        await interview.start(ctx, await participant_retro(ctx, nummer))
        return
    mine = [r for r in await store.open_retros(ctx.session) if is_member(ctx, r)]
    if not mine:
        await ctx.reply(ctx.t("retro.dm.none"))
    elif len(mine) == 1:
        await interview.start(ctx, mine[0])
    else:
        lines = [ctx.t("retro.dm.choose")]
        lines += [f"- `{ctx.prefix}retro {r.number}` – „{escape_md(r.title)}“" for r in mine]
        await ctx.reply("\n".join(lines))


async def _room_overview(ctx: Context, nummer: int | None) -> None:
    if nummer is not None:
        found = await visible_retro(ctx, nummer)
        await ctx.reply(ctx.t("retro.room.use_dm", number=found.number))
        return
    running = await store.open_retros(ctx.session, [ctx.room_id])
    if not running:
        await ctx.reply(ctx.t("retro.room.none"))
        return
    lines = [ctx.t("retro.room.running")]
    lines += [f"- {label(r)}: `{ctx.prefix}retro {r.number}`" for r in running]
    await ctx.reply("\n".join(lines))


@command(
    "retro start",
    group=GROUP,
    permission=Perm.COORDINATOR,
    help={
        "de": "Startet eine Retrospektive; Feedback kommt anonym per Direktnachricht.",
        "en": "Starts a retrospective; feedback comes anonymously by DM.",
    },
    args=[Arg("titel", Text(), label={"de": "Titel", "en": "title"})],
    flags=[
        Flag("format", Choice(*FORMAT_CHOICES), label={"de": "sss|4l|msg|custom", "en": "sss|4l|msg|custom"}),
        Flag("kategorien", Text(), aliases=("categories",), label={"de": "A;B;C", "en": "A;B;C"}),
        Flag("frage", Text(), aliases=("question",), repeat=True, label={"de": "Frage", "en": "question"}),
        Flag("bis", When(), aliases=("until",), label={"de": "Zeit", "en": "time"}),
        Flag("erinnern", Duration(), aliases=("remind",), label={"de": "Dauer vorher", "en": "time before"}),
    ],
    examples=[
        '!retro start "Modul 3: Methodenkompetenz" --frage "Wie zufrieden warst du insgesamt?" '
        "--bis Freitag 17 Uhr",
        '!retro start "Jahresrückblick" --format 4l --bis 15.12. 12 Uhr --erinnern 2 Tage',
        '!retro start "Meet and Learn" --kategorien "Lob;Kritik;Ideen"',
    ],
    details={
        "de": "Formate: `sss` Start/Stop/Weitermachen (Standard), `4l` Gefallen/Gelernt/Gefehlt/Gewünscht, "
        '`msg` Wütend/Traurig/Froh, `custom` mit `--kategorien "A;B;C"`. Jede `--frage` ist eine '
        "Bewertungsfrage (1–5). Mit `--bis` schließe ich automatisch und erinnere vorher (Standard: "
        "1 Tag vorher, `--erinnern` ändert das).",
        "en": "Formats: `sss` Start/Stop/Continue (default), `4l` Liked/Learned/Lacked/Longed for, "
        '`msg` Mad/Sad/Glad, `custom` with `--categories "A;B;C"`. Each `--question` is a 1–5 rating '
        "question. With `--until` I close automatically and remind before (default 1 day; `--remind`).",
    },
)
async def retro_start(
    ctx: Context,
    titel: str,
    format: str | None,
    kategorien: str | None,
    frage: list[str],
    bis: datetime | None,
    erinnern: timedelta | None,
) -> None:
    if ctx.is_dm:
        raise UserError(ctx.t("retro.err.start_in_room"))
    title = " ".join(titel.split())
    if not title:
        raise UserError(ctx.t("retro.err.title_empty"))
    if len(title) > MAX_TITLE_CHARS:
        raise UserError(ctx.t("retro.err.title_long", max=MAX_TITLE_CHARS))
    fmt = format or ("custom" if kategorien is not None else "sss")
    try:
        categories = categories_for(fmt, kategorien, ctx.lang)
    except RetroInputError as exc:
        raise UserError(ctx.t(exc.key, **exc.values)) from None
    questions = _questions(ctx, frage)
    remind_at = _remind_at(ctx, bis, erinnern)
    retro_row = Retro(
        number=await store.next_number(ctx.session),
        room_id=ctx.room_id,
        title=title,
        format=fmt,
        categories=categories,
        questions=questions,
        status="open",
        created_at=ctx.now(),
        closes_at=bis,
        remind_at=remind_at,
        secret=store.new_secret(),
    )
    ctx.session.add(retro_row)
    await ctx.session.flush()
    payload = {"room_id": ctx.room_id, "retro_id": retro_row.id}
    if bis is not None:
        # run_late: after a long downtime the retro still closes (with a note) instead of staying open.
        retro_row.close_job_id = await ctx.scheduler.schedule(
            ctx.session, "retro.close", bis, {**payload, "run_late": True}, timezone=ctx.config.bot.timezone
        )
    if remind_at is not None:
        retro_row.remind_job_id = await ctx.scheduler.schedule(
            ctx.session, "retro.remind", remind_at, payload, timezone=ctx.config.bot.timezone
        )
    await ctx.say(present.announcement(ctx, retro_row))
    if settings(ctx).invite_by_dm:
        await _invite_by_dm(ctx, retro_row)


async def _invite_by_dm(ctx: Context, retro_row: Retro) -> None:
    """Everyone of the room gets the same invitation privately (``bot/fanout.py``, under the rate limit).

    Private: the queue lists everybody, so it says nothing about who takes part.
    """
    until = ctx.t("retro.invite.until", when=when(ctx, retro_row.closes_at)) if retro_row.closes_at else ""
    text = ctx.t(
        "retro.invite",
        retro=label(retro_row),
        until=until,
        number=retro_row.number,
        steps=len(retro_row.categories) + len(retro_row.questions),
    )
    title = ctx.t("retro.invite.title", number=retro_row.number)
    await ctx.fan_out(
        f"retro.invite:{retro_row.id}",
        ctx.members(),
        text,
        title=title,
        deadline=retro_row.closes_at,
        private=True,
        payload={"retro_id": retro_row.id},
    )


@still_wanted("retro.invite")
async def _invite_still_wanted(session: AsyncSession, payload: dict[str, Any]) -> bool:
    """Invitations still waiting in the queue are dropped once the retro is closed."""
    retro_row = await session.get(Retro, int(payload["retro_id"]))
    return retro_row is not None and retro_row.is_open


def _questions(ctx: Context, given: list[str]) -> list[str]:
    questions = [" ".join(q.split()) for q in given]
    if any(not q for q in questions):
        raise UserError(ctx.t("retro.err.question_empty"))
    if len(questions) > MAX_QUESTIONS:
        raise UserError(ctx.t("retro.err.question_count", max=MAX_QUESTIONS))
    if any(len(q) > MAX_QUESTION_CHARS for q in questions):
        raise UserError(ctx.t("retro.err.question_long", max=MAX_QUESTION_CHARS))
    keys = [normalize_question(q) for q in questions]
    if len(set(keys)) < len(keys):
        raise UserError(ctx.t("retro.err.question_twice"))
    return questions


def _remind_at(ctx: Context, bis: datetime | None, erinnern: timedelta | None) -> datetime | None:
    """``--erinnern`` is how long before the deadline; by default one day if the deadline is far enough."""
    if bis is None:
        if erinnern is not None:
            raise UserError(ctx.t("retro.err.remind_needs_deadline"))
        return None
    if erinnern is None:
        return bis - DEFAULT_REMINDER if bis - ctx.now() > 2 * DEFAULT_REMINDER else None
    remind_at = bis - erinnern
    if remind_at <= ctx.now():
        raise UserError(ctx.t("retro.err.remind_too_early", deadline=when(ctx, bis)))
    return remind_at


@command(
    "retro status",
    group=GROUP,
    help={
        "de": "Wie viele Beiträge und Personen bisher (nur Zahlen).",
        "en": "How many items and people so far (counts only).",
    },
    args=[Arg("nummer", Int(1), optional=True, label={"de": "Retro-Nr.", "en": "retro no."})],
    examples=["!retro status", "!retro status 3"],
)
async def retro_status(ctx: Context, nummer: int | None) -> None:
    if nummer is not None:
        retros = [await visible_retro(ctx, nummer)]
    else:
        rooms = [ctx.room_id] if not ctx.is_dm else ctx.messenger.team_rooms()
        retros = [
            r
            for r in await store.open_retros(ctx.session, rooms)
            if ctx.room_id == r.room_id or is_member(ctx, r)
        ]
        if not retros:
            await ctx.reply(ctx.t("retro.dm.none" if ctx.is_dm else "retro.room.none"))
            return
    lines = []
    for r in retros:
        counts = await store.counts(ctx.session, r)
        lines.append(
            ctx.t(
                "retro.status.line",
                retro=label(r),
                state=present.state(ctx, r),
                items=amount(ctx.t, "items", counts.items),
                ratings=amount(ctx.t, "ratings", counts.ratings),
                people=amount(ctx.t, "people", counts.people),
            )
        )
    await ctx.reply("\n".join(lines))


@command(
    "retro ende",
    "retro close",
    "retro beenden",
    group=GROUP,
    permission=Perm.COORDINATOR,
    help={
        "de": "Schließt eine Retro und zeigt die Zusammenfassung im Raum.",
        "en": "Closes a retro and posts the summary in its room.",
    },
    args=[NUMBER],
    examples=["!retro ende 3"],
)
async def retro_ende(ctx: Context, nummer: int) -> None:
    found = await visible_retro(ctx, nummer)
    if not is_coordinator_for(ctx, found):
        raise UserError(ctx.t("retro.err.not_coordinator_there", number=nummer))
    if not found.is_open:
        raise UserError(ctx.t("retro.err.already_closed", number=nummer))
    await service.close(ctx, found)
    if ctx.room_id != found.room_id:
        await ctx.reply(ctx.t("retro.closed_elsewhere", number=nummer))


@command(
    "retro export",
    group=GROUP,
    help={
        "de": "Lädt Bericht (Markdown) und Beiträge/Bewertungen (CSV) einer geschlossenen Retro hoch.",
        "en": "Uploads the report (Markdown) and the items/ratings (CSV) of a closed retro.",
    },
    args=[NUMBER],
    examples=["!retro export 3"],
)
async def retro_export(ctx: Context, nummer: int) -> None:
    found = await visible_retro(ctx, nummer)
    if found.is_open:
        raise UserError(ctx.t("retro.err.export_open", number=nummer))
    report = await service.report_for(ctx, found)
    actions = await store.actions_of(ctx.session, found)

    def who(user_id: str) -> str:
        return ctx.messenger.display_name(found.room_id, user_id)

    markdown = export_markdown(report, actions, ctx.t, ctx.lang, ctx.tz, who)
    await ctx.upload(
        markdown.encode("utf-8"), filename=f"retro-{nummer}.md", mimetype="text/markdown; charset=utf-8"
    )
    await ctx.upload(export_csv(report, ctx.t, ctx.lang), filename=f"retro-{nummer}.csv", mimetype="text/csv")


@command(
    "retros",
    "retro liste",
    "retro list",
    group=GROUP,
    help={"de": "Listet die Retros dieses Raums.", "en": "Lists the retros of this room."},
    examples=["!retros"],
)
async def retros(ctx: Context) -> None:
    rooms = [ctx.room_id] if not ctx.is_dm else ctx.messenger.team_rooms()
    found = [
        r for r in await store.retros_in(ctx.session, rooms) if r.room_id == ctx.room_id or is_member(ctx, r)
    ]
    if not found:
        await ctx.reply(ctx.t("retro.list.none"))
        return
    lines = [ctx.t("retro.list.title")]
    for r in found:
        counts = await store.counts(ctx.session, r)
        lines.append(
            ctx.t(
                "retro.list.line",
                retro=label(r),
                state=present.state(ctx, r),
                items=amount(ctx.t, "items", counts.items),
            )
        )
    await ctx.reply("\n".join(lines))


@command(
    "retro datenschutz",
    "retro privacy",
    group=GROUP,
    help={
        "de": "Was ich bei Retros speichere – und was nicht.",
        "en": "What I store for retros – and what not.",
    },
)
async def retro_datenschutz(ctx: Context) -> None:
    await ctx.reply(ctx.t("retro.privacy", min_group=settings(ctx).min_group))
