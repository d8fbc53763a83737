"""From a Matrix event to a feature handler, exactly once.

Each event is handled in one database transaction that also records its id in ``processed_events``. If the
process dies before the commit, the event is handled again after restart; replies carry transaction ids
derived from the event id, so the homeserver returns the earlier message instead of posting a second one.
A failing handler never leaves the room in silence: its changes are rolled back, the event is still
recorded, and the user gets a short German message with a reference for the log.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import dialog, edits, hints, i18n
from bot.config import Config
from bot.context import Clock, Context, HomeserverUnavailable, Messenger
from bot.framework import (
    Command,
    ExtraArgs,
    MissingArgument,
    Registry,
    Token,
    UsageError,
    UserError,
    fold,
    tokenize,
    with_prefix,
)
from bot.ledger import Ledger
from bot.permissions import Permissions
from bot.scheduler import PREPARE_AHEAD, Scheduler
from storage.db import Database
from storage.models import ScheduledJob

log = logging.getLogger(__name__)

MAX_COMMAND_CHARS = 20_000


@dataclass(frozen=True)
class Incoming:
    """A room event, already decrypted, in the shape features need."""

    event_id: str
    room_id: str
    sender: str
    type: str
    content: dict[str, Any]
    ts_ms: int
    thread_root: str | None = None

    @property
    def body(self) -> str:
        body = self.content.get("body")
        return body if isinstance(body, str) else ""

    @property
    def relates_to(self) -> dict[str, Any]:
        rel = self.content.get("m.relates_to")
        return rel if isinstance(rel, dict) else {}


class Dispatcher:
    def __init__(
        self,
        *,
        config: Config,
        registry: Registry,
        db: Database,
        messenger: Messenger,
        scheduler: Scheduler,
        clock: Clock,
    ) -> None:
        self.config = config
        self.registry = registry
        self.db = db
        self.messenger = messenger
        self.scheduler = scheduler
        self.clock = clock
        self.permissions = Permissions(config.coordinators, messenger)
        self.tz = ZoneInfo(config.bot.timezone)
        self.handled = 0
        self.handle_seconds = 0.0  # wall time spent in handle(), for /metrics
        self.internal_errors = 0
        self.ledger = Ledger(db, messenger.is_dm, clock)

    # ------------------------------------------------------------------------------------ contexts

    def context(
        self,
        session: AsyncSession,
        *,
        sender: str,
        room_id: str,
        event_id: str | None,
        thread_root: str | None,
        txn_prefix: str,
    ) -> Context:
        return Context(
            sender=sender,
            room_id=room_id,
            event_id=event_id,
            thread_root=thread_root,
            is_dm=self.messenger.is_dm(room_id),
            is_coordinator=self.permissions.is_coordinator(sender, room_id),
            network_check=lambda: self.permissions.is_network_coordinator(sender),
            lang=self.config.bot.language,
            tz=self.tz,
            clock=self.clock,
            messenger=self.messenger,
            session=session,
            scheduler=self.scheduler,
            config=self.config,
            txn_prefix=txn_prefix,
        )

    # ------------------------------------------------------------------------------------- events

    async def handle(self, event: Incoming, *, unseen: bool = False) -> None:
        """Handle one event at most once, whatever happens inside the feature.

        ``unseen``: the ledger was asked for the whole sync batch a moment ago (``Ledger.handled_among``)
        and this event was not in it. In a group room the question is then not asked again: its row's
        primary key is the event id, so a concurrent run that recorded it meanwhile makes the insert fail
        before any effect is sent. A DM event is recorded under the current epoch's hash, which would not
        clash with an older epoch's, so it is asked again in its transaction.
        """
        started = time.perf_counter()
        try:
            await self._handle(event, unseen=unseen and not self.messenger.is_dm(event.room_id))
        finally:
            self.handle_seconds += time.perf_counter() - started

    async def _handle(self, event: Incoming, *, unseen: bool) -> None:
        message: str | None = None
        await self.ledger.maintain()
        if self.ledger.too_old(event.room_id, event.ts_ms):
            return
        try:
            async with self.db.transaction() as session:
                if not unseen and await self.ledger.seen(session, event.event_id):
                    return
                self.ledger.record(session, event.event_id, event.room_id)
                await session.flush()
                await self._route(self._event_context(session, event, event.event_id), event)
            self.handled += 1
            return
        except IntegrityError:
            if await self._recorded(event.event_id):
                log.info("event already handled by a concurrent run")
                return
            # A clash in the handler's own writes, e.g. with another room's event handled at the same
            # moment (bot/matrix/events.py): nothing was kept, so the sync loop redoes it (bot/syncguard.py).
            raise
        except HomeserverUnavailable:
            # Not recorded: the sync loop redoes the batch once the homeserver is back. Replies that did
            # go out are not repeated, because the redo sends them with the same transaction ids.
            raise
        except (UserError, UsageError) as exc:
            # A refusal must not keep half-made changes: they were rolled back with the transaction.
            message = f"⚠️ {exc.message}"
        except Exception:
            ref = secrets.token_hex(3)
            self.internal_errors += 1
            where = "a direct message" if self.messenger.is_dm(event.room_id) else event.room_id
            log.exception("handling an event in %s failed (ref %s)", where, ref)
            if event.type == "m.room.message" and self._is_command(event.body):
                message = i18n.t(self.config.bot.language, "internal_error", ref=ref)
        await self._record(event, message)

    async def _recorded(self, event_id: str) -> bool:
        async with self.db.transaction() as session:
            return await self.ledger.seen(session, event_id)

    async def give_up(self, event: Incoming, ref: str) -> None:
        """An event that failed outside any handler, again and again (bot/syncguard.py): record it as
        handled so the sync can go on, and tell the sender of a command with the log's reference."""
        self.internal_errors += 1
        message = None
        if event.type == "m.room.message" and self._is_command(event.body):
            message = i18n.t(self.config.bot.language, "internal_error", ref=ref)
        await self._record(event, message)

    async def _record(self, event: Incoming, message: str | None) -> None:
        async with self.db.transaction() as session:
            if await self.ledger.seen(session, event.event_id):
                return
            self.ledger.record(session, event.event_id, event.room_id)
            if message is not None:
                ctx = self._event_context(session, event, f"{event.event_id}/refused")
                try:
                    await ctx.reply(message)
                except Exception:
                    log.exception("could not send the error notice")
        self.handled += 1

    def _event_context(self, session: AsyncSession, event: Incoming, txn_prefix: str) -> Context:
        ctx = self.context(
            session,
            sender=event.sender,
            room_id=event.room_id,
            event_id=event.event_id,
            thread_root=event.thread_root,
            txn_prefix=txn_prefix,
        )
        ctx.origin_ts = datetime.fromtimestamp(event.ts_ms / 1000, UTC)
        return ctx

    def _is_command(self, body: str) -> bool:
        prefix = self.config.bot.command_prefix
        return body.startswith(prefix) and len(body) > len(prefix) and not body[len(prefix)].isspace()

    def _command_text(self, body: str) -> str | None:
        """What follows the prefix; "! hilfe" (a phone's space after "!") counts when a command follows."""
        prefix = self.config.bot.command_prefix
        if self._is_command(body):
            return body[len(prefix) :]
        if body.startswith(prefix) and body[len(prefix) : len(prefix) + 1].isspace():
            rest = body[len(prefix) :].lstrip()
            try:
                tokens = tokenize(rest)
            except UsageError:
                return None
            if tokens and self.registry.lookup(tokens)[0] is not None:
                return rest
        return None

    async def _route(self, ctx: Context, event: Incoming) -> None:
        if event.type == "m.room.message":
            if edits.is_edit(event):  # never executed; a corrected command gets a hint (bot/edits.py)
                await edits.answer_edit(ctx, event, self._is_command)
                return
            body = event.body
            text = self._command_text(body)
            if text is not None:
                await self.run_command(ctx, text)
                return
            for _priority, hook in self.registry.message_hooks:
                if await hook(ctx, event):
                    return
            return
        for hook in self.registry.event_hooks.get(event.type, []):
            if await hook(ctx, event):
                return

    # ----------------------------------------------------------------------------------- commands

    def may_use(self, cmd: Command, ctx: Context) -> bool:
        return ctx.may(cmd.permission)

    async def run_command(self, ctx: Context, text: str) -> None:
        if len(text) > MAX_COMMAND_CHARS:
            await ctx.reply(ctx.t("dispatch.too_long", limit=MAX_COMMAND_CHARS))
            return
        try:
            tokens = tokenize(text, ctx.lang)
        except UsageError as exc:
            await ctx.reply(f"⚠️ {exc.message}")
            return
        if not tokens or tokens[0].quoted:
            return
        cmd, used = self.registry.lookup(tokens)
        if cmd is None:
            if ctx.is_dm or any(ch.isalnum() for ch in tokens[0].text):  # "!!!" in a room is no command
                await ctx.reply(self._unknown(ctx, tokens[0].text))
            return
        if not self.may_use(cmd, ctx):
            log.info("refused %s for %s (not a coordinator)", cmd.name, _who(ctx))
            await ctx.reply(
                ctx.t("dispatch.coordinators_only", command=f"{ctx.prefix}{cmd.display_name(ctx.lang)}")
            )
            return
        rest = tokens[used:]
        try:
            values = cmd.parse(rest, text, ctx)
        except UsageError as exc:
            # Too little typed: a command with a guided dialog asks for the rest (bot/dialog.py).
            if isinstance(exc, MissingArgument) and await dialog.offer(ctx, cmd, exc.partial, complete=False):
                return
            message = self._usage_message(ctx, cmd, exc.message)
            if isinstance(exc, ExtraArgs):
                message += hints.other_ways(ctx, self.registry, cmd, exc.words)
            await ctx.reply(message)
            return
        if await dialog.offer(ctx, cmd, values, complete=True):
            return
        log.info("command %s by %s", cmd.name, _who(ctx))
        await cmd.handler(ctx, **values)

    def _unknown(self, ctx: Context, word: str) -> str:
        shown = word if len(word) <= 40 else word[:39] + "…"
        names = self.registry.names_for(lambda c: self.may_use(c, ctx))
        bare = word.lstrip(ctx.prefix + "/.")  # "!!hilfe", "!/hilfe"
        if bare != word and self.registry.lookup([Token(bare, False, 0, 0)])[0] is not None:
            return ctx.t("dispatch.unknown_suggest", word=_code(ctx.prefix + shown), suggestion=bare)
        single = sorted({n for n in names if " " not in n})
        close = difflib.get_close_matches(fold(word), [fold(n) for n in single], n=1, cutoff=0.6)
        if close:
            suggestion = next(n for n in single if fold(n) == close[0])
            return ctx.t("dispatch.unknown_suggest", word=_code(ctx.prefix + shown), suggestion=suggestion)
        return ctx.t("dispatch.unknown", word=_code(ctx.prefix + shown))

    def _usage_message(self, ctx: Context, cmd: Command, problem: str) -> str:
        lines = [f"⚠️ {problem}"]
        usage = cmd.usage(ctx.prefix, ctx.lang)
        example = with_prefix(i18n.variant(ctx.lang, cmd.examples[0]), ctx.prefix) if cmd.examples else usage
        if example != usage:
            lines.append(ctx.t("dispatch.example", example=example))
        lines.append(ctx.t("dispatch.usage", usage=usage))
        lines.append(ctx.t("dispatch.more_help", command=cmd.display_name(ctx.lang)))
        return "\n".join(lines)

    # --------------------------------------------------------------------------------------- jobs

    async def run_startup(self) -> None:
        """Each feature's start-up hook, in its own transaction; a failing one is logged, not fatal."""
        for hook in self.registry.startup_hooks:
            try:
                async with self.db.transaction() as session:
                    ctx = self.context(
                        session,
                        sender=self.messenger.user_id,
                        room_id="",
                        event_id=None,
                        thread_root=None,
                        txn_prefix=f"startup-{hook.__module__}.{hook.__name__}",
                    )
                    await hook(ctx)
            except Exception:
                log.exception("start-up hook %s.%s failed", hook.__module__, hook.__name__)

    async def run_job(self, job: ScheduledJob, session: AsyncSession, late: timedelta | None) -> None:
        handler = self.registry.job_handlers.get(job.kind)
        if handler is None:
            log.error("no handler for scheduled job kind %r (job %s); marking done", job.kind, job.id)
            return
        room_id = str(job.payload.get("room_id", ""))
        ctx = self.context(
            session,
            sender=self.messenger.user_id,
            room_id=room_id,
            event_id=None,
            thread_root=None,
            txn_prefix=f"job-{job.id}",
        )
        ctx.late = late
        if job.kind in self.registry.prepared_jobs:
            self._hold_until_due(ctx, job.due_at)
        await handler(ctx, job.payload)

    def _hold_until_due(self, ctx: Context, due: datetime) -> None:
        """Woken ahead of time (bot/scheduler.py): the handler reads and renders now, as of the due
        instant (``ctx.now()``), and its first message waits for that instant."""
        ahead = (due - self.clock()).total_seconds()
        if ahead <= 0:
            return
        ctx.hold_until = asyncio.get_running_loop().time() + min(ahead, PREPARE_AHEAD.total_seconds())
        clock = self.clock
        ctx.clock = lambda: max(clock(), due)


