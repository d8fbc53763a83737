"""Topic ideas for future sessions: anyone suggests, everyone sees, coordinators put them to a vote."""

from __future__ import annotations

from datetime import datetime

from bot.context import Context
from bot.framework import Arg, Flag, Int, Perm, Rest, UserError, When, command, fold
from bot.render import escape_md
from commands.meetlearn import store
from commands.meetlearn.args import MEET, NR
from commands.meetlearn.service import MAX_TOPIC
from commands.polls import service as polls

MAX_TOPICS = 200
MIN_POLL_TOPICS, MAX_POLL_TOPICS, DEFAULT_POINTS = 2, 20, 5
QUOTE_CHARS = "\"'„“”«»‚‘’"


def _home_room(ctx: Context) -> str:
    """Ideas belong to a team room; from a DM, to the one team room the sender is in."""
    if not ctx.is_dm:
        return ctx.room_id
    rooms = store.visible_rooms(ctx)
    if len(rooms) != 1:
        raise UserError(ctx.t("ml.topic_which_room"))
    return rooms[0]


@command(
    "thema vorschlagen",
    "topic suggest",
    "themenvorschlag",
    group=MEET,
    help={"de": "Schlägt ein Thema für ein Meet and Learn vor.", "en": "Suggests a topic for a session."},
    args=[Arg("thema", Rest(), label={"de": "Thema", "en": "topic"})],
    examples=['!thema vorschlagen "Open Data im Alltag der Ämter"'],
)
async def vorschlagen(ctx: Context, thema: str) -> None:
    text = " ".join(thema.strip().strip(QUOTE_CHARS).split())
    if not text:
        raise UserError(ctx.t("ml.topic_empty"))
    if len(text) > MAX_TOPIC:
        raise UserError(ctx.t("ml.too_long", what=ctx.t("ml.what_topic"), limit=MAX_TOPIC, got=len(text)))
    room_id = _home_room(ctx)
    existing = await store.open_topics(ctx, room_id)
    for topic in existing:
        if fold(topic.text) == fold(text):
            await ctx.reply(ctx.t("ml.topic_exists", id=topic.id))
            return
    if len(existing) >= MAX_TOPICS:
        raise UserError(ctx.t("ml.topic_full", max=MAX_TOPICS))
    row = await store.add_topic(ctx, room_id, text)
    await ctx.reply(ctx.t("ml.topic_added", id=row.id, topic=escape_md(text)))


@command(
    "themen",
    "topics",
    group=MEET,
    help={"de": "Zeigt die Themenvorschläge.", "en": "Lists the topic ideas."},
)
async def themen(ctx: Context) -> None:
    room_id = _home_room(ctx)
    topics = await store.open_topics(ctx, room_id)
    if not topics:
        await ctx.reply(ctx.t("ml.topics_empty"))
        return
    lines = [ctx.t("ml.topics_title")]
    for t in topics:
        who = ctx.messenger.display_name(room_id, t.suggested_by)
        lines.append(f"- **#{t.id}** {escape_md(t.text)} _({escape_md(who)})_")
    lines += ["", ctx.t("ml.topics_footer")]
    await ctx.reply("\n".join(lines))


@command(
    "thema entfernen",
    "topic remove",
    group=MEET,
    help={
        "de": "Entfernt einen Themenvorschlag (eigene oder als Koordination).",
        "en": "Removes a topic idea (your own, or any as coordinator).",
    },
    args=[Arg("nr", Int(1), label=NR)],
    examples=["!thema entfernen 4"],
)
async def entfernen(ctx: Context, nr: int) -> None:
    row = await store.topic(ctx, nr)
    if row is None or row.status != "open" or not store.may_see(ctx, row.room_id):
        raise UserError(ctx.t("ml.topic_unknown", id=nr))
    if row.suggested_by != ctx.sender and not ctx.is_coordinator:
        raise UserError(ctx.t("ml.topic_not_yours", id=nr))
    row.status = "removed"
    await ctx.reply(ctx.t("ml.topic_removed", id=nr, topic=escape_md(row.text)))


@command(
    "themen umfrage",
    "topics poll",
    "themen abstimmung",
    group=MEET,
    permission=Perm.COORDINATOR,
    help={
        "de": "Macht aus den Themenvorschlägen eine Punkte-Umfrage.",
        "en": "Turns the topic ideas into a points poll.",
    },
    flags=[
        Flag("punkte", Int(1, 100), aliases=("points",), label={"de": "N", "en": "N"}),
        Flag("bis", When(), aliases=("until",), label={"de": "Zeit", "en": "time"}),
    ],
    examples=["!themen umfrage", "!themen umfrage --punkte 3 --bis Freitag 17 Uhr"],
    details={
        "de": "Jede Person verteilt N Punkte (Standard 5) auf die Vorschläge; abgestimmt wird mit `!punkte`. "
        "Es gehen höchstens 20 Vorschläge in eine Umfrage.",
        "en": "Everyone spreads N points (default 5) over the ideas and votes with `!points`. "
        "At most 20 ideas fit into one poll.",
    },
)
async def themen_umfrage(ctx: Context, punkte: int | None, bis: datetime | None) -> None:
    if ctx.is_dm:
        raise UserError(ctx.t("ml.not_in_dm"))
    topics = await store.open_topics(ctx, ctx.room_id)
    if len(topics) < MIN_POLL_TOPICS:
        raise UserError(ctx.t("ml.poll_too_few", n=len(topics)))
    if len(topics) > MAX_POLL_TOPICS:
        raise UserError(ctx.t("ml.poll_too_many", n=len(topics), max=MAX_POLL_TOPICS))
    # The polls feature owns polls; we only hand it the options.
    await polls.create_poll(
        ctx,
        ctx.t("ml.poll_question"),
        [t.text for t in topics],
        points=punkte or DEFAULT_POINTS,
        closes_at=bis,
    )
    for t in topics:
        t.extra = {**t.extra, "polled_at": ctx.now().isoformat()}
