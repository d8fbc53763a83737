"""Database access for retros: numbering, person hashes, items, ratings and the interview state.

Every function that touches a person takes the user id only to compute ``person_hash`` right away; the id
itself is never written.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.retro import Retro, RetroAction, RetroInterview, RetroItem, RetroRating


def new_secret() -> str:
    return secrets.token_hex(32)


def person_hash(retro: Retro, user_id: str) -> str:
    """HMAC(retro secret, user id): stable within one retro, meaningless across retros and after close."""
    if retro.secret is None:
        raise RuntimeError(f"retro {retro.number} has no secret (closed)")
    return hmac.new(bytes.fromhex(retro.secret), user_id.encode(), hashlib.sha256).hexdigest()[:32]


async def next_number(session: AsyncSession) -> int:
    """Numbers are bot-wide (not per room): in a DM there is no room to tell ``#3`` apart."""
    highest = await session.scalar(select(func.max(Retro.number)))
    return int(highest or 0) + 1


async def by_number(session: AsyncSession, number: int) -> Retro | None:
    return await session.scalar(select(Retro).where(Retro.number == number))


async def open_retros(session: AsyncSession, room_ids: list[str] | None = None) -> list[Retro]:
    query = select(Retro).where(Retro.status == "open").order_by(Retro.number)
    if room_ids is not None:
        query = query.where(Retro.room_id.in_(room_ids))
    return list((await session.scalars(query)).all())


async def retros_in(session: AsyncSession, room_ids: list[str], limit: int = 20) -> list[Retro]:
    query = select(Retro).where(Retro.room_id.in_(room_ids)).order_by(Retro.number.desc()).limit(limit)
    return list((await session.scalars(query)).all())


async def closed_before(session: AsyncSession, retro: Retro) -> list[Retro]:
    """The closed retros of the same room with a lower number, oldest first (for the trend)."""
    query = (
        select(Retro)
        .where(Retro.room_id == retro.room_id, Retro.status == "closed", Retro.number < retro.number)
        .order_by(Retro.number)
    )
    return list((await session.scalars(query)).all())


# ----------------------------------------------------------------------------------------------- items


async def items_of(session: AsyncSession, retro: Retro) -> list[RetroItem]:
    return list((await session.scalars(select(RetroItem).where(RetroItem.retro_id == retro.id))).all())


async def own_items(session: AsyncSession, retro: Retro, author: str) -> list[RetroItem]:
    query = (
        select(RetroItem)
        .where(RetroItem.retro_id == retro.id, RetroItem.author_hash == author)
        .order_by(RetroItem.seq)
    )
    return list((await session.scalars(query)).all())


async def add_items(
    session: AsyncSession, retro: Retro, author: str, category: int, texts: list[str]
) -> list[RetroItem]:
    highest = await session.scalar(
        select(func.max(RetroItem.seq)).where(RetroItem.retro_id == retro.id, RetroItem.author_hash == author)
    )
    seq = int(highest or 0)
    added = []
    for text in texts:
        seq += 1
        item = RetroItem(
            retro_id=retro.id,
            item_id=secrets.token_hex(8),
            author_hash=author,
            seq=seq,
            category=category,
            text=text,
        )
        session.add(item)
        added.append(item)
    await session.flush()
    return added


# --------------------------------------------------------------------------------------------- ratings


async def ratings_of(session: AsyncSession, retro: Retro) -> list[RetroRating]:
    return list((await session.scalars(select(RetroRating).where(RetroRating.retro_id == retro.id))).all())


async def own_ratings(session: AsyncSession, retro: Retro, rater: str) -> dict[int, int]:
    rows = await session.scalars(
        select(RetroRating).where(RetroRating.retro_id == retro.id, RetroRating.rater_hash == rater)
    )
    return {r.question: r.value for r in rows}


async def ratings_of_questions(
    session: AsyncSession, retro: Retro, questions: list[int]
) -> list[RetroRating]:
    """The ratings given to these questions (by index) of ``retro``."""
    query = select(RetroRating).where(RetroRating.retro_id == retro.id, RetroRating.question.in_(questions))
    return list((await session.scalars(query)).all())


async def set_rating(
    session: AsyncSession, retro: Retro, rater: str, question: int, value: int
) -> int | None:
    """Store or replace one rating; returns the previous value."""
    row = await session.get(RetroRating, (retro.id, question, rater))
    if row is None:
        session.add(RetroRating(retro_id=retro.id, question=question, rater_hash=rater, value=value))
        await session.flush()
        return None
    previous = row.value
    row.value = value
    return previous


