"""The command framework: a command is declared once, next to its handler.

A feature module writes::

    @command("umfrage", "poll", group=POLLS, permission=Perm.COORDINATOR,
             help={"de": "Startet eine Umfrage", "en": "Starts a poll"},
             args=[Text("frage"), Words("optionen", min=2)], flags=[Flag("mehrfach", Int())],
             examples=['!umfrage "Welcher Termin?" "Montag" "Dienstag"'])
    async def umfrage(ctx: Context, frage: str, optionen: list[str], mehrfach: int | None) -> None: ...

and gets parsing, usage messages, "did you mean", permission refusals and ``!hilfe`` for free. Names may
have several words (``umfrage schließen``) — the longest matching name wins, so sub-commands are just
commands.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import i18n
from bot.render import code_md, escape_md

if TYPE_CHECKING:
    from bot.context import Context
    from bot.dispatch import Incoming


class Perm(enum.Enum):
    EVERYONE = "everyone"
    COORDINATOR = "coordinator"  # of the room the command is about (see bot/permissions.py)
    NETWORK_COORDINATOR = "network_coordinator"  # of the whole bot: the FAQ, questions from all rooms


class UsageError(Exception):
    """The user wrote the command wrongly; ``message`` says what, the framework adds the usage line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExtraArgs(UsageError):
    """Words after a complete command; the dispatcher may point to a command that does what they ask."""

    def __init__(self, message: str, words: list[str]) -> None:
        super().__init__(message)
        self.words = words


class MissingArgument(UsageError):
    """A required argument was not given; ``partial`` holds what was parsed, so a guided dialog
    (``bot/dialog.py``) can ask for the rest instead of showing the usage line."""

    def __init__(self, message: str, partial: dict[str, Any]) -> None:
        super().__init__(message)
        self.partial = partial


class UserError(Exception):
    """A feature refuses a request for a reason the user can fix; shown as is, nothing is stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------- tokens

QUOTES = {'"': '"', "„": "“", "“": "”", "”": "”", "«": "»", "»": "«", "‚": "‘", "'": "'"}
DOUBLE_QUOTES = {'"', "„", "“", "”", "«", "»"}
SINGLE_QUOTES = {"'", "‚", "‘"}
DASHES = ("--", "—", "–")  # phones turn -- into an em or en dash


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool
    start: int
    end: int

    @property
    def flag(self) -> str | None:
        if self.quoted:
            return None
        for dash in DASHES:
            if self.text.startswith(dash) and len(self.text) > len(dash) and self.text[len(dash)] != "-":
                return self.text[len(dash) :].lower()
        return None


def tokenize(text: str, lang: str = "de") -> list[Token]:
    """Split like a shell, but forgiving: German quotes „…“ count, apostrophes inside words do not."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        ch = text[i]
        if ch in QUOTES and (i == 0 or text[i - 1].isspace()):
            closers = {QUOTES[ch], ch} | (DOUBLE_QUOTES if ch in DOUBLE_QUOTES else set())
            j = i + 1
            while j < n and text[j] not in closers:
                j += 1
            if j < n:
                tokens.append(Token(text[i + 1 : j], True, i, j + 1))
                i = j + 1
                continue
            if ch not in SINGLE_QUOTES:  # a lone apostrophe is just a character
                raise UsageError(i18n.t(lang, "fw.unbalanced_quote", quote=ch))
        j = i
        while j < n and not text[j].isspace():
            j += 1
        tokens.append(Token(text[i:j], False, i, j))
        i = j
    return tokens


# ------------------------------------------------------------------------------------ argument types


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


def unquote(text: str) -> str:
    """Free text wrapped in one pair of quotes, `"Text"` or „Text“, means the text without them.

    People quote free text out of habit (the examples quote arguments); storing the quotes showed them
    in every list and tripled them in CSV files. Text with more than one quoted part is kept as typed.
    """
    stripped = text.strip()
    try:
        tokens = tokenize(stripped)
    except UsageError:
        return stripped
    if len(tokens) == 1 and tokens[0].quoted and tokens[0].end == len(stripped):
        return tokens[0].text.strip()
    return stripped


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


# ------------------------------------------------------------------------------------------ commands

Handler = Callable[..., Awaitable[None]]


