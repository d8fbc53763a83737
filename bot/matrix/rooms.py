"""Rooms: the per-room cutoff and greeting, invites, joins and what features may ask about a room."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
from nio import InviteMemberEvent, JoinError
from sqlalchemy import select

from bot import directs, i18n, render
from storage.idempotent import insert_ignore
from storage.models import BotRoom

log = logging.getLogger(__name__)


CREATOR_POWER = 2**31  # "infinite" power of room creators since room version 12


def _creators_privileged(version: str | None) -> bool:
    if not version:
        return False
    if version.isdigit():
        return int(version) >= 12
    return "hydra" in version  # the unstable MSC4289 test versions


class RoomsMixin:
    """Room membership and room state for ``MatrixBot``."""

    async def _active_since(self, room_id: str) -> tuple[int, bool]:
        """The cutoff for acting on messages in this room, and whether the bot still owes a greeting.

        Cached once the room is settled (joined and greeted): this runs for every room in every batch and
        would otherwise cost a database round trip on the hot path of each reply.
        """
        cached = self._settled.get(room_id)
        if cached is not None:
            return cached, False
        async with self.db.transaction() as session:
            row = await session.get(BotRoom, room_id)
            if row is None:  # direct_room may be storing the same row right now: no check-then-insert
                values = {"active_since_ms": self.started_ms, "joined": True, "greeted": True}
                await insert_ignore(session, BotRoom, room_id=room_id, **values)
                row = await session.get(BotRoom, room_id, populate_existing=True)
                assert row is not None
            if not row.joined:
                row.joined = True
            if row.greeted:
                self._settled[room_id] = row.active_since_ms
            return row.active_since_ms, not row.greeted

    async def _greet(self, room_id: str) -> None:
        """Say hello once per join; the flag is set only after the message went out."""
        async with self.db.transaction() as session:
            row = await session.get(BotRoom, room_id)
            if row is None or row.greeted:
                return
            key = "greeting_dm" if self.is_dm(room_id) else "greeting"
            text = i18n.t(self.config.bot.language, key, prefix=self.config.bot.command_prefix)
            await self.send(
                room_id,
                render.message(text),
                event_type="m.room.message",
                txn_id=f"hello-{row.active_since_ms}-{room_id}",
            )
            row.greeted = True

    async def _set_joined(self, room_id: str, *, joined: bool) -> None:
        self._settled.pop(room_id, None)
        async with self.db.transaction() as session:
            row = await session.get(BotRoom, room_id)
            if row is not None:
                row.joined = joined

    def _may_invite(self, inviter: str) -> bool:
        inv = self.config.invites
        server = inviter.split(":", 1)[1] if ":" in inviter else ""
        if inviter in inv.allowed_users or inviter in self.config.coordinators.users:
            return True
        if inv.allowed_servers:
            return server in inv.allowed_servers
        if inv.allowed_users:
            return False
        return server == self.user_id.split(":", 1)[1]  # default: people from the bot's own homeserver

    async def _on_invite(self, room_id: str, state: list[Any]) -> None:
        invite = next(
            (
                e
                for e in state
                if isinstance(e, InviteMemberEvent)
                and e.state_key == self.user_id
                and e.membership == "invite"
            ),
            None,
        )
        if invite is None:
            return
        if not self._may_invite(invite.sender):
            log.warning("refusing invite to %s from %s (not allowed by [invites])", room_id, invite.sender)
            reason = i18n.t(self.config.bot.language, "invite_refused")
            await self._leave(room_id, reason)
            return
        # Record the join before making it: a crash right after joining must not leave the room without a
        # row, or the restart would take its own start as the cutoff and skip commands sent in between.
        now_ms = int(time.time() * 1000)
        self._settled.pop(room_id, None)
        direct = directs.invite_is_direct(invite)
        if direct:
            self._direct.add(room_id)
        async with self.db.transaction() as session:
            row = await session.get(BotRoom, room_id)
            if row is None:
                row = BotRoom(room_id=room_id, active_since_ms=now_ms, joined=True, greeted=False)
                session.add(row)
            elif not row.joined:
                # A re-invite after the bot left: a fresh start, no replay of what was said meanwhile.
                row.active_since_ms, row.joined, row.greeted = now_ms, True, False
            else:
                # The bot is in this room already. A tokenless sync within Synapse's response cache window
                # replays old invites; moving the cutoff then would skip what was sent while the bot was
                # down, and greet again (issue 17). The cutoff is set once per join, never by a restart.
                log.info("invite to %s seen again while joined (a replayed sync); cutoff kept", room_id)
            row.direct = row.direct or direct
        resp = await self.client.join(room_id)
        if isinstance(resp, JoinError):
            log.warning("could not join %s: %s", room_id, resp.message)
            await self._set_joined(room_id, joined=False)
            return
        log.info("joined %s on invitation by %s", room_id, invite.sender)

    async def _leave(self, room_id: str, reason: str) -> None:
        """Decline with a reason (nio's room_leave has none); rate limits are waited out, a few times."""
        path = f"/_matrix/client/v3/rooms/{room_id}/leave"
        for _attempt in range(4):
            try:
                answer = await self._raw("POST", path, {"reason": reason})
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("could not decline invite to %s: %s", room_id, exc)
                return
            if answer.get("errcode") != "M_LIMIT_EXCEEDED":
                if "errcode" in answer:
                    log.warning("declining invite to %s refused: %s", room_id, answer)
                return
            await asyncio.sleep(min(int(answer.get("retry_after_ms", 1000)), 10_000) / 1000)
        log.warning("declining invite to %s: still rate-limited, the invite stays pending", room_id)

    async def _raw(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        from urllib.parse import quote

        url = self.config.matrix.homeserver + quote(path, safe="/_")
        headers = {"Authorization": f"Bearer {self.client.access_token}"}
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, url, json=body, headers=headers) as r,
        ):
            return await r.json(content_type=None)

    async def _join_configured_rooms(self) -> None:
        for ref in self.config.rooms:
            if ref in self.client.rooms:
                self._configured_ids.add(ref)
                continue
            resp = await self.client.join(ref)  # by alias too; joining a joined room just answers its id
            if isinstance(resp, JoinError):
                log.warning("could not join configured room %s: %s", ref, resp.message)
            else:
                self._configured_ids.add(resp.room_id)

    # ----------------------------------------------------------------------------- room queries

    def room_members(self, room_id: str) -> list[str]:
        room = self.client.rooms.get(room_id)
        return sorted(u for u, member in room.users.items() if not member.invited) if room else []

    def display_name(self, room_id: str, user_id: str) -> str:
        room = self.client.rooms.get(room_id)
        return room.user_name(user_id) or user_id if room else user_id

    async def resolve_alias(self, alias: str) -> str | None:
        """The room id behind an alias like ``#koordination:stadt.example`` (None if it does not resolve)."""
        resp = await self.client.room_resolve_alias(alias)
        room_id = getattr(resp, "room_id", None)
        return room_id if isinstance(room_id, str) and room_id else None

    def is_dm(self, room_id: str) -> bool:
        """Made as a DM (bot/directs.py), and never a configured team room."""
        if room_id not in self._direct:
            return False
        return room_id not in self._configured_ids and room_id not in self.config.rooms

    def power_level(self, room_id: str, user_id: str) -> int:
        room = self.client.rooms.get(room_id)
        if room is None:
            return 0
        if user_id in self._creators.get(room_id, ()) and _creators_privileged(room.room_version):
            return CREATOR_POWER
        return room.power_levels.get_user_level(user_id)

    def redact_level(self, room_id: str) -> int:
        """The power needed to redact others' events here (the spec's default 50 when unknown)."""
        room = self.client.rooms.get(room_id)
        return room.power_levels.defaults.redact if room else 50

    def team_rooms(self) -> list[str]:
        """The rooms whose coordinators act for the whole bot: the configured ``rooms`` (all group rooms
        only when none are configured, which check-config warns about)."""
        if self.config.rooms:
            return sorted(self._configured_ids)
        return [room_id for room_id in self.client.rooms if not self.is_dm(room_id)]

    async def known_rooms(self) -> list[str]:
        async with self.db.transaction() as session:
            return list((await session.scalars(select(BotRoom.room_id).where(BotRoom.joined))).all())
