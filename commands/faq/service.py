"""What other features may use of the FAQ (features import each other only through ``service.py``).

Another feature that receives a question it does not handle itself (a guided dialogue, a DM flow)
hands it here instead of importing the FAQ's command handlers.
"""

from __future__ import annotations

from bot.context import Context
from commands.faq import answering, runtime
from commands.faq.kb import KnowledgeBase


async def knowledge_base(ctx: Context) -> KnowledgeBase:
    """The current knowledge base (reloaded if its files changed)."""
    return (await runtime.snapshot(ctx)).kb


async def ask(ctx: Context, text: str) -> None:
    """Answer ``text`` as if it had been asked with ``!faq``: an answer, a choice, or an honest no."""
    await answering.ask(ctx, text, "command")
