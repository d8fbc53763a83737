"""Smoke test for the local Synapse harness: if this fails, every other e2e test fails for the same reason."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomMessagesResponse,
    RoomMessageText,
    RoomSendResponse,
)

from bot.dev.localsynapse import LocalSynapse

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # about the test homeserver

PASSWORD = "smoke-test-password"


@pytest.fixture
async def synapse(tmp_path: Path) -> AsyncIterator[LocalSynapse]:
    """A private homeserver for this test only (the shared session server belongs to conftest)."""
    async with LocalSynapse(tmp_path / "synapse") as hs:
        yield hs


async def _login(hs: LocalSynapse, localpart: str, store: Path) -> AsyncClient:
    """Log `localpart` in without E2EE: this test checks the homeserver, not encryption."""
    client = AsyncClient(
        hs.url,
        hs.user_id(localpart),
        store_path=str(store),
        config=AsyncClientConfig(encryption_enabled=False),
    )
    response = await client.login(PASSWORD, device_name=f"smoke-{localpart}")
    assert isinstance(response, LoginResponse), response
    return client


async def test_two_users_exchange_a_message(synapse: LocalSynapse, tmp_path: Path) -> None:
    alice_id = await synapse.register_user("alice", PASSWORD, admin=True)
    bob_id = await synapse.register_user("bob", PASSWORD)
    assert alice_id == "@alice:localhost"
    assert bob_id == "@bob:localhost"
    # Idempotent: the demo re-registers its users on every run.
    assert await synapse.register_user("bob", PASSWORD) == bob_id

    alice = await _login(synapse, "alice", tmp_path)
    bob = await _login(synapse, "bob", tmp_path)
    try:
        created = await alice.room_create(name="Smoke", invite=[bob_id])
        assert isinstance(created, RoomCreateResponse), created
        room_id = created.room_id

        sent = await alice.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": "Moin aus dem Rauchtest"}
        )
        assert isinstance(sent, RoomSendResponse), sent

        joined = await bob.join(room_id)
        assert isinstance(joined, JoinResponse), joined

        # Bob joined after the message was sent; default history visibility ("shared") lets him read it.
        messages = await bob.room_messages(room_id, limit=20)
        assert isinstance(messages, RoomMessagesResponse), messages
        texts = [(event.sender, event.body) for event in messages.chunk if isinstance(event, RoomMessageText)]
        assert (alice_id, "Moin aus dem Rauchtest") in texts
    finally:
        await alice.close()
        await bob.close()


async def test_synapse_on_postgres_keeps_its_data_in_its_own_database(tmp_path: Path) -> None:
    """``LocalSynapse(postgres=…)`` (the benchmarks' ``--synapse-db postgres``): a fresh database on the
    server, used by Synapse (a message survives a restart, no SQLite file), dropped afterwards."""
    pg_url = os.environ.get("LOTSENBOT_TEST_PG_URL")
    if not pg_url:
        pytest.skip("PostgreSQL not available: set LOTSENBOT_TEST_PG_URL")
    import asyncpg

    async def synapse_databases() -> set[str]:
        conn = await asyncpg.connect("postgresql://" + pg_url.split("://", 1)[1])
        try:
            rows = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'synapse_%'")
        finally:
            await conn.close()
        return {r["datname"] for r in rows}

    hs = LocalSynapse(tmp_path / "synapse", postgres=pg_url)
    await hs.start()
    assert hs.database_url is not None
    name = hs.database_url.rpartition("/")[2]
    try:
        assert name in await synapse_databases()
        alice_id = await hs.register_user("alice", PASSWORD)
        alice = await _login(hs, "alice", tmp_path)
        try:
            room_id = (await alice.room_create(name="PG")).room_id
            await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "auf PostgreSQL"})
        finally:
            await alice.close()
        await hs.restart()
        alice = await _login(hs, "alice", tmp_path)
        try:
            messages = await alice.room_messages(room_id, limit=20)
            assert isinstance(messages, RoomMessagesResponse), messages
            assert (alice_id, "auf PostgreSQL") in [
                (e.sender, e.body) for e in messages.chunk if isinstance(e, RoomMessageText)
            ]
        finally:
            await alice.close()
        assert not (tmp_path / "synapse" / "homeserver.db").exists()
    finally:
        await hs.stop()
        await hs.drop_database()
    assert name not in await synapse_databases()
