"""Imports every module that defines tables, so Alembic and tests see the whole schema."""

from storage import dialogs, fanout, faq, meetlearn, models, polls, retro

__all__ = ["dialogs", "fanout", "faq", "meetlearn", "models", "polls", "retro"]
