"""Make erased values gone from the disk, not only from the current rows.

Setting a poll's voter key or a retro's secret to NULL, or rewriting rows so they cannot be grouped, changes
what a query returns. It does not change what a copy of the database files shows:

* SQLite keeps the old page images in the write-ahead log (``lotsenbot.db-wal``) until a checkpoint, and
  even after one the file is reused from the start, so older frames survive behind the newer ones. The
  fix is ``PRAGMA secure_delete=ON`` (freed space in the main file is zeroed, see ``storage/db.py``) plus
  ``wal_checkpoint(TRUNCATE)`` right after the erasing transaction, which copies the pages into the main
  file and cuts the log to zero bytes.
* PostgreSQL keeps the old row versions (dead tuples) in the table until vacuum, and its own WAL until the
  server recycles it. ``VACUUM FULL`` of the small anonymous tables writes them anew without the dead
  versions; the server's WAL, archives and backups are the operator's part (README, "Privacy").

``scrub_after_commit`` is what features call inside the erasing transaction; ``scrub`` runs at start-up too,
so a crash between the commit and the scrub leaves nothing behind for longer than one restart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.db import after_commit

log = logging.getLogger(__name__)

# The tables whose old versions could link a person to a vote or an item. Small, so VACUUM FULL is quick.
ANONYMOUS_TABLES = ("polls", "poll_ballots", "retros", "retro_items", "retro_ratings", "retro_interviews")
SMALL_TABLES = ("bot_state",)  # holds the ledger keys (bot/ledger.py); a handful of rows
LEDGER_TABLES = ("processed_events",)  # can be large: a plain VACUUM
CHECKPOINT_ATTEMPTS = 20


def scrub_after_commit(session: AsyncSession, *, full: Iterable[str] = ANONYMOUS_TABLES) -> None:
    """Once the surrounding transaction has committed, wipe the old versions of what it erased."""
    engine = session.bind
    assert isinstance(engine, AsyncEngine), "sessions come from Database and are bound to its engine"
    tables = tuple(full)
    if session.info.get("lotsenbot_scrub") == tables:
        return  # already queued by this transaction
    session.info["lotsenbot_scrub"] = tables

    async def run() -> None:
        await scrub(engine, full=tables)

    after_commit(session, run)


async def scrub(engine: AsyncEngine, *, full: Iterable[str] = ANONYMOUS_TABLES) -> bool:
    """SQLite: checkpoint and truncate the WAL. PostgreSQL: vacuum away dead row versions.

    Returns whether it fully succeeded (a busy SQLite WAL is retried a few times, then left for the next
    scrub; it is logged, never raised: the erasing transaction has committed either way).
    """
    try:
        if engine.dialect.name == "sqlite":
            return await checkpoint(engine)
        return await _vacuum(engine, tuple(full))
    except Exception:
        log.exception("could not scrub old row versions; retried at the next erasure or start")
        return False


async def checkpoint(engine: AsyncEngine) -> bool:
    """``wal_checkpoint(TRUNCATE)``: every frame into the main file, then the WAL file cut to 0 bytes.

    It needs a moment without readers on old snapshots; our transactions are short, so a few short waits
    suffice. ``busy`` in the answer means it could not finish this time.
    """
    for attempt in range(CHECKPOINT_ATTEMPTS):
        async with engine.connect() as conn:
            row = (await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).first()
        if row is not None and row[0] == 0:
            return True
        await asyncio.sleep(0.05 * (attempt + 1))
    log.warning("WAL checkpoint stayed busy; the next one will truncate the log")
    return False


async def _vacuum(engine: AsyncEngine, full: tuple[str, ...]) -> bool:
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        existing = set(
            (
                await auto.exec_driver_sql(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ).scalars()
        )
        await auto.exec_driver_sql("SET lock_timeout = '10s'")  # never hang behind a long transaction
        tables = [t for t in (*full, *SMALL_TABLES) if t in existing]
        if tables:
            await auto.exec_driver_sql("VACUUM FULL " + ", ".join(f'"{t}"' for t in tables))
        ledger = [t for t in LEDGER_TABLES if t in existing]
        if ledger:
            await auto.exec_driver_sql("VACUUM " + ", ".join(f'"{t}"' for t in ledger))
    return True
