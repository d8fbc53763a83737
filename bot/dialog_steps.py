"""Declaring a guided dialog and handling its answers, without the engine (``bot/dialog.py``, which
re-exports all of this for features): ``Step``/``Guide``/``guide()``, reading an answer with the command's
own argument type, showing it in the preview, and storing it as JSON that survives a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import i18n, timeparse
from bot.framework import Command, Rest, Text, UsageError, Words, fold, shorten, tokenize
from bot.render import escape_md

if TYPE_CHECKING:
    from bot.context import Context

YES_WORDS = {"ja", "j", "yes", "y", "jo", "jep", "gerne", "klar"}
NO_WORDS = {"nein", "n", "no", "nee", "ne", "nö", "noe"}
REQUIRED = object()  # a step without a default: "ok" is not an answer

Reader = Callable[[str, "Context"], Any]


@dataclass(frozen=True)
class Choice:
    """One option of a multiple-choice step: answered by its number or (a prefix of) its label."""

    value: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class Step:
    """One question. ``key`` is a keyword of the command's handler (its answer is read with the command's
    own argument type) or a guide-only name that ``Guide.build`` turns into handler keywords."""

    key: str
    ask: str  # i18n key of the question
    label: str  # i18n key of the short name shown in the preview
    read: Reader | None = None  # default: the command's declared type for ``key``
    choices: tuple[Choice, ...] = ()
    default: Any = REQUIRED  # what "ok" means; a callable (ctx, answers) → value is asked each time
    default_text: str | None = None  # i18n key describing the default when it is None/empty
    only_if: Callable[[dict[str, Any]], bool] | None = None
    check: Callable[[Context, Any, dict[str, Any]], None] | None = None  # raise UsageError/UserError
    show: Callable[[Context, Any], str] | None = None

    def applies(self, answers: dict[str, Any]) -> bool:
        return self.only_if is None or self.only_if(answers)


@dataclass(frozen=True)
class Guide:
    command: str  # registry name of the command, e.g. "umfrage" or "meetlearn neu"
    title: str  # i18n key, e.g. "Neue Umfrage"
    steps: tuple[Step, ...]
    # Refusal before the first question (e.g. "not in a DM"), also checked again before finishing.
    precheck: Callable[[Context], str | None] | None = None
    # From the parsed one-liner values: which answers are already given (default: the steps' own keys).
    prefill: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # Parsed fine but still too little to act on (``!umfrage "Frage?"`` without options).
    incomplete: Callable[[dict[str, Any]], bool] = lambda values: False
    # Answers → handler keywords (default: the answers as they are).
    build: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    done: str | None = None  # i18n key said in the thread after the handler ran
    _steps_by_key: dict[str, Step] = field(default_factory=dict, compare=False, repr=False)

    def visible(self, answers: dict[str, Any]) -> list[Step]:
        return [s for s in self.steps if s.applies(answers)]


GUIDES: dict[str, Guide] = {}


def guide(command: str, **kwargs: Any) -> Guide:
    """Declare the guided dialog of a registered command (next to its handler)."""
    made = Guide(command=command, steps=tuple(kwargs.pop("steps")), **kwargs)
    GUIDES[fold(command)] = made
    return made


# ------------------------------------------------------------------------------------ reading answers


def split_list(text: str) -> list[str]:
    """Several answers in one message: one per line, else separated by ``;``, else by commas."""
    if "\n" in text.strip():
        parts = text.splitlines()
    elif ";" in text:
        parts = text.split(";")
    else:
        parts = text.split(",")
    return [" ".join(p.split()) for p in parts if p.strip()]


def yes_no(text: str, ctx: Context) -> bool:
    word = fold(text.strip().rstrip(".!"))
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise UsageError(ctx.t("dialog.yes_no"))


def _read_choice(step: Step, text: str, ctx: Context) -> str:
    word = fold(text.strip().rstrip(".!"))
    if word.isdigit() and 1 <= int(word) <= len(step.choices):
        return step.choices[int(word) - 1].value
    hits = [c for c in step.choices if fold(i18n.pick(ctx.lang, c.label)).startswith(word) and word]
    hits = hits or [c for c in step.choices if fold(c.value) == word]
    if len(hits) == 1:
        return hits[0].value
    raise UsageError(ctx.t("dialog.bad_choice", count=len(step.choices)))


def _declared_type(cmd: Command, key: str) -> Any:
    for arg in cmd.args:
        if arg.name == key:
            return arg.type
    for flag in cmd.flags:
        if flag.key == key:
            return "switch" if flag.type is None else flag.type
    raise KeyError(f"{cmd.name} has no argument or flag {key!r}")


def read_answer(cmd: Command, step: Step, text: str, ctx: Context) -> Any:
    """Read an answer like the one-line command reads that argument (same types, same messages)."""
    if step.read is not None:
        return step.read(text, ctx)
    if step.choices:
        return _read_choice(step, text, ctx)
    kind = _declared_type(cmd, step.key)
    if kind == "switch":
        return yes_no(text, ctx)
    if isinstance(kind, (Text, Rest)):
        return " ".join(text.split())
    if isinstance(kind, Words):
        return split_list(text)
    tokens = tokenize(text, ctx.lang)
    try:
        value, used = kind.consume(tokens, ctx, text)
    except UsageError as exc:
        if not exc.message:
            raise UsageError(ctx.t("dialog.not_understood")) from None
        raise
    if used < len(tokens):
        extra = " ".join(t.text for t in tokens[used:])
        raise UsageError(ctx.t("fw.extra_args", extra=escape_md(shorten(extra))))
    return value


# ---------------------------------------------------------------------------- showing and storing


def show_value(ctx: Context, step: Step, value: Any) -> str:
    if step.show is not None and value is not None:
        return step.show(ctx, value)
    if (value is None or value == []) and step.default_text:
        return ctx.t(step.default_text)
    if step.choices:
        for choice in step.choices:
            if choice.value == value:
                return i18n.pick(ctx.lang, choice.label)
    if isinstance(value, bool):
        return ctx.t("dialog.yes" if value else "dialog.no")
    if isinstance(value, datetime):
        local = value.astimezone(ctx.tz)
        return timeparse.format_de(local) if ctx.lang != "en" else timeparse.format_en(local)
    if isinstance(value, timedelta):
        return _duration(ctx, value)
    if isinstance(value, list):
        return ", ".join(f"„{escape_md(shorten(str(v), 60))}“" for v in value) or "—"
    if value is None:
        return "—"
    return escape_md(shorten(str(value), 120))


def _duration(ctx: Context, value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    for unit, size in (("days", 1440), ("hours", 60)):
        if minutes and minutes % size == 0:
            return ctx.t(f"dialog.{unit}", n=minutes // size)
    return ctx.t("dialog.minutes", n=minutes)


def dump(value: Any) -> Any:
    """JSON for the state row; times keep their zone so a restart reads them back unchanged."""
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$td": value.total_seconds()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, list):
        return [dump(v) for v in value]
    return value


def load(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, raw),) = value.items()
        if tag == "$dt":
            return datetime.fromisoformat(raw)
        if tag == "$td":
            return timedelta(seconds=raw)
        if tag == "$date":
            return date.fromisoformat(raw)
    if isinstance(value, list):
        return [load(v) for v in value]
    return value
