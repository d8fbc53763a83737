"""Guided dialogs against a real Synapse, driven by ordinary Matrix accounts in an encrypted room: typing
``!umfrage`` alone opens a thread with one question at a time; it ends in the same native poll the
one-line command makes, or in nothing ("abbrechen", or silence until the timeout)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import BotRunner, team_room
from tests.support.lotse import Lotse

pytestmark = pytest.mark.e2e

START = "org.matrix.msc3381.poll.start"


def in_thread(event: dict[str, Any], root: str) -> bool:
    rel = event.get("content", {}).get("m.relates_to") or {}
    return rel.get("rel_type") == "m.thread" and rel.get("event_id") == root


async def answer(coord: Lotse, room: str, root: str, text: str) -> str:
    """Answer inside the dialog's thread; return the bot's reply (which must be in the thread too)."""
    event_id = await coord.send(room, text, thread_root=root)
    reply = await coord.wait_reply(room, event_id, timeout=30)
    assert in_thread(reply, root), reply
    return str(reply["content"].get("body", ""))


def poll_starts(lotse: Lotse, room: str, bot: BotRunner) -> list[dict[str, Any]]:
    return [
        e for e in lotse.events.get(room, []) if e.get("sender") == bot.user_id and e.get("type") == START
    ]


async def test_dialog_ends_in_the_same_native_poll_as_the_one_liner(lotsen: Any, bot: BotRunner) -> None:
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    await bot.start()
    room = await team_room(coord, bot, lotse)

    root = await coord.send(room, "!umfrage")
    first = await coord.wait_reply(room, root, timeout=30)
    assert in_thread(first, root) and "Frage 1 von" in first["content"]["body"]

    # Someone else talking in the thread does not disturb the dialog (and gets no answer).
    chatter = await lotse.send(room, "Frag doch nach dem Termin!", thread_root=root)
    assert "Frage 2" in await answer(coord, room, root, "Welcher Termin passt euch?")
    assert "Frage 3" in await answer(coord, room, root, "Montag, Dienstag, Mittwoch")
    assert "Frage 4" in await answer(coord, room, root, "ok")
    assert "Frage 5" in await answer(coord, room, root, "nein")
    preview = await answer(coord, room, root, "ok")
    assert "Vorschau" in preview and "„Montag“, „Dienstag“, „Mittwoch“" in preview
    assert "Die Umfrage steht jetzt im Raum" in await answer(coord, room, root, "ok")

    start = await lotse.wait_for(
        room, lambda e: e.get("sender") == bot.user_id and e.get("type") == START, timeout=30, what="the poll"
    )
    assert "m.relates_to" not in start["content"]  # the poll is in the room, not hidden in the thread
    replies_to_chatter = [
        e
        for e in coord.events.get(room, [])
        if ((e.get("content", {}).get("m.relates_to") or {}).get("m.in_reply_to") or {}).get("event_id")
        == chatter
    ]
    assert replies_to_chatter == []

    # The one-liner, in a second room so the poll number is the same: the identical Element poll event.
    other = await team_room(coord, bot, lotse)
    await coord.send(other, '!umfrage "Welcher Termin passt euch?" Montag Dienstag Mittwoch')
    expected = await lotse.wait_for(
        other, lambda e: e.get("sender") == bot.user_id and e.get("type") == START, timeout=30, what="poll"
    )
    assert json.dumps(start["content"], sort_keys=True) == json.dumps(expected["content"], sort_keys=True)
    assert len(poll_starts(lotse, room, bot)) == 1


async def test_abbrechen_creates_nothing_and_confirms_also_after_a_restart(
    lotsen: Any, bot: BotRunner
) -> None:
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    await bot.start()
    room = await team_room(coord, bot, lotse)  # three members: with two it would be a direct chat

    root = await coord.send(room, "!umfrage")
    await coord.wait_reply(room, root, timeout=30)
    assert "Frage 2" in await answer(coord, room, root, "Was machen wir zuerst?")
    await bot.restart()  # the dialog lives in the database: it continues after a restart
    assert "Frage 3" in await answer(coord, room, root, "E-Akte, Open Data")
    confirmation = await answer(coord, room, root, "abbrechen")
    assert "Abgebrochen" in confirmation and "nichts angelegt" in confirmation
    overview = await coord.ask(room, "!umfragen", timeout=30)
    assert "Was machen wir zuerst?" not in overview
    assert poll_starts(coord, room, bot) == []


async def test_silence_ends_the_dialog_after_the_timeout(lotsen: Any, bot: BotRunner) -> None:
    coord = await lotsen("koordination")
    lotse = await lotsen("lotse")
    await bot.start(bot={"dialog_timeout_minutes": 0.05})  # 3 seconds
    room = await team_room(coord, bot, lotse)

    root = await coord.send(room, "!umfrage")
    first = await coord.wait_reply(room, root, timeout=30)
    assert "Frage 1" in first["content"]["body"]
    note = await coord.wait_for(
        room,
        lambda e: (
            e.get("sender") == bot.user_id
            and in_thread(e, root)
            and str(e.get("content", {}).get("body", "")).startswith("⏱️")
        ),
        timeout=60,
        what="the timeout note",
    )
    assert "nichts angelegt" in note["content"]["body"]
    # The thread is quiet now: a late answer is just a message, no poll appears.
    late = await coord.send(room, "Welcher Termin?", thread_root=root)
    await coord.ask(room, "!ping", timeout=30)  # handled after the late answer
    assert not [
        e
        for e in coord.events.get(room, [])
        if ((e.get("content", {}).get("m.relates_to") or {}).get("m.in_reply_to") or {}).get("event_id")
        == late
    ]
    assert poll_starts(coord, room, bot) == []