# --------------------------------------------------------------------------------------------- actions


async def actions_of(session: AsyncSession, retro: Retro) -> list[RetroAction]:
    query = select(RetroAction).where(RetroAction.retro_id == retro.id).order_by(RetroAction.id)
    return list((await session.scalars(query)).all())


async def open_actions(
    session: AsyncSession, *, responsible: str | None = None, room_id: str | None = None
) -> list[tuple[RetroAction, Retro]]:
    """Open actions with their retro, those with a due date first (soonest first), then by number; only
    those of ``responsible`` and/or of the retros of ``room_id`` when given."""
    query: Any = (
        select(RetroAction, Retro)
        .join(Retro, Retro.id == RetroAction.retro_id)
        .where(RetroAction.status == "open")
        .order_by(RetroAction.due_at.is_(None), RetroAction.due_at, RetroAction.id)
    )
    if responsible is not None:
        query = query.where(RetroAction.responsible == responsible)
    if room_id is not None:
        query = query.where(Retro.room_id == room_id)
    return [(action, retro) for action, retro in (await session.execute(query)).all()]


# ------------------------------------------------------------------------------------------------ counts


@dataclass(frozen=True)
class Counts:
    items: int
    ratings: int
    people: int


async def counts(session: AsyncSession, retro: Retro) -> Counts:
    items = await items_of(session, retro)
    ratings = await ratings_of(session, retro)
    return Counts(len(items), len(ratings), people_counts(retro, items, ratings)["total"])


def people_counts(retro: Retro, items: list[RetroItem], ratings: list[RetroRating]) -> dict[str, Any]:
    """How many people took part, overall and per category: from the hashes while open, stored once closed."""
    if retro.people_counts is not None:
        return retro.people_counts
    per_category = [{i.author_hash for i in items if i.category == c} for c in range(len(retro.categories))]
    everyone = {i.author_hash for i in items} | {r.rater_hash for r in ratings}
    return {"total": len(everyone), "categories": [len(p) for p in per_category]}


# --------------------------------------------------------------------------------------------- interview


async def interview(session: AsyncSession, retro: Retro, person: str) -> RetroInterview | None:
    return await session.get(RetroInterview, (retro.id, person))


async def active_interview(session: AsyncSession, user_id: str) -> tuple[Retro, RetroInterview] | None:
    """The interview this person is answering now, found by recomputing their hash for each open retro."""
    for retro in await open_retros(session):
        if retro.secret is None:
            continue
        row = await session.get(RetroInterview, (retro.id, person_hash(retro, user_id)))
        if row is not None and row.active:
            return retro, row
    return None


async def pause_other_interviews(session: AsyncSession, user_id: str, keep: Retro) -> None:
    """One interview at a time: starting one parks the others (they resume where they were)."""
    for retro in await open_retros(session):
        if retro.id == keep.id or retro.secret is None:
            continue
        await session.execute(
            update(RetroInterview)
            .where(
                RetroInterview.retro_id == retro.id,
                RetroInterview.person_hash == person_hash(retro, user_id),
            )
            .values(active=False)
        )


async def forget_interviews(session: AsyncSession, retro: Retro) -> None:
    await session.execute(delete(RetroInterview).where(RetroInterview.retro_id == retro.id))


async def ungroup_contributions(session: AsyncSession, retro: Retro) -> None:
    """At close: keep the head counts, then drop everything that groups answers by person.

    Items lose author hash and number, ratings get a random key each, so nobody can count who wrote how
    many. Every row is rewritten in the closing transaction, which on PostgreSQL also gives it the closing
    transaction's id (``xmin``) instead of the one it shared with its DM event; the old row versions are
    vacuumed right after the commit (``storage/erasure.py``).
    """
    items = await items_of(session, retro)
    ratings = await ratings_of(session, retro)
    retro.people_counts = people_counts(retro, items, ratings)
    await session.execute(
        update(RetroItem).where(RetroItem.retro_id == retro.id).values(author_hash="", seq=0)
    )
    for rating in ratings:
        await session.execute(
            update(RetroRating)
            .where(
                RetroRating.retro_id == retro.id,
                RetroRating.question == rating.question,
                RetroRating.rater_hash == rating.rater_hash,
            )
            .values(rater_hash=secrets.token_hex(16))
            .execution_options(synchronize_session=False)
        )
    for rating in ratings:
        session.expunge(rating)
