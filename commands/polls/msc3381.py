"""The wire format of Matrix polls (MSC3381): unstable ``org.matrix.msc3381.*`` and stable ``m.poll.*``.

We send the unstable format, because that is what Element renders today, and read both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

START = "org.matrix.msc3381.poll.start"
RESPONSE = "org.matrix.msc3381.poll.response"
END = "org.matrix.msc3381.poll.end"
STABLE_START = "m.poll.start"
STABLE_RESPONSE = "m.poll.response"
STABLE_END = "m.poll.end"
TEXT = "org.matrix.msc1767.text"
DISCLOSED = "org.matrix.msc3381.poll.disclosed"
UNDISCLOSED = "org.matrix.msc3381.poll.undisclosed"
REACTION = "m.reaction"
REDACTION = "m.room.redaction"

# 1️⃣ … 🔟 — with and without the emoji variation selector, as clients differ.
NUMBER_EMOJI: tuple[str, ...] = (*(f"{d}\ufe0f\u20e3" for d in "123456789"), "\U0001f51f")
_EMOJI_TO_INDEX = {key: i for i, key in enumerate(NUMBER_EMOJI)} | {
    f"{d}\u20e3": i for i, d in enumerate("123456789")
}

_MISSING = object()


def answer_id(index: int) -> str:
    """Answer ids are the option numbers people see (1-based), so ``!stimme 3 2`` and a click agree."""
    return str(index + 1)


def answer_ids(options: Sequence[str]) -> list[str]:
    return [answer_id(i) for i in range(len(options))]


def start_content(
    question: str, options: Sequence[str], *, max_selections: int, disclosed: bool, fallback: str
) -> dict[str, Any]:
    """An ``org.matrix.msc3381.poll.start`` content with a plain-text fallback for other clients."""
    return {
        START: {
            "question": {TEXT: question},
            "kind": DISCLOSED if disclosed else UNDISCLOSED,
            "max_selections": max_selections,
            "answers": [{"id": answer_id(i), TEXT: text} for i, text in enumerate(options)],
        },
        TEXT: fallback,
        "body": fallback,
    }


def end_content(start_event_id: str, fallback: str) -> dict[str, Any]:
    return {
        "m.relates_to": {"rel_type": "m.reference", "event_id": start_event_id},
        END: {},
        TEXT: fallback,
        "body": fallback,
    }


def referenced_event(content: dict[str, Any]) -> str | None:
    """The poll start a response or end refers to (``m.reference``), if any."""
    rel = content.get("m.relates_to")
    if not isinstance(rel, dict) or rel.get("rel_type") != "m.reference":
        return None
    event_id = rel.get("event_id")
    return event_id if isinstance(event_id, str) else None


def response_selections(event_type: str, content: dict[str, Any]) -> list[str] | None:
    """The selections of a response in either format; None if malformed (a spoiled vote)."""
    if event_type == STABLE_RESPONSE:
        raw = content.get("m.selections", _MISSING)
    else:
        block = content.get(RESPONSE)
        raw = block.get("answers", _MISSING) if isinstance(block, dict) else _MISSING
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return None
    return list(raw)


def reaction_index(content: dict[str, Any]) -> tuple[str, int] | None:
    """(target event id, 0-based option index) for a number-emoji reaction, else None."""
    rel = content.get("m.relates_to")
    if not isinstance(rel, dict) or rel.get("rel_type") != "m.annotation":
        return None
    target, key = rel.get("event_id"), rel.get("key")
    if not isinstance(target, str) or not isinstance(key, str):
        return None
    index = _EMOJI_TO_INDEX.get(key.strip())
    return None if index is None else (target, index)


def redacted_event(content: dict[str, Any]) -> str | None:
    """The event a redaction removes (``content.redacts``; the Matrix layer copies it there for old rooms)."""
    target = content.get("redacts")
    return target if isinstance(target, str) else None
