"""Every database query of the FAQ feature (the tables are in ``storage/faq.py``).

The chat modules say what happens; this module says how it is read and written, so a change of a
table touches one file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.framework import fold
from storage.faq import FaqChoice, FaqFeedback, FaqLearned, FaqQuestion, FaqReply, FaqUnanswered

# ------------------------------------------------------------------------------ questions and choices


async def log_question(session: AsyncSession, row: FaqQuestion) -> FaqQuestion:
    """Store a question with its outcome; flushed so its id can be referred to."""
    session.add(row)
    await session.flush()
    return row


async def question(session: AsyncSession, question_id: int | None) -> FaqQuestion | None:
    return await session.get(FaqQuestion, question_id) if question_id else None


def add_reply(session: AsyncSession, event_id: str, question_id: int | None, entry_id: str | None) -> None:
    """Remember a sent answer so that a 👍/👎 on it can be attributed."""
    session.add(FaqReply(event_id=event_id, question_id=question_id, entry_id=entry_id))


async def reply(session: AsyncSession, event_id: str) -> FaqReply | None:
    return await session.get(FaqReply, event_id)


async def choice(session: AsyncSession, room_id: str, user_id: str) -> FaqChoice | None:
    return await session.get(FaqChoice, (room_id, user_id))


async def set_choice(
    session: AsyncSession,
    room_id: str,
    user_id: str,
    question_id: int,
    entry_ids: Sequence[str],
    now: datetime,
) -> None:
    """The latest offer per person and room wins; no entries clears an older offer."""
    found = await choice(session, room_id, user_id)
    if not entry_ids:
        if found is not None:
            await session.delete(found)
    elif found is None:
        session.add(
            FaqChoice(
                room_id=room_id,
                user_id=user_id,
                question_id=question_id,
                entry_ids=list(entry_ids),
                offered_at=now,
            )
        )
    else:
        found.question_id, found.entry_ids, found.offered_at = question_id, list(entry_ids), now


# ---------------------------------------------------------------------------------- open questions


async def open_of_sender(session: AsyncSession, sender: str) -> list[tuple[FaqUnanswered, str]]:
    """The sender's open questions with their text (to notice the same question asked twice)."""
    rows = await session.execute(
        select(FaqUnanswered, FaqQuestion.question)
        .join(FaqQuestion, FaqQuestion.id == FaqUnanswered.question_id)
        .where(FaqUnanswered.status == "open", FaqUnanswered.sender == sender)
    )
    return [(item, text) for item, text in rows.all()]


async def add_unanswered(session: AsyncSession, **values: Any) -> FaqUnanswered:
    """A new open question with the next free number (what coordinators type)."""
    number = (await session.scalar(select(func.max(FaqUnanswered.number))) or 0) + 1
    item = FaqUnanswered(number=number, **values)
    session.add(item)
    await session.flush()
    return item


async def unanswered(session: AsyncSession, number: int) -> FaqUnanswered | None:
    return await session.scalar(select(FaqUnanswered).where(FaqUnanswered.number == number))


async def with_status(session: AsyncSession, status: str) -> list[FaqUnanswered]:
    rows = await session.scalars(
        select(FaqUnanswered).where(FaqUnanswered.status == status).order_by(FaqUnanswered.number)
    )
    return list(rows.all())


# --------------------------------------------------------------------------------------- feedback


def add_feedback(
    session: AsyncSession, reaction_event_id: str, reply: FaqReply, value: int, now: datetime
) -> None:
    session.add(
        FaqFeedback(
            reaction_event_id=reaction_event_id,
            reply_event_id=reply.event_id,
            entry_id=reply.entry_id,
            value=value,
            created_at=now,
        )
    )


async def feedback_of_reaction(session: AsyncSession, reaction_event_id: str) -> FaqFeedback | None:
    return await session.scalar(select(FaqFeedback).where(FaqFeedback.reaction_event_id == reaction_event_id))


# ------------------------------------------------------------------------------------- statistics


