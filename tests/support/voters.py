"""Plain voting clients for the vote-burst tests (kill -9, standby takeover).

They log in without syncing and only send, which keeps a few dozen of them cheap next to one Synapse.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from nio import AsyncClient, LoginResponse, RoomSendResponse

from bot.dev.devclient import PASSWORD
from bot.dev.localsynapse import LocalSynapse

OPTIONS = ("Montag", "Dienstag", "Mittwoch")
START = "org.matrix.msc3381.poll.start"
RESPONSE = "org.matrix.msc3381.poll.response"


async def voter(hs: LocalSynapse, localpart: str, sem: asyncio.Semaphore) -> AsyncClient:
    """A registered, logged-in client; `sem` bounds how many register at once."""
    async with sem:
        user_id = await hs.register_user(localpart, PASSWORD)
        client = AsyncClient(hs.url, user_id)
        assert isinstance(await client.login(PASSWORD), LoginResponse)
        return client


async def send(client: AsyncClient, room: str, event_type: str, content: dict[str, Any]) -> str:
    resp = await client.room_send(room, event_type, content)
    assert isinstance(resp, RoomSendResponse), resp
    return resp.event_id


def reply_target(event: dict[str, Any]) -> str | None:
    """The event id a bot reply answers (its m.in_reply_to), or None."""
    rel = event.get("content", {}).get("m.relates_to") or {}
    return (rel.get("m.in_reply_to") or {}).get("event_id")


async def stream_votes(
    voters: Sequence[AsyncClient],
    room: str,
    poll: dict[str, Any],
    choices: Sequence[int],
    native: Sequence[bool],
    *,
    rng: random.Random,
    pause: tuple[float, float],
    before_vote: Callable[[int], Awaitable[None]] | None = None,
) -> tuple[list[str], list[str]]:
    """Each voter votes once, one after the other with a random pause: in the poll widget where
    ``native[i]``, otherwise as ``!stimme 1 <n>`` (option ``choices[i]``, 0-based, of ``poll``: the bot's
    poll start event). ``before_vote(i)`` runs before voter ``i`` votes (a test kills the bot there).

    Returns the event ids of all votes and of the ``!stimme`` commands among them, in sending order.
    """
    answer_ids = [a["id"] for a in poll["content"][START]["answers"]]
    votes: list[str] = []
    commands: list[str] = []
    for i, client in enumerate(voters):
        if before_vote is not None:
            await before_vote(i)
        if native[i]:
            content: dict[str, Any] = {
                "m.relates_to": {"rel_type": "m.reference", "event_id": poll["event_id"]},
                RESPONSE: {"answers": [answer_ids[choices[i]]]},
            }
            votes.append(await send(client, room, RESPONSE, content))
        else:
            body = f"!stimme 1 {choices[i] + 1}"
            event_id = await send(client, room, "m.room.message", {"msgtype": "m.text", "body": body})
            votes.append(event_id)
            commands.append(event_id)
        await asyncio.sleep(rng.uniform(*pause))
    return votes, commands


# ----------------------------------------------------------------------------- the room's vote receipt


def name_of(user_id: str) -> str:
    """The display name Synapse gives a user registered without one: the localpart."""
    return user_id[1:].split(":", 1)[0]


def receipts(events: list[dict[str, Any]], bot_id: str) -> dict[str, str]:
    """The bot's vote receipts (``commands/polls/receipts.py``) as they read now: message id → newest text."""
    shown: dict[str, str] = {}
    for event in events:
        if event.get("sender") != bot_id or event.get("type") != "m.room.message":
            continue
        content = event.get("content") or {}
        rel = content.get("m.relates_to") or {}
        if rel.get("rel_type") == "m.replace":
            if rel.get("event_id") in shown:
                shown[rel["event_id"]] = str((content.get("m.new_content") or {}).get("body", ""))
        elif " – per " in str(content.get("body", "")):
            shown[str(event.get("event_id"))] = str(content.get("body", ""))
    return shown


def listed(events: list[dict[str, Any]], bot_id: str) -> dict[str, list[str]]:
    """Display name → what the receipts say was counted for them (one entry per receipt naming them)."""
    found: dict[str, list[str]] = {}
    for text in receipts(events, bot_id).values():
        for line in text.splitlines():
            if line.startswith("- ") and ": " in line:
                name, counted = line[2:].split(": ", 1)
                found.setdefault(name, []).append(counted)
    return found


async def wait_listed(
    events: Callable[[], list[dict[str, Any]]], bot_id: str, user_ids: list[str], timeout: float = 60
) -> dict[str, list[str]]:
    """Wait until the receipts name each of ``user_ids``; returns ``listed``. Polls the observer's events."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = listed(events(), bot_id)
        missing = [u for u in user_ids if name_of(u) not in found]
        if not missing:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"the vote receipt does not list {missing[:5]} (of {len(missing)}) after {timeout} s"
            )
        await asyncio.sleep(0.2)


def assert_counted_once(
    result: str,
    choices: Sequence[int],
    from_bot: list[dict[str, Any]],
    commands: set[str],
    room_events: list[dict[str, Any]],
    bot_id: str,
    typed: Sequence[str],
    confirmed: dict[str, list[str]],
) -> Counter[str]:
    """How both vote-burst tests end (kill -9, standby takeover): the result counts each vote once, each
    command got one reply and nothing else did, each typed vote is confirmed once, by name, in the room's
    vote receipt (no reply per vote). Returns what the bot's replies answered."""
    expected = Counter(choices)
    for n, option in enumerate(OPTIONS):
        amount = "1 Stimme" if expected[n] == 1 else f"{expected[n]} Stimmen"
        assert f"**{n + 1}. {option}** ({amount})" in result, result
    voters = len(choices)
    assert f"{voters} von {voters + 1} Mitgliedern haben abgestimmt" in result, result
    replies = Counter(t for t in map(reply_target, from_bot) if t)
    assert {k: n for k, n in replies.items() if n > 1} == {}, "a reply was sent twice"
    assert set(replies) == commands, "every command answered, nothing else"
    assert all(len(confirmed[name_of(u)]) == 1 for u in typed), confirmed
    assert all(len(v) == 1 for v in listed(room_events, bot_id).values()), "a vote confirmed twice"
    return replies
