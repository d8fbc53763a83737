"""Which rooms are direct chats with the bot.

A room is a DM because it was made as one — the bot opened it, the invite carried ``is_direct``, or the
bot's ``m.direct`` account data lists it — never because it happens to have two members: a coordinator who
sets up the team room with just the bot must get a team room (issue 17). A configured team room is never a
DM, whatever the markers say. The ``bot_rooms.direct`` column is the bot's own record; rooms joined before
it existed are recognised once per start from the bot's membership event (its previous content is the
invite, which says ``is_direct``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import BotRoom, KeyValue


async def load(session: AsyncSession) -> set[str]:
    """The DMs recorded in the database: flagged rooms and the bot's own ``dm:<user>`` table."""
    flagged = (await session.scalars(select(BotRoom.room_id).where(BotRoom.direct))).all()
    opened = (await session.scalars(select(KeyValue.value).where(KeyValue.key.like("dm:%")))).all()
    return {*flagged, *opened}


def invite_is_direct(invite_event: Any) -> bool:
    content = getattr(invite_event, "content", None) or getattr(invite_event, "source", {}).get("content")
    return isinstance(content, dict) and content.get("is_direct") is True


def from_account_data(events: list[Any]) -> set[str]:
    """Room ids listed in an ``m.direct`` account data event (``{user: [room, …]}``)."""
    rooms: set[str] = set()
    for event in events:
        if getattr(event, "type", None) != "m.direct":
            continue
        content = getattr(event, "content", None)
        for listed in (content or {}).values() if isinstance(content, dict) else ():
            if isinstance(listed, list):
                rooms.update(r for r in listed if isinstance(r, str))
    return rooms


def joined_as_direct(state: list[Any], bot_user: str) -> bool:
    """The bot's own membership event whose previous content (the invite) said ``is_direct``."""
    for event in state:
        source = getattr(event, "source", None) or {}
        if source.get("type") != "m.room.member" or source.get("state_key") != bot_user:
            continue
        unsigned = source.get("unsigned") if isinstance(source.get("unsigned"), dict) else {}
        prev = unsigned.get("prev_content") or source.get("prev_content")
        if isinstance(prev, dict) and prev.get("membership") == "invite" and prev.get("is_direct") is True:
            return True
    return False
