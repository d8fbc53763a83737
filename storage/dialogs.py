"""State of the guided dialogs (``bot/dialog.py``): one row per person and room while a dialog is open.

The row holds the answers given so far, so a restart simply continues with the next message. It is
deleted when the dialog ends (done, cancelled or timed out); nothing here outlives the conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class DialogState(Base):
    __tablename__ = "dialogs"
    __table_args__ = (UniqueConstraint("room_id", "sender", name="uq_dialogs_room_id_sender"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    command: Mapped[str] = mapped_column(String(100))  # the command's name in the registry
    room_id: Mapped[str] = mapped_column(String(255))
    thread_root: Mapped[str | None] = mapped_column(String(255), default=None)  # None in a DM
    sender: Mapped[str] = mapped_column(String(255))
    step: Mapped[int] = mapped_column(default=0)  # index into the guide's steps; len(steps) = preview
    values: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    touched_at: Mapped[datetime] = mapped_column(default=utcnow)
    timeout_job_id: Mapped[int | None] = mapped_column(default=None)
