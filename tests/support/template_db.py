"""A freshly migrated SQLite database for each test, without running every migration for each test.

Running the Alembic migrations costs about 0.2 s of CPU; the feature tests make a new database hundreds of
times per run. This process migrates one template database once (with the real ``Database.migrate()``) and
each test gets a page-by-page copy of it (SQLite's backup API, so a WAL file cannot be half-copied): the
same schema and revision stamp a migration would leave. Tests about migrations themselves migrate on
their own (``tests/unit/test_storage.py``, ``tests/resilience/test_kill9_migration.py``).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from storage.db import Database

_template: Path | None = None
_template_pid = 0


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
