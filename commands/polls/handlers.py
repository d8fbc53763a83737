"""Poll commands, the Matrix event hooks that feed votes in, and the deadline/reminder jobs."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from bot.config import feature_settings
from bot.context import Context
from bot.dispatch import Incoming
from bot.framework import (
    Arg,
    ArgType,
    Duration,
    Flag,
    Int,
    Text,
    UsageError,
    UserError,
    When,
    Words,
    command,
    event_hook,
    fold,
    job,
    shorten,
)
from bot.permissions import Permissions
from bot.render import escape_md
from commands import undo
from commands.polls import msc3381, names, present, store
from commands.polls.texts import ANONYMITY_DE, ANONYMITY_EN, POLLS
from storage.erasure import scrub_after_commit
from storage.polls import Poll

log = logging.getLogger(__name__)

MIN_OPTIONS, MAX_OPTIONS = 2, 20
MAX_QUESTION, MAX_OPTION = 500, 200
NONE_WORDS = {"keine", "keins", "nichts", "none", "nothing", "-", "0"}
CLOSE_JOB, REMIND_JOB = "poll.close", "poll.remind"


class PollSettings(BaseModel):
    """``[features.polls]`` in the config: ``create = "everyone"`` lets every member start polls."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    create: Literal["coordinators", "everyone"] = "coordinators"


def settings(ctx: Context) -> PollSettings:
    return feature_settings(ctx.config, "polls", PollSettings)


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _event_ms(ctx: Context) -> int:
    return _ms(ctx.origin_ts or ctx.now())


# ------------------------------------------------------------------------------------ poll numbers


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


def may_manage(ctx: Context, poll: Poll) -> bool:
    """Creator, or coordinator *in the poll's room* (asked from a DM, power elsewhere does not count)."""
    if ctx.sender == poll.creator:
        return True
    if poll.room_id == ctx.room_id:
        return ctx.is_coordinator
    return Permissions(ctx.config.coordinators, ctx.messenger).is_coordinator(ctx.sender, poll.room_id)


def may_redact(ctx: Context, room_id: str, user_id: str) -> bool:
    return ctx.messenger.power_level(room_id, user_id) >= ctx.messenger.redact_level(room_id)


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


def start_refusal(ctx: Context) -> str | None:
    """Why this person may not start a poll here (also asked before a guided dialog begins), or None."""
    if settings(ctx).create != "everyone" and not ctx.is_coordinator:
        # Same words as the dispatcher's refusal: to the user this is just a coordinator command.
        name = "umfrage" if ctx.lang != "en" else "poll"
        return ctx.t("dispatch.coordinators_only", command=f"{ctx.prefix}{name}")
    if ctx.is_dm:
        return "⚠️ " + ctx.t("polls.not_in_dm")
    return None


def points_example(budget: int, count: int) -> str:
    first = math.ceil(budget / 2) if count > 1 else budget
    second = budget - first
    return f"1={first}" + (f" 2={second}" if second > 0 else "")