@dataclass
class Command:
    names: tuple[str, ...]
    handler: Handler
    group: Mapping[str, str]
    help: Mapping[str, str]
    permission: Perm = Perm.EVERYONE
    args: tuple[Arg, ...] = ()
    flags: tuple[Flag, ...] = ()
    examples: tuple[str, ...] = ()
    details: Mapping[str, str] | None = None

    @property
    def name(self) -> str:
        return self.names[0]

    def display_name(self, lang: str) -> str:
        """German users see the German name; English users the first English alias if there is one."""
        if lang == "en" and len(self.names) > 1:
            return self.names[1]
        return self.names[0]

    def usage(self, prefix: str, lang: str) -> str:
        parts = [f"{prefix}{self.display_name(lang)}"]
        parts += [a.placeholder(lang) for a in self.args]
        parts += [f.usage(lang) for f in self.flags]
        return " ".join(parts)

    def parse(self, tokens: Sequence[Token], raw: str, ctx: Context) -> dict[str, Any]:
        flags_by_name = {}
        for flag in self.flags:
            for alias in (flag.name, *flag.aliases):
                flags_by_name[fold(alias)] = flag
        values: dict[str, Any] = {
            f.key: ([] if f.repeat else (False if f.type is None else None)) for f in self.flags
        }
        positional: list[Token] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            name = token.flag
            if name is None:
                positional.append(token)
                i += 1
                continue
            flag = flags_by_name.get(fold(name))
            if flag is None:
                known = ", ".join(f"--{f.name}" for f in self.flags) or "—"
                raise UsageError(ctx.t("fw.unknown_flag", flag=code_md(shorten(token.text)), known=known))
            i += 1
            if flag.type is None:
                values[flag.key] = True
                continue
            end = i
            while end < len(tokens) and tokens[end].flag is None:
                end += 1
            if end == i:
                raise UsageError(ctx.t("fw.flag_needs_value", flag=flag.name))
            value, used = flag.type.consume(tokens[i:end], ctx, raw)
            if flag.repeat:
                values[flag.key].append(value)
            else:
                values[flag.key] = value
            positional.extend(tokens[i + used : end])
            i = end
        pos = 0
        for arg in self.args:
            remaining = positional[pos:]
            if not remaining and arg.optional:
                values[arg.name] = None
                continue
            try:
                value, used = arg.type.consume(remaining, ctx, raw)
            except UsageError as exc:
                if exc is _missing:
                    message = ctx.t("fw.missing_arg", arg=arg.spoken(ctx.lang))
                    raise MissingArgument(message, dict(values)) from None
                raise
            values[arg.name] = value
            pos += used
        if pos < len(positional):
            extra = " ".join(t.text for t in positional[pos:])
            raise ExtraArgs(
                ctx.t("fw.extra_args", extra=escape_md(shorten(extra))), [t.text for t in positional[pos:]]
            )
        return values


EventHook = Callable[["Context", "Incoming"], Awaitable[bool]]
JobHandler = Callable[["Context", dict[str, Any]], Awaitable[None]]
StartupHook = Callable[["Context"], Awaitable[None]]


