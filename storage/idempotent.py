"""Inserts that may race with themselves: ``INSERT … ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL.

"Look, and insert if missing" in two code paths (the sync loop meeting a new DM, and ``direct_room``
remembering it) raced into ``UNIQUE constraint failed: bot_rooms.room_id`` (issue 17). With this the
second writer simply finds the row there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Base


async def insert_ignore(session: AsyncSession, model: type[Base], **values: Any) -> bool:
    """Insert a row unless one with the same primary key exists; True if this call inserted it."""
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(model).values(**values).on_conflict_do_nothing()
    result = await session.execute(stmt)
    return bool(result.rowcount)
