"""Database access for polls: numbering, recording responses idempotently, and the current tally."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.polls import msc3381
from commands.polls.tally import Response, Tally, tally
from storage.models import KeyValue
from storage.polls import Poll, PollBallot, PollResponse

# PollResponse.source of a number reaction on a secret poll: stored already redacted, so it never counts.
IGNORED = "ignored"


async def add(session: AsyncSession, poll: Poll) -> None:
    """A new poll, flushed so it has its id (the jobs' payload names it)."""
    session.add(poll)
    await session.flush()


async def by_id(session: AsyncSession, poll_id: int) -> Poll | None:
    return await session.get(Poll, poll_id)


async def next_number(session: AsyncSession, room_id: str) -> int:
    """The next short number in a room; (room, number) is unique, so a number is never reused."""
    highest = await session.scalar(select(func.max(Poll.number)).where(Poll.room_id == room_id))
    return int(highest or 0) + 1


async def by_number(session: AsyncSession, room_id: str, number: int) -> Poll | None:
    return await session.scalar(select(Poll).where(Poll.room_id == room_id, Poll.number == number))


async def latest_in_room(session: AsyncSession, room_id: str) -> Poll | None:
    return await session.scalar(
        select(Poll).where(Poll.room_id == room_id).order_by(Poll.number.desc()).limit(1)
    )


async def by_start_event(session: AsyncSession, room_id: str, event_id: str) -> Poll | None:
    return await session.scalar(select(Poll).where(Poll.start_event_id == event_id, Poll.room_id == room_id))


async def open_polls(session: AsyncSession, room_ids: list[str] | None = None) -> list[Poll]:
    query = select(Poll).where(Poll.status == "open")
    if room_ids is not None:
        query = query.where(Poll.room_id.in_(room_ids))
    return list((await session.scalars(query.order_by(Poll.room_id, Poll.number))).all())


async def polls_numbered(session: AsyncSession, number: int | None) -> list[Poll]:
    """Polls with this number in any room (newest first per room when ``number`` is None)."""
    query = select(Poll)
    if number is not None:
        query = query.where(Poll.number == number)
    return list((await session.scalars(query.order_by(Poll.created_at.desc()))).all())


def new_voter_key() -> str:
    return secrets.token_hex(32)


def voter_hash(poll: Poll, user_id: str) -> str:
    """HMAC of the voter under the poll's own key: stable while open, unlinkable once the key is gone."""
    if poll.voter_key is None:
        raise ValueError("poll has no voter key (closed or not anonymous)")
    return hmac.new(bytes.fromhex(poll.voter_key), user_id.encode(), hashlib.sha256).hexdigest()


async def add_response(
    session: AsyncSession,
    poll: Poll,
    *,
    event_id: str,
    sender: str,
    ts_ms: int,
    source: str,
    selections: Any,
    redacted: bool = False,
) -> bool:
    """Store one response; a second delivery of the same event changes nothing (returns False)."""
    exists = await session.scalar(select(PollResponse.id).where(PollResponse.event_id == event_id))
    if exists is not None:
        return False
    session.add(
        PollResponse(
            poll_id=poll.id,
            event_id=event_id,
            sender=sender,
            ts_ms=ts_ms,
            source=source,
            selections=selections,
            redacted=redacted,
        )
    )
    await session.flush()
    return True


async def note_ignored_reaction(
    session: AsyncSession, poll: Poll, *, event_id: str, sender: str, ts_ms: int
) -> bool:
    """Keep a number reaction that must not count (secret poll) as an already redacted row.

    It never enters the tally, and a later redaction of the reaction finds it and changes nothing.
    Returns True for the sender's first such reaction on this poll, so the hint is sent only once.
    """
    earlier = await session.scalar(
        select(PollResponse.id)
        .where(
            PollResponse.poll_id == poll.id,
            PollResponse.sender == sender,
            PollResponse.source == IGNORED,
        )
        .limit(1)
    )
    await add_response(
        session,
        poll,
        event_id=event_id,
        sender=sender,
        ts_ms=ts_ms,
        source=IGNORED,
        selections=None,
        redacted=True,
    )
    return earlier is None


async def mark_redacted(session: AsyncSession, event_id: str) -> bool:
    row = await session.scalar(select(PollResponse).where(PollResponse.event_id == event_id))
    if row is None:
        return False
    row.redacted = True
    return True


async def set_ballot(session: AsyncSession, poll: Poll, user_id: str, selections: Any) -> None:
    """Replace an anonymous voter's ballot; only the keyed hash is written."""
    key = voter_hash(poll, user_id)
    row = await session.get(PollBallot, (poll.id, key))
    if row is None:
        session.add(PollBallot(poll_id=poll.id, voter_hash=key, selections=selections))
    else:
        row.selections = selections
    await session.flush()


async def responses(session: AsyncSession, poll: Poll) -> list[Response]:
    if poll.anonymous:
        rows = (await session.scalars(select(PollBallot).where(PollBallot.poll_id == poll.id))).all()
        return [Response(voter=b.voter_hash, ts=0, seq=0, selections=b.selections) for b in rows]
    # Plain columns rather than ORM objects: several times faster for a poll with thousands of responses.
    rows = await session.execute(
        select(
            PollResponse.sender,
            PollResponse.ts_ms,
            PollResponse.id,
            PollResponse.selections,
            PollResponse.redacted,
        ).where(PollResponse.poll_id == poll.id)
    )
    return [Response(sender, ts, seq, selections, redacted) for sender, ts, seq, selections, redacted in rows]


async def current_tally(session: AsyncSession, poll: Poll) -> Tally:
    return tally(
        await responses(session, poll),
        msc3381.answer_ids(poll.options),
        max_selections=poll.max_selections,
        points=poll.points if poll.is_points else None,
        end_ts=poll.end_ts_ms,
    )


async def rewrite_ballots(session: AsyncSession, poll: Poll) -> None:
    """Write every ballot row anew inside the closing transaction.

    PostgreSQL stamps each row version with the id of the transaction that wrote it (``xmin``), and a vote
    by DM was written in the same transaction as the record of its DM event. Rewriting gives all ballots the
    closing transaction's id; the old versions are vacuumed right after the commit (storage/erasure.py).
    """
    await session.execute(
        update(PollBallot).where(PollBallot.poll_id == poll.id).values(selections=PollBallot.selections)
    )


# ------------------------------------------------------------------------- receipts of typed votes

RECEIPT_KEY = "polls.receipt:"  # + poll id: the current round and its lines (written with each vote)
RECEIPT_MESSAGE_KEY = "polls.receipt_msg:"  # + round token: "" while its first send is under way, then the id


async def receipt(session: AsyncSession, poll_id: int) -> dict[str, Any] | None:
    """The poll's current receipt round (``commands.polls.receipts``), or None."""
    row = await session.get(KeyValue, f"{RECEIPT_KEY}{poll_id}")
    return None if row is None else dict(json.loads(row.value))


async def save_receipt(session: AsyncSession, poll_id: int, data: dict[str, Any]) -> None:
    await session.merge(KeyValue(key=f"{RECEIPT_KEY}{poll_id}", value=json.dumps(data)))


async def receipt_polls(session: AsyncSession) -> list[int]:
    keys = await session.scalars(select(KeyValue.key).where(KeyValue.key.like(f"{RECEIPT_KEY}%")))
    return [int(key.removeprefix(RECEIPT_KEY)) for key in keys]


async def drop_receipt(session: AsyncSession, poll_id: int) -> None:
    row = await session.get(KeyValue, f"{RECEIPT_KEY}{poll_id}")
    if row is not None:
        tokens = receipt_tokens(json.loads(row.value))
        await session.delete(row)
        keys = [f"{RECEIPT_MESSAGE_KEY}{token}" for token in tokens]
        await session.execute(delete(KeyValue).where(KeyValue.key.in_(keys)))


def receipt_tokens(data: dict[str, Any]) -> list[str]:
    """The round tokens a receipt still shows: the previous round's (until its last lines are out) and
    the current one's."""
    previous = data.get("previous") or {}
    return [str(r["token"]) for r in (previous, data) if r.get("token")]


async def receipt_message(session: AsyncSession, token: str) -> str | None:
    row = await session.get(KeyValue, f"{RECEIPT_MESSAGE_KEY}{token}")
    return None if row is None else row.value


async def save_receipt_message(session: AsyncSession, token: str, event_id: str) -> None:
    await session.merge(KeyValue(key=f"{RECEIPT_MESSAGE_KEY}{token}", value=event_id))


async def prune_receipt_messages(session: AsyncSession) -> None:
    """Forget the messages of rounds that are over (the current and the previous round of each poll stay)."""
    current = {
        token
        for poll_id in await receipt_polls(session)
        for token in receipt_tokens(await receipt(session, poll_id) or {})
    }
    keys = await session.scalars(select(KeyValue.key).where(KeyValue.key.like(f"{RECEIPT_MESSAGE_KEY}%")))
    stale = [key for key in keys if key.removeprefix(RECEIPT_MESSAGE_KEY) not in current]
    if stale:
        await session.execute(delete(KeyValue).where(KeyValue.key.in_(stale)))
