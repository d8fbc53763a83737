"""The bot's Matrix side: login, the sync loop, turning events into ``Incoming`` and sending replies.

The way of an event: ``sync()`` → nio decrypts and updates room state → ``_process`` walks each joined
room's timeline in order, drops what the bot must not act on (its own messages, other bots' notices, edits,
anything older than the moment the bot joined) → ``Dispatcher.handle`` (at most once, in a transaction)
→ a feature handler → ``send()``. The sync token is saved only after a whole batch is handled, so a crash
means the batch is seen again and deduplicated, never skipped.

``MatrixBot`` is one object (it implements ``bot.context.Messenger``) put together from parts:
``client`` (login, sync loop, token), ``events`` (a batch into the dispatcher), ``trustnotes`` (undecryptable
and unsigned-device notes), ``rooms`` (cutoff, greeting, invites, room queries), ``sending`` (send, upload,
redact, DMs).
"""

from bot.matrix.client import MatrixBot
from bot.matrix.constants import SYNC_FILTER, TIMELINE_LIMIT
from bot.matrix.sending import SendError

__all__ = ["SYNC_FILTER", "TIMELINE_LIMIT", "MatrixBot", "SendError"]
