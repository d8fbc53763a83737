"""What a sync batch does when one piece of it fails unexpectedly (not a feature handler: those are caught
by the dispatcher; this is the bot's own Matrix side or the database under it).

The policy (issue 17): a failure never lets the sync token move past an event that was not handled. The
failing piece — one event, or one room's set-up step — is counted; while it has failed fewer than
``ATTEMPTS`` times the batch counts as incomplete, the token is not saved and the batch is fetched and
redone a moment later (handled events are skipped then: at most once). Within a room the events after the
failing one wait too, so their order is kept; other rooms go on. At the ``ATTEMPTS``-th failure in a row
the piece is given up: an event is recorded as handled-with-error and, if it was a command, its sender gets
the usual "internal error, reference …" reply; a room step is skipped. So a bug or a poisoned event costs
a few seconds and one logged error with a reference, never a silent loss and never a blocked bot.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable

import aiohttp

from bot.context import HomeserverUnavailable

log = logging.getLogger(__name__)

ATTEMPTS = 3
TRANSIENT = (aiohttp.ClientError, TimeoutError, OSError, HomeserverUnavailable)  # redo the batch, no count


class FailureBook:
    """Counts consecutive unexpected failures per piece (an event id, or ``room:<id>/<step>``)."""

    def __init__(self, attempts: int = ATTEMPTS) -> None:
        self.attempts = attempts
        self._counts: dict[str, int] = {}
        self.given_up = 0

    async def run(
        self,
        key: str,
        work: Callable[[], Awaitable[None]],
        give_up: Callable[[str], Awaitable[None]] | None = None,
    ) -> bool:
        """Run one piece. True: done (or given up for good); False: failed, redo the batch later."""
        try:
            await work()
        except TRANSIENT:
            raise
        except Exception:
            count = self._counts.get(key, 0) + 1
            ref = secrets.token_hex(3)
            if count < self.attempts:
                self._counts[key] = count
                log.exception(
                    "handling %s failed (attempt %d of %d, ref %s); the batch will be redone",
                    key,
                    count,
                    self.attempts,
                    ref,
                )
                return False
            self._counts.pop(key, None)
            self.given_up += 1
            log.exception("handling %s failed %d times (ref %s); giving up on it", key, count, ref)
            if give_up is not None:
                try:
                    await give_up(ref)
                except TRANSIENT:
                    raise
                except Exception:
                    log.exception("could not record %s as failed (ref %s)", key, ref)
            return True
        self._counts.pop(key, None)
        return True
