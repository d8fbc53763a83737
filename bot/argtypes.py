"""Argument types of the command framework: each turns tokens into a value (``consume``) or raises a
``UsageError`` saying what was wrong; ``Arg`` and ``Flag`` place them in a command's declaration.

Split from ``bot/framework.py`` (which re-exports all of it); write your own type by subclassing ``ArgType``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import i18n
from bot.parsing import Token, UsageError, fold, shorten, unquote
from bot.render import escape_md

if TYPE_CHECKING:
    from bot.context import Context


class ArgType:
    """Turns tokens into a value; ``consume`` returns the value and how many tokens it used."""

    placeholder_suffix = ""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[Any, int]:
        if not tokens:
            raise _missing
        return self.convert(tokens[0].text, ctx), 1

    def convert(self, text: str, ctx: Context) -> Any:
        return text


_missing = UsageError("")  # sentinel, replaced by the framework with a "missing <name>" message


class Text(ArgType):
    """One word, or several in quotes."""


class Int(ArgType):
    def __init__(self, minimum: int | None = None, maximum: int | None = None) -> None:
        self.minimum, self.maximum = minimum, maximum

    def convert(self, text: str, ctx: Context) -> int:
        cleaned = text.lstrip("#")
        if not re.fullmatch(r"[+-]?\d{1,9}", cleaned):
            raise UsageError(ctx.t("fw.not_a_number", value=escape_md(shorten(text))))
        value = int(cleaned)
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise UsageError(ctx.t("fw.out_of_range", value=value, min=self.minimum, max=self.maximum))
        return value


class Choice(ArgType):
    def __init__(self, *choices: str) -> None:
        self.choices = choices

    def convert(self, text: str, ctx: Context) -> str:
        folded = fold(text)
        for choice in self.choices:
            if fold(choice) == folded:
                return choice
        raise UsageError(
            ctx.t("fw.bad_choice", value=escape_md(shorten(text)), choices=", ".join(self.choices))
        )


class Words(ArgType):
    """All remaining positional tokens as a list (e.g. poll options)."""

    placeholder_suffix = " …"

    def __init__(self, min: int = 1, max: int | None = None) -> None:
        self.min, self.max = min, max

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[list[str], int]:
        if len(tokens) < self.min:
            raise _missing if not tokens else UsageError(ctx.t("fw.too_few", min=self.min, got=len(tokens)))
        if self.max is not None and len(tokens) > self.max:
            raise UsageError(ctx.t("fw.too_many", max=self.max, got=len(tokens)))
        return [t.text for t in tokens], len(tokens)


class Rest(ArgType):
    """The rest of the message as typed, e.g. a free-text question; one pair of quotes around all of it
    is dropped (see ``unquote``)."""

    placeholder_suffix = " …"

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[str, int]:
        if not tokens:
            raise _missing
        return unquote(raw[tokens[0].start : tokens[-1].end]), len(tokens)


class When(ArgType):
    """A point in time in the user's words: unquoted tokens up to the next quoted one."""

    def __init__(self, future: bool = True) -> None:
        self.future = future

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[datetime, int]:
        from bot import timeparse

        used = 0
        while used < len(tokens) and not tokens[used].quoted:
            used += 1
        if used == 0:
            if tokens:  # a quoted date like "01.12. 18 Uhr" is fine too
                used = 1
            else:
                raise _missing
        text = " ".join(t.text for t in tokens[:used])
        now = ctx.now()
        try:
            value = timeparse.parse_when(text, now, ctx.tz, ctx.lang)
            if self.future:
                timeparse.require_future(value, now)
        except timeparse.TimeParseError as exc:
            raise UsageError(exc.markdown(ctx.lang)) from exc
        return value, used


class Duration(ArgType):
    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[timedelta, int]:
        from bot import timeparse

        if not tokens:
            raise _missing
        used = 1 if tokens[0].quoted else sum(1 for _ in _until_quoted(tokens))
        text = " ".join(t.text for t in tokens[:used])
        try:
            return timeparse.parse_duration(text), used
        except timeparse.TimeParseError as exc:
            raise UsageError(exc.markdown(ctx.lang)) from exc


def _until_quoted(tokens: Sequence[Token]) -> Iterable[Token]:
    for token in tokens:
        if token.quoted:
            return
        yield token


@dataclass(frozen=True)
class Arg:
    name: str
    type: ArgType = field(default_factory=Text)
    optional: bool = False
    label: Mapping[str, str] | None = None  # shown in usage, e.g. {"de": "Frage", "en": "question"}

    def spoken(self, lang: str) -> str:
        """The missing value as words in a sentence ("Es fehlt noch: Datum Zeit"), not a <placeholder>."""
        return escape_md(i18n.pick(lang, self.label) if self.label else self.name)

    def placeholder(self, lang: str) -> str:
        label = i18n.pick(lang, self.label) if self.label else self.name
        text = f"<{label}>{self.type.placeholder_suffix}"
        return f"[{text}]" if self.optional else text


@dataclass(frozen=True)
class Flag:
    """``--name value``; with ``type=None`` a switch. ``repeat`` collects every occurrence in a list."""

    name: str
    type: ArgType | None = None
    aliases: tuple[str, ...] = ()
    repeat: bool = False
    label: Mapping[str, str] | None = None

    @property
    def key(self) -> str:
        return fold(self.name).replace("-", "_")

    def usage(self, lang: str) -> str:
        if self.type is None:
            return f"[--{self.name}]"
        label = i18n.pick(lang, self.label) if self.label else self.name
        return f"[--{self.name} <{label}>]"


i18n.register(
    {
        "fw.not_a_number": {"de": "„{value}“ ist keine Zahl.", "en": "“{value}” is not a number."},
        "fw.out_of_range": {
            "de": "{value} liegt nicht im erlaubten Bereich ({min} bis {max}).",
            "en": "{value} is out of range ({min} to {max}).",
        },
        "fw.bad_choice": {
            "de": "„{value}“ kenne ich hier nicht. Möglich: {choices}.",
            "en": "I don't know “{value}” here. Possible: {choices}.",
        },
        "fw.too_few": {
            "de": "Es fehlen Angaben: mindestens {min} nötig, {got} angegeben.",
            "en": "Not enough values: at least {min} needed, {got} given.",
        },
        "fw.too_many": {
            "de": "Zu viele Angaben: höchstens {max} erlaubt, {got} angegeben.",
            "en": "Too many values: at most {max} allowed, {got} given.",
        },
    }
)