def _who(ctx: Context) -> str:
    """Who did it, for the log — except in direct messages: votes of anonymous polls and retro answers
    come from there, and a log line naming the sender would let anyone with the log count their items."""
    return "someone in a direct message" if ctx.is_dm else f"{ctx.sender} in {ctx.room_id}"


def _code(text: str) -> str:
    return "`" + text.replace("`", "ˋ") + "`"


i18n.register(
    {
        "dispatch.unknown_suggest": {
            "de": "Unbekannter Befehl {word}. Meintest du `{prefix}{suggestion}`?",
            "en": "Unknown command {word}. Did you mean `{prefix}{suggestion}`?",
        },
        "dispatch.unknown": {
            "de": "Unbekannter Befehl {word}. Mit `{prefix}hilfe` siehst du alle Befehle.",
            "en": "Unknown command {word}. Type `{prefix}help` to see all commands.",
        },
        "dispatch.coordinators_only": {
            "de": "🔒 `{command}` dürfen nur Koordinator·innen verwenden.",
            "en": "🔒 Only coordinators may use `{command}`.",
        },
        "dispatch.usage": {"de": "So geht's: `{usage}`", "en": "Usage: `{usage}`"},
        "dispatch.example": {"de": "Beispiel: `{example}`", "en": "Example: `{example}`"},
        "dispatch.more_help": {
            "de": "Mehr dazu: `{prefix}hilfe {command}`",
            "en": "More: `{prefix}help {command}`",
        },
        "dispatch.too_long": {
            "de": "Diese Nachricht ist zu lang für einen Befehl (höchstens {limit} Zeichen).",
            "en": "This message is too long for a command (at most {limit} characters).",
        },
    }
)
