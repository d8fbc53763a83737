"""Imports every module that defines tables, so Alembic and tests see the whole schema."""

from storage import dialogs, faq, meetlearn, models, polls, retro

__all__ = ["dialogs", "faq", "meetlearn", "models", "polls", "retro"]