@dataclass
class Registry:
    commands: list[Command] = field(default_factory=list)
    # Non-command messages (a "?question", a DM answer in a retro interview): first hook returning True wins.
    message_hooks: list[tuple[int, EventHook]] = field(default_factory=list)
    # Other event types (reactions, poll responses), keyed by event type.
    event_hooks: dict[str, list[EventHook]] = field(default_factory=dict)
    job_handlers: dict[str, JobHandler] = field(default_factory=dict)
    # Job kinds that may run their reads and rendering just before the due instant (bot/scheduler.py).
    prepared_jobs: set[str] = field(default_factory=set)
    # Run once per start, before the first sync (load a knowledge base, top up a recurring series).
    startup_hooks: list[StartupHook] = field(default_factory=list)
    _by_name: dict[tuple[str, ...], Command] = field(default_factory=dict)

    def add(self, cmd: Command) -> Command:
        for name in cmd.names:
            key = tuple(fold(name).split())
            if key in self._by_name:
                raise ValueError(f"command name {name!r} declared twice")
            self._by_name[key] = cmd
        self.commands.append(cmd)
        return cmd

    def command(
        self,
        *names: str,
        group: Mapping[str, str],
        help: Mapping[str, str],
        permission: Perm = Perm.EVERYONE,
        args: Iterable[Arg] = (),
        flags: Iterable[Flag] = (),
        examples: Iterable[str] = (),
        details: Mapping[str, str] | None = None,
    ) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.add(
                Command(
                    names=names,
                    handler=handler,
                    group=group,
                    help=help,
                    permission=permission,
                    args=tuple(args),
                    flags=tuple(flags),
                    examples=tuple(examples),
                    details=details,
                )
            )
            return handler

        return decorate

    def message_hook(self, priority: int = 100) -> Callable[[EventHook], EventHook]:
        def decorate(hook: EventHook) -> EventHook:
            self.message_hooks.append((priority, hook))
            self.message_hooks.sort(key=lambda item: item[0])
            return hook

        return decorate

    def event_hook(self, *event_types: str) -> Callable[[EventHook], EventHook]:
        def decorate(hook: EventHook) -> EventHook:
            for event_type in event_types:
                self.event_hooks.setdefault(event_type, []).append(hook)
            return hook

        return decorate

    def job(self, kind: str, *, prepare_ahead: bool = False) -> Callable[[JobHandler], JobHandler]:
        """``prepare_ahead``: the handler may start a moment before the due instant, because before its
        first message it only reads (its messages are held back to the instant). Not for jobs whose
        reads must see everything up to the instant, like closing a poll at its deadline."""

        def decorate(handler: JobHandler) -> JobHandler:
            if kind in self.job_handlers:
                raise ValueError(f"job kind {kind!r} registered twice")
            self.job_handlers[kind] = handler
            if prepare_ahead:
                self.prepared_jobs.add(kind)
            return handler

        return decorate

    def markdown_table(self, prefix: str = "!", lang: str = "de") -> str:
        """The README's command table, made from the declarations (a test keeps the README in step)."""
        who = {
            Perm.EVERYONE: {"de": "alle", "en": "everyone"},
            Perm.COORDINATOR: {"de": "Koordination", "en": "coordinators"},
            Perm.NETWORK_COORDINATOR: {"de": "Koordination (Team-Räume)", "en": "coordinators (team rooms)"},
        }
        head = {"de": "| Befehl | Wer | Was |", "en": "| Command | Who | What |"}
        rows = [i18n.pick(lang, head), "|---|---|---|"]
        group = None
        for cmd in self.commands:
            title = i18n.pick(lang, cmd.group)
            if title != group:
                rows.append(f"| **{title}** | | |")
                group = title
            shown = fold(cmd.display_name(lang))
            others = [n for n in cmd.names if fold(n) != shown][:2]
            aliases = f" ({', '.join(f'`{prefix}{n}`' for n in others)})" if others else ""
            usage = cmd.usage(prefix, lang).replace("|", "\\|")
            allowed = i18n.pick(lang, who[cmd.permission])
            rows.append(f"| `{usage}`{aliases} | {allowed} | {i18n.pick(lang, cmd.help)} |")
        return "\n".join(rows)

    def startup(self, hook: StartupHook) -> StartupHook:
        self.startup_hooks.append(hook)
        return hook

    def lookup(self, tokens: Sequence[Token]) -> tuple[Command | None, int]:
        """Longest multi-word name first, so ``umfrage schließen 3`` beats ``umfrage``."""
        words: list[str] = []
        for token in tokens[:3]:
            if token.quoted:  # `!umfrage "Frage?" Schließen …` is a poll, not `umfrage schließen`
                break
            words.append(fold(token.text))
        for length in range(len(words), 0, -1):
            cmd = self._by_name.get(tuple(words[:length]))
            if cmd is not None:
                return cmd, length
        return None, 0

    def names_for(self, allowed: Callable[[Command], bool]) -> list[str]:
        return [name for cmd in self.commands if allowed(cmd) for name in cmd.names]


def fold(text: str) -> str:
    """Case- and umlaut-insensitive key: ``Schließen`` == ``schliessen``; accents from phones ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


_BANG_COMMAND = re.compile(r"(^|`)!(?=\w)")


def with_prefix(text: str, prefix: str) -> str:
    """Examples and help details are written with ``!``; show them with the configured prefix."""
    return text if prefix == "!" else _BANG_COMMAND.sub(lambda m: m.group(1) + prefix, text)


def shorten(text: str, limit: int = 40) -> str:
    """User text quoted back in a reply: one line, at most ``limit`` characters. Escape it afterwards
    (``escape_md``/``code_md``), so the cut can't split an escape."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


registry = Registry()
command = registry.command
message_hook = registry.message_hook
event_hook = registry.event_hook
job = registry.job
startup = registry.startup


i18n.register(
    {
        "fw.unbalanced_quote": {
            "de": "Ein Anführungszeichen {quote} wird nicht geschlossen.",
            "en": "A quotation mark {quote} is never closed.",
        },
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
        "fw.unknown_flag": {
            "de": "Die Option {flag} gibt es hier nicht. Möglich: {known}.",
            "en": "There is no option {flag} here. Possible: {known}.",
        },
        "fw.flag_needs_value": {
            "de": "Nach `--{flag}` fehlt ein Wert.",
            "en": "`--{flag}` needs a value.",
        },
        "fw.missing_arg": {
            "de": "Da fehlt noch etwas: **{arg}**.",
            "en": "Something is missing: **{arg}**.",
        },
        "fw.extra_args": {
            "de": "Mit „{extra}“ kann ich hier nichts anfangen.",
            "en": "I don't know what to do with “{extra}”.",
        },
    }
)