@command(
    "umfrage",
    "poll",
    group=POLLS,
    help={
        "de": "Startet eine Umfrage (Koordination; einstellbar für alle).",
        "en": "Starts a poll (coordinators; can be opened to everyone).",
    },
    args=[
        Arg("frage", Text(), label={"de": "Frage", "en": "question"}),
        Arg("optionen", Words(min=0), label={"de": "Option", "en": "option"}),
    ],
    flags=[
        Flag("mehrfach", Int(1, MAX_OPTIONS), aliases=("multi",), label={"de": "N", "en": "N"}),
        Flag("geheim", aliases=("secret",)),
        Flag("anonym", aliases=("anonymous",)),
        Flag("bis", When(), aliases=("until",), label={"de": "Zeit", "en": "time"}),
        Flag("punkte", Int(1, 1000), aliases=("points",), label={"de": "N", "en": "N"}),
        Flag("erinnern", Duration(), aliases=("remind",), label={"de": "Dauer", "en": "duration"}),
    ],
    examples=[
        '!umfrage "Welcher Termin passt?" "Montag" "Dienstag" "Mittwoch"',
        '!umfrage "Welche Themen 2027?" "Open Data" "E-Akte" "Prozesse" --mehrfach 2 --bis Freitag 17 Uhr',
        '!umfrage "Was zuerst digitalisieren?" "Reisekosten" "E-Akte" "Bildarchiv" --punkte 5',
        '!umfrage "Wie zufrieden bist du?" "Sehr" "Geht so" "Wenig" --anonym --bis morgen 12:00',
    ],
    details={
        "de": "Die Frage und jede Option mit Leerzeichen stehen in Anführungszeichen; 2 bis 20 Optionen.\n"
        "- `--mehrfach N`: bis zu N Antworten pro Person\n"
        "- `--geheim`: Ergebnis erst nach dem Ende; Reaktionen 1️⃣–🔟 zählen dann nicht, weil alle sie sehen\n"
        "- `--anonym`: Abstimmung im Direktchat, niemand sieht, wer wie gestimmt hat\n"
        "- `--bis <Zeit>`: endet automatisch, z. B. `--bis 01.12. 18 Uhr`, `--bis morgen 12:00`, "
        "`--bis in 2 Stunden`\n"
        "- `--punkte N`: jede Person verteilt N Punkte (`!punkte`)\n"
        "- `--erinnern <Dauer>`: erinnert so lange vor dem Ende alle, die noch nicht abgestimmt haben\n\n"
        "Umfragen starten darf die Koordination (auf Wunsch des Betriebs auch alle).\n\n" + ANONYMITY_DE,
        "en": "Quote the question and every option containing spaces; 2 to 20 options.\n"
        "- `--mehrfach N`: up to N answers per person\n"
        "- `--geheim`: result only after the end; reactions 1️⃣–🔟 do not count then, as everyone sees them\n"
        "- `--anonym`: voting in a direct chat, nobody sees who voted what\n"
        "- `--bis <time>`: closes automatically\n"
        "- `--punkte N`: everyone spreads N points (`!points`)\n"
        "- `--erinnern <duration>`: reminds those who have not voted that long before the end\n\n"
        "Coordinators may start polls (everyone, if the bot's operators allow it).\n\n" + ANONYMITY_EN,
    },
)
async def umfrage(
    ctx: Context,
    frage: str,
    optionen: list[str],
    mehrfach: int | None,
    geheim: bool,
    anonym: bool,
    bis: datetime | None,
    punkte: int | None,
    erinnern: timedelta | None,
) -> None:
    refusal = start_refusal(ctx)
    if refusal is not None:
        await ctx.reply(refusal)
        return
    question, options = validate(ctx, frage, optionen)
    if punkte is not None and mehrfach is not None:
        raise _refuse(ctx, "polls.points_and_multi")
    if mehrfach is not None and mehrfach > len(options):
        raise _refuse(ctx, "polls.multi_too_big", n=mehrfach, count=len(options))
    remind_at: datetime | None = None
    if erinnern is not None:
        if bis is None:
            raise UserError(ctx.t("polls.remind_needs_deadline"))
        remind_at = bis - erinnern
        if remind_at <= ctx.now():
            raise UserError(ctx.t("polls.remind_in_past", when=present.when(remind_at, ctx.tz, ctx.lang)))

    poll = Poll(
        room_id=ctx.room_id,
        number=await store.next_number(ctx.session, ctx.room_id),
        question=question,
        options=options,
        kind="points" if punkte is not None else "choice",
        max_selections=mehrfach or 1,
        points=punkte,
        secret=geheim,
        anonymous=anonym,
        native=punkte is None and not anonym,
        creator=ctx.sender,
        created_at=ctx.now(),
        closes_at=bis,
        remind_at=remind_at,
        voter_key=store.new_voter_key() if anonym else None,
    )
    ctx.session.add(poll)
    await ctx.session.flush()
    if poll.native:
        poll.start_event_id = await _post_native(ctx, poll)
    else:
        poll.start_event_id = await ctx.say(_numbered_message(ctx, poll))
    payload: dict[str, Any] = {"room_id": poll.room_id, "poll_id": poll.id}
    if bis is not None:
        # run_late: after a long downtime the poll is still closed (with a note), never left open forever.
        poll.close_job_id = await ctx.scheduler.schedule(
            ctx.session, CLOSE_JOB, bis, {**payload, "run_late": True}, timezone=ctx.config.bot.timezone
        )
    if remind_at is not None:  # a reminder after the fact is noise: this one may be skipped when late
        poll.remind_job_id = await ctx.scheduler.schedule(
            ctx.session, REMIND_JOB, remind_at, payload, timezone=ctx.config.bot.timezone
        )
    log.info("poll #%d started in %s (%s)", poll.number, poll.room_id, poll.kind)
    if bis is not None:  # a deadline from typed words: say which moment was taken, offer a one-word undo
        await undo.offer(ctx, f"umfrage schließen {poll.number}")
        when = present.when(bis, ctx.tz, ctx.lang)
        await ctx.reply(ctx.t("polls.deadline_taken", number=poll.number, when=when, undo=undo.hint(ctx)))


