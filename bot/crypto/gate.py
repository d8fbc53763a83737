"""One gate for every change to nio's Olm state, so that what is on disk never lags behind what was sent.

The invariant: nothing encrypted with Olm leaves the process before the Olm state that produced it is
durably stored, and nothing else is stored in between that a restart could not take back.

nio itself writes an Olm session right after it encrypted with it (``OlmMachine._olm_encrypt``) and the
account right after it used a one-time key. But while the bot handles the to-device part of a sync,
:class:`bot.crypto.backup.KeyBackup` holds nio's writes back until the room keys are in the backup
(``_settle``), and that upload is awaited. Before this gate, another task could run in that pause: the DM
fan-out (``bot/fanout.py``) sharing a room key, or a key claim/upload. Its writes went straight to the store
and carried the held-back changes with them — the account without the one-time key a Lotse's new Olm
session had used, or a session whose message key the pending to-device message had already used — while
the room key and the new inbound session were not written yet. A kill -9 in that pause then left a store a
restart could not recover from: the re-delivered Olm message could no longer be decrypted (its one-time key
or message key gone), the room key in it was lost, and every later message of that Lotse's Olm session
failed the same way ("decryption failed"; nio only unwedges sessions older than an hour), so the Lotse's
next command went unanswered.

So the to-device handling with its settle, and every nio call that changes Olm state outside it (sharing a
room key, claiming one-time keys, uploading keys), take turns through this gate. It is re-entrant for the
task holding it, because nio's ``share_group_session`` calls ``keys_claim`` itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

GATED_CALLS = ("share_group_session", "keys_claim", "keys_upload")


class CryptoGate:
    """An asyncio lock that the task holding it may take again (nested nio calls)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            yield  # already ours: nio calling one gated method from another
            return
        async with self._lock:
            self._owner = task
            try:
                yield
            finally:
                self._owner = None

    def wrap(self, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def gated(*args: Any, **kwargs: Any) -> Any:
            async with self.held():
                return await call(*args, **kwargs)

        return gated

    def install(self, client: Any) -> None:
        """Route nio's Olm-changing calls on ``client`` through the gate (internal calls too: nio calls
        them as ``self.<name>``, which finds the instance attribute)."""
        for name in GATED_CALLS:
            setattr(client, name, self.wrap(getattr(client, name)))
