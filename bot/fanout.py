"""DM fan-out: the same private message to many people, under the homeserver's rate limit.

Poll reminders to non-voters and retro invitations go to every person by direct message. Synapse's default
``rc_message`` (0.2 messages/s, burst 10) makes 200 DMs take ~17 minutes, far longer than one event's
transaction, so a feature only *enqueues* (``Context.fan_out``, in its own transaction) and the
``FanoutWorker`` sends in the background:

* **Order of need.** The recipient of the fan-out with the earliest deadline goes first (a poll closing
  in ten minutes before a retro open for a week); fan-outs without a deadline after those, oldest first;
  within one fan-out the order the feature gave. Right before each send the feature's ``still_needed``
  check (if it registered one) may drop a person who acted meanwhile (voted); once the deadline has
  passed nothing more is sent.
* **Rate limits.** Sends go one at a time; a 429 ``M_LIMIT_EXCEEDED`` is waited out for exactly its
  ``retry_after_ms`` by the Matrix client (``max_limit_exceeded=None``), with no retry in between.
* **New DMs ahead of the sends.** Opening a DM (create the room, wait until the main sync loop brings it
  encrypted with the invitee in it, share the room key with the invitee's devices) takes seconds, longer
  than a send; one after the other it was the
  fan-out's bottleneck once the bot's rate limit is lifted. So the DMs of the next ``OPEN_AHEAD`` people in
  line who have none yet are opened alongside (at most that many at a time), and each send waits only for
  its own. Synapse counts a room creation against ``rc_message`` like a message (and against
  ``rc_room_creation``): while the homeserver answers 429, the limit and not the opening sets the pace, and
  requests side by side would only collect more 429s, so then only the DM needed now is opened.
* **At most once per person.** A row is marked *attempted* before its send and *sent* after it, and the
  send's transaction id is fixed (``lbfo<token>.<seq>``). After a crash between the two, the send is
  repeated with the same id and the homeserver returns the first event instead of posting again (Synapse
  keeps these ids per device for 24 h; ``DEDUPE_WINDOW``); an attempt older than that is not repeated but
  counted as "unsure".
* **Progress.** One status message in the room the fan-out came from, edited as it advances ("an 120 von
  200 verschickt") — not more often than every tenth of the way and ``STATUS_MIN_SECONDS``, since each
  edit costs one message of the same rate limit — and a last time with what was skipped or failed.
* **Privacy.** ``storage/fanout.py``: a private fan-out lists everybody and never skips anyone.
* **One DM that needs a new room** (``Context.dm``, ``queue_dm``) goes the same way, as a fan-out to one
  person without a status message: opening the room takes seconds, and a handler awaiting it would hold
  up every other room's commands (the sync loop waits for the handler, and on SQLite the handler's
  transaction holds the single write lock meanwhile). Queued in the caller's transaction, it is sent at
  most once like any fan-out, ahead of fan-outs due later than ``DM_WITHIN``; when done its row is deleted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import fanout_texts as _texts  # noqa: F401 (registers the status texts)
from bot import i18n, render
from bot.context import HomeserverUnavailable
from storage.db import after_commit
from storage.erasure import scrub_after_commit
from storage.fanout import Fanout, FanoutRecipient

if TYPE_CHECKING:
    from bot.context import Context, Messenger
    from storage.db import Database

log = logging.getLogger(__name__)

DEDUPE_WINDOW = timedelta(hours=20)  # Synapse remembers (device, transaction id) for 24 h
STATUS_MIN_SECONDS = 30.0  # under the default 0.2 messages/s an edit then costs at most 1 of 6
IDLE_POLL_SECONDS = 30.0
BACKOFF_START, BACKOFF_MAX = 1.0, 15.0
DM_KIND = "dm"  # the fan-outs of one that Context.dm queues
DM_WITHIN = timedelta(days=1)  # their place in line: before fan-outs due later
OPEN_AHEAD = 3  # DMs opened ahead of the sends (at most this many at a time)
ATTEMPTS = 3  # unexpected errors for one person before they are counted as failed
PRIVATE_TABLES = ("fanouts", "fanout_recipients")

NeededCheck = Callable[[AsyncSession, dict[str, Any], str], Awaitable[bool]]
WantedCheck = Callable[[AsyncSession, dict[str, Any]], Awaitable[bool]]
NEEDED: dict[str, NeededCheck] = {}
WANTED: dict[str, WantedCheck] = {}
_workers: set[FanoutWorker] = set()


def still_needed(kind: str) -> Callable[[NeededCheck], NeededCheck]:
    """Register the check run right before each send of a fan-out of ``kind``; False drops the person."""

    def register(check: NeededCheck) -> NeededCheck:
        NEEDED[kind] = check
        return check

    return register


def still_wanted(kind: str) -> Callable[[WantedCheck], WantedCheck]:
    """Register the check whether a fan-out of ``kind`` should go on at all (e.g. the poll is still open);
    False ends it like a passed deadline. It sees no person, so private fan-outs may have one too."""

    def register(check: WantedCheck) -> WantedCheck:
        WANTED[kind] = check
        return check

    return register


def txn_id(fan: Fanout, seq: int) -> str:
    return f"lbfo{fan.token}.{seq}"


async def enqueue(
    ctx: Context,
    key: str,
    recipients: Sequence[str],
    markdown: str,
    *,
    title: str,
    deadline: datetime | None = None,
    private: bool = False,
    payload: dict[str, Any] | None = None,
    room_id: str | None = None,
    quiet: bool = False,
) -> Fanout | None:
    """Queue ``markdown`` for each recipient (in this order) and post the status message.

    Runs in the caller's transaction, so the queue exists exactly when the caller's other effects do. The
    same ``key`` twice is one fan-out (the first is returned). ``kind`` (for ``still_needed``) is the key up
    to the first colon. Private fan-outs (anonymity) may not have a check: they must not skip anybody.
    """
    kind = key.partition(":")[0]
    if private and kind in NEEDED:
        raise ValueError(f"private fan-out {kind!r} must not skip anyone (it has a still_needed check)")
    existing = await ctx.session.scalar(select(Fanout).where(Fanout.key == key))
    if existing is not None:
        return existing
    people = [p for p in dict.fromkeys(recipients) if p != ctx.messenger.user_id]
    if not people:
        return None
    fan = Fanout(
        key=key,
        token=secrets.token_hex(8),
        kind=kind,
        payload=payload or {},
        markdown=markdown,
        title=title,
        lang=ctx.lang,
        private=private,
        room_id=room_id or ctx.room_id,
        deadline=deadline,
        total=len(people),
    )
    ctx.session.add(fan)
    await ctx.session.flush()
    ctx.session.add_all(FanoutRecipient(fanout_id=fan.id, seq=i, user_id=p) for i, p in enumerate(people))
    if not quiet:
        fan.status_event_id = await ctx.say(status_markdown(fan, final=False), room_id=fan.room_id)
    engine = ctx.session.bind

    async def wake() -> None:
        for worker in list(_workers):
            if worker.db.engine is engine:
                worker.wake()

    after_commit(ctx.session, wake)
    return fan


async def queue_dm(ctx: Context, user_id: str, markdown: str) -> None:
    """One DM to a person the bot has no DM room with yet: sent in the background, once (see above)."""
    await enqueue(
        ctx,
        f"{DM_KIND}:{ctx.next_txn()}",  # the same for a redone event: queued once
        [user_id],
        markdown,
        title="",
        deadline=ctx.now() + DM_WITHIN,
        private=True,  # its text and recipient are wiped from the disk once it is out
        room_id=ctx.room_id or "",
        quiet=True,
    )


def status_markdown(fan: Fanout, *, final: bool, eta_seconds: float | None = None) -> str:
    values = {"title": fan.title, "sent": fan.sent, "total": fan.total}
    if not final:
        eta = ""
        if eta_seconds is not None and eta_seconds >= 60:
            eta = i18n.t(fan.lang, "fanout.eta", minutes=round(eta_seconds / 60))
        return i18n.t(fan.lang, "fanout.progress", eta=eta, **values)
    notes = "".join(
        i18n.t(fan.lang, f"fanout.note_{what}", n=n)
        for what, n in (
            ("skipped", fan.skipped),
            ("expired", fan.expired),
            ("failed", fan.failed),
            ("unsure", fan.unsure),
        )
        if n
    )
    return i18n.t(fan.lang, "fanout.done", notes=notes, **values)


def edit_content(event_id: str, markdown: str) -> dict[str, Any]:
    """An ``m.replace`` of the status message; mentions nobody, like the original."""
    new = render.message(markdown, msgtype="m.notice")
    return {
        **new,
        "body": "* " + new["body"],
        "formatted_body": "* " + new["formatted_body"],
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    }


@dataclass(frozen=True)
class Attempt:
    """One send, as decided inside the picking transaction and carried out after it."""

    fan_id: int
    seq: int
    user_id: str
    txn: str
    content: dict[str, Any]
    room_id: str | None


class FanoutWorker:
    """Sends the queued DMs one by one, in order of need; one per process (only the active instance)."""

    def __init__(self, db: Database, messenger: Messenger, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.messenger = messenger
        self.clock = clock
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._errors: dict[tuple[int, int], int] = {}
        self._pace: dict[int, deque[float]] = {}  # fan-out → monotonic times of its recent sends
        self._last_status: dict[int, tuple[float, int]] = {}  # fan-out → (monotonic, sent) at last edit
        self._opening: dict[str, asyncio.Task[str]] = {}  # person → their DM being opened ahead
        self.sent = 0

    def start(self, ready: asyncio.Event) -> None:
        _workers.add(self)
        self._task = asyncio.create_task(self._run(ready), name="lotsenbot-fanout")

    def wake(self) -> None:
        self._wake.set()

    async def stop(self, *, drain: bool = True) -> None:
        """Finish the send in hand (it is marked sent), then stop; the rest waits in the queue.

        Without ``drain`` (fenced: another instance may already act) it stops at once.
        """
        _workers.discard(self)
        self._stop.set()
        self._wake.set()
        for task in self._opening.values():
            task.cancel()  # a DM half opened is found again (``known_direct_room``), not opened twice
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 10 if drain else 0)
            except (TimeoutError, asyncio.CancelledError):
                self._task.cancel()
            except Exception:
                log.exception("fan-out worker ended with an error")

    async def _run(self, ready: asyncio.Event) -> None:
        await ready.wait()
        delay = BACKOFF_START
        while not self._stop.is_set():
            try:
                worked = await self.step()
                delay = BACKOFF_START
            except HomeserverUnavailable as exc:
                log.warning("fan-out paused, homeserver unavailable (%s); retrying in %.0f s", exc, delay)
                worked = False
                await self._sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            except Exception:
                log.exception("fan-out step failed; retrying")
                worked = False
                await self._sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            if not worked:
                await self._sleep(IDLE_POLL_SECONDS)

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def drain(self) -> None:
        """Send everything queued now (tests, and nothing else running)."""
        while await self.step():
            pass

    # ------------------------------------------------------------------------------------------ one step

    async def step(self) -> bool:
        """Handle the next person in line; False if nobody is waiting."""
        if await self._final_statuses():
            return True
        async with self.db.transaction() as session:
            picked = await self._next(session)
            if picked is None:
                return False
            fan, row = picked
            send = await self._prepare(session, fan, row)
            if send:
                await self._open_ahead(session)
            attempt = Attempt(
                fan_id=fan.id,
                seq=row.seq,
                user_id=row.user_id,
                txn=txn_id(fan, row.seq),
                content=render.message(fan.markdown, msgtype="m.text", mention_users=[row.user_id]),
                room_id=row.room_id,
            )
        if send:
            outcome = await self._send(attempt)
            if outcome is None:
                await self._sleep(BACKOFF_START)
                return True  # an unexpected error: tried again at the next step
            async with self.db.transaction() as session:
                fan = await session.get(Fanout, attempt.fan_id)
                assert fan is not None
                await self._mark(session, fan, attempt.seq, outcome)
        await self._status(attempt.fan_id)
        return True

    async def _next(self, session: AsyncSession) -> tuple[Fanout, FanoutRecipient] | None:
        query = _in_line(select(Fanout, FanoutRecipient)).limit(1)
        found = (await session.execute(query)).first()
        if found is None:
            await self._finish_empty(session)
            return None
        return found[0], found[1]

    async def _open_ahead(self, session: AsyncSession) -> None:
        """Start opening the DMs of the next people in line who have none yet (this one included)."""
        ahead = 1 if self.messenger.rate_limited() else OPEN_AHEAD
        query = _in_line(select(FanoutRecipient.user_id)).where(FanoutRecipient.room_id.is_(None))
        window = list(dict.fromkeys((await session.scalars(query.limit(ahead))).all()))
        for user, task in list(self._opening.items()):
            if task.done() and user not in window:  # dropped meanwhile (voted, expired): forget it
                del self._opening[user]
                if not task.cancelled() and task.exception() is not None:
                    log.info("fan-out: opening an unneeded DM failed (%s)", task.exception())
        for user in window:
            if user in self._opening or len(self._opening) >= ahead:
                continue
            if await self.messenger.known_direct_room(user) is not None:
                continue
            self._opening[user] = asyncio.create_task(self._open(user), name="lotsenbot-fanout-open")

    async def _open(self, user_id: str) -> str:
        """Open the DM and share its room key already (``prepare_send``): the send then only encrypts."""
        room_id = await self.messenger.direct_room(user_id, own_sync=False)
        await self.messenger.prepare_send(room_id)
        return room_id

    async def _room_for(self, user_id: str) -> str:
        """The person's DM: the one opened ahead for them (its error, if any, is this send's), or now."""
        task = self._opening.pop(user_id, None)
        if task is not None:
            return await task
        return await self.messenger.direct_room(user_id, own_sync=False)

    async def _prepare(self, session: AsyncSession, fan: Fanout, row: FanoutRecipient) -> bool:
        """Before any send: expired, unsure, no longer needed — or go (then marked as attempted)."""
        now = self.clock()
        wanted = WANTED.get(fan.kind)
        over = fan.deadline is not None and now >= fan.deadline
        if over or (wanted is not None and not await wanted(session, fan.payload)):
            pending = (FanoutRecipient.fanout_id == fan.id) & (FanoutRecipient.state == "pending")
            result = await session.execute(update(FanoutRecipient).where(pending).values(state="expired"))
            fan.expired += result.rowcount
            await self._finish(session, fan)
            return False
        if row.attempted_at is not None and now - row.attempted_at > DEDUPE_WINDOW:
            await self._mark(session, fan, row.seq, "unsure")
            return False
        check = NEEDED.get(fan.kind)
        if (
            check is not None
            and row.attempted_at is None
            and not await check(session, fan.payload, row.user_id)
        ):
            await self._mark(session, fan, row.seq, "skipped")
            return False
        return True

    async def _send(self, attempt: Attempt) -> str | None:
        """``sent`` or ``failed``; None after an unexpected error (tried again up to ``ATTEMPTS``).

        The DM room is stored with the attempt: a repeat after a crash goes to the same room, where the
        homeserver recognises the transaction id (it is remembered per room), even if the bot had not yet
        written down that it opened this DM.
        """
        from bot.matrix import SendError  # the Matrix layer's "refused": no DM with this person

        key = (attempt.fan_id, attempt.seq)
        try:
            room_id = attempt.room_id or await self._room_for(attempt.user_id)
            async with self.db.transaction() as session:
                row = await session.get(FanoutRecipient, key)
                assert row is not None
                row.room_id = room_id
                row.attempted_at = row.attempted_at or self.clock()
            await self.messenger.send(
                room_id, attempt.content, event_type="m.room.message", txn_id=attempt.txn
            )
        except HomeserverUnavailable:
            raise
        except SendError as exc:
            log.warning("fan-out %s: no DM possible with recipient %s: %s", *key, exc)
            return "failed"
        except Exception:
            tries = self._errors[key] = self._errors.get(key, 0) + 1
            log.exception("fan-out %s: sending to recipient %s failed (attempt %d)", *key, tries)
            return "failed" if tries >= ATTEMPTS else None
        self.sent += 1
        self._pace.setdefault(attempt.fan_id, deque(maxlen=20)).append(time.monotonic())
        return "sent"

    async def _mark(self, session: AsyncSession, fan: Fanout, seq: int, outcome: str) -> None:
        await session.execute(
            update(FanoutRecipient)
            .where((FanoutRecipient.fanout_id == fan.id) & (FanoutRecipient.seq == seq))
            .values(state=outcome)
        )
        setattr(fan, outcome, getattr(fan, outcome) + 1)
        pending = await session.scalar(
            select(func.count())
            .select_from(FanoutRecipient)
            .where((FanoutRecipient.fanout_id == fan.id) & (FanoutRecipient.state == "pending"))
        )
        if not pending:
            await self._finish(session, fan)

    async def _finish(self, session: AsyncSession, fan: Fanout) -> None:
        """Done: the per-person rows go (only the counts stay); a private one is scrubbed from the disk."""
        fan.state = "done"
        fan.finished_at = self.clock()
        await session.execute(FanoutRecipient.__table__.delete().where(FanoutRecipient.fanout_id == fan.id))
        if fan.kind == DM_KIND:  # no status to edit, no counts anybody reads: nothing of it stays
            await session.delete(fan)
        if fan.private:
            scrub_after_commit(session, full=PRIVATE_TABLES)

    async def _finish_empty(self, session: AsyncSession) -> None:
        """A running fan-out without pending rows (nothing in it could be sent): finish it."""
        for fan in (await session.scalars(select(Fanout).where(Fanout.state == "running"))).all():
            await self._finish(session, fan)

    # -------------------------------------------------------------------------------------------- status

    async def _status(self, fan_id: int) -> None:
        """Edit the status message when a tenth of the way is done and some seconds have passed."""
        async with self.db.transaction() as session:
            fan = await session.get(Fanout, fan_id)
        if fan is None or fan.state != "running" or fan.status_event_id is None:
            return
        now = time.monotonic()
        last_at, last_sent = self._last_status.setdefault(fan_id, (now, 0))
        if fan.sent - last_sent < max(1, fan.total // 10) or now - last_at < STATUS_MIN_SECONDS:
            return
        await self._edit(fan, status_markdown(fan, final=False, eta_seconds=self._eta(fan)))
        self._last_status[fan_id] = (now, fan.sent)

    async def _final_statuses(self) -> bool:
        """The last edit of finished fan-outs (also of one finished just before a crash)."""
        async with self.db.transaction() as session:
            query = select(Fanout).where((Fanout.state == "done") & Fanout.status_final.is_(False))
            done = (await session.scalars(query)).all()
        for fan in done:
            if fan.status_event_id is not None:
                await self._edit(fan, status_markdown(fan, final=True))
            async with self.db.transaction() as session:
                await session.execute(update(Fanout).where(Fanout.id == fan.id).values(status_final=True))
            self._pace.pop(fan.id, None)
            self._last_status.pop(fan.id, None)
        return bool(done)

    async def _edit(self, fan: Fanout, markdown: str) -> None:
        """One edit; its transaction id is numbered, so a repeat after a crash is deduplicated too."""
        assert fan.status_event_id is not None
        number = fan.status_edits + 1
        content = edit_content(fan.status_event_id, markdown)
        txn = f"lbfo{fan.token}.e{number}"
        await self.messenger.send(fan.room_id, content, event_type="m.room.message", txn_id=txn)
        async with self.db.transaction() as session:
            await session.execute(update(Fanout).where(Fanout.id == fan.id).values(status_edits=number))
        fan.status_edits = number

    def _eta(self, fan: Fanout) -> float | None:
        times = self._pace.get(fan.id)
        if not times or len(times) < 3:
            return None
        rate = (len(times) - 1) / max(times[-1] - times[0], 1e-6)
        left = fan.total - fan.sent - fan.skipped - fan.failed - fan.expired - fan.unsure
        return left / rate


def _in_line(query: Select[Any]) -> Select[Any]:
    """Pending recipients in order of need: earliest deadline first, then oldest fan-out, then its order."""
    return (
        query.select_from(Fanout)
        .join(FanoutRecipient, FanoutRecipient.fanout_id == Fanout.id)
        .where(and_(Fanout.state == "running", FanoutRecipient.state == "pending"))
        .order_by(Fanout.deadline.is_(None), Fanout.deadline, Fanout.id, FanoutRecipient.seq)
    )
