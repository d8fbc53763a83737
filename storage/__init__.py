"""Persistence: typed SQLAlchemy models, the async database handle and Alembic migrations."""

from storage.db import Database

__all__ = ["Database"]
