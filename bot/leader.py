"""One active instance per database: the database decides who acts (issue 16, item 1).

Two ``lotsenbot run`` on one database would both answer every command and both fire every job. The lock
lives where the data lives, so no home-made consensus is needed:

* **SQLite** — an exclusive ``flock`` on ``<database file>.lock``. SQLite cannot be shared across hosts
  anyway, so a second process has nothing useful to wait for: it refuses to start (exit code 3) and says
  which pid on which host holds the database. The kernel drops the lock when the holder dies, even by
  ``kill -9``.
* **PostgreSQL** — a session-level advisory lock (``pg_try_advisory_lock``) on a dedicated asyncpg
  connection that lives as long as the active process. PostgreSQL releases it the moment that connection
  ends; a killed process's socket is closed by the kernel at once, and a silent network loss is noticed by
  the server's TCP keepalive / ``tcp_user_timeout`` (set short for this one connection). A second process
  waits as a *standby* and polls the lock every :data:`POLL_SECONDS`.

**Fencing**: the active pings its lock connection every :data:`FENCE_SECONDS` with a short timeout. If the
ping fails it can no longer be sure it holds the lock (the server may already have freed it for a standby),
so it stops acting at once; ``lotsenbot run`` then exits non-zero and systemd restarts it — as a standby.
The ping timeout plus interval is shorter than the server-side dead-peer timeout, so the old active stops
before the server can hand the lock to anyone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # how often a standby asks for the lock
FENCE_SECONDS = 1.0  # how often the active checks its lock connection
FENCE_TIMEOUT = 2.5  # a ping slower than this counts as a lost connection (a busy loop must not trip it)
# Server side of the lock connection: a dead peer is detected after 3 s idle + 3×1 s probes, or when sent
# data stays unacknowledged for 6 s — always later than the active's own fence (≤ 1 + 2.5 s).
PG_SERVER_SETTINGS = {
    "tcp_keepalives_idle": "3",
    "tcp_keepalives_interval": "1",
    "tcp_keepalives_count": "3",
    "tcp_user_timeout": "6000",
}
EXIT_OTHER_INSTANCE = 3


class AnotherInstance(RuntimeError):
    """SQLite: another process holds the database; this one must not start."""


def lock_key(user_id: str) -> int:
    """A fixed signed 64-bit advisory-lock key per bot account (two bots may share one PostgreSQL)."""
    digest = hashlib.sha256(f"lotsenbot-active:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _app_name(user_id: str) -> str:
    """Names the lock connections of one bot account, so ``describe`` can count its standbys."""
    return f"lotsenbot-lock {lock_key(user_id) & 0xFFFFFFFF:08x}"


def _holder_text() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


class Leadership:
    """Who may act. ``active`` is True only while this process holds the lock."""

    def __init__(self, database_url: str, user_id: str) -> None:
        self.url = make_url(database_url)
        self.user_id = user_id
        self.active = False
        self.lost = asyncio.Event()  # set by the fence when an active loses its lock
        self._file: Any = None
        self._conn: Any = None  # asyncpg.Connection holding the advisory lock
        self._fence: asyncio.Task[None] | None = None

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    # ------------------------------------------------------------------------------- SQLite

    def _sqlite_lock(self) -> None:
        database = self.url.database
        if not database or database == ":memory:" or database.startswith("file::memory:"):
            self.active = True  # an in-memory database is private to this process
            return
        path = Path(database + ".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown pid"
            handle.close()
            raise AnotherInstance(
                f"Eine andere Lotsenbot-Instanz ({holder}) hält die Datenbank {database}; dieser Prozess "
                f"startet nicht. / Another Lotsenbot instance ({holder}) holds the database {database}; "
                "not starting. (A standby needs PostgreSQL, see README: Operations.)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(_holder_text() + "\n")
        handle.flush()
        self._file = handle
        self.active = True

    # ---------------------------------------------------------------------------- PostgreSQL

    async def _connect(self) -> Any:
        import asyncpg

        dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return await asyncpg.connect(
            dsn,
            server_settings={**PG_SERVER_SETTINGS, "application_name": _app_name(self.user_id)},
            timeout=10,
        )

    async def try_acquire(self) -> bool:
        """One attempt; on PostgreSQL a failed attempt keeps the connection for the next poll."""
        if not self.is_postgres:
            self._sqlite_lock()
            return True
        if self._conn is None or self._conn.is_closed():
            self._conn = await self._connect()
        got = await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key(self.user_id))
        if got:
            self.active = True
            self._fence = asyncio.create_task(self._fence_loop(), name="lotsenbot-fence")
        return bool(got)

    async def wait_for_lock(self, stopping: Callable[[], bool] = lambda: False) -> bool:
        """Standby: poll until the lock is ours (True) or ``stopping()`` (False). Connection trouble is
        retried: a standby that cannot reach the database simply stays a standby."""
        while not stopping():
            try:
                if await self.try_acquire():
                    return True
            except (OSError, TimeoutError) as exc:
                log.warning("standby: database unreachable (%s); retrying", exc.__class__.__name__)
                await self._drop_conn()
            except Exception as exc:  # asyncpg's own errors (connection reset, admin shutdown, …)
                log.warning("standby: lock check failed (%s); retrying", exc.__class__.__name__)
                await self._drop_conn()
            await asyncio.sleep(POLL_SECONDS)
        return False

    async def _fence_loop(self) -> None:
        while True:
            await asyncio.sleep(FENCE_SECONDS)
            try:
                await self._conn.fetchval("SELECT 1", timeout=FENCE_TIMEOUT)
            except Exception as exc:
                log.error(
                    "lost the database lock connection (%s): stopping at once, another instance may take "
                    "over / Verbindung mit der Datenbank-Sperre verloren: höre sofort auf",
                    exc.__class__.__name__,
                )
                self.active = False
                self.lost.set()
                return

    async def _drop_conn(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.terminate()

    async def release(self) -> None:
        """Give the lock back (graceful stop); a standby takes over within a poll."""
        if self._fence is not None:
            self._fence.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._fence
            self._fence = None
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._conn.close(), 3)
            await self._drop_conn()
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        self.active = False


def _sqlite_holder(database: str) -> str:
    path = Path(database + ".lock")
    if not database or database == ":memory:" or not path.exists():
        return "instance: none running"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            return f"instance: active ({handle.read().strip() or 'unknown pid'})"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return "instance: none running"


async def describe(database_url: str, user_id: str) -> str:
    """``lotsenbot status``: which instance acts, how many wait — read without taking the lock."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return _sqlite_holder(url.database or "")
    import asyncpg

    key = lock_key(user_id)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        rows = await conn.fetch(
            "SELECT a.pid, host(a.client_addr) AS addr, l.granted FROM pg_stat_activity a "
            "LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' "
            "AND l.classid = $1::bigint::oid AND l.objid = $2::bigint::oid AND l.objsubid = 1 "
            "WHERE a.application_name = $3 AND a.datname = current_database()",
            (key >> 32) & 0xFFFFFFFF,
            key & 0xFFFFFFFF,
            _app_name(user_id),
        )
    finally:
        await conn.close()
    active = [r for r in rows if r["granted"]]
    standby = len(rows) - len(active)
    if not active:
        return f"instance: NO ACTIVE instance ({standby} standby waiting)"
    where = active[0]["addr"] or "local socket"
    return f"instance: active (database backend pid {active[0]['pid']}, client {where}), {standby} standby"
