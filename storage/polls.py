"""Tables of the polls feature.

Votes are kept as the raw responses that carried them (one row per Matrix event, keyed by event id), not
as a running tally: the tally is recomputed from these rows by a pure function, which makes a redaction
("revert to the previous response") and a replayed event trivially correct.

Anonymous polls store no responses at all, only ballots keyed by an HMAC of the voter with a per-poll
secret. The ballot table carries no timestamp, no event id and (on SQLite) no rowid, so neither the row
order nor a time can be matched against other tables; the secret itself is erased when the poll closes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class Poll(Base):
    """One poll; ``number`` is the short per-room number people type (#3) and never changes."""

    __tablename__ = "polls"
    __table_args__ = (
        UniqueConstraint("room_id", "number", name="uq_polls_room_number"),
        Index("ix_polls_start_event_id", "start_event_id"),
        Index("ix_polls_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    room_id: Mapped[str] = mapped_column(String(255))
    number: Mapped[int]
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(16), default="choice")  # choice | points
    max_selections: Mapped[int] = mapped_column(default=1)
    points: Mapped[int | None] = mapped_column(default=None)  # budget per voter for points polls
    secret: Mapped[bool] = mapped_column(default=False)  # results hidden until closed
    anonymous: Mapped[bool] = mapped_column(default=False)  # votes by DM, stored as keyed hashes only
    native: Mapped[bool] = mapped_column(default=True)  # posted as an MSC3381 poll
    creator: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(default=None)
    remind_at: Mapped[datetime | None] = mapped_column(default=None)
    close_job_id: Mapped[int | None] = mapped_column(default=None)
    remind_job_id: Mapped[int | None] = mapped_column(default=None)
    start_event_id: Mapped[str | None] = mapped_column(String(255), default=None)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_by: Mapped[str | None] = mapped_column(String(255), default=None)
    # origin_server_ts (ms) of the end: responses stamped later do not count (MSC3381).
    end_ts_ms: Mapped[int | None] = mapped_column(BigInteger, default=None)
    end_event_id: Mapped[str | None] = mapped_column(String(255), default=None)
    # HMAC key for anonymous ballots while the poll is open; erased on close so hashes become unlinkable.
    voter_key: Mapped[str | None] = mapped_column(String(64), default=None)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def is_points(self) -> bool:
        return self.kind == "points"


class PollResponse(Base):
    """One response as it arrived: a native poll response, a ``!stimme``/``!punkte`` or a number reaction.

    ``selections`` is a list of answer ids (choice polls), a mapping answer id → points (points polls), or
    ``None`` for a malformed response, which spoils the sender's vote if it is their latest.
    """

    __tablename__ = "poll_responses"
    __table_args__ = (Index("ix_poll_responses_poll_sender", "poll_id", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    sender: Mapped[str] = mapped_column(String(255))
    ts_ms: Mapped[int] = mapped_column(BigInteger)
    # poll | command | reaction | ignored (a number reaction on a secret poll: stored redacted, never counts)
    source: Mapped[str] = mapped_column(String(16))
    selections: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    redacted: Mapped[bool] = mapped_column(default=False)


class PollBallot(Base):
    """The current vote of one anonymous voter, identified only by HMAC(poll secret, user id)."""

    __tablename__ = "poll_ballots"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 (SQLAlchemy API)

    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True)
    voter_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    selections: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
