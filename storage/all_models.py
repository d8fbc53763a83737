"""Imports every module that defines tables, so Alembic and tests see the whole schema."""

from storage import models  # noqa: F401
from storage import polls  # noqa: F401
