"""``!retro abstimmen``: after closing, a points vote on the collected topics, run by the polls feature.

The retro only picks the options (one per group of similar items, only from categories the summary showed)
and hands them to the polls feature, so voting, tallying, reminders and results work exactly like any other
points poll (``!punkte``).
"""

from __future__ import annotations

from datetime import datetime

from bot.context import Context
from bot.framework import Arg, Flag, Int, Perm, UserError, When, command, fold
from commands.polls import service as polls
from commands.retro import service
from commands.retro.access import is_coordinator_for, visible_retro
from commands.retro.report import Report
from commands.retro.texts import GROUP
from storage.polls import Poll

MAX_OPTIONS = 20  # the polls feature's limit
MAX_OPTION_CHARS = 200


def vote_options(report: Report, limit: int = MAX_OPTIONS) -> tuple[list[str], int]:
    """``Kategorie: Thema`` per group of similar items, most named first; returns (options, left out)."""
    candidates: list[tuple[int, int, str]] = []
    for cat in report.categories:
        for group in cat.groups or []:  # hidden categories stay hidden, also here
            option = f"{cat.name}: {group[0].text}"
            if len(option) > MAX_OPTION_CHARS:
                option = option[: MAX_OPTION_CHARS - 1] + "…"
            candidates.append((-sum(e.count for e in group), len(candidates), option))
    seen: set[str] = set()
    unique = []
    for _weight, _order, option in sorted(candidates):
        if fold(option) not in seen:
            seen.add(fold(option))
            unique.append(option)
    return unique[:limit], max(0, len(unique) - limit)


async def create_points_poll(
    ctx: Context, question: str, options: list[str], points: int, *, anonymous: bool, until: datetime | None
) -> Poll:
    """Start a points poll in ``ctx.room_id`` through the polls feature's service."""
    return await polls.create_poll(
        ctx, question, options, points=points, anonymous=anonymous, closes_at=until
    )


@command(
    "retro abstimmen",
    "retro vote",
    group=GROUP,
    permission=Perm.COORDINATOR,
    help={
        "de": "Punkte-Abstimmung über die Themen einer abgeschlossenen Retro.",
        "en": "Points vote on the topics of a closed retro.",
    },
    args=[Arg("nummer", Int(1), label={"de": "Retro-Nr.", "en": "retro no."})],
    flags=[
        Flag("punkte", Int(1, 100), aliases=("points",), label={"de": "N", "en": "N"}),
        Flag("anonym", aliases=("anonymous",)),
        Flag("bis", When(), aliases=("until",), label={"de": "Zeit", "en": "time"}),
    ],
    examples=["!retro abstimmen 3", "!retro abstimmen 3 --punkte 5 --bis Freitag 12 Uhr"],
    details={
        "de": "Jede Person verteilt Punkte (Standard 3) auf die Themen; ähnliche Beiträge sind ein Thema. "
        "Themen aus Kategorien, die wegen zu weniger Beiträge verborgen blieben, kommen nicht in die "
        "Abstimmung. Höchstens 20 Themen (die meistgenannten). Abgestimmt wird mit `!punkte`.",
        "en": "Everyone spreads points (default 3) over the topics; similar items form one topic. Topics "
        "from categories hidden for too few contributions are left out. At most 20 topics (the most "
        "named). Vote with `!points`.",
    },
)
async def retro_abstimmen(
    ctx: Context, nummer: int, punkte: int | None, anonym: bool, bis: datetime | None
) -> None:
    retro = await visible_retro(ctx, nummer)
    if ctx.room_id != retro.room_id:
        raise UserError(ctx.t("retro.err.vote_in_room", number=nummer))
    if not is_coordinator_for(ctx, retro):
        raise UserError(ctx.t("retro.err.not_coordinator_there", number=nummer))
    if retro.is_open:
        raise UserError(ctx.t("retro.err.vote_open", number=nummer))
    if retro.vote_poll_id is not None:
        existing = await ctx.session.get(Poll, retro.vote_poll_id)
        if existing is not None and existing.is_open:
            raise UserError(ctx.t("retro.err.vote_running", number=nummer, poll=existing.number))
    options, left_out = vote_options(await service.report_for(ctx, retro))
    if len(options) < 2:
        raise UserError(ctx.t("retro.err.vote_too_few", number=nummer))
    question = ctx.t("retro.vote.question", number=retro.number, title=retro.title)  # polls escapes it
    poll = await create_points_poll(ctx, question, options, punkte or 3, anonymous=anonym, until=bis)
    retro.vote_poll_id = poll.id
    if left_out:
        await ctx.reply(ctx.t("retro.vote.left_out", count=left_out, max=MAX_OPTIONS))
