"""Argument types, flags and small checks shared by the Meet-and-Learn command modules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any

from bot.context import Context
from bot.framework import ArgType, Flag, Int, Text, Token, UsageError, UserError, shorten
from bot.render import escape_md
from bot.timeparse import TimeParseError, parse_duration, parse_when, require_future
from commands.meetlearn.recurrence import RuleParseError, parse_rule
from commands.meetlearn.service import URL_RE

MEET = {"de": "Meet and Learn", "en": "Meet and Learn"}
NR = {"de": "Nr", "en": "no"}
WHEN = {"de": "Datum Zeit", "en": "date time"}
TOPIC = {"de": "Thema", "en": "topic"}
SERIES = {"de": "Reihe", "en": "series"}


def names(*subs: str) -> tuple[str, ...]:
    """ "meetlearn <sub>" for every spelling, then the same under the short "meet": ``!meet neu`` works like
    ``!meetlearn neu``. The German name stays first and the English one second (help shows those)."""
    return tuple(f"{base} {sub}" for base in ("meetlearn", "meet") for sub in subs)


class RuleArg(ArgType):
    """A recurrence rule: one quoted token, or the unquoted words up to the next quoted one."""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[Any, int]:
        if not tokens:
            return super().consume(tokens, ctx, raw)  # raises "missing"
        used = 1
        if not tokens[0].quoted:
            while used < len(tokens) and not tokens[used].quoted:
                used += 1
        text = " ".join(t.text for t in tokens[:used])
        try:
            return parse_rule(text, ctx.lang), used
        except RuleParseError as exc:
            raise UsageError(exc.markdown(ctx.lang)) from exc


class UrlArg(ArgType):
    def convert(self, text: str, ctx: Context) -> str:
        text = text.strip()
        if not URL_RE.fullmatch(text):
            raise UsageError(ctx.t("ml.bad_url", value=escape_md(shorten(text))))
        return text


class LastDay(ArgType):
    """The last day of a series ("30.06.2027", "Freitag", "in 3 Monaten"); a time of day is not needed."""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[Any, int]:
        if not tokens:
            return super().consume(tokens, ctx, raw)
        used = 1
        if not tokens[0].quoted:
            while used < len(tokens) and not tokens[used].quoted:
                used += 1
        text = " ".join(t.text for t in tokens[:used])
        now = ctx.now()
        try:
            value = require_future(parse_when(text, now, ctx.tz, ctx.lang, default_time=time(23, 59)), now)
        except TimeParseError as exc:
            raise UsageError(exc.markdown(ctx.lang)) from exc
        return value.astimezone(ctx.tz).date(), used


class Minutes(ArgType):
    """ "60", "90 Minuten", "1h30m", "1 Stunde" → minutes (5 to 600); the longest reading wins."""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[Any, int]:
        if not tokens:
            return super().consume(tokens, ctx, raw)
        found: tuple[int, int] | None = None
        limit = 1 if tokens[0].quoted else min(4, len(tokens))
        for used in range(1, limit + 1):
            if used > 1 and tokens[used - 1].quoted:
                break
            text = " ".join(t.text for t in tokens[:used])
            if text.isdigit():
                found = (int(text), used)
                continue
            try:
                found = (int(parse_duration(text).total_seconds() // 60), used)
            except TimeParseError:
                continue
        if found is None or not 5 <= found[0] <= 600:
            shown = " ".join(t.text for t in tokens[: found[1] if found else 1])
            raise UsageError(ctx.t("ml.bad_duration", value=escape_md(shorten(shown))))
        return found


SPEAKER = Flag(
    "referent", Text(), aliases=("referentin", "speaker"), label={"de": "Rolle/Team", "en": "role/team"}
)
DURATION = Flag("dauer", Minutes(), aliases=("duration",), label={"de": "Minuten", "en": "minutes"})
LINK = Flag("link", UrlArg(), aliases=("url",), label={"de": "URL", "en": "URL"})
DESCRIPTION = Flag("beschreibung", Text(), aliases=("description",), label={"de": "Text", "en": "text"})
UNTIL = Flag("bis", LastDay(), aliases=("until",), label={"de": "Datum", "en": "date"})
COUNT = Flag("anzahl", Int(1, 500), aliases=("count",), label={"de": "Zahl", "en": "number"})
PREVIEW = Flag("vorschau", aliases=("preview", "probe"))


def not_in_dm(ctx: Context) -> None:
    if ctx.is_dm:
        raise UserError(ctx.t("ml.not_in_dm"))


async def done_elsewhere(ctx: Context, room_id: str) -> None:
    """The room got the news; the one who typed the command elsewhere (a DM) gets a short confirmation."""
    if room_id != ctx.room_id:
        await ctx.reply(ctx.t("ml.done"))
