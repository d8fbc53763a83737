"""Tables of the FAQ feature.

The knowledge base itself lives in Markdown files (reviewed in git); the database only keeps what happens
around it. Who asked is stored only where the bot needs it: to answer an unanswered question later and to
remember which choices it offered to whom. The question log behind ``!faq statistik`` and the 👍/👎
feedback carry no user ids.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow


class FaqQuestion(Base):
    """Every question the bot tried to answer, and what it did: the basis of the statistics."""

    __tablename__ = "faq_questions"
    __table_args__ = (
        Index("ix_faq_questions_asked_at", "asked_at"),
        Index("ix_faq_questions_entry_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    question: Mapped[str] = mapped_column(Text)
    via: Mapped[str] = mapped_column(String(16))  # command | prefix | dm | mention
    outcome: Mapped[str] = mapped_column(String(16))  # answer | unsure | none | picked
    entry_id: Mapped[str | None] = mapped_column(String(100), default=None)  # the entry given
    score: Mapped[float | None] = mapped_column(default=None)


class FaqUnanswered(Base):
    """A question without an answer in the KB, waiting for (or answered by) the coordinators."""

    __tablename__ = "faq_unanswered"
    __table_args__ = (
        UniqueConstraint("number", name="uq_faq_unanswered_number"),
        Index("ix_faq_unanswered_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    number: Mapped[int]  # what coordinators type: `!faq antworten 3 …`
    question_id: Mapped[int] = mapped_column(ForeignKey("faq_questions.id", ondelete="CASCADE"))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    room_id: Mapped[str] = mapped_column(String(255))
    sender: Mapped[str] = mapped_column(String(255))
    event_id: Mapped[str | None] = mapped_column(String(255), default=None)
    thread_root: Mapped[str | None] = mapped_column(String(255), default=None)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | answered | saved | dismissed
    escalation_event_id: Mapped[str | None] = mapped_column(String(255), default=None)
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    answered_by: Mapped[str | None] = mapped_column(String(255), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    saved_entry_id: Mapped[str | None] = mapped_column(String(100), default=None)


class FaqReply(Base):
    """A message the bot sent as an answer, so a 👍/👎 reaction on it can be attributed."""

    __tablename__ = "faq_replies"

    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("faq_questions.id", ondelete="SET NULL"), default=None
    )
    entry_id: Mapped[str | None] = mapped_column(String(100), default=None)  # None: a coordinator's answer
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class FaqFeedback(Base):
    """One 👍 (+1) or 👎 (-1) reaction; removed again when the reaction is redacted."""

    __tablename__ = "faq_feedback"
    __table_args__ = (
        UniqueConstraint("reaction_event_id", name="uq_faq_feedback_reaction_event_id"),
        Index("ix_faq_feedback_entry_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    reaction_event_id: Mapped[str] = mapped_column(String(255))
    reply_event_id: Mapped[str] = mapped_column(ForeignKey("faq_replies.event_id", ondelete="CASCADE"))
    entry_id: Mapped[str | None] = mapped_column(String(100), default=None)
    value: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FaqChoice(Base):
    """The entries last offered to one person in one room, so `!faq 2` knows what 2 is."""

    __tablename__ = "faq_choices"

    room_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("faq_questions.id", ondelete="SET NULL"), default=None
    )
    entry_ids: Mapped[list[str]] = mapped_column(JSON)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)


class FaqLearned(Base):
    """What the FAQ learned from use, visible to coordinators (``!faq gelernt``) and removable.

    ``phrasing``: an asker's own wording confirmed for an entry (they picked it from the offered ones,
    or a coordinator answered their open question with it); its new words now find that entry.
    ``mismatch``: a 👎 on that entry as the answer to this wording; similar questions score lower for it.
    Only the wording is kept: no sender, no room, no link to the question log, the day but not the time.
    """

    __tablename__ = "faq_learned"
    __table_args__ = (
        UniqueConstraint("entry_id", "kind", "key", name="uq_faq_learned_entry_kind_key"),
        Index("ix_faq_learned_entry_id", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # phrasing | mismatch
    text: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(300))  # the folded text: one row per wording, counted
    source: Mapped[str] = mapped_column(String(16))  # choice | coordinator | feedback
    count: Mapped[int] = mapped_column(default=1)
    learned_on: Mapped[date]
