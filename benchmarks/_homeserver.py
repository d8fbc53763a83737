"""The benchmarks' homeserver: the local Synapse on SQLite (default) or on PostgreSQL (``--synapse-db``).

Production Synapse runs on PostgreSQL; on SQLite every write waits for the one writer, which makes the
local homeserver's own pace (request → ``origin_server_ts``) the floor of the reminder and vote figures.
The PostgreSQL server is the test one, named by ``LOTSENBOT_TEST_PG_URL``; each run gets a fresh database
there, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.dev.localsynapse import LocalSynapse

PG_ENV = "LOTSENBOT_TEST_PG_URL"


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--synapse-db",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help=f"the local Synapse's database; postgres needs {PG_ENV} (a server where the user may create "
        "databases)",
    )


def postgres_server(synapse_db: str) -> str | None:
    """The PostgreSQL server URL for ``--synapse-db postgres``; None for SQLite."""
    if synapse_db != "postgres":
        return None
    url = os.environ.get(PG_ENV)
    if not url:
        raise SystemExit(f"--synapse-db postgres: set {PG_ENV}, e.g. postgresql://user:pw@127.0.0.1:5432/db")
    return url


@contextlib.asynccontextmanager
async def homeserver(data_dir: Path, synapse_db: str, **kwargs: Any) -> AsyncIterator[LocalSynapse]:
    """A running local Synapse on the chosen database; a PostgreSQL database is dropped afterwards —
    also when the run is stopped with SIGTERM (e.g. by ``timeout``), which cancels the run instead of
    ending the process on the spot."""
    hs = LocalSynapse(data_dir, postgres=postgres_server(synapse_db), **kwargs)
    loop, task = asyncio.get_running_loop(), asyncio.current_task()
    if task is not None:
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    try:
        async with hs:
            yield hs
    finally:
        if task is not None:
            loop.remove_signal_handler(signal.SIGTERM)
        await hs.drop_database()
