"""Confirming votes typed in a room without flooding it: one receipt message per poll, edited as votes come.

A reply per ``!stimme`` floods the room when 200 Lotsen vote within a minute, and it is slow: the homeserver
creates the events of one room one after the other (~100 ms each under that load), so replies queued to a
p95 of 2 s. Here the vote's transaction only adds the voter's line to the poll's current receipt (a
``bot_state`` row); after the commit a background sender shows the lines in one bot message, by editing
it. While one edit is on its way, later votes gather and go out together in the next one, so at most two
sends stand between a vote and its line, however many people vote.

* **Rounds.** A new receipt message starts when the current one is older than ``ROUND`` or holds
  ``MAX_LINES`` people, so a late voter's line is near the bottom of the timeline, not far up. The round
  before stays stored until the next one starts: lines that joined it while an edit was on its way are
  still to be shown when a vote opens the new round (in a burst they were lost otherwise).
* **Nothing lost.** The lines are in the database, written with the vote. The sender keeps only the
  message's event id and what it showed, in memory; its sends carry transaction ids made from the round's
  token (and the content), so a repeat after a restart is deduplicated by the homeserver. At start, a job
  shows again what a crash may have left unshown (``RECEIPT_JOB``).
* **What is not here.** Clicks in Element's poll widget need no confirmation (Element shows the click at
  once); votes in a direct chat (anonymous polls, or a poll asked about privately) get a reply there, as
  before: a DM floods nobody. Refusals are replied to at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot import render
from bot.context import Context
from bot.fanout import edit_content
from commands.polls import present, store
from storage.db import after_commit
from storage.polls import Poll

if TYPE_CHECKING:
    from bot.context import Messenger
    from storage.db import Database

log = logging.getLogger(__name__)

ROUND = timedelta(minutes=15)
MAX_LINES = 50
RECEIPT_JOB = "poll.receipt"
BACKOFF, BACKOFF_MAX = 1.0, 15.0


async def add_line(ctx: Context, poll: Poll, counted: str) -> None:
    """In the vote's transaction: the sender's line in the current round; shown once committed."""
    now = ctx.now()
    data = await store.receipt(ctx.session, poll.id)
    if data is None or _round_over(data, now, ctx.sender):
        number = int(data["round"]) + 1 if data else 1
        previous = {"token": data["token"], "lines": data["lines"]} if data else None
        data = {"round": number, "token": secrets.token_hex(6), "started": now.isoformat(), "lines": {}}
        if previous:
            data["previous"] = previous
    lines: dict[str, str] = data["lines"]
    lines.pop(ctx.sender, None)  # a second vote moves the person's line to the end
    lines[ctx.sender] = counted
    await store.save_receipt(ctx.session, poll.id, data)
    sender = _sender_for(ctx, poll)

    async def show() -> None:
        sender.wake()

    after_commit(ctx.session, show)


def _round_over(data: dict[str, Any], now: datetime, voter: str) -> bool:
    started = datetime.fromisoformat(data["started"])
    full = len(data["lines"]) >= MAX_LINES and voter not in data["lines"]
    return full or now - started >= ROUND


async def show_again(ctx: Context, poll: Poll) -> None:
    """After a restart: show the current round once more, in case a crash kept lines from being shown
    (if they were shown, the edit's transaction id is the same and the homeserver posts nothing new)."""
    if await store.receipt(ctx.session, poll.id) is not None:
        _sender_for(ctx, poll).wake()


# ----------------------------------------------------------------------------------------- the sender


@dataclass(eq=False)
class _Sender:
    """Shows one poll's receipt; one per poll and database (a test may run several bots in one process)."""

    db: Database
    messenger: Messenger
    poll_id: int
    room_id: str
    lang: str
    prefix: str
    dirty: bool = False
    task: asyncio.Task[None] | None = None
    shown: dict[str, str] = field(default_factory=dict)  # round token → digest of what its message shows

    def wake(self) -> None:
        self.dirty = True
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run(), name=f"lotsenbot-receipt-{self.poll_id}")
            _tasks.add(self.task)
            self.task.add_done_callback(_tasks.discard)

    async def _run(self) -> None:
        failures = 0
        while self.dirty:
            self.dirty = False
            try:
                await self._show()
                failures = 0
            except Exception as exc:  # keep trying: the last vote of a burst has no later vote to wake us
                failures += 1
                log.warning("receipt of poll %d not shown (%s), attempt %d", self.poll_id, exc, failures)
                self.dirty = True
                await asyncio.sleep(min(BACKOFF * failures, BACKOFF_MAX))

    async def _show(self) -> None:
        """Show the previous round's last lines (if any are still unshown), then the current round."""
        async with self.db.transaction() as session:
            data = await store.receipt(session, self.poll_id)
            poll = await store.by_id(session, self.poll_id)
            rounds = [r for r in ((data or {}).get("previous"), data) if r]
            messages = [await store.receipt_message(session, str(r["token"])) for r in rounds]
        if poll is None:
            return
        tokens = [str(r["token"]) for r in rounds]
        self.shown = {t: d for t, d in self.shown.items() if t in tokens}  # rounds over are forgotten
        for token, one, event_id in zip(tokens, rounds, messages, strict=True):
            await self._show_round(poll, token, one["lines"], event_id)

    async def _show_round(self, poll: Poll, token: str, lines: dict[str, str], event_id: str | None) -> None:
        """Post the round's message, or edit it to show every line; sends are deduplicated by content."""
        names = [(self.messenger.display_name(self.room_id, u), text) for u, text in lines.items()]
        markdown = present.receipt_markdown(self.lang, self.prefix, poll, names)
        digest = hashlib.sha256(markdown.encode()).hexdigest()[:16]
        if self.shown.get(token) == digest:
            return
        if not event_id:
            # "" = a first send was under way when the bot stopped: the homeserver returns that message,
            # which may show less than now, so an edit follows. None = never tried: it shows all there is.
            attempted = event_id == ""
            event_id = await self._first(token, markdown)
            if not attempted:
                self.shown[token] = digest
                return
        # After a restart (nothing in memory) the same edit is deduplicated by its transaction id.
        await self._send(edit_content(event_id, markdown), f"lbrc{token}.{digest}")
        self.shown[token] = digest

    async def _first(self, token: str, markdown: str) -> str:
        async with self.db.transaction() as session:
            await store.save_receipt_message(session, token, "")
        event_id = await self._send(render.message(markdown, msgtype="m.notice"), f"lbrc{token}")
        async with self.db.transaction() as session:
            await store.save_receipt_message(session, token, event_id)
        return event_id

    async def _send(self, content: dict[str, Any], txn_id: str) -> str:
        return await self.messenger.send(self.room_id, content, event_type="m.room.message", txn_id=txn_id)


_senders: dict[tuple[int, int], _Sender] = {}
_tasks: set[asyncio.Task[None]] = set()


def _sender_for(ctx: Context, poll: Poll) -> _Sender:
    db = ctx.scheduler.db
    key = (id(db), poll.id)
    sender = _senders.get(key)
    if sender is None or sender.db is not db:
        sender = _Sender(db, ctx.messenger, poll.id, poll.room_id, ctx.lang, ctx.prefix)
        _senders[key] = sender
    return sender


async def settle() -> None:
    """Wait until every receipt is shown (tests; a clean stop)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)
