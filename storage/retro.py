"""Tables of the retrospectives feature.

Anonymity is a property of the schema, not of good intentions:

* No feedback table has a Matrix user id, a timestamp or an auto-increment key. A person appears only as
  ``HMAC(retro secret, user id)``, which lets them edit their own items and rate each question once.
* Items are keyed by a random id and (on SQLite) stored without a rowid, so neither the key nor the row
  order can be matched against ``processed_events`` or the log to learn who wrote what, or when.
* The interview state (which question a person is at) is keyed by the same hash and deleted when the
  interview ends.
* The secret is erased when the retro closes; from then on nobody, not even someone with the database,
  can recompute whose hash is whose.
* At close the hashes themselves go: items lose ``author_hash`` and ``seq``, ratings get a random key each,
  so nothing can group a closed retro's answers by person (someone who wrote an unusual number of items
  would be recognisable by counting). The head counts the report needs are kept in ``people_counts``.

The only user ids in these tables are the responsible persons of actions, which are assigned in the open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class Retro(Base):
    """One retrospective; ``number`` is the short, bot-wide number people type in DMs (``!retro 3``)."""

    __tablename__ = "retros"
    __table_args__ = (
        UniqueConstraint("number", name="uq_retros_number"),
        Index("ix_retros_room_status", "room_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    number: Mapped[int]
    room_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(16))  # sss | 4l | msg | custom
    categories: Mapped[list[str]] = mapped_column(JSON)
    questions: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(default=None)
    remind_at: Mapped[datetime | None] = mapped_column(default=None)
    close_job_id: Mapped[int | None] = mapped_column(default=None)
    remind_job_id: Mapped[int | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # HMAC key for person hashes while open; erased on close so the hashes become unlinkable.
    secret: Mapped[str | None] = mapped_column(String(64), default=None)
    vote_poll_id: Mapped[int | None] = mapped_column(default=None)  # the points vote after closing
    # Set at close, when the hashes are dropped: {"total": people, "categories": [people per category]}.
    people_counts: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class RetroItem(Base):
    """One piece of feedback: text and category, plus the author's keyed hash — nothing else."""

    __tablename__ = "retro_items"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy API)

    retro_id: Mapped[int] = mapped_column(ForeignKey("retros.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(16), primary_key=True)  # random, says nothing about order
    author_hash: Mapped[str] = mapped_column(String(64))  # "" once the retro is closed
    seq: Mapped[int]  # 1, 2, 3 … within one author's items, so they can say "ändern 2"; 0 once closed
    category: Mapped[int]  # index into Retro.categories
    text: Mapped[str] = mapped_column(Text)


class RetroRating(Base):
    """One person's 1–5 answer to one rating question; the key makes "rate once" a constraint."""

    __tablename__ = "retro_ratings"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy API)

    retro_id: Mapped[int] = mapped_column(ForeignKey("retros.id", ondelete="CASCADE"), primary_key=True)
    question: Mapped[int] = mapped_column(primary_key=True)  # index into Retro.questions
    rater_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # random per row once closed
    value: Mapped[int]


class RetroInterview(Base):
    """Where a person is in the DM interview, keyed by their hash; deleted when the interview ends."""

    __tablename__ = "retro_interviews"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy API)

    retro_id: Mapped[int] = mapped_column(ForeignKey("retros.id", ondelete="CASCADE"), primary_key=True)
    person_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    step: Mapped[int] = mapped_column(default=0)  # categories first, then rating questions
    active: Mapped[bool] = mapped_column(default=True)  # False while the person answers another retro


class RetroAction(Base):
    """An agreed action from a retro; assigned in the open, so it may name the responsible person."""

    __tablename__ = "retro_actions"
    __table_args__ = (Index("ix_retro_actions_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    retro_id: Mapped[int] = mapped_column(ForeignKey("retros.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str | None] = mapped_column(String(255), default=None)
    due_at: Mapped[datetime | None] = mapped_column(default=None)
    job_id: Mapped[int | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(default=None)