async def _counts(session: AsyncSession, column: InstrumentedAttribute[Any], *where: Any) -> dict[Any, int]:
    """How many rows per value of ``column``."""
    rows = await session.execute(select(column, func.count()).where(*where).group_by(column))
    return {value: int(n) for value, n in rows.all()}


async def _most(
    session: AsyncSession, column: InstrumentedAttribute[Any], limit: int, *where: Any
) -> list[tuple[str, int]]:
    """The most frequent non-empty values of ``column`` (ties by value), with their counts."""
    rows = await session.execute(
        select(column, func.count())
        .where(column.is_not(None), *where)
        .group_by(column)
        .order_by(func.count().desc(), column)
        .limit(limit)
    )
    return [(str(value), int(n)) for value, n in rows.all()]


async def statistics(session: AsyncSession, since: datetime | None) -> dict[str, Any]:
    """Outcomes, the most asked entries, the votes and the open questions (all time or since)."""
    q_filter = [FaqQuestion.asked_at >= since] if since is not None else []
    f_filter = [FaqFeedback.created_at >= since] if since is not None else []
    counts = await _counts(session, FaqQuestion.outcome, *q_filter)
    votes = await _counts(session, FaqFeedback.value, *f_filter)
    answered = FaqQuestion.outcome.in_(("answer", "picked"))
    open_count = await session.scalar(
        select(func.count()).select_from(FaqUnanswered).where(FaqUnanswered.status == "open")
    )
    return {
        "total": sum(counts.values()),
        "answer": counts.get("answer", 0),
        "picked": counts.get("picked", 0),
        "unsure": counts.get("unsure", 0),
        "none": counts.get("none", 0),
        "top": await _most(session, FaqQuestion.entry_id, 5, answered, *q_filter),
        "up": votes.get(1, 0),
        "down": votes.get(-1, 0),
        "downvoted": await _most(session, FaqFeedback.entry_id, 3, FaqFeedback.value < 0, *f_filter),
        "open": open_count or 0,
    }


# --------------------------------------------------------------------------------- learned from use


def _learned_key(text: str) -> str:
    return fold(" ".join(text.split()))[:300]


async def _learned_row(session: AsyncSession, entry_id: str, kind: str, text: str) -> FaqLearned | None:
    return await session.scalar(
        select(FaqLearned).where(
            FaqLearned.entry_id == entry_id, FaqLearned.kind == kind, FaqLearned.key == _learned_key(text)
        )
    )


async def learn(
    session: AsyncSession, entry_id: str, kind: str, text: str, source: str, today: date
) -> FaqLearned:
    """One more piece of evidence; the same wording for the same entry is counted, not repeated."""
    row = await _learned_row(session, entry_id, kind, text)
    if row is None:
        row = FaqLearned(
            entry_id=entry_id,
            kind=kind,
            text=" ".join(text.split())[:300],
            key=_learned_key(text),
            source=source,
            count=1,
            learned_on=today,
        )
        session.add(row)
        await session.flush()
    else:
        row.count += 1
    return row


async def unlearn(session: AsyncSession, entry_id: str, kind: str, text: str) -> bool:
    """Take one piece of evidence back (a redacted 👎); the row goes when its count reaches zero."""
    row = await _learned_row(session, entry_id, kind, text)
    if row is None:
        return False
    row.count -= 1
    if row.count <= 0:
        await session.delete(row)
    return True


async def learned(session: AsyncSession, entry_id: str | None = None) -> list[FaqLearned]:
    """Everything learned (for one entry), oldest first: the order the index applies it in."""
    where = [FaqLearned.entry_id == entry_id] if entry_id is not None else []
    return list((await session.scalars(select(FaqLearned).where(*where).order_by(FaqLearned.id))).all())


async def learned_by_id(session: AsyncSession, learned_id: int) -> FaqLearned | None:
    return await session.get(FaqLearned, learned_id)


async def remove_learned(session: AsyncSession, row: FaqLearned) -> None:
    await session.delete(row)
