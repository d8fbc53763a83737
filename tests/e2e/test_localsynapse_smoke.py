"""Smoke test for the local Synapse harness: if this fails, every other e2e test fails for the same reason."""

from __future__ import annotations

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
