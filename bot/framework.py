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
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot import i18n
from bot.argtypes import (
    Arg,
    ArgType,
    Choice,
    Duration,
    Flag,
    Int,
    Rest,
    Text,
    When,
    Words,
    _missing,
)
from bot.parsing import (
    ExtraArgs,
    MissingArgument,
    Token,
    UsageError,
    fold,
    shorten,
    tokenize,
    unquote,
    with_prefix,
)
from bot.render import code_md, escape_md

if TYPE_CHECKING:
    from bot.context import Context
    from bot.dispatch import Incoming

# Features import all of this from here; tokens and argument types live in bot/parsing.py, bot/argtypes.py.
__all__ = [
    "Arg",
    "ArgType",
    "Choice",
    "Command",
    "Duration",
    "ExtraArgs",
    "Flag",
    "Int",
    "MissingArgument",
    "Perm",
    "Registry",
    "Rest",
    "Text",
    "Token",
    "UsageError",
    "UserError",
    "When",
    "Words",
    "command",
    "event_hook",
    "fold",
    "job",
    "message_hook",
    "registry",
    "shorten",
    "startup",
    "tokenize",
    "unquote",
    "with_prefix",
]


class Perm(enum.Enum):
    EVERYONE = "everyone"
    COORDINATOR = "coordinator"  # of the room the command is about (see bot/permissions.py)
    NETWORK_COORDINATOR = "network_coordinator"  # of the whole bot: the FAQ, questions from all rooms


class UserError(Exception):
    """A feature refuses a request for a reason the user can fix; shown as is, nothing is stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


registry = Registry()
command = registry.command
message_hook = registry.message_hook
event_hook = registry.event_hook
job = registry.job
startup = registry.startup


i18n.register(
    {
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
