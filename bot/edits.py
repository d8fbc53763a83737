"""Edited messages: the bot does not re-read them, and says so instead of staying silent.

Counting an edit would mean undoing what the original did (a vote, an item, a poll) — for every command
differently, and an edit of an old message would act long after the fact. So no edit is executed; but a
person who corrects `!stimme 3 1` to `!stimme 3 2` after voting must learn that the correction did not
count (issue 17). An edit whose new text is a command gets a short hint, at most once per person and hour
(more would be noise for someone who edits a lot); edits of ordinary chat stay unanswered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from bot import i18n
from bot.context import Context
from bot.framework import shorten
from bot.render import code_md
from storage.models import Throttle

if TYPE_CHECKING:
    from bot.dispatch import Incoming

HINT_EVERY = timedelta(hours=1)


def is_edit(event: Incoming) -> bool:
    return event.relates_to.get("rel_type") == "m.replace"


async def answer_edit(ctx: Context, event: Incoming, is_command: Callable[[str], bool]) -> None:
    new = event.content.get("m.new_content")
    body = new.get("body") if isinstance(new, dict) else None
    if not isinstance(body, str) or not is_command(body.strip()):
        return
    key = f"edit_hint:{ctx.sender}"
    now = ctx.now()
    row = await ctx.session.get(Throttle, key)
    if row is not None and now - row.last_at < HINT_EVERY:
        return
    await ctx.session.merge(Throttle(key=key, last_at=now))
    await ctx.reply(ctx.t("edits.not_read", command=code_md(shorten(body.strip(), 60))))


i18n.register(
    {
        "edits.not_read": {
            "de": "✏️ Bearbeitungen lese ich nicht – sie zählen nicht. Schick den Befehl bitte als neue "
            "Nachricht: {command}",
            "en": "✏️ I do not read edits – they do not count. Please send the command as a new message: "
            "{command}",
        },
    }
)