def _details_lines(ctx: Context, poll: Poll) -> list[str]:
    lines = []
    if poll.max_selections > 1:
        lines.append(ctx.t("polls.info_multi", n=poll.max_selections))
    if poll.secret:
        lines.append(ctx.t("polls.info_secret"))
    if poll.closes_at is not None:
        lines.append(ctx.t("polls.info_deadline", when=present.when(poll.closes_at, ctx.tz, ctx.lang)))
    else:
        lines.append(ctx.t("polls.info_open_end", number=poll.number))
    return lines


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
    info = [ctx.t("polls.info_title", number=poll.number), *_details_lines(ctx, poll)]
    info.append(
        ctx.t("polls.info_how_native_secret" if poll.secret else "polls.info_how_native", number=poll.number)
    )
    await ctx.say("\n".join(info))
    return event_id


def _option_list(poll: Poll) -> str:
    return "\n".join(f"{i + 1}. {escape_md(text)}" for i, text in enumerate(poll.options))


def _numbered_message(ctx: Context, poll: Poll) -> str:
    """Points and anonymous polls: Element has no widget for them, so a numbered list and how to vote."""
    parts = [
        f"🗳️ **{ctx.t('polls.fallback_title', number=poll.number, question=escape_md(poll.question))}**",
        _option_list(poll),
    ]
    if poll.is_points:
        example = points_example(poll.points or 1, len(poll.options))
        parts.append(ctx.t("polls.how_points", points=poll.points, number=poll.number, example=example))
    if poll.anonymous:
        parts.append(ctx.t("polls.how_anonymous", number=poll.number, command=_vote_command(ctx, poll)))
    parts.append("\n".join(_details_lines(ctx, poll)))
    return "\n\n".join(parts)


def _vote_command(ctx: Context, poll: Poll) -> str:
    if poll.is_points:
        return f"{ctx.prefix}punkte {poll.number} {points_example(poll.points or 1, len(poll.options))}"
    return f"{ctx.prefix}stimme {poll.number} <Nr>"


# ------------------------------------------------------------------------------------------ voting


def parse_choices(ctx: Context, poll: Poll, words: list[str]) -> list[str]:
    """``2`` / ``1,3`` / ``1 3`` / an option's text / ``keine`` → answer ids (empty = withdraw)."""
    text = " ".join(words).strip()
    folded = fold(text)
    if folded in NONE_WORDS:
        return []
    for i, option in enumerate(poll.options):
        if fold(option) == folded:
            return [msc3381.answer_id(i)]
    if not re.fullmatch(r"[#\d,;\s]+", text):  # a name or the beginning of one: "E-Akte", "ki"
        try:
            return [msc3381.answer_id(names.resolve_option(text, poll.options))]
        except names.NameProblem as problem:
            raise _option_problem(ctx, poll, problem) from None
    chosen: list[str] = []
    for part in filter(None, re.split(r"[,;\s]+", text)):
        cleaned = part.lstrip("#")
        if not cleaned.isdigit() or not 1 <= int(cleaned) <= len(poll.options):
            raise UserError(
                ctx.t(
                    "polls.bad_choice",
                    value=escape_md(shorten(part, 40)),
                    number=poll.number,
                    count=len(poll.options),
                )
            )
        answer = msc3381.answer_id(int(cleaned) - 1)
        if answer not in chosen:
            chosen.append(answer)
    if len(chosen) > poll.max_selections:
        raise UserError(
            ctx.t("polls.too_many_choices", number=poll.number, max=poll.max_selections, got=len(chosen))
        )
    return chosen


