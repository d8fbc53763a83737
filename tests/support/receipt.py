"""The polls feature's vote receipt as the fake messenger saw it (``commands/polls/receipts.py``)."""

from __future__ import annotations

from commands.polls import receipts
from tests.support.fake import Harness


async def receipt(h: Harness) -> str:
    """The room's vote receipt as it reads now (the newest edit), once every pending edit is out."""
    await receipts.settle()
    bodies = [str(s.content.get("m.new_content", s.content).get("body", "")) for s in h.messenger.sent]
    shown = [b for b in bodies if " – per " in b or " – counted from " in b]
    assert shown, "no receipt was sent"
    return shown[-1]
