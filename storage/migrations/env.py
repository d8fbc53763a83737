"""Alembic environment: always handed a live connection by ``Database.migrate``."""

from typing import Any

from alembic import context

import storage.all_models  # noqa: F401  (registers every feature's tables)
from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through `lotsenbot migrate`, which supplies the connection.")


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our UTC column type as a plain timezone-aware DateTime so migrations never import models."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


context.configure(
    connection=connection,
    render_item=render_item,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
