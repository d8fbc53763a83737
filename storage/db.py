"""The async database handle shared by the bot and its features.

One ``Database`` wraps the engine and a session factory. SQLite gets WAL, foreign keys and a busy timeout
so the scheduler and the sync loop can write side by side; PostgreSQL runs the same code via asyncpg.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
AFTER_COMMIT = "lotsenbot_after_commit"

AfterCommit = Callable[[], Awaitable[None]]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten content (an erased poll key, a rewritten retro row) is zeroed in the file
    # instead of lingering in free space; see storage/erasure.py for the WAL side.
    cursor.execute("PRAGMA secure_delete=ON")
    # Whenever a checkpoint has emptied the WAL, cut the file, so old frames do not survive behind new ones.
    cursor.execute("PRAGMA journal_size_limit=0")
    cursor.close()


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run ``callback`` once the surrounding ``Database.transaction()`` has committed.

    Used by the scheduler: an APScheduler job must not fire before the row it reloads is visible.
    """
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if not self.is_sqlite:
            kwargs.update(pool_size=5, max_overflow=10, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed on success, rolled back on any exception."""
        async with self._sessions() as session:
            async with session.begin():
                yield session
            for callback in session.info.pop(AFTER_COMMIT, []):
                try:
                    await callback()
                except Exception:  # one failing hook must not hide the others
                    log.exception("after-commit hook failed")

    async def migrate(self) -> None:
        """Bring the schema to the newest revision of every feature branch."""

        def upgrade(connection: Connection) -> None:
            command.upgrade(alembic_config(connection), "heads")

        async with self.engine.connect() as conn:
            if self.is_sqlite:
                # pysqlite only opens a transaction before DML, so CREATE TABLE would run outside one and a
                # crash mid-migration would leave tables without their version stamp. Open it ourselves.
                await conn.exec_driver_sql("BEGIN IMMEDIATE")
            await conn.run_sync(upgrade)
            await conn.commit()

    async def close(self) -> None:
        await self.engine.dispose()
