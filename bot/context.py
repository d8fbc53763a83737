"""What a feature handler gets: who asked, where, in which language, and ways to answer.

Handlers never see the nio client. Everything that talks to Matrix goes through ``Messenger``, which the
Matrix layer implements and unit tests fake in a few lines.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n, render
from bot.framework import Perm

if TYPE_CHECKING:
    from bot.config import Config
    from bot.scheduler import Scheduler

Clock = Callable[[], datetime]


async def sleep_until(deadline: float) -> None:
    """Wait for a ``loop.time()`` instant (the loop wakes at most a millisecond late, never early)."""
    delay = deadline - asyncio.get_running_loop().time()
    if delay > 0:
        await asyncio.sleep(delay)


class HomeserverUnavailable(RuntimeError):
    """The homeserver could not be reached (or kept refusing for a while) — nothing about the request is
    wrong. The dispatcher lets the whole event be redone later instead of recording it as handled."""


class Messenger(Protocol):
    user_id: str

    async def send(self, room_id: str, content: dict[str, Any], *, event_type: str, txn_id: str) -> str: ...
    async def prepare_send(self, room_id: str) -> None: ...
    async def upload(self, data: bytes, *, filename: str, mimetype: str, encrypt: bool) -> dict[str, Any]: ...
    def is_encrypted(self, room_id: str) -> bool: ...
    async def redact(self, room_id: str, event_id: str, *, reason: str | None, txn_id: str) -> None: ...
    async def direct_room(self, user_id: str, *, own_sync: bool = True) -> str: ...
    async def known_direct_room(self, user_id: str) -> str | None: ...
    def rate_limited(self) -> bool: ...
    def room_members(self, room_id: str) -> list[str]: ...
    def display_name(self, room_id: str, user_id: str) -> str: ...
    def is_dm(self, room_id: str) -> bool: ...
    def power_level(self, room_id: str, user_id: str) -> int: ...
    def redact_level(self, room_id: str) -> int: ...
    def team_rooms(self) -> list[str]: ...


@dataclass
class Context:
    sender: str
    room_id: str
    event_id: str | None
    thread_root: str | None
    is_dm: bool
    is_coordinator: bool
    lang: str
    tz: ZoneInfo
    clock: Clock
    messenger: Messenger
    session: AsyncSession
    scheduler: Scheduler
    config: Config
    # Transaction ids derive from the triggering event, so a re-run after a crash is deduplicated by the
    # homeserver instead of posting the same reply twice.
    txn_prefix: str
    origin_ts: datetime | None = None  # when the triggering event was sent (homeserver clock)
    late: timedelta | None = None  # set for scheduled jobs that run after a downtime
    # A job prepared ahead of its due instant (bot/scheduler.py): no message leaves before this
    # ``loop.time()``, so the reads and rendering happen before the instant and the send right at it.
    hold_until: float | None = None
    # May do what concerns the whole bot (bot/permissions.py). Asked only when a command needs it: the
    # answer scans every team room, which would otherwise cost each plain message in a 1,000-room bot.
    network_check: Callable[[], bool] = lambda: False
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    @functools.cached_property
    def is_network_coordinator(self) -> bool:
        return self.network_check()

    def may(self, permission: Perm) -> bool:
        """The one check behind refusals and the help listing."""
        if permission is Perm.EVERYONE:
            return True
        if permission is Perm.COORDINATOR:
            return self.is_coordinator
        return self.is_network_coordinator

    @property
    def prefix(self) -> str:
        return self.config.bot.command_prefix

    def now(self) -> datetime:
        return self.clock()

    def t(self, key: str, /, **values: object) -> str:
        return i18n.t(self.lang, key, **{"prefix": self.prefix, **values})

    def next_txn(self) -> str:
        digest = hashlib.sha256(self.txn_prefix.encode()).hexdigest()[:24]
        return f"lb{digest}.{next(self._counter)}"

    async def reply(self, markdown: str, *, mention_sender: bool = False) -> str:
        """Answer the triggering message: as a reply, inside its thread if it was in one."""
        content = render.message(
            markdown,
            msgtype="m.text" if mention_sender else "m.notice",  # see ``say``
            reply_to=self.event_id,
            thread_root=self.thread_root,
            mention_users=[self.sender] if mention_sender else (),
        )
        return await self.send_content(content)

    async def say(
        self,
        markdown: str,
        *,
        room_id: str | None = None,
        mention_users: Iterable[str] = (),
        mention_room: bool = False,
    ) -> str:
        """Post to a room (default: this one) without replying to anything.

        A message that mentions someone goes out as ``m.text``: every client's default push rules silence
        ``m.notice`` before they look at mentions, so a ping sent as a notice would reach nobody.
        """
        users = list(mention_users)
        content = render.message(
            markdown,
            msgtype="m.text" if users or mention_room else "m.notice",
            mention_users=users,
            mention_room=mention_room,
        )
        return await self.send_content(content, room_id=room_id)

    async def send_content(
        self, content: dict[str, Any], *, room_id: str | None = None, event_type: str = "m.room.message"
    ) -> str:
        content = render.guard_mentions(content, event_type)
        target = room_id or self.room_id
        if self.hold_until is not None:
            await self.messenger.prepare_send(target)  # keys shared before the instant, not at it
            await sleep_until(self.hold_until)
        return await self.messenger.send(target, content, event_type=event_type, txn_id=self.next_txn())

    async def upload(
        self,
        data: bytes,
        *,
        filename: str,
        mimetype: str,
        room_id: str | None = None,
        msgtype: str = "m.file",
    ) -> str:
        target = room_id or self.room_id
        media = await self.messenger.upload(
            data, filename=filename, mimetype=mimetype, encrypt=self.messenger.is_encrypted(target)
        )
        content: dict[str, Any] = {
            "msgtype": msgtype,
            "body": filename,
            "filename": filename,
            **media,  # {"url": mxc} or, in encrypted rooms, {"file": {url, key, iv, hashes, v}}
            "info": {"mimetype": mimetype, "size": len(data)},
        }
        if room_id is None:
            relates = render.relation(reply_to=self.event_id, thread_root=self.thread_root)
            if relates:
                content["m.relates_to"] = relates
        return await self.send_content(content, room_id=room_id)

    async def dm(self, user_id: str, markdown: str) -> str | None:
        """Write to someone privately; it notifies them (``m.text``), as a DM from a colleague would.

        Into an existing DM right away (the event id is returned). A new DM is queued instead (None): it
        is opened and sent in the background, at most once, so that no handler waits seconds for a room
        to be created while other rooms' commands wait for it (``bot/fanout.py``, ``queue_dm``).
        """
        room_id = await self.messenger.known_direct_room(user_id)
        if room_id is None:
            from bot import fanout

            await fanout.queue_dm(self, user_id, markdown)
            return None
        return await self.say(markdown, room_id=room_id, mention_users=[user_id])

    async def fan_out(
        self,
        key: str,
        recipients: Iterable[str],
        markdown: str,
        *,
        title: str,
        deadline: datetime | None = None,
        private: bool = False,
        payload: dict[str, Any] | None = None,
        room_id: str | None = None,
    ) -> int:
        """DM ``markdown`` to each recipient in the background, under the rate limit, at most once each.

        Queued in this transaction and sent afterwards in this order (earliest ``deadline`` across
        fan-outs first); one status message in ``room_id`` (default: here) shows the progress. ``key`` names
        the occasion (``"poll.remind:12"``): the same key again is the same fan-out. Returns the number of
        recipients queued (0: nobody to write to). See ``bot/fanout.py``.
        """
        from bot import fanout

        fan = await fanout.enqueue(
            self,
            key,
            list(recipients),
            markdown,
            title=title,
            deadline=deadline,
            private=private,
            payload=payload,
            room_id=room_id,
        )
        return fan.total if fan is not None else 0

    def late_note(self) -> str:
        """A line to append to a reminder that is sent late, so nobody is misled about the timing."""
        if self.late is None:
            return ""
        return "\n\n" + self.t("late_note", minutes=int(self.late.total_seconds() // 60))

    def members(self, room_id: str | None = None) -> list[str]:
        """Room members other than the bot: the electorate for polls, the audience for reminders."""
        bot = self.messenger.user_id
        return [m for m in self.messenger.room_members(room_id or self.room_id) if m != bot]
