"""Imports every module that defines tables, so Alembic and tests see the whole schema."""

from storage import faq, meetlearn, models, polls, retro

__all__ = ["faq", "meetlearn", "models", "polls", "retro"]
