"""Imports every module that defines tables, so Alembic and tests see the whole schema."""

from storage import models, polls, retro

__all__ = ["models", "polls", "retro"]