def _option_problem(ctx: Context, poll: Poll, problem: names.NameProblem) -> UserError:
    """Unknown or ambiguous option name: say which, and list the options to pick from."""
    if problem.kind == "ambiguous":
        listed = ", ".join(f"{i + 1}. {escape_md(poll.options[i])}" for i in problem.candidates)
        key = "polls.option_ambiguous"
    else:
        listed = ", ".join(f"{i + 1}. {escape_md(option)}" for i, option in enumerate(poll.options))
        key = "polls.option_unknown"
    return UserError(
        ctx.t(key, value=escape_md(shorten(problem.name, 40)), number=poll.number, options=listed)
    )


def parse_points(ctx: Context, poll: Poll, words: list[str]) -> dict[str, int]:
    """``1=3 4=2`` or ``E-Akte=3 KI im Amt=2`` → {"1": 3, "2": 2}; refuses what it cannot read, unknown or
    ambiguous options and overspending (see ``commands.polls.names``)."""
    text = " ".join(words).strip()
    if fold(text) in NONE_WORDS:
        return {}
    budget = poll.points or 0
    example = points_example(budget, len(poll.options))
    try:
        pairs = names.split_allocation(text)
    except names.Unreadable as exc:
        raise UserError(
            ctx.t("polls.bad_points", value=escape_md(shorten(exc.part or text, 40)), number=poll.number)
        ) from None
    allocation: dict[str, int] = {}
    for name, amount in pairs:
        if name.lstrip("#").isdigit() and not 1 <= int(name.lstrip("#")) <= len(poll.options):
            raise UserError(
                ctx.t(
                    "polls.points_unknown_option",
                    value=int(name.lstrip("#")),
                    number=poll.number,
                    count=len(poll.options),
                )
            )
        try:
            index = names.resolve_option(name, poll.options)
        except names.NameProblem as problem:
            raise _option_problem(ctx, poll, problem) from None
        answer = msc3381.answer_id(index)
        allocation[answer] = allocation.get(answer, 0) + amount
    total = sum(allocation.values())
    if total > budget:
        raise UserError(
            ctx.t("polls.points_over_budget", got=total, budget=budget, number=poll.number, example=example)
        )
    return {answer: amount for answer, amount in allocation.items() if amount}


async def _record(ctx: Context, poll: Poll, selections: Any, source: str) -> None:
    if poll.anonymous:
        await store.set_ballot(ctx.session, poll, ctx.sender, selections)
        return
    await store.add_response(
        ctx.session,
        poll,
        event_id=ctx.event_id or f"local-{ctx.txn_prefix}",
        sender=ctx.sender,
        ts_ms=_event_ms(ctx),
        source=source,
        selections=selections,
    )


async def _check_can_vote(ctx: Context, poll: Poll, *, points: bool) -> bool:
    """Refuse what cannot count; for an anonymous poll in the open room, redirect to the DM instead."""
    if poll.is_points != points:
        raise UserError(ctx.t("polls.not_points" if points else "polls.use_points", number=poll.number))
    if not poll.is_open:
        raise UserError(ctx.t("polls.closed", number=poll.number))
    if ctx.sender not in ctx.members(poll.room_id):
        raise UserError(ctx.t("polls.not_member", number=poll.number))
    return ctx.is_dm or not poll.anonymous


async def _redirect_to_dm(ctx: Context, poll: Poll, *, said_choice: bool) -> None:
    """An anonymous vote typed in the room is not counted: remove it if we may, and open the DM."""
    removed = False
    if said_choice and ctx.event_id:
        try:
            await ctx.messenger.redact(
                ctx.room_id, ctx.event_id, reason=ctx.t("polls.redact_reason"), txn_id=ctx.next_txn()
            )
            removed = True
        except Exception:  # the bot may lack the power to redact; the reply asks to delete it
            log.info("could not redact an anonymous vote typed in %s", ctx.room_id)
    intro = ctx.t(
        "polls.anonymous_dm_intro",
        number=poll.number,
        question=escape_md(poll.question),
        options=_option_list(poll),
        command=_vote_command(ctx, poll),
    )
    try:
        await ctx.dm(ctx.sender, intro + "\n\n" + ctx.t("polls.change_hint", number=poll.number))
    except Exception:  # the room reply below still tells them where to vote
        log.warning("could not open a DM for an anonymous poll", exc_info=True)
    if not said_choice:
        await ctx.reply(ctx.t("polls.anonymous_dm_sent", number=poll.number))
        return
    gone = ctx.t("polls.vote_removed" if removed else "polls.vote_not_removed")
    await ctx.reply(ctx.t("polls.anonymous_in_room", number=poll.number) + " " + gone)


