"""Polls as a Lotse meets them, without a homeserver: parsing, permissions, counting, closing, privacy."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from bot.fanout import FanoutWorker
from commands.polls import msc3381
from storage.models import ScheduledJob
from storage.polls import Poll, PollBallot, PollResponse
from tests.support.fake import BOT, Harness, Sent
from tests.support.receipt import receipt

ROOM = "!team:test"
OTHER_ROOM = "!andere:test"
COORD = "@koordination:test"
ANNA = "@lotse-a:test"
BERND = "@lotse-b:test"
CARLA = "@lotse-c:test"


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.room(ROOM, [COORD, ANNA, BERND, CARLA], power={COORD: 100})
    yield harness
    await harness.close()


def sent_of(h: Harness, event_type: str) -> list[Sent]:
    return [s for s in h.messenger.sent if s.event_type == event_type]


async def start_poll(h: Harness, line: str, sender: str = COORD, room: str = ROOM) -> Sent:
    """Start a poll and return the start event (native) or the numbered message."""
    before = len(h.messenger.sent)
    replies = await h.say(room, sender, line)
    new = h.messenger.sent[before:]
    assert new, replies
    assert not new[0].body.startswith("⚠️"), new[0].body
    return new[0]


def response(start: str, answers: Any, *, stable: bool = False) -> dict[str, Any]:
    rel = {"rel_type": "m.reference", "event_id": start}
    if stable:
        return {"m.relates_to": rel, "m.selections": answers}
    return {"m.relates_to": rel, msc3381.RESPONSE: {"answers": answers}}


async def vote(h: Harness, start: str, sender: str, answers: Any, **kwargs: Any) -> str:
    event_type = msc3381.STABLE_RESPONSE if kwargs.get("stable") else msc3381.RESPONSE
    return await h.event(ROOM, sender, event_type, response(start, answers, **kwargs))


async def react(h: Harness, target: str, sender: str, key: str) -> str:
    content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}}
    return await h.event(ROOM, sender, "m.reaction", content)


def record_redactions(h: Harness) -> list[tuple[str, str]]:
    redacted: list[tuple[str, str]] = []

    async def redact(room_id: str, event_id: str, *, reason: str | None, txn_id: str) -> None:
        redacted.append((room_id, event_id))

    h.messenger.redact = redact  # type: ignore[method-assign]
    return redacted


async def results(h: Harness, number: int | None = None, sender: str = ANNA) -> str:
    [reply] = await h.say(ROOM, sender, "!ergebnis" + (f" {number}" if number else ""))
    return reply


async def poll_row(h: Harness, number: int = 1, room: str = ROOM) -> Poll:
    async with h.db.transaction() as session:
        poll = await session.scalar(select(Poll).where(Poll.room_id == room, Poll.number == number))
        assert poll is not None
        return poll


# ---------------------------------------------------------------------------------------- starting


async def test_native_poll_start_is_valid_msc3381(h: Harness) -> None:
    start = await start_poll(
        h, '!umfrage "Welcher Termin passt?" "Montag" "Dienstag" "Mittwoch" --mehrfach 2'
    )
    assert start.event_type == "org.matrix.msc3381.poll.start"
    block = start.content["org.matrix.msc3381.poll.start"]
    assert block["kind"] == "org.matrix.msc3381.poll.disclosed"
    assert block["max_selections"] == 2
    assert block["question"]["org.matrix.msc1767.text"] == "#1: Welcher Termin passt?"
    assert [a["org.matrix.msc1767.text"] for a in block["answers"]] == ["Montag", "Dienstag", "Mittwoch"]
    assert len({a["id"] for a in block["answers"]}) == 3
    fallback = start.content["org.matrix.msc1767.text"]
    assert "Welcher Termin passt?" in fallback and "2. Dienstag" in fallback
    info = h.messenger.sent[-1].body
    assert "Umfrage #1" in info and "bis zu 2 Antworten" in info and "!stimme 1" in info


async def test_secret_poll_is_undisclosed(h: Harness) -> None:
    start = await start_poll(h, '!umfrage "Wer moderiert?" "A-Team" "B-Team" --geheim')
    assert start.content[msc3381.START]["kind"] == "org.matrix.msc3381.poll.undisclosed"
    info = h.messenger.sent[-1].body
    assert "erst nach dem Ende" in info
    assert "Reaktionen wie 1️⃣ zählen hier nicht" in info and "im Direktchat `!stimme 1 <Nr>`" in info


async def test_poll_numbers_are_per_room_and_stable(h: Harness) -> None:
    h.room(OTHER_ROOM, [COORD, ANNA], power={COORD: 100})
    await start_poll(h, '!umfrage "Eins?" "a" "b"')
    await start_poll(h, '!umfrage "Zwei?" "a" "b"')
    other = await start_poll(h, '!umfrage "Anderswo?" "a" "b"', room=OTHER_ROOM)
    assert "#1" in other.content[msc3381.START]["question"][msc3381.TEXT]
    assert (await poll_row(h, 2)).question == "Zwei?"
    assert (await poll_row(h, 1, OTHER_ROOM)).question == "Anderswo?"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('!umfrage "Nur eine?" "Ja"', "2 bis 20 Optionen, du hast 1"),
        ('!umfrage "Viele?" ' + " ".join(f'"O{i}"' for i in range(21)), "du hast 21"),
        ('!umfrage "Doppelt?" "Montag" "montag"', "„montag“ steht mehrmals da"),
        ('!umfrage "" "Ja" "Nein"', "Die Frage ist leer"),
        ('!umfrage "Leer?" "Ja" ""', "Option 2 ist leer"),
        ("!umfrage Welcher Termin passt? Montag Dienstag", "nicht in Anführungszeichen"),
        ('!umfrage "Mehr?" "a" "b" --mehrfach 3', "`--mehrfach 3` geht nicht"),
        ('!umfrage "Punkte?" "a" "b" --punkte 5 --mehrfach 2', "passen nicht zusammen"),
    ],
)
async def test_bad_polls_get_a_clear_message_and_a_correct_example(
    h: Harness, line: str, expected: str
) -> None:
    [reply] = await h.say(ROOM, COORD, line)
    assert reply.startswith("⚠️") and expected in reply
    assert 'Beispiel: `!umfrage "Welcher Termin passt?" "Montag" "Dienstag" "Mittwoch"`' in reply
    assert not sent_of(h, msc3381.START)


async def test_deadline_in_the_past_and_reminder_problems_are_refused(h: Harness) -> None:
    [past] = await h.say(ROOM, COORD, '!umfrage "Wann?" "a" "b" --bis 2020-01-01 12:00')
    assert "liegt in der Vergangenheit" in past and "So geht's: `!umfrage" in past
    [no_deadline] = await h.say(ROOM, COORD, '!umfrage "Wann?" "a" "b" --erinnern 1 Stunde')
    assert "`--erinnern` geht nur zusammen mit `--bis`" in no_deadline
    [too_early] = await h.say(ROOM, COORD, '!umfrage "Wann?" "a" "b" --bis in 2 Stunden --erinnern 3 Stunden')
    assert "Erinnerung läge vor jetzt" in too_early
    assert not sent_of(h, msc3381.START)
    async with h.db.transaction() as session:
        assert (await session.scalars(select(ScheduledJob))).all() == []


async def test_non_coordinator_is_refused_unless_configured(h: Harness, tmp_path: Path) -> None:
    [reply] = await h.say(ROOM, ANNA, '!umfrage "Pizza?" "Ja" "Nein"')
    assert reply == "🔒 `!umfrage` dürfen nur Koordinator·innen verwenden."
    assert not sent_of(h, msc3381.START)

    (tmp_path / "alle").mkdir()
    open_to_all = await Harness(tmp_path / "alle", features={"polls": {"create": "everyone"}}).start()
    try:
        open_to_all.room(ROOM, [COORD, ANNA], power={COORD: 100})
        await open_to_all.say(ROOM, ANNA, '!umfrage "Pizza?" "Ja" "Nein"')
        assert open_to_all.messenger.sent[0].event_type == msc3381.START
    finally:
        await open_to_all.close()


async def test_option_named_like_a_subcommand_after_quoted_question_is_a_poll(h: Harness) -> None:
    start = await start_poll(h, '!umfrage "Tür?" Schließen Offenlassen')
    answers = [a[msc3381.TEXT] for a in start.content[msc3381.START]["answers"]]
    assert answers == ["Schließen", "Offenlassen"]


# ------------------------------------------------------------------------------------------ voting


async def test_votes_follow_msc3381(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum" "Bibliothek"')).event_id
    await vote(h, start, ANNA, ["1"])
    h.clock.advance(seconds=1)
    await vote(h, start, ANNA, ["2"])  # change of mind: latest wins
    await vote(h, start, BERND, ["3"], stable=True)  # the stable m.poll.response name
    h.clock.advance(seconds=1)
    await vote(h, start, BERND, [])  # un-vote
    await vote(h, start, CARLA, ["1"])
    h.clock.advance(seconds=1)
    await vote(h, start, CARLA, ["9"])  # unknown answer id: spoiled
    reply = await results(h)
    assert "**2. Museum** (1 Stimme)" in reply
    assert "**1. Archiv** (0 Stimmen)" in reply and "**3. Bibliothek** (0 Stimmen)" in reply
    assert "1 von 4 Mitgliedern hat abgestimmt" in reply and "1 ungültige" in reply


async def test_redaction_reverts_to_the_previous_response(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum"')).event_id
    await vote(h, start, ANNA, ["1"])
    h.clock.advance(seconds=1)
    second = await vote(h, start, ANNA, ["2"])
    assert "**2. Museum** (1 Stimme)" in await results(h)
    await h.event(ROOM, ANNA, "m.room.redaction", {"redacts": second})
    assert "**1. Archiv** (1 Stimme)" in await results(h)


async def test_reactions_and_commands_count_as_latest_response(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum" "Bibliothek"')).event_id
    reaction = await h.event(
        ROOM,
        ANNA,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": start, "key": "3️⃣"}},
    )
    assert "**3. Bibliothek** (1 Stimme)" in await results(h)
    h.clock.advance(seconds=1)
    await h.say(ROOM, ANNA, "!stimme 1 1")  # confirmed in the room's receipt, not by a reply
    assert f"{ANNA}: 1. Archiv" in await receipt(h)
    assert "**1. Archiv** (1 Stimme)" in await results(h)
    await h.event(ROOM, ANNA, "m.room.redaction", {"redacts": reaction})  # older one: no change
    assert "**1. Archiv** (1 Stimme)" in await results(h)
    h.clock.advance(seconds=1)
    await h.say(ROOM, ANNA, "!stimme 1 keine")
    assert f"{ANNA}: zurückgenommen" in await receipt(h)
    assert "Niemand hat abgestimmt" in await results(h)


async def test_number_reaction_on_a_secret_poll_is_not_counted_but_explained_once(h: Harness) -> None:
    h.messenger.power[ROOM][BOT] = 100  # the bot may redact
    redacted = record_redactions(h)
    start = (await start_poll(h, '!umfrage "Wer moderiert?" "Archiv" "Museum" --geheim')).event_id
    in_room = len(h.messenger.bodies(ROOM))
    first = await react(h, start, ANNA, "2️⃣")
    assert "0 von 4" in await results(h, sender=BERND)
    dm = await h.messenger.direct_room(ANNA)
    [hint] = h.messenger.bodies(dm)
    assert (
        "Umfrage #1 „Wer moderiert?“ ist geheim" in hint and "Reaktionen wie 1️⃣ zähle ich dort nicht" in hint
    )
    assert "in der Umfrage selbst" in hint and "`!stimme 1 <Nr>`" in hint
    assert "Deine Reaktion habe ich entfernt." in hint
    assert redacted == [(ROOM, first)]

    second = await react(h, start, ANNA, "1️⃣")  # again: removed again, but no second message
    assert redacted == [(ROOM, first), (ROOM, second)]
    assert len(h.messenger.bodies(dm)) == 1
    room_text = h.messenger.bodies(ROOM)[in_room:]
    assert all(ANNA not in body for body in room_text)  # only the !ergebnis reply, nobody named

    await vote(h, start, ANNA, ["1"])  # how it should be done
    h.clock.advance(seconds=1)
    await h.event(ROOM, ANNA, "m.room.redaction", {"redacts": first})  # taking the reaction back
    await h.event(ROOM, ANNA, "m.room.redaction", {"redacts": second})
    async with h.db.transaction() as session:
        rows = (await session.scalars(select(PollResponse).order_by(PollResponse.id))).all()
    assert [(r.source, r.redacted) for r in rows] == [("ignored", True), ("ignored", True), ("poll", False)]
    await h.say(ROOM, COORD, "!umfrage schließen 1")
    final = await results(h)
    assert "**1. Archiv** (1 Stimme)" in final and "**2. Museum** (0 Stimmen)" in final


async def test_reaction_on_a_secret_poll_without_power_to_redact(h: Harness) -> None:
    redacted = record_redactions(h)  # the bot is a plain member (power 0 < redact 50)
    start = (await start_poll(h, '!umfrage "Wer moderiert?" "Archiv" "Museum" --geheim')).event_id
    await react(h, start, BERND, "1️⃣")
    assert redacted == []
    [hint] = h.messenger.bodies(await h.messenger.direct_room(BERND))
    assert "Nimm deine Reaktion bitte wieder weg" in hint
    assert "0 von 4" in await results(h)


async def test_reaction_after_a_secret_poll_ended_gets_no_hint(h: Harness) -> None:
    secret = (await start_poll(h, '!umfrage "Geheim?" "Ja" "Nein" --geheim')).event_id
    await h.say(ROOM, COORD, "!umfrage schließen 1")
    h.clock.advance(seconds=1)
    before = len(h.messenger.sent)
    await react(h, secret, ANNA, "1️⃣")  # the result is public now: no hint, and too late to count
    assert h.messenger.sent[before:] == []
    assert "Niemand hat abgestimmt" in await results(h, 1)


async def test_the_same_event_twice_is_stored_once(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum"')).event_id
    for _ in range(2):
        await h.event(ROOM, ANNA, msc3381.RESPONSE, response(start, ["1"]), event_id="$same")
    async with h.db.transaction() as session:
        assert len((await session.scalars(select(PollResponse))).all()) == 1


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("!stimme 1 7", "„7“ ist keine Option von Umfrage #1; möglich sind die Nummern 1 bis 2"),
        ("!stimme 1 1,2", "höchstens 1 Option(en) wählen, du hast 2"),
        ("!stimme 5 1", "Eine Umfrage #5 gibt es hier nicht"),
        ("!stimme x 1", "„x“ ist keine Umfrage-Nummer"),
        ("!stimme 1", "Es fehlt deine Auswahl"),
        ("!punkte 1 1=2", "keine Punkte-Umfrage"),
    ],
)
async def test_bad_votes_are_explained_and_not_recorded(h: Harness, line: str, expected: str) -> None:
    await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum"')
    [reply] = await h.say(ROOM, ANNA, line)
    assert expected in reply
    async with h.db.transaction() as session:
        assert (await session.scalars(select(PollResponse))).all() == []


async def test_multiple_choice_by_number_and_by_name(h: Harness) -> None:
    await start_poll(h, '!umfrage "Themen?" "Open Data" "E-Akte" "Prozesse" --mehrfach 2')
    await h.say(ROOM, ANNA, "!stimme 1 1, 3")
    assert f"{ANNA}: 1. Open Data, 3. Prozesse" in await receipt(h)
    await h.say(ROOM, BERND, "!stimme #1 e-akte")
    assert f"{BERND}: 2. E-Akte" in await receipt(h)
    reply = await results(h)
    assert "Mehrfachauswahl" in reply and "2 von 4 Mitgliedern haben abgestimmt" in reply
    assert "50 % – **1. Open Data** (1 Stimme)" in reply


async def test_end_event_from_element_is_honoured_only_from_allowed_users(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum"')).event_id
    end = {"m.relates_to": {"rel_type": "m.reference", "event_id": start}, msc3381.END: {}}
    await h.event(ROOM, ANNA, msc3381.END, end)  # not allowed to redact: ignored
    assert (await poll_row(h)).is_open
    assert not any(s.event_type == msc3381.END for s in h.messenger.sent)
    before = len(h.messenger.sent)
    await h.event(ROOM, COORD, msc3381.STABLE_END, end)
    poll = await poll_row(h)
    assert not poll.is_open
    new = h.messenger.sent[before:]
    assert not [s for s in new if s.event_type == msc3381.END]  # their end event is the end
    assert any("Ergebnis Umfrage #1" in s.body for s in new)


async def test_end_event_follows_the_rooms_redact_level(h: Harness) -> None:
    h.messenger.power[ROOM][ANNA] = 30  # below the coordinator threshold (50) and the default redact level
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum"')).event_id
    end = {"m.relates_to": {"rel_type": "m.reference", "event_id": start}, msc3381.END: {}}
    await h.event(ROOM, ANNA, msc3381.END, end)
    assert (await poll_row(h)).is_open
    h.messenger.redact_levels[ROOM] = 25  # the room lets power 25 redact others' messages
    await h.event(ROOM, ANNA, msc3381.END, end)
    poll = await poll_row(h)
    assert not poll.is_open and poll.closed_by == ANNA


# ----------------------------------------------------------------------------------------- closing


async def test_close_by_hand_sends_end_event_result_and_chart(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum" "Bibliothek"')).event_id
    await vote(h, start, ANNA, ["2"])
    await vote(h, start, BERND, ["2"])
    await vote(h, start, CARLA, ["1"])
    [refused] = await h.say(ROOM, ANNA, "!umfrage schließen 1")
    assert "kann nur beenden, wer sie gestartet hat" in refused
    before = len(h.messenger.sent)
    await h.say(ROOM, COORD, "!poll close 1")
    end, result, chart = h.messenger.sent[before:]
    assert end.event_type == "org.matrix.msc3381.poll.end"
    assert end.content["m.relates_to"] == {"rel_type": "m.reference", "event_id": start}
    assert "org.matrix.msc3381.poll.end" in end.content and "Museum" in end.content[msc3381.TEXT]
    assert "Gewonnen hat **Museum** mit 2 Stimmen" in result.body
    assert "66,7 % – **2. Museum**" in result.body and "`█████████████░░░░░░░`" in result.body
    assert "3 von 4 Mitgliedern haben abgestimmt" in result.body
    assert chart.content["msgtype"] == "m.image"
    assert h.messenger.uploads[-1][2].startswith(b"\x89PNG")
    h.clock.advance(seconds=5)
    await vote(h, start, COORD, ["1"])  # after the end: ignored
    assert "3 von 4 Mitgliedern" in await results(h)
    [again] = await h.say(ROOM, COORD, "!umfrage schliessen 1")
    assert "schon beendet" in again


async def test_tie_is_named_as_tie(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum"')).event_id
    await vote(h, start, ANNA, ["1"])
    await vote(h, start, BERND, ["2"])
    await h.say(ROOM, COORD, "!umfrage schließen 1")
    assert any("Gleichstand: **Archiv** und **Museum** mit je 1 Stimme" in b for b in h.messenger.bodies())


async def test_deadline_closes_once_and_reminds_only_non_voters(h: Harness) -> None:
    start = (
        await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum" --bis in 2 Stunden --erinnern 1 Stunde')
    ).event_id
    await vote(h, start, ANNA, ["1"])
    poll = await poll_row(h)
    assert poll.close_job_id and poll.remind_job_id
    h.clock.advance(hours=1)
    before = len(h.messenger.sent)
    await h.scheduler.fire(poll.remind_job_id)
    [status] = h.messenger.sent[before:]  # the room sees only the progress of the DMs, no names
    assert status.content["m.mentions"] == {}
    assert status.body.startswith("📨 Erinnerung per Direktnachricht zu Umfrage #1 „Wohin?“ (endet am ")
    assert status.body.endswith(": an 0 von 3 verschickt …")
    worker = FanoutWorker(h.db, h.messenger, h.clock)
    assert await worker.step()  # the coordinator's DM goes out first
    await vote(h, start, CARLA, ["2"])  # Carla votes meanwhile: she is not reminded any more
    await worker.drain()
    reminders = [s for s in h.messenger.sent[before:] if s.room_id != ROOM]
    assert [r.content["m.mentions"] for r in reminders] == [{"user_ids": [COORD]}, {"user_ids": [BERND]}]
    assert all(r.content["msgtype"] == "m.text" for r in reminders)
    assert reminders[0].body.startswith("⏰ Umfrage #1 „Wohin?“ endet am ")
    assert "du hast noch nicht abgestimmt" in reminders[0].body
    assert f"https://matrix.to/#/{ROOM}/{start}" in reminders[0].body
    assert h.messenger.bodies(ROOM)[-1] == (
        "* ✅ "
        + status.body.removeprefix("📨 ").rsplit(": an ", 1)[0]
        + ": an 2 von 3 verschickt. 1 nicht mehr nötig (inzwischen erledigt)."
    )
    h.clock.advance(hours=1)
    before = len(h.messenger.sent)
    await h.scheduler.fire(poll.close_job_id)
    await h.scheduler.fire(poll.close_job_id)  # a double fire is harmless
    new = h.messenger.sent[before:]
    assert [s.event_type for s in new].count(msc3381.END) == 1
    assert sum("Ergebnis Umfrage #1" in s.body for s in new) == 1
    assert not (await poll_row(h)).is_open


async def test_deadline_after_long_downtime_still_closes_and_late_votes_do_not_count(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum" --bis in 2 Stunden')).event_id
    await vote(h, start, ANNA, ["1"])
    poll = await poll_row(h)
    h.clock.advance(hours=5)  # the bot was down far longer than the misfire grace period
    await vote(h, start, BERND, ["2"])  # after the deadline: must not count
    await h.scheduler.fire(poll.close_job_id or 0)
    result = next(b for b in h.messenger.bodies() if "Ergebnis Umfrage #1" in b)
    assert "Gewonnen hat **Archiv** mit 1 Stimme" in result and "verspätet" in result
    assert not (await poll_row(h)).is_open


async def test_power_in_another_room_does_not_let_you_close_from_a_dm(h: Harness) -> None:
    h.room(OTHER_ROOM, [BERND], power={BERND: 100})  # moderator elsewhere, plain member in ROOM
    await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum"')
    dm = await h.messenger.direct_room(BERND)
    [refused] = await h.say(dm, BERND, "!umfrage schließen 1")
    assert "kann nur beenden" in refused
    dm_coord = await h.messenger.direct_room(COORD)
    *_, pointer = await h.say(dm_coord, COORD, "!umfrage schließen 1")
    assert pointer == "Umfrage #1 ist beendet; das Ergebnis steht im Raum der Umfrage."
    assert any(s.room_id == ROOM and "Ergebnis Umfrage #1" in s.body for s in h.messenger.sent)
    assert not (await poll_row(h)).is_open


async def test_closing_by_hand_cancels_the_deadline(h: Harness) -> None:
    await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum" --bis in 2 Stunden --erinnern 1 Stunde')
    await h.say(ROOM, COORD, "!umfrage schließen 1")
    async with h.db.transaction() as session:
        rows = (await session.scalars(select(ScheduledJob))).all()
    assert sorted(r.status for r in rows if r.kind != "undo.offer") == ["cancelled", "cancelled"]


# ----------------------------------------------------------------------------------- secret, anonymous


async def test_secret_poll_shows_only_turnout_until_closed(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wer moderiert?" "Archiv" "Museum" --geheim')).event_id
    await vote(h, start, ANNA, ["1"])
    await h.say(ROOM, BERND, "!stimme 1 2")
    shown = await receipt(h)
    assert f"{BERND}: gezählt" in shown and "Museum" not in shown  # the choice stays secret
    interim = await results(h)
    assert "geheim" in interim and "2 von 4" in interim
    assert "Archiv" not in interim and "Museum" not in interim
    [export] = await h.say(ROOM, COORD, "!umfrage export 1")
    assert "geheim und läuft noch" in export
    await h.say(ROOM, COORD, "!umfrage schließen 1")
    assert "Gleichstand" in await results(h)


async def test_anonymous_poll_keeps_no_names(h: Harness) -> None:
    message = await start_poll(h, '!umfrage "Zufrieden?" "Ja" "Nein" --anonym')
    assert message.event_type == "m.room.message" and "Direktchat" in message.body
    *_, redirect = await h.say(ROOM, ANNA, "!stimme 1 2")  # typed in the room: not counted
    assert "zähle ich nicht" in redirect
    dm_anna = await h.messenger.direct_room(ANNA)
    assert any(s.room_id == dm_anna and "Anonyme Umfrage #1" in s.body for s in h.messenger.sent)
    [ok] = await h.say(dm_anna, ANNA, "!stimme 1 1")
    assert "zählt: 1. Ja" in ok
    h.clock.advance(seconds=1)
    await h.say(dm_anna, ANNA, "!stimme 1 2")  # change of mind in the DM
    dm_bernd = await h.messenger.direct_room(BERND)
    await h.say(dm_bernd, BERND, "!stimme 1 2")
    interim = await results(h)
    assert "**2. Nein** (2 Stimmen)" in interim and "2 von 4" in interim
    # Reactions or forged poll responses in the room must not count for an anonymous poll.
    await react(h, message.event_id, CARLA, "1️⃣")
    assert "2 von 4" in await results(h)
    [hint] = h.messenger.bodies(await h.messenger.direct_room(CARLA))  # told privately how to vote
    assert "Umfrage #1 ist anonym: Reaktionen zähle ich dort nicht" in hint and "`!stimme 1 <Nr>`" in hint

    async def dump() -> str:
        async with h.db.transaction() as session:
            rows = []
            for table in ("polls", "poll_responses", "poll_ballots", "scheduled_jobs"):
                rows += [
                    repr(tuple(r)) for r in (await session.execute(text(f"SELECT * FROM {table}"))).all()
                ]
            return "\n".join(rows)

    stored = await dump()
    for person in (ANNA, BERND, CARLA):
        assert person not in stored
        assert person.split(":")[0].lstrip("@") not in stored
    async with h.db.transaction() as session:
        assert (await session.scalars(select(PollResponse))).all() == []
        assert len((await session.scalars(select(PollBallot))).all()) == 2
    await h.say(ROOM, COORD, "!umfrage schließen 1")
    assert (await poll_row(h)).voter_key is None  # the hashes can no longer be linked to anyone
    room_text = "\n".join(h.messenger.bodies(ROOM))
    for person in (ANNA, BERND):
        assert person not in room_text
    *_, export = await h.say(ROOM, COORD, "!umfrage export 1")
    assert "Direktchat" in export
    csv_text = h.messenger.uploads[-1][2].decode("utf-8-sig")
    assert "Anonyme Umfrage" in csv_text and ANNA not in csv_text


async def test_anonymous_vote_needs_room_membership(h: Harness) -> None:
    await start_poll(h, '!umfrage "Zufrieden?" "Ja" "Nein" --anonym')
    stranger = "@fremd:test"
    dm = await h.messenger.direct_room(stranger)
    [reply] = await h.say(dm, stranger, "!stimme 1 1")
    assert "keine Umfrage #1 in deinen Räumen" in reply


async def test_anonymous_reminder_names_nobody(h: Harness) -> None:
    await start_poll(h, '!umfrage "Zufrieden?" "Ja" "Nein" --anonym --bis in 2 Stunden --erinnern 1 Stunde')
    poll = await poll_row(h)
    h.clock.advance(hours=1)
    before = len(h.messenger.sent)
    assert poll.remind_job_id is not None
    await h.scheduler.fire(poll.remind_job_id)
    reminder, status = h.messenger.sent[before:]
    assert reminder.content["m.mentions"] == {} and status.content["m.mentions"] == {}
    assert "0 von 4" in reminder.body and status.body.endswith("an 0 von 4 verschickt …")
    # by DM to everybody with the same text: the queue must not be a list of who has not voted
    await FanoutWorker(h.db, h.messenger, h.clock).drain()
    dms = [s for s in h.messenger.sent[before:] if s.room_id != ROOM]
    assert sorted(u for s in dms for u in s.content["m.mentions"]["user_ids"]) == sorted(
        [COORD, ANNA, BERND, CARLA]
    )
    assert len({s.body for s in dms}) == 1 and "Falls du noch nicht abgestimmt hast" in dms[0].body


# ------------------------------------------------------------------------------------------ points


async def test_points_poll_like_the_2019_idea_vote(h: Harness) -> None:
    message = await start_poll(h, '!umfrage "Was zuerst?" "Reisekosten" "E-Akte" "Bildarchiv" --punkte 5')
    assert message.event_type == "m.room.message"
    assert "1. Reisekosten" in message.body and "`!punkte 1 1=3 2=2`" in message.body
    [over] = await h.say(ROOM, ANNA, "!punkte 1 1=4 2=2")
    assert "Das sind 6 Punkte, du hast aber nur 5. Nichts gespeichert" in over
    [unknown] = await h.say(ROOM, ANNA, "!punkte 1 7=1")
    assert "Option 7 gibt es bei Umfrage #1 nicht" in unknown
    [garbled] = await h.say(ROOM, ANNA, "!punkte 1 1=3 zwei")
    assert "„zwei“ verstehe ich nicht" in garbled
    [vote_cmd] = await h.say(ROOM, ANNA, "!stimme 1 1")
    assert "Punkte-Umfrage" in vote_cmd
    async with h.db.transaction() as session:
        assert (await session.scalars(select(PollResponse))).all() == []
    await h.say(ROOM, ANNA, "!punkte 1 1=3 3=2")
    assert f"{ANNA}: 1. Reisekosten = 3, 3. Bildarchiv = 2 (0 von 5 Punkten übrig)" in await receipt(h)
    await h.say(ROOM, BERND, "!punkte 1 1=2 2=3")
    await h.say(ROOM, CARLA, "!punkte 1 2=1")
    await h.say(ROOM, COORD, "!umfrage schließen 1")
    result = next(b for b in h.messenger.bodies() if "Ergebnis Umfrage #1" in b)
    ranked = [line for line in result.splitlines() if line.startswith("`")]
    assert "**Platz 1: Reisekosten** (5 Punkte)" in ranked[0]
    assert "**Platz 2: E-Akte** (4 Punkte)" in ranked[1]
    assert "**Platz 3: Bildarchiv** (2 Punkte)" in ranked[2]
    assert "Gewonnen hat **Reisekosten** mit 5 Punkten." in result
    assert "3 von 4 Mitgliedern haben abgestimmt" in result


# ------------------------------------------------------------------------------------ lists, export


async def test_list_shows_open_polls_with_turnout_and_deadline(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "Archiv" "Museum" --bis 2026-12-01 18:00')).event_id
    await start_poll(h, '!umfrage "Wann?" "Mo" "Di"')
    await vote(h, start, ANNA, ["1"])
    await h.say(ROOM, COORD, "!umfrage schließen 2")
    [listing] = await h.say(ROOM, ANNA, "!umfragen")
    assert "**#1** Wohin? – Beteiligung 1 von 4 – endet am Dienstag, 1. Dezember 2026, 18:00 Uhr" in listing
    assert "#2" not in listing
    h.room(OTHER_ROOM, [COORD, ANNA], power={COORD: 100})
    [none] = await h.say(OTHER_ROOM, ANNA, "!polls")
    assert "Gerade läuft keine Umfrage" in none


async def test_export_is_a_csv_in_the_askers_dm(h: Harness) -> None:
    start = (await start_poll(h, '!umfrage "Wohin?" "=Archiv" "Museum"')).event_id
    await vote(h, start, ANNA, ["1"])
    await vote(h, start, BERND, ["2"])
    *_, reply = await h.say(ROOM, COORD, "!umfrage export 1")
    assert "Direktchat" in reply
    name, mimetype, data = h.messenger.uploads[-1]
    assert (name, mimetype) == ("umfrage-1.csv", "text/csv")
    upload_msg = h.messenger.sent[-2]
    assert upload_msg.room_id == await h.messenger.direct_room(COORD)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nr", "Option", "Stimmen", "Prozent"]
    assert rows[1] == ["1", "'=Archiv", "1", "50 %"]
    voters = {row[1]: row[2:] for row in rows[5:]}
    assert voters == {ANNA: ["1", ""], BERND: ["", "1"]}
    [refused] = await h.say(ROOM, ANNA, "!umfrage export 1")
    assert "Den Export von Umfrage #1 bekommt nur" in refused


async def test_help_is_honest_about_anonymity(h: Harness) -> None:
    [reply] = await h.say(ROOM, ANNA, "!hilfe stimme")
    assert "Beim Ende lösche ich" in reply and "keine Zuordnung mehr" in reply and "Direktchat" in reply


def test_every_text_has_english_with_the_same_placeholders() -> None:
    import string

    from bot import i18n

    def fields(template: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}

    texts = {k: v for k, v in i18n._CATALOGUE.items() if k.startswith("polls.")}
    assert len(texts) > 50
    for key, entry in texts.items():
        assert "en" in entry, key
        assert fields(entry["de"]) == fields(entry["en"]), key


async def test_english_aliases_and_texts(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    h = await Harness(tmp_path / "en", bot={"language": "en"}).start()
    try:
        h.room(ROOM, [COORD, ANNA], power={COORD: 100})
        await h.say(ROOM, COORD, '!poll "Which day?" "Monday" "Tuesday" --until in 2 Stunden')
        assert any("Ends on" in sent.body for sent in h.messenger.sent)
        await h.say(ROOM, ANNA, "!vote 1 2")
        assert f"{ANNA}: 2. Tuesday" in await receipt(h)
        *_, chart = await h.say(ROOM, COORD, "!poll close 1")
        assert chart == "poll-1.png"
    finally:
        await h.close()


def test_points_result_reads_like_the_2019_evaluation() -> None:
    from zoneinfo import ZoneInfo

    from commands.polls import present
    from commands.polls.tally import Tally

    poll = Poll(
        room_id=ROOM,
        number=4,
        question="Welche Idee zuerst?",
        options=["E-Akte", "Reisekostenabrechnung", "Bildarchiv", "FuckUpNights"],
        kind="points",
        points=10,
        max_selections=1,
        anonymous=False,
        secret=False,
    )
    counted = Tally(counts={"1": 14, "2": 24, "3": 14, "4": 21}, voters=8, spoiled=0)
    text_ = present.result_markdown("de", poll, counted, members=25, final=True, tz=ZoneInfo("Europe/Berlin"))
    ranked = [line for line in text_.splitlines() if line.startswith("`")]
    assert [line.split("**")[1] for line in ranked] == [
        "Platz 1: Reisekostenabrechnung",
        "Platz 2: FuckUpNights",
        "Platz 3: E\\-Akte",
        "Platz 3: Bildarchiv",
    ]
    assert "32,9 %" in ranked[0]  # 24 of 73 points
    assert "Gewonnen hat **Reisekostenabrechnung** mit 24 Punkten." in text_
    assert "8 von 25 Mitgliedern haben abgestimmt" in text_


async def test_anonymous_vote_in_the_room_says_whether_it_was_removed(h: Harness) -> None:
    """It used to imply removal either way; without the power to redact the sender must delete it."""
    await start_poll(h, '!umfrage "Zufrieden?" "Ja" "Nein" --anonym')
    *_, removed = await h.say(ROOM, ANNA, "!stimme 1 2", event_id="$vote-anna")
    assert h.messenger.redacted == ["$vote-anna"]
    assert "habe ich entfernt" in removed and "lösche sie selbst" not in removed
    h.messenger.refuse_redactions = True
    *_, kept = await h.say(ROOM, BERND, "!stimme 1 1", event_id="$vote-bernd")
    assert "nicht entfernen" in kept and "bitte lösche sie selbst" in kept and "habe ich entfernt" not in kept
