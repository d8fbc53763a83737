"""👍/👎 on one of the bot's answers is feedback for the statistics; a redacted reaction takes it back."""

from __future__ import annotations

import logging
import re

from bot.context import Context
from bot.dispatch import Incoming
from bot.framework import event_hook
from commands.faq import learning, store

log = logging.getLogger(__name__)

_SKIN_AND_VARIATION = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_UP = {"👍", "+1", ":+1:", ":thumbsup:"}
_DOWN = {"👎", "-1", ":-1:", ":thumbsdown:"}


def vote(key: str) -> int | None:
    key = _SKIN_AND_VARIATION.sub("", key).strip()
    return 1 if key in _UP else -1 if key in _DOWN else None


@event_hook("m.reaction")
async def on_reaction(ctx: Context, incoming: Incoming) -> bool:
    """👍/👎 on one of the bot's answers is feedback; every other reaction is left to other features."""
    rel = incoming.relates_to
    target, key = rel.get("event_id"), rel.get("key")
    if rel.get("rel_type") != "m.annotation" or not isinstance(target, str) or not isinstance(key, str):
        return False
    value = vote(key)
    if value is None:
        return False
    reply = await store.reply(ctx.session, target)
    if reply is None:
        return False
    store.add_feedback(ctx.session, incoming.event_id, reply, value, ctx.now())
    await learning.on_vote(ctx, reply.question_id, reply.entry_id, value, undo=False)
    log.info("FAQ feedback %+d on %s", value, reply.entry_id or "a coordinator's answer")
    return True


@event_hook("m.room.redaction")
async def on_redaction(ctx: Context, incoming: Incoming) -> bool:
    """Taking a 👍/👎 back takes the feedback back."""
    redacts = incoming.content.get("redacts")
    if not isinstance(redacts, str):
        return False
    row = await store.feedback_of_reaction(ctx.session, redacts)
    if row is None:
        return False
    reply = await store.reply(ctx.session, row.reply_event_id)
    if reply is not None:
        await learning.on_vote(ctx, reply.question_id, reply.entry_id, row.value, undo=True)
    await ctx.session.delete(row)
    return True
