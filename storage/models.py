"""Core tables every feature relies on.

Feature tables live next to these in their own modules (``storage/<feature>.py``) so a feature can be read
without scrolling past the others, but they all share this ``Base`` and its naming convention so Alembic
produces stable constraint names on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, MetaData, String, Text, TypeDecorator, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both backends.

    SQLite has no timezone type and hands back naive values; normalising here keeps every comparison in the
    code aware and avoids the classic naive/aware TypeError at 3 a.m. when a reminder fires.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON}  # noqa: RUF012 (SQLAlchemy API)


class ProcessedEvent(Base):
    """One row per Matrix event the bot has fully handled: the at-most-once guarantee."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(255))
    handled_at: Mapped[datetime] = mapped_column(default=utcnow)


class KeyValue(Base):
    """Small bot-wide state such as the sync token."""

    __tablename__ = "bot_state"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class BotRoom(Base):
    """A room the bot is in, and the moment from which it may act on messages there."""

    __tablename__ = "bot_rooms"

    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    # origin_server_ts (ms) of the bot's own join, or of the first start; older messages are never acted on.
    active_since_ms: Mapped[int] = mapped_column(BigInteger)
    joined: Mapped[bool] = mapped_column(default=True)
    greeted: Mapped[bool] = mapped_column(default=False)
    # A direct chat: the bot opened it, or the invite said `is_direct`. Never inferred from member counts.
    direct: Mapped[bool] = mapped_column(default=False, server_default=false())
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ScheduledJob(Base):
    """Source of truth for anything the bot must do later; APScheduler only holds a rebuildable copy."""

    __tablename__ = "scheduled_jobs"
    __table_args__ = (Index("ix_scheduled_jobs_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # pending | done | skipped (too late) | cancelled | failed (a day of retries)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)


class Throttle(Base):
    """Last time a rate-limited notice went out, e.g. the 'cannot decrypt' hint (once per sender per hour)."""

    __tablename__ = "throttles"

    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    last_at: Mapped[datetime]
