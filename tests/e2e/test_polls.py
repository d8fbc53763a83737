"""Polls against a real Synapse: three Lotsen, encrypted rooms, Element's poll events, restarts."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

import pytest
from nio import RoomRedactResponse
from sqlalchemy import text

from tests.conftest import BotRunner, team_room
from tests.support.lotse import Lotse
from tests.support.voters import OPTIONS, listed, name_of, send, voter, wait_listed

pytestmark = pytest.mark.e2e

START = "org.matrix.msc3381.poll.start"
RESPONSE = "org.matrix.msc3381.poll.response"
END = "org.matrix.msc3381.poll.end"
TEXT = "org.matrix.msc1767.text"


async def setup(lotsen: Any, bot: BotRunner) -> tuple[Lotse, Lotse, Lotse, str]:
    """A coordinator (by configuration, so no race on power levels) and two Lotsen in an encrypted room."""
    coord = await lotsen("koordination")
    anna = await lotsen("lotse")
    bernd = await lotsen("lotse")
    await bot.start(coordinators={"users": [coord.user_id]})
    room = await team_room(coord, bot, anna, bernd)
    return coord, anna, bernd, room


def by_bot(bot: BotRunner, event_type: str, contains: str = "") -> Any:
    def pred(e: dict[str, Any]) -> bool:
        if e.get("sender") != bot.user_id or e.get("type") != event_type:
            return False
        return contains in json.dumps(e.get("content", {}), ensure_ascii=False)

    return pred


async def start_poll(coord: Lotse, viewer: Lotse, bot: BotRunner, room: str, line: str, number: int) -> str:
    await coord.send(room, line)
    start = await viewer.wait_for(room, by_bot(bot, START, f"#{number}:"), what=f"poll #{number}")
    return str(start["event_id"])


def response(start: str, answers: list[str]) -> dict[str, Any]:
    return {
        "m.relates_to": {"rel_type": "m.reference", "event_id": start},
        RESPONSE: {"answers": answers},
    }


def bot_bodies(lotse: Lotse, room: str, bot: BotRunner) -> list[str]:
    return [str(e["content"].get("body", "")) for e in lotse.messages_from(room, bot.user_id)]


async def test_native_poll_counts_exactly_by_msc3381(lotsen: Any, bot: BotRunner) -> None:
    coord, anna, bernd, room = await setup(lotsen, bot)
    start = await start_poll(
        coord, anna, bot, room, '!umfrage "Welcher Termin passt?" "Montag" "Dienstag" "Mittwoch"', 1
    )
    event = next(e for e in anna.events[room] if e["event_id"] == start)
    block = event["content"][START]
    assert block["kind"] == "org.matrix.msc3381.poll.disclosed" and block["max_selections"] == 1
    assert block["question"][TEXT] == "#1: Welcher Termin passt?"
    assert [a[TEXT] for a in block["answers"]] == ["Montag", "Dienstag", "Mittwoch"]
    assert all(isinstance(a["id"], str) and a["id"] for a in block["answers"])
    assert "1. Montag" in event["content"][TEXT]
    ids = [a["id"] for a in block["answers"]]

    await anna.send_event(room, RESPONSE, response(start, [ids[0]]))
    await anna.send_event(room, RESPONSE, response(start, [ids[1]]))  # change of mind
    wrong = await anna.send_event(room, RESPONSE, response(start, [ids[2]]))
    redacted = await anna.client.room_redact(room, wrong)  # back to Dienstag
    assert isinstance(redacted, RoomRedactResponse)
    await bernd.send_event(room, RESPONSE, response(start, [ids[2]]))
    await bernd.send_event(room, RESPONSE, response(start, []))  # un-vote
    await coord.send_event(
        room, "m.reaction", {"m.relates_to": {"rel_type": "m.annotation", "event_id": start, "key": "1️⃣"}}
    )
    await coord.send_event(room, RESPONSE, response(start, ["gibt-es-nicht"]))  # spoiled

    interim = await anna.ask(room, "!ergebnis 1")
    assert "Zwischenstand Umfrage #1" in interim
    assert "**1. Montag** (0 Stimmen)" in interim and "**2. Dienstag** (1 Stimme)" in interim
    assert "1 von 3 Mitgliedern hat abgestimmt" in interim and "1 ungültige" in interim

    closed = await coord.ask(room, "!umfrage schließen 1")
    assert "Ergebnis Umfrage #1" in closed and "Gewonnen hat **Dienstag** mit 1 Stimme" in closed
    end = await anna.wait_for(room, by_bot(bot, END), what="the poll end event")
    assert end["content"]["m.relates_to"] == {"rel_type": "m.reference", "event_id": start}
    assert END in end["content"] and "Dienstag" in end["content"][TEXT]
    chart = await anna.wait_for(room, by_bot(bot, "m.room.message", "m.image"), what="the chart")
    assert chart["content"]["info"]["mimetype"] == "image/png"

    await bernd.send_event(room, RESPONSE, response(start, [ids[0]]))  # after the end: ignored
    after = await bernd.ask(room, "!ergebnis 1")
    assert "**1. Montag** (0 Stimmen)" in after and "1 von 3" in after
    assert not anna.undecryptable and not bernd.undecryptable


async def dm_from_bot(
    lotse: Lotse, bot: BotRunner, room: str, contains: str, timeout: float
) -> dict[str, Any]:
    """The bot's message containing ``contains`` in any room but the team room (the DM it opened)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        for room_id, events in list(lotse.events.items()):
            found = [e for e in events if room_id != room and by_bot(bot, "m.room.message", contains)(e)]
            if found:
                return found[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no DM from the bot with {contains!r} for {lotse.user_id}")


async def test_deadline_closes_and_reminder_dms_only_non_voters(lotsen: Any, bot: BotRunner) -> None:
    coord, anna, bernd, room = await setup(lotsen, bot)
    line = '!umfrage "Kurzentschlossen?" "Ja" "Nein" --bis in 0,5 Minuten --erinnern 0,3 Minuten'
    start = await start_poll(coord, anna, bot, room, line, 1)
    await anna.send(room, "!stimme 1 1")
    listed = await wait_listed(lambda: anna.events.get(room, []), bot.user_id, [anna.user_id])
    assert listed[name_of(anna.user_id)] == ["1. Ja"]
    for lotse in (coord, bernd):  # by DM, through the fan-out queue; the room sees the progress only
        reminder = await dm_from_bot(lotse, bot, room, "⏰ Umfrage #1", timeout=30)
        assert reminder["content"]["m.mentions"] == {"user_ids": [lotse.user_id]}
        assert "du hast noch nicht abgestimmt" in reminder["content"]["body"]
    status = await bernd.wait_for(
        room, by_bot(bot, "m.room.message", "✅ Erinnerung per Direktnachricht"), what="the final status"
    )
    assert status["content"]["m.new_content"]["body"].endswith(": an 2 von 2 verschickt.")
    assert status["content"]["m.mentions"] == {}
    assert not any(
        "⏰ Umfrage #1" in json.dumps(e, ensure_ascii=False) for ev in anna.events.values() for e in ev
    )
    end = await bernd.wait_for(room, by_bot(bot, END), timeout=30, what="the deadline to close the poll")
    assert end["content"]["m.relates_to"]["event_id"] == start
    result = await bernd.wait_for(room, by_bot(bot, "m.room.message", "Ergebnis Umfrage #1"))
    body = result["content"]["body"]
    assert "Gewonnen hat **Ja** mit 1 Stimme" in body and "1 von 3 Mitgliedern hat abgestimmt" in body


async def test_secret_and_anonymous_polls_leak_nothing(lotsen: Any, bot: BotRunner) -> None:
    coord, anna, bernd, room = await setup(lotsen, bot)
    start = await start_poll(
        coord, anna, bot, room, '!umfrage "Welcher Kuchen?" "Apfelkuchen" "Birnenkuchen" --geheim', 1
    )
    event = next(e for e in anna.events[room] if e["event_id"] == start)
    assert event["content"][START]["kind"] == "org.matrix.msc3381.poll.undisclosed"
    ids = [a["id"] for a in event["content"][START]["answers"]]
    await anna.send_event(room, RESPONSE, response(start, [ids[0]]))
    secret_interim = await bernd.ask(room, "!ergebnis 1")
    assert "geheim" in secret_interim and "1 von 3" in secret_interim
    assert "Apfelkuchen" not in secret_interim and "Birnenkuchen" not in secret_interim

    await coord.send(room, '!umfrage "Kaffee oder Tee?" "Kaffee" "Tee" --anonym')
    await anna.wait_for(room, by_bot(bot, "m.room.message", "Umfrage #2"), what="anonymous poll")
    dm_anna = await anna.create_room(invite=[bot.user_id], direct=True, name="")
    await anna.wait_member(dm_anna, bot.user_id)
    assert "zählt: 1. Kaffee" in await anna.ask(dm_anna, "!stimme 2 1")
    dm_bernd = await bernd.create_room(invite=[bot.user_id], direct=True, name="")
    await bernd.wait_member(dm_bernd, bot.user_id)
    typed_in_room = await bernd.ask(room, "!stimme 2 2")  # in the open room: not counted
    assert "zähle ich nicht" in typed_in_room
    await bernd.wait_for(dm_bernd, by_bot(bot, "m.room.message", "Anonyme Umfrage #2"), what="DM intro")
    assert "zählt: 2. Tee" in await bernd.ask(dm_bernd, "!stimme 2 2")
    interim = await coord.ask(room, "!ergebnis 2")
    assert "**1. Kaffee** (1 Stimme)" in interim and "**2. Tee** (1 Stimme)" in interim

    await coord.ask(room, "!umfrage schließen 2")
    await coord.ask(room, "!umfrage schließen 1")
    room_messages = json.dumps(
        [e["content"] for e in coord.events[room] if e.get("sender") == bot.user_id], ensure_ascii=False
    )
    for person in (anna, bernd):
        assert person.user_id not in room_messages
        assert person.user_id.split(":")[0] not in room_messages

    assert bot.app is not None
    async with bot.app.db.transaction() as session:
        poll_id = (await session.execute(text("SELECT id FROM polls WHERE number = 2"))).scalar_one()
        rows = [
            *(await session.execute(text("SELECT * FROM polls WHERE id = :i"), {"i": poll_id})).all(),
            *(await session.execute(text("SELECT * FROM poll_ballots WHERE poll_id = :i"), {"i": poll_id})),
            *(await session.execute(text("SELECT * FROM poll_responses WHERE poll_id = :i"), {"i": poll_id})),
            *(await session.execute(text("SELECT * FROM scheduled_jobs"))).all(),
        ]
        voter_key = (
            await session.execute(text("SELECT voter_key FROM polls WHERE id = :i"), {"i": poll_id})
        ).scalar_one()
    stored = repr(rows)
    assert "Kaffee" in stored  # the dump is real
    for person in (anna, bernd):
        assert person.user_id not in stored and person.user_id.split(":")[0].lstrip("@") not in stored
    assert voter_key is None


async def test_number_reaction_on_a_secret_poll_is_removed_and_explained(lotsen: Any, bot: BotRunner) -> None:
    coord, anna, bernd, room = await setup(lotsen, bot)
    await coord.set_power(room, bot.user_id, 50)  # enough to redact at the room's default redact level
    dm_anna = await anna.create_room(invite=[bot.user_id], direct=True, name="")
    await anna.wait_member(dm_anna, bot.user_id)
    start = await start_poll(
        coord, anna, bot, room, '!umfrage "Welcher Kuchen?" "Apfelkuchen" "Birnenkuchen" --geheim', 1
    )
    reaction = await anna.send_event(
        room, "m.reaction", {"m.relates_to": {"rel_type": "m.annotation", "event_id": start, "key": "1️⃣"}}
    )
    hint = await anna.wait_for(dm_anna, by_bot(bot, "m.room.message", "ist geheim"), what="the hint")
    body = hint["content"]["body"]
    assert "Reaktionen wie 1️⃣ zähle ich dort nicht" in body and "Deine Reaktion habe ich entfernt." in body

    def removes_reaction(e: dict[str, Any]) -> bool:
        target = e.get("redacts") or e.get("content", {}).get("redacts")
        return e.get("type") == "m.room.redaction" and target == reaction

    redaction = await bernd.wait_for(room, removes_reaction, what="the bot's redaction of the reaction")
    assert redaction["sender"] == bot.user_id
    interim = await bernd.ask(room, "!ergebnis 1")
    assert "geheim" in interim and "0 von 3" in interim
    room_messages = json.dumps(
        [e["content"] for e in bernd.messages_from(room, bot.user_id)], ensure_ascii=False
    )
    assert anna.user_id not in room_messages  # nobody is named in the room


async def test_points_poll_and_refusals(lotsen: Any, bot: BotRunner) -> None:
    coord, anna, bernd, room = await setup(lotsen, bot)
    refused = await anna.ask(room, '!umfrage "Pizza?" "Ja" "Nein"')
    assert "nur Koordinator" in refused
    await coord.send(
        room, '!umfrage "Was digitalisieren wir zuerst?" "Reisekosten" "E-Akte" "Bildarchiv" --punkte 5'
    )
    message = await anna.wait_for(room, by_bot(bot, "m.room.message", "Umfrage #1"), what="points poll")
    assert "!punkte 1 1=3 2=2" in message["content"]["body"]
    over = await anna.ask(room, "!punkte 1 1=4 2=3")
    assert "Das sind 7 Punkte, du hast aber nur 5. Nichts gespeichert" in over
    await anna.send(room, "!punkte 1 1=3 3=2")
    await bernd.send(room, "!punkte 1 2=5")
    listed = await wait_listed(lambda: anna.events.get(room, []), bot.user_id, [anna.user_id, bernd.user_id])
    assert "3, 3. Bildarchiv = 2" in listed[name_of(anna.user_id)][0]
    assert "2. E-Akte = 5" in listed[name_of(bernd.user_id)][0]
    result = await coord.ask(room, "!umfrage schließen 1")
    ranked = [line for line in result.splitlines() if line.startswith("`")]
    assert "Platz 1: E-Akte** (5 Punkte)" in ranked[0] and "Platz 2: Reisekosten** (3 Punkte)" in ranked[1]
    assert "Platz 3: Bildarchiv** (2 Punkte)" in ranked[2]
    assert "Gewonnen hat **E-Akte** mit 5 Punkten" in result
    assert "2 von 3 Mitgliedern haben abgestimmt" in result


async def test_restart_mid_poll_loses_nothing_and_closes_once(lotsen: Any, bot: BotRunner) -> None:
    coord, anna, bernd, room = await setup(lotsen, bot)
    # 30 s: the stop, two votes, the start and `!umfragen` must fit before the deadline also on a loaded
    # machine (with 15 s the poll was once closed before `!umfragen`, at load 12)
    line = '!umfrage "Neustart?" "Ja" "Nein" --bis in 0,5 Minuten'
    start = await start_poll(coord, anna, bot, room, line, 1)
    await anna.send(room, "!stimme 1 1")
    await wait_listed(lambda: anna.events.get(room, []), bot.user_id, [anna.user_id])

    await bot.stop()
    await bernd.send_event(room, RESPONSE, response(start, ["2"]))  # while the bot is down
    await coord.send_event(room, RESPONSE, response(start, ["2"]))
    await bot.start()
    listing = await coord.ask(room, "!umfragen")
    assert "Beteiligung 3 von 3" in listing
    await bot.restart()

    end = await coord.wait_for(room, by_bot(bot, END), timeout=40, what="the deadline after restarts")
    assert end["content"]["m.relates_to"]["event_id"] == start
    await coord.wait_for(room, by_bot(bot, "m.room.message", "m.image"), what="the chart")
    final = await coord.ask(room, "!ergebnis 1")
    assert "Gewonnen hat **Nein** mit 2 Stimmen" in final and "3 von 3" in final
    await asyncio.sleep(1)
    ends = [e for e in coord.events[room] if by_bot(bot, END)(e)]
    results = [
        e
        for e in coord.messages_from(room, bot.user_id)
        if "Ergebnis Umfrage #1" in e["content"].get("body", "")
        and not (e["content"].get("m.relates_to") or {}).get("m.in_reply_to")
    ]
    charts = [e for e in coord.messages_from(room, bot.user_id) if e["content"].get("msgtype") == "m.image"]
    assert (len(ends), len(results), len(charts)) == (1, 1, 1)


async def test_a_vote_burst_is_counted_once_and_confirmed_in_one_message(
    lotsen: Any, bot: BotRunner, synapse: Any
) -> None:
    """Issue 16, item 6: 30 Lotsen vote at once (20 typed, 10 in the widget). Every vote counts once, every
    typed vote is confirmed by name, and the room gets one receipt message (edited), not a reply each."""
    coord = await lotsen("koordination")
    await bot.start(coordinators={"users": [coord.user_id]})
    sem, tag = asyncio.Semaphore(8), secrets.token_hex(3)
    people = await asyncio.gather(*(voter(synapse, f"lotse{i:02d}-{tag}", sem) for i in range(30)))
    try:
        room = await coord.create_room(invite=[bot.user_id, *(p.user_id for p in people)], encrypted=False)
        await asyncio.gather(*(p.join(room) for p in people))
        await coord.wait_member(room, bot.user_id)
        start = await start_poll(
            coord, coord, bot, room, '!umfrage "Welcher Termin?" "Montag" "Dienstag" "Mittwoch"', 1
        )
        await coord.wait_for(room, by_bot(bot, "m.room.message", "ist gestartet"), what="the poll's notice")
        before = len(coord.messages_from(room, bot.user_id))
        typed, clicked = people[:20], people[20:]

        async def vote(i: int, client: Any) -> str:
            if client in clicked:
                return await send(client, room, RESPONSE, response(start, [str(i % 3 + 1)]))
            body = f"!stimme 1 {i % 3 + 1}"
            return await send(client, room, "m.room.message", {"msgtype": "m.text", "body": body})

        votes = await asyncio.gather(*(vote(i, p) for i, p in enumerate(people)))
        found = await wait_listed(lambda: coord.events.get(room, []), bot.user_id, [p.user_id for p in typed])
        for i, client in enumerate(typed):
            assert found[name_of(client.user_id)] == [f"{i % 3 + 1}. {OPTIONS[i % 3]}"], (
                "listed once, as cast"
            )
        assert not any(name_of(p.user_id) in found for p in clicked), "widget clicks need no confirmation"
        result = await coord.ask(room, "!ergebnis 1")
        assert "30 von 31 Mitgliedern haben abgestimmt" in result, result
        for n, option in enumerate(OPTIONS):
            assert f"**{n + 1}. {option}** (10 Stimmen)" in result, result
        await asyncio.sleep(2)  # a would-be late reply or second receipt has time to arrive
        after = coord.messages_from(room, bot.user_id)[before:]
        new = [e for e in after if (e["content"].get("m.relates_to") or {}).get("rel_type") != "m.replace"]
        replies = [e for e in new if (e["content"].get("m.relates_to") or {}).get("m.in_reply_to")]
        assert not [r for r in replies if r["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] in votes]
        assert len(new) == 2, [
            e["content"].get("body", "")[:60] for e in new
        ]  # the receipt + the !ergebnis reply
        assert len(listed(coord.events.get(room, []), bot.user_id)) == 20
    finally:
        await asyncio.gather(*(p.close() for p in people))
