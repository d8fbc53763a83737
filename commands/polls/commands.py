"""The poll commands: thin chat adapters over ``service`` (start, vote, close) and ``present``."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.context import Context
from bot.framework import Arg, Duration, Flag, Int, Text, UserError, When, Words, command
from bot.render import escape_md
from commands.polls import present, receipts, service, store
from commands.polls.choices import parse_choices, parse_points
from commands.polls.refs import NR, PollRef, Ref, resolve, resolve_managed
from commands.polls.service import MAX_OPTIONS, close_poll, record_vote
from commands.polls.texts import ANONYMITY_DE, ANONYMITY_EN, POLLS
from storage.polls import Poll

log = logging.getLogger(__name__)


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
    refusal = service.start_refusal(ctx)
    if refusal is not None:
        await ctx.reply(refusal)
        return
    await service.create_poll(
        ctx,
        frage,
        optionen,
        max_selections=mehrfach,
        points=punkte,
        secret=geheim,
        anonymous=anonym,
        closes_at=bis,
        remind_before=erinnern,
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


def _in_poll_room(ctx: Context, poll: Poll) -> bool:
    """Typed in the poll's own room (not a DM, not another room): confirmed by the room's receipt."""
    return not ctx.is_dm and ctx.room_id == poll.room_id


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
    intro = present.anonymous_intro(ctx, poll)
    try:
        await ctx.dm(ctx.sender, intro + "\n\n" + ctx.t("polls.change_hint", number=poll.number))
    except Exception:  # the room reply below still tells them where to vote
        log.warning("could not open a DM for an anonymous poll", exc_info=True)
    if not said_choice:
        await ctx.reply(ctx.t("polls.anonymous_dm_sent", number=poll.number))
        return
    gone = ctx.t("polls.vote_removed" if removed else "polls.vote_not_removed")
    await ctx.reply(ctx.t("polls.anonymous_in_room", number=poll.number) + " " + gone)


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
    await record_vote(ctx, poll, selections, "command")
    if _in_poll_room(ctx, poll):  # one edited message for everyone, not a reply each (receipts.py)
        await receipts.add_line(ctx, poll, present.receipt_line(ctx.lang, poll, selections))
        return
    if not selections:
        await ctx.reply(ctx.t("polls.unvoted", number=poll.number))
    elif poll.secret and not ctx.is_dm:
        await ctx.reply(ctx.t("polls.vote_ok_secret", number=poll.number))
    else:
        await ctx.reply(
            ctx.t("polls.vote_ok", number=poll.number, choice=present.choice_text(poll, selections))
        )


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
        example = present.points_example(poll.points or 1, len(poll.options))
        raise UserError(
            ctx.t("polls.missing_points", number=poll.number, budget=poll.points, example=example)
        )
    allocation = parse_points(ctx, poll, verteilung)
    await record_vote(ctx, poll, allocation, "command")
    if _in_poll_room(ctx, poll):
        await receipts.add_line(ctx, poll, present.receipt_line(ctx.lang, poll, allocation))
        return
    if not allocation:
        await ctx.reply(ctx.t("polls.unvoted", number=poll.number))
        return
    choice = present.points_choice(poll, allocation)
    left = (poll.points or 0) - sum(allocation.values())
    if poll.secret and not ctx.is_dm:
        await ctx.reply(ctx.t("polls.vote_ok_secret", number=poll.number))
        return
    await ctx.reply(
        ctx.t("polls.points_ok", number=poll.number, choice=choice, left=left, budget=poll.points)
    )


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
    poll = await resolve_managed(ctx, nr, "polls.close_refused")
    if not poll.is_open:
        raise UserError(ctx.t("polls.already_closed", number=poll.number))
    await close_poll(ctx, poll, end_ts_ms=service.ms(ctx.now()), reply=True)


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
    poll = await resolve_managed(ctx, nr, "polls.export_refused")
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