def _choice_text(poll: Poll, selections: list[str]) -> str:
    return ", ".join(f"{a}. {escape_md(poll.options[int(a) - 1])}" for a in selections)


@command(
    "stimme",
    "vote",
    group=POLLS,
    help={
        "de": "Stimmt ab (auch ohne Umfrage-Anzeige; bei anonymen Umfragen im Direktchat).",
        "en": "Votes (also without a poll widget; in a direct chat for anonymous polls).",
    },
    args=[NR, Arg("auswahl", Words(min=0), optional=True, label={"de": "Option", "en": "option"})],
    examples=["!stimme 3 2", "!stimme 3 1,4", "!stimme 3 keine"],
    details={
        "de": "Die Nummer der Umfrage steht in der Umfrage (#3); Optionen zählen ab 1. Mehrere Optionen "
        "mit Komma, wenn die Umfrage das erlaubt. `keine` nimmt die Stimme zurück. Es zählt immer deine "
        "letzte Stimme.\n\n" + ANONYMITY_DE,
        "en": "The poll number is shown in the poll (#3); options count from 1. Several options separated "
        "by commas if the poll allows it. `none` withdraws your vote. Your latest vote counts.\n\n"
        + ANONYMITY_EN,
    },
)
async def stimme(ctx: Context, nr: Ref, auswahl: list[str] | None) -> None:
    poll = await resolve(ctx, nr)
    if not await _check_can_vote(ctx, poll, points=False):
        await _redirect_to_dm(ctx, poll, said_choice=bool(auswahl))
        return
    if not auswahl:
        raise UserError(ctx.t("polls.missing_choice", number=poll.number))
    selections = parse_choices(ctx, poll, auswahl)
    await _record(ctx, poll, selections, "command")
    if not selections:
        await ctx.reply(ctx.t("polls.unvoted", number=poll.number))
    elif poll.secret and not ctx.is_dm:
        await ctx.reply(ctx.t("polls.vote_ok_secret", number=poll.number))
    else:
        await ctx.reply(ctx.t("polls.vote_ok", number=poll.number, choice=_choice_text(poll, selections)))


@command(
    "punkte",
    "points",
    group=POLLS,
    help={"de": "Verteilt Punkte bei einer Punkte-Umfrage.", "en": "Spreads points in a points poll."},
    args=[
        NR,
        Arg("verteilung", Words(min=0), optional=True, label={"de": "Option=Punkte", "en": "option=points"}),
    ],
    examples=["!punkte 3 E-Akte=3 KI im Amt=2", "!punkte 3 1=3 4=2", "!punkte 3 keine"],
    details={
        "de": "Schreib Option=Punkte, getrennt durch Leerzeichen. Die Option nennst du mit ihrer Nummer "
        "oder ihrem Namen – der Anfang reicht, Groß-/Kleinschreibung egal. Du musst nicht alle Punkte "
        "vergeben; mehr als erlaubt geht nicht. Eine neue Verteilung ersetzt die alte, `keine` nimmt sie "
        "zurück.",
        "en": "Write option=points separated by spaces. Name the option by its number or its name – the "
        "beginning is enough, case does not matter. You need not use all points, but not more than "
        "allowed. A new distribution replaces the old one; `none` withdraws it.",
    },
)
async def punkte(ctx: Context, nr: Ref, verteilung: list[str] | None) -> None:
    poll = await resolve(ctx, nr)
    if not await _check_can_vote(ctx, poll, points=True):
        await _redirect_to_dm(ctx, poll, said_choice=bool(verteilung))
        return
    if not verteilung:
        example = points_example(poll.points or 1, len(poll.options))
        raise UserError(
            ctx.t("polls.missing_points", number=poll.number, budget=poll.points, example=example)
        )
    allocation = parse_points(ctx, poll, verteilung)
    await _record(ctx, poll, allocation, "command")
    if not allocation:
        await ctx.reply(ctx.t("polls.unvoted", number=poll.number))
        return
    choice = ", ".join(
        f"{a}. {escape_md(poll.options[int(a) - 1])} = {n}"
        for a, n in sorted(allocation.items(), key=lambda item: int(item[0]))
    )
    left = (poll.points or 0) - sum(allocation.values())
    if poll.secret and not ctx.is_dm:
        await ctx.reply(ctx.t("polls.vote_ok_secret", number=poll.number))
        return
    await ctx.reply(
        ctx.t("polls.points_ok", number=poll.number, choice=choice, left=left, budget=poll.points)
    )


