"""Tables of the DM fan-out queue (``bot/fanout.py``): one message to many people, one at a time.

A fan-out to 200 Lotsen under Synapse's default ``rc_message`` takes ~17 minutes, so the queue lives here
and not in memory: a restart continues with the next recipient instead of starting over or forgetting.

What a copy of the disk shows: the recipients of a running fan-out (people the feature chose, e.g. those
who have not voted in a *named* poll, which the poll's own rows already show) and which of them have been
handled. A *private* fan-out (anonymous poll, retro) always lists everybody of the room with the same text
and never skips anyone, so its rows say nothing about who took part. Recipient rows are deleted when a
fan-out ends; only the counts stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class Fanout(Base):
    """One fan-out: the text, where its progress is shown, and how far it got."""

    __tablename__ = "fanouts"
    __table_args__ = (Index("ix_fanouts_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)  # e.g. "poll.remind:12": one per occasion
    token: Mapped[str] = mapped_column(String(32))  # random; names the Matrix transaction ids
    kind: Mapped[str] = mapped_column(String(64))  # selects the feature's "still needed?" check
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    markdown: Mapped[str] = mapped_column(Text)  # the same text for everybody
    title: Mapped[str] = mapped_column(Text)  # for the status line, already in the bot's language
    lang: Mapped[str] = mapped_column(String(8), default="de")
    private: Mapped[bool] = mapped_column(default=False)
    room_id: Mapped[str] = mapped_column(String(255))  # where the status message is
    status_event_id: Mapped[str | None] = mapped_column(String(255), default=None)
    status_edits: Mapped[int] = mapped_column(default=0)
    status_final: Mapped[bool] = mapped_column(default=False)  # the last edit (with the outcome) is out
    deadline: Mapped[datetime | None] = mapped_column(
        default=None
    )  # earliest first; unsent after it: expired
    total: Mapped[int] = mapped_column(default=0)
    sent: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)  # no longer needed (e.g. voted meanwhile)
    failed: Mapped[int] = mapped_column(default=0)  # no DM possible (refused by the homeserver)
    expired: Mapped[int] = mapped_column(default=0)  # still unsent when the deadline passed
    unsure: Mapped[int] = mapped_column(default=0)  # a send cut off long ago: maybe sent, never repeated
    state: Mapped[str] = mapped_column(String(16), default="running")  # running | done
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class FanoutRecipient(Base):
    """One person of a running fan-out; ``seq`` is their place in line and part of the transaction id."""

    __tablename__ = "fanout_recipients"
    __table_args__ = (Index("ix_fanout_recipients_state", "state"),)

    fanout_id: Mapped[int] = mapped_column(ForeignKey("fanouts.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | skipped | failed …
    # Set right before the send: a row found with it after a crash was maybe sent. Within the homeserver's
    # transaction-id memory it is simply sent again (the homeserver returns the first event); after that
    # it is counted as "unsure" and left alone, because at most once matters more than at least once.
    attempted_at: Mapped[datetime | None] = mapped_column(default=None)
    room_id: Mapped[str | None] = mapped_column(String(255), default=None)  # the DM, stored with the attempt
