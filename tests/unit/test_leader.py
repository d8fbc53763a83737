"""The database lock that makes one process the active instance (bot/leader.py), without Synapse."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.leader import AnotherInstance, Leadership, describe
from tests.conftest import new_database_url


async def test_sqlite_second_holder_is_refused_and_named(tmp_path: Path) -> None:
    url = await new_database_url(tmp_path, "sqlite")
    first, second = Leadership(url, "@bot:x"), Leadership(url, "@bot:x")
    assert await first.try_acquire() and first.active
    with pytest.raises(AnotherInstance, match=r"andere Lotsenbot-Instanz \(pid \d+ on "):
        await second.try_acquire()
    assert not second.active
    assert (await describe(url, "@bot:x")).startswith("instance: active (pid ")
    await first.release()
    assert await describe(url, "@bot:x") == "instance: none running"
    assert await second.try_acquire()  # free again once the holder let go
    await second.release()


@pytest.mark.postgres
async def test_postgres_one_holder_standby_gets_it_when_the_holder_dies(tmp_path: Path) -> None:
    url = await new_database_url(tmp_path, "postgres")
    active, standby = Leadership(url, "@bot:x"), Leadership(url, "@bot:x")
    other_bot = Leadership(url, "@other:x")  # another account's lock is a different key
    try:
        assert await active.try_acquire()
        assert not await standby.try_acquire() and not standby.active
        assert await other_bot.try_acquire()
        assert "instance: active" in await describe(url, "@bot:x")
        assert "1 standby" in await describe(url, "@bot:x")
        # The active's connection is cut from the server side (what a lost network amounts to): its fence
        # notices within a few seconds and the standby gets the lock.
        admin = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1",
                active._conn.get_server_pid(),
            )
        finally:
            await admin.close()
        await asyncio.wait_for(active.lost.wait(), 5)
        assert not active.active
        assert await asyncio.wait_for(standby.wait_for_lock(), 5)
        assert standby.active
    finally:
        for holder in (active, standby, other_bot):
            await holder.release()