# ----------------------------------------------------------------------------------- Matrix events


@event_hook(msc3381.RESPONSE, msc3381.STABLE_RESPONSE)
async def on_poll_response(ctx: Context, incoming: Incoming) -> bool:
    """A click in Element's poll widget: stored as it came, judged later by the tally rules."""
    start = msc3381.referenced_event(incoming.content)
    poll = await store.by_start_event(ctx.session, incoming.room_id, start) if start else None
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
    hint = _reaction_hint(ctx, poll)
    hint += "\n\n" + ctx.t("polls.reaction_removed" if removed else "polls.reaction_remove_yourself")
    try:
        await ctx.dm(incoming.sender, hint)
    except Exception:  # not counted either way; a notice in the room instead would name the person
        log.warning("could not send the reaction hint for poll #%d", poll.number, exc_info=True)


def _reaction_hint(ctx: Context, poll: Poll) -> str:
    command = _vote_command(ctx, poll)
    if poll.anonymous:
        intro = ctx.t(
            "polls.anonymous_dm_intro",
            number=poll.number,
            question=escape_md(poll.question),
            options=_option_list(poll),
            command=command,
        )
        return ctx.t("polls.reaction_hint_anonymous", number=poll.number) + "\n\n" + intro
    how = "polls.reaction_how_native" if poll.native else "polls.reaction_how_dm"
    return (
        ctx.t("polls.reaction_hint_secret", number=poll.number, question=escape_md(poll.question))
        + " "
        + ctx.t(how, command=command)
    )


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
    start = msc3381.referenced_event(incoming.content)
    poll = await store.by_start_event(ctx.session, incoming.room_id, start) if start else None
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


@command(
    "umfrage schließen",
    "umfrage beenden",
    "poll close",
    "poll end",
    group=POLLS,
    help={
        "de": "Beendet eine Umfrage und zeigt das Ergebnis (wer sie gestartet hat oder Koordination).",
        "en": "Closes a poll and shows the result (its creator or a coordinator).",
    },
    args=[NR],
    examples=["!umfrage schließen 3"],
)
async def schliessen(ctx: Context, nr: Ref) -> None:
    poll = await resolve(ctx, nr)
    if not may_manage(ctx, poll):
        raise UserError(ctx.t("polls.close_refused", number=poll.number))
    if not poll.is_open:
        raise UserError(ctx.t("polls.already_closed", number=poll.number))
    await close_poll(ctx, poll, end_ts_ms=_ms(ctx.now()), reply=True)


@job(CLOSE_JOB)
async def close_at_deadline(ctx: Context, payload: dict[str, Any]) -> None:
    poll = await ctx.session.get(Poll, int(payload["poll_id"]))
    if poll is None or not poll.is_open:
        return  # closed by hand or in Element meanwhile: nothing to do, and never a second result
    # The deadline is the end: even if this runs late, votes cast after it do not count.
    end = min(ctx.now(), poll.closes_at) if poll.closes_at is not None else ctx.now()
    await close_poll(ctx, poll, end_ts_ms=_ms(end), running_job=poll.close_job_id)


@job(REMIND_JOB)
async def remind(ctx: Context, payload: dict[str, Any]) -> None:
    """One reminder before the deadline that mentions only those who have not voted (nobody if anonymous)."""
    poll = await ctx.session.get(Poll, int(payload["poll_id"]))
    if poll is None or not poll.is_open or poll.closes_at is None:
        return
    counted = await store.current_tally(ctx.session, poll)
    members = ctx.members(poll.room_id)
    when = present.when(poll.closes_at, ctx.tz, ctx.lang)
    question = escape_md(poll.question)
    if poll.anonymous:
        text = ctx.t(
            "polls.reminder_anonymous",
            number=poll.number,
            question=question,
            when=when,
            voters=counted.voters,
            members=max(len(members), counted.voters),
        )
        await ctx.say(text + ctx.late_note(), room_id=poll.room_id)
        return
    missing = [m for m in members if m not in counted.ballots]
    if not missing:
        return
    people = ", ".join(
        f"[{escape_md(ctx.messenger.display_name(poll.room_id, m))}](<https://matrix.to/#/{m}>)"
        for m in missing
    )
    text = ctx.t("polls.reminder", number=poll.number, question=question, when=when, people=people)
    await ctx.say(text + ctx.late_note(), room_id=poll.room_id, mention_users=missing)


