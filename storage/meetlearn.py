"""Tables of the Meet-and-Learn feature.

A series is stored once, as its rule; only the next few occurrences exist as rows (``MeetSession`` with a
``series_id``), so "jeden 2. Donnerstag" forever costs a handful of rows, not thousands. An occurrence of a
series stores only what differs from the series (``None`` = inherit), which is exactly what the iCalendar
export needs to write overrides (RECURRENCE-ID) instead of copying every field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, utcnow


class MeetSeries(Base):
    """A recurring Meet and Learn: rule (RRULE text + wall-clock time + anchor date) and its defaults."""

    __tablename__ = "ml_series"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255), index=True)
    rrule: Mapped[str] = mapped_column(String(100))
    local_time: Mapped[str] = mapped_column(String(8))  # "14:00" – wall-clock time in ``tz``
    anchor: Mapped[date] = mapped_column(Date)  # first occurrence's date; anchors "alle 2 Wochen"
    tz: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    first_start: Mapped[datetime]  # DTSTART of the iCalendar master event
    topic: Mapped[str] = mapped_column(Text)
    speaker: Mapped[str | None] = mapped_column(Text, default=None)
    duration_min: Mapped[int] = mapped_column(default=60)
    link: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | cancelled
    creator: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)


class MeetSession(Base):
    """One session people can join: a single date, or one materialised occurrence of a series."""

    __tablename__ = "ml_sessions"
    __table_args__ = (
        UniqueConstraint("series_id", "original_start", name="uq_ml_sessions_series_original"),
        Index("ix_ml_sessions_room_start", "room_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255))
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("ml_series.id", ondelete="CASCADE"), default=None, index=True
    )
    # For series occurrences: the date the rule produced (iCalendar RECURRENCE-ID), even after a move.
    original_start: Mapped[datetime | None] = mapped_column(default=None)
    starts_at: Mapped[datetime]
    # For series occurrences ``None`` means "as the series"; single sessions always fill them.
    duration_min: Mapped[int | None] = mapped_column(default=None)
    topic: Mapped[str | None] = mapped_column(Text, default=None)
    speaker: Mapped[str | None] = mapped_column(Text, default=None)
    link: Mapped[str | None] = mapped_column(Text, default=None)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # scheduled | cancelled
    uid: Mapped[str] = mapped_column(String(255))
    sequence: Mapped[int] = mapped_column(default=0)
    creator: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    announced: Mapped[bool] = mapped_column(default=False)
    recording_url: Mapped[str | None] = mapped_column(Text, default=None)
    recording_by: Mapped[str | None] = mapped_column(String(255), default=None)
    job_ids: Mapped[list[int]] = mapped_column(JSON, default=list)

    series: Mapped[MeetSeries | None] = relationship(lazy="joined")


class MeetRsvp(Base):
    """A person's current answer for one session; the latest command or reaction wins."""

    __tablename__ = "ml_rsvps"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("ml_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    answer: Mapped[str] = mapped_column(String(8))  # yes | no
    source: Mapped[str] = mapped_column(String(16))  # command | reaction
    event_id: Mapped[str | None] = mapped_column(String(255), default=None, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetMessage(Base):
    """Bot messages about a session (announcement, reminders): reactions on any of them are RSVPs."""

    __tablename__ = "ml_messages"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("ml_sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # announce | remind | start


class MeetTopic(Base):
    """A topic idea from a Lotse, waiting to be voted on or picked."""

    __tablename__ = "ml_topics"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255), index=True)
    text: Mapped[str] = mapped_column(Text)
    suggested_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | removed
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)  # e.g. the poll it went into


class MeetRoomSettings(Base):
    """Per-room choices; ``None`` falls back to ``[features.meetlearn]`` in the config."""

    __tablename__ = "ml_room_settings"

    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    ping: Mapped[bool | None] = mapped_column(default=None)
    dm: Mapped[bool | None] = mapped_column(default=None)
