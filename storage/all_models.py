"""Imports every module that defines tables, so Alembic and tests see the whole schema."""

import storage.models  # noqa: F401
import storage.polls  # noqa: F401
import storage.retro  # noqa: F401