# ----------------------------------------------------------------------------------- results, list


@command(
    "ergebnis",
    "results",
    group=POLLS,
    help={"de": "Zeigt das (Zwischen-)Ergebnis einer Umfrage.", "en": "Shows a poll's (interim) result."},
    args=[Arg("nr", PollRef(), optional=True, label={"de": "Nr", "en": "no"})],
    examples=["!ergebnis", "!ergebnis 3"],
)
async def ergebnis(ctx: Context, nr: Ref | None) -> None:
    poll = await resolve(ctx, nr)
    counted = await store.current_tally(ctx.session, poll)
    members = len(ctx.members(poll.room_id))
    if poll.secret and poll.is_open:
        await ctx.reply(present.hidden_markdown(ctx.lang, poll, counted, members=members, tz=ctx.tz))
        return
    final = not poll.is_open
    await ctx.reply(present.result_markdown(ctx.lang, poll, counted, members=members, final=final, tz=ctx.tz))


@command(
    "umfragen",
    "polls",
    group=POLLS,
    help={
        "de": "Listet die offenen Umfragen mit Beteiligung und Frist.",
        "en": "Lists open polls with turnout and deadline.",
    },
    examples=["!umfragen"],
)
async def umfragen(ctx: Context) -> None:
    if ctx.is_dm:
        rooms = {p.room_id for p in await store.open_polls(ctx.session)}
        mine = [r for r in rooms if ctx.sender in ctx.members(r)]
        polls = await store.open_polls(ctx.session, mine)
    else:
        polls = await store.open_polls(ctx.session, [ctx.room_id])
    if not polls:
        await ctx.reply(ctx.t("polls.list_empty"))
        return
    lines = [ctx.t("polls.list_title")]
    for poll in polls:
        counted = await store.current_tally(ctx.session, poll)
        deadline = (
            ctx.t("polls.list_deadline", when=present.when(poll.closes_at, ctx.tz, ctx.lang))
            if poll.closes_at is not None
            else ctx.t("polls.list_no_deadline")
        )
        question = escape_md(poll.question) + (ctx.t("polls.list_anonymous") if poll.anonymous else "")
        members = max(len(ctx.members(poll.room_id)), counted.voters)
        lines.append(
            ctx.t(
                "polls.list_item",
                number=poll.number,
                question=question,
                voters=counted.voters,
                members=members,
                deadline=deadline,
            )
        )
    await ctx.reply("\n".join(lines))


@command(
    "umfrage export",
    "poll export",
    group=POLLS,
    help={
        "de": "Schickt dir das Ergebnis als CSV-Datei (wer die Umfrage gestartet hat oder Koordination).",
        "en": "Sends you the result as a CSV file in a direct chat (its creator or a coordinator).",
    },
    args=[NR],
    examples=["!umfrage export 3"],
)
async def export(ctx: Context, nr: Ref) -> None:
    poll = await resolve(ctx, nr)
    if not may_manage(ctx, poll):
        raise UserError(ctx.t("polls.export_refused", number=poll.number))
    if poll.secret and poll.is_open:
        raise UserError(ctx.t("polls.export_secret_open", number=poll.number))
    counted = await store.current_tally(ctx.session, poll)
    data = present.export_csv(
        ctx.lang, poll, counted, name_of=lambda user: ctx.messenger.display_name(poll.room_id, user)
    )
    # Per-person rows go to the asker only, never into the team room.
    target = ctx.room_id if ctx.is_dm else await ctx.messenger.direct_room(ctx.sender)
    await ctx.upload(
        data, filename=f"{ctx.t('polls.file_stem')}-{poll.number}.csv", mimetype="text/csv", room_id=target
    )
    if target != ctx.room_id:
        await ctx.reply(ctx.t("polls.export_sent", number=poll.number))
