"""A freshly migrated SQLite database for each test, without running every migration for each test.

Running the Alembic migrations costs about 0.2 s of CPU; the feature tests make a new database hundreds of
times per run. This process migrates one template database once (with the real ``Database.migrate()``) and
each test gets a page-by-page copy of it (SQLite's backup API, so a WAL file cannot be half-copied): the
same schema and revision stamp a migration would leave. Tests about migrations themselves migrate on
their own (``tests/unit/test_storage.py``, ``tests/resilience/test_kill9_migration.py``).

On PostgreSQL the same idea is ``CREATE DATABASE … TEMPLATE``: migrating a new database there takes 2-4 s of
wall time (each DDL statement a round trip, each commit a flush), copying a migrated one about 0.5 s.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import secrets
import shutil
import sqlite3
import tempfile
from pathlib import Path

from storage.db import Database

_template: Path | None = None
_template_pid = 0
_pg_template: tuple[str, int] | None = None  # (database name, pid)


async def _ensure_template() -> Path:
    """Migrate this process's template once (a forked child makes its own: the path is per pid)."""
    global _template, _template_pid
    if _template is not None and _template_pid == os.getpid():
        return _template
    folder = Path(tempfile.mkdtemp(prefix="lotsenbot-template-db-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await db.migrate()
    finally:
        await db.close()
    _template, _template_pid = path, os.getpid()
    return path


async def copy_migrated_sqlite(path: Path) -> None:
    """Make ``path`` a migrated, empty SQLite database (``path`` must not exist yet)."""
    template = await _ensure_template()
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(template)
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


async def create_postgres_database(pg_url: str, name: str, *, migrated: bool = False) -> str:
    """Create database ``name`` on the server of ``pg_url`` (empty, or a copy of the migrated template);
    returns its SQLAlchemy URL."""
    import asyncpg

    template = await _ensure_pg_template(pg_url) if migrated else None
    conn = await asyncpg.connect(pg_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        for attempt in range(50):
            try:
                await conn.execute(
                    f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
                )
                break
            except asyncpg.ObjectInUseError:  # another copy from the same template at this instant
                if attempt == 49:
                    raise
                await asyncio.sleep(0.1)
    finally:
        await conn.close()
    return f"{pg_url.rpartition('/')[0]}/{name}"


async def _ensure_pg_template(pg_url: str) -> str:
    """Migrate this process's PostgreSQL template database once; returns its name."""
    global _pg_template
    if _pg_template is not None and _pg_template[1] == os.getpid():
        return _pg_template[0]
    name = f"lb_template_{secrets.token_hex(6)}"
    db = Database(await create_postgres_database(pg_url, name))
    try:
        await db.migrate()
    finally:
        await db.close()  # a template must have no open connection when it is copied
    _pg_template = (name, os.getpid())
    return name
