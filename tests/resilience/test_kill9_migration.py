"""kill -9 while the bot migrates its database (first start, or the first start after an upgrade).

A crash there must leave the database as it was, so the next start simply migrates again. The kill point is
made exact by a child process that sends itself SIGKILL right after the n-th ``CREATE`` statement; the
random kills of the other kill -9 tests hit this window of a few milliseconds only by luck.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from storage.db import Database, alembic_config
from tests.conftest import E2E_DB, new_database_url
from tests.support.process import ROOT

pytestmark = pytest.mark.e2e

# Every branch head the shipped migrations have (one branch per feature, so the set grows with the features).
HEADS = set(ScriptDirectory.from_config(alembic_config()).get_heads())

# Runs Database.migrate() (or an upgrade to an older revision, to prepare an "old installation") and kills
# itself with SIGKILL after the n-th CREATE statement (0 = never).
CHILD = """
import asyncio, os, signal, sys
from alembic import command
from sqlalchemy import event
from storage.db import Database, alembic_config

url, target, after = sys.argv[1], sys.argv[2], int(sys.argv[3])

async def main() -> None:
    db = Database(url)
    created = 0

    def count(conn, cursor, statement, *args):
        nonlocal created
        if statement.lstrip().upper().startswith("CREATE"):
            created += 1
            if created == after:
                os.kill(os.getpid(), signal.SIGKILL)

    event.listen(db.engine.sync_engine, "after_cursor_execute", count)
    if target == "heads":
        await db.migrate()
    else:
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c), target))
    await db.close()

asyncio.run(main())
"""


async def migrate_in_child(url: str, target: str, kill_after: int) -> int:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, url, target, str(kill_after), cwd=ROOT, stderr=asyncio.subprocess.PIPE
    )
    _out, err = await proc.communicate()
    assert proc.returncode in (0, -signal.SIGKILL), err.decode()[-2000:]
    return proc.returncode


@pytest.mark.parametrize(
    ("prepared", "kill_after"),
    [
        (None, 2),  # first start: inside the core tables
        (None, 9),  # first start: in a feature's tables
        ("0001_core", 1),  # an upgrade that brings a new feature: inside its first migration
    ],
)
async def test_kill9_during_migration_next_start_migrates(
    tmp_path: Path, prepared: str | None, kill_after: int
) -> None:
    url = await new_database_url(tmp_path, E2E_DB)
    if prepared:
        assert await migrate_in_child(url, prepared, 0) == 0
    assert await migrate_in_child(url, "heads", kill_after) == -signal.SIGKILL

    db = Database(url)
    try:
        await db.migrate()  # what the next start does
        async with db.transaction() as session:
            versions = set((await session.scalars(text("SELECT version_num FROM alembic_version"))).all())
            polls = (await session.execute(text("SELECT count(*) FROM polls"))).scalar_one()
    finally:
        await db.close()
    assert versions == HEADS and polls == 0
