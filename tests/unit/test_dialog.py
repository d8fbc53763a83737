"""The guided dialog engine (bot/dialog.py), driven through the dispatcher like real messages: one question
at a time in a thread, defaults by "ok", a preview, "abbrechen", a timeout, and only the starter counts."""

from __future__ import annotations

import itertools
import string
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import i18n
from bot.dispatch import Incoming
from commands.polls import msc3381
from storage.dialogs import DialogState
from storage.models import ScheduledJob
from storage.polls import Poll
from tests.support.fake import COORDINATOR, LOTSE, TEAM_ROOM, Harness, Sent

OTHER_ROOM = "!andere:test"
_ids = itertools.count(1)


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.team_room()
    harness.room(OTHER_ROOM, [COORDINATOR, LOTSE], power={COORDINATOR: 100})
    yield harness
    await harness.close()


async def post(
    h: Harness,
    body: str,
    *,
    sender: str = COORDINATOR,
    thread: str | None = None,
    room: str = TEAM_ROOM,
    event_id: str | None = None,
) -> tuple[str, list[Sent]]:
    """Send a text (inside ``thread`` when given); return its event id and everything the bot sent."""
    event_id = event_id or f"$msg{next(_ids)}"
    content: dict[str, Any] = {"msgtype": "m.text", "body": body}
    if thread:
        content["m.relates_to"] = {"rel_type": "m.thread", "event_id": thread}
    before = len(h.messenger.sent)
    ts = int(h.clock().timestamp() * 1000)
    await h.dispatcher.handle(Incoming(event_id, room, sender, "m.room.message", content, ts, thread))
    return event_id, h.messenger.sent[before:]


def thread_of(sent: Sent) -> str | None:
    rel = sent.content.get("m.relates_to") or {}
    return rel.get("event_id") if rel.get("rel_type") == "m.thread" else None


async def open_dialogs(h: Harness) -> int:
    async with h.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(DialogState))).scalar_one())


async def polls(h: Harness) -> list[Poll]:
    async with h.db.transaction() as session:
        return list((await session.execute(select(Poll).order_by(Poll.id))).scalars())


async def test_complete_dialog_makes_the_same_poll_as_the_one_liner(h: Harness) -> None:
    root, sent = await post(h, "!umfrage")
    assert len(sent) == 1 and thread_of(sent[0]) == root  # the dialog opens a thread on the command
    assert "Frage 1 von" in sent[0].body and "abbrechen" in sent[0].body

    for answer, expect in [
        ("Welcher Termin passt euch?", "Frage 2"),
        ("Montag, Dienstag, Mittwoch", "Frage 3"),
        ("ok", "Frage 4"),  # default: one answer per person
        ("nein", "Frage 5"),  # not anonymous
        ("ok", "Vorschau"),  # no fixed end
    ]:
        _, sent = await post(h, answer, thread=root)
        assert len(sent) == 1 and thread_of(sent[0]) == root, (answer, sent)
        assert expect in sent[0].body, (answer, sent[0].body)
    preview = sent[0].body
    assert "Welcher Termin passt euch?" in preview and "„Montag“, „Dienstag“, „Mittwoch“" in preview
    assert "Eine Antwort pro Person" in preview and "ohne festes Ende" in preview

    _, sent = await post(h, "ok", thread=root)
    starts = [s for s in sent if s.event_type == msc3381.START]
    assert len(starts) == 1 and "m.relates_to" not in starts[0].content  # in the room, not the thread
    assert "Die Umfrage steht jetzt im Raum" in sent[-1].body and thread_of(sent[-1]) == root
    assert await open_dialogs(h) == 0

    # The one-liner in another room produces the identical native poll event.
    _, one_line = await post(
        h, '!umfrage "Welcher Termin passt euch?" Montag Dienstag Mittwoch', room=OTHER_ROOM
    )
    (expected,) = [s for s in one_line if s.event_type == msc3381.START]
    assert starts[0].content == expected.content
    made = await polls(h)
    assert [(p.room_id, p.kind, p.max_selections, p.anonymous) for p in made] == [
        (TEAM_ROOM, "choice", 1, False),
        (OTHER_ROOM, "choice", 1, False),
    ]


async def test_abort_creates_nothing_and_says_so(h: Harness) -> None:
    root, _ = await post(h, "!umfrage")
    await post(h, "Welches Thema?", thread=root)
    _, sent = await post(h, "Abbrechen", thread=root)
    assert len(sent) == 1 and "nichts angelegt" in sent[0].body and thread_of(sent[0]) == root
    assert await polls(h) == [] and await open_dialogs(h) == 0
    async with h.db.transaction() as session:
        states = (await session.execute(select(ScheduledJob.status))).scalars().all()
    assert list(states) == ["cancelled"]  # the timeout job goes with it
    _, sent = await post(h, "Open Data, E-Akte", thread=root)  # later thread talk is just talk
    assert sent == []


async def test_someone_elses_message_in_the_thread_is_ignored(h: Harness) -> None:
    root, _ = await post(h, "!umfrage")
    _, sent = await post(h, "Gute Idee, frag nach dem Termin!", sender=LOTSE, thread=root)
    assert sent == []
    _, sent = await post(h, "Welcher Termin?", thread=root)
    assert "Frage 2" in sent[0].body  # the starter's answer still is the question
    _, sent = await post(h, "abbrechen", sender=LOTSE, thread=root)  # nor can others cancel it
    assert sent == [] and await open_dialogs(h) == 1
    _, sent = await post(h, "Montag, Dienstag")  # the starter in the main timeline: not an answer
    assert sent == [] and await open_dialogs(h) == 1


async def test_timeout_ends_the_dialog_with_a_note(h: Harness) -> None:
    root, _ = await post(h, "!umfrage")
    h.clock.advance(minutes=20)
    await post(h, "Welcher Termin?", thread=root)  # an answer pushes the timeout back
    async with h.db.transaction() as session:
        job = (await session.execute(select(ScheduledJob))).scalar_one()
        assert job.kind == "dialog.timeout" and job.due_at == h.clock() + timedelta(minutes=30)
    h.clock.advance(minutes=29)
    before = len(h.messenger.sent)
    await h.scheduler.fire(job.id)  # early: nothing happens
    assert await open_dialogs(h) == 1 and len(h.messenger.sent) == before
    h.clock.advance(minutes=2)
    await h.scheduler.fire(job.id)
    note = h.messenger.sent[before:]
    assert len(note) == 1 and "30 Minuten ohne Antwort" in note[0].body and thread_of(note[0]) == root
    assert await open_dialogs(h) == 0 and await polls(h) == []


async def test_prefilled_question_and_a_change_from_the_preview(h: Harness) -> None:
    root, sent = await post(h, '!umfrage "Was zuerst?"')  # the question given: starts at the options
    assert "Frage 2 von" in sent[0].body and "Antworten stehen zur Wahl" in sent[0].body
    for answer in ("E-Akte; Open Data; Bildarchiv", "2"):
        await post(h, answer, thread=root)
    _, sent = await post(h, "5", thread=root)  # only three options
    assert "2 bis 3" in sent[0].body
    for answer in ("3", "ja", "Freitag 17 Uhr"):
        _, sent = await post(h, answer, thread=root)
    preview = sent[0].body
    assert "Vorschau" in preview and "1. Frage: Was zuerst?" in preview
    assert "Höchstens so viele Antworten: 3" in preview and "Anonym: ja" in preview
    assert "Freitag, 27. November 2026, 17:00 Uhr" in preview
    _, sent = await post(h, "1", thread=root)
    assert "Was möchtest du fragen?" in sent[0].body
    _, sent = await post(h, "Was digitalisieren wir zuerst?", thread=root)
    assert "Vorschau" in sent[0].body and "1. Frage: Was digitalisieren wir zuerst?" in sent[0].body
    await post(h, "ok", thread=root)
    (poll,) = await polls(h)
    assert (poll.question, poll.options, poll.max_selections, poll.anonymous) == (
        "Was digitalisieren wir zuerst?",
        ["E-Akte", "Open Data", "Bildarchiv"],
        3,
        True,
    )
    assert poll.closes_at is not None and poll.close_job_id is not None


async def test_bad_answers_are_explained_and_the_same_question_asked_again(h: Harness) -> None:
    root, _ = await post(h, "!umfrage")
    await post(h, "Welcher Termin?", thread=root)
    _, sent = await post(h, "nur eine", thread=root)
    assert "2 bis 20" in sent[0].body and "Frage 2" in sent[0].body
    await post(h, "Montag, Dienstag", thread=root)
    _, sent = await post(h, "2", thread=root)  # several answers
    _, sent = await post(h, "7", thread=root)
    assert "2 bis 2" in sent[0].body and "Frage 4" in sent[0].body
    _, sent = await post(h, "2", thread=root)
    _, sent = await post(h, "vielleicht", thread=root)
    assert "„ja“ oder „nein“" in sent[0].body
    await post(h, "nein", thread=root)
    _, sent = await post(h, "gestern 10 Uhr", thread=root)
    assert sent[0].body.startswith("⚠️") and "Frage 6" in sent[0].body
    _, sent = await post(h, "ok", thread=root)
    assert "Vorschau" in sent[0].body and "Höchstens so viele Antworten: 2" in sent[0].body
    _, sent = await post(h, "3", thread=root)  # change the kind from the preview
    assert "Wie wird abgestimmt?" in sent[0].body
    _, sent = await post(h, "Punkte", thread=root)
    assert "Wie viele Punkte" in sent[0].body  # a step that now applies is asked before the preview
    _, sent = await post(h, "ok", thread=root)
    assert "Vorschau" in sent[0].body and "Punkte pro Person: 5" in sent[0].body
    assert "Höchstens so viele" not in sent[0].body
    await post(h, "ok", thread=root)
    (poll,) = await polls(h)
    assert (poll.kind, poll.points, poll.max_selections) == ("points", 5, 1)


async def test_only_those_who_may_start_a_poll_get_the_dialog(h: Harness) -> None:
    _, sent = await post(h, "!umfrage", sender=LOTSE)
    assert len(sent) == 1 and "Koordinator" in sent[0].body
    assert await open_dialogs(h) == 0


async def test_each_answer_counts_once_and_the_state_survives_a_restart(h: Harness, tmp_path: Path) -> None:
    root, _ = await post(h, "!umfrage")
    await post(h, "Welcher Termin?", thread=root, event_id="$answer-1")
    _, again = await post(h, "Welcher Termin?", thread=root, event_id="$answer-1")  # redelivered
    assert again == []
    second = await Harness(tmp_path).start()  # a new process over the same database
    try:
        second.team_room()
        before = len(second.messenger.sent)
        content = {
            "msgtype": "m.text",
            "body": "A, B",
            "m.relates_to": {"rel_type": "m.thread", "event_id": root},
        }
        ts = int(second.clock().timestamp() * 1000)
        await second.dispatcher.handle(
            Incoming("$answer-2", TEAM_ROOM, COORDINATOR, "m.room.message", content, ts, root)
        )
        assert "Frage 3" in second.messenger.sent[before].body
    finally:
        await second.close()


async def test_english_texts_have_the_same_placeholders() -> None:
    keys = [k for k in i18n._CATALOGUE if k.startswith(("dialog.", "polls.guided."))]
    assert keys
    for key in keys:
        texts = i18n._CATALOGUE[key]
        assert "en" in texts, key
        fields = [list(string.Formatter().parse(texts[lang])) for lang in ("de", "en")]
        names = [{f[1] for f in parsed if f[1]} for parsed in fields]
        assert names[0] == names[1], key


async def test_meetlearn_neu_dialog_creates_and_announces_the_session(h: Harness) -> None:
    from storage.meetlearn import MeetSession

    root, sent = await post(h, "!meetlearn neu morgen 14 Uhr")  # the date given, the topic missing
    assert "Frage 2 von 5" in sent[0].body and "Thema" in sent[0].body
    _, sent = await post(h, "E-Akte im Alltag", thread=root)
    _, sent = await post(h, "ok", thread=root)  # no speaker
    assert "60 Minuten" in sent[0].body  # the configured default is offered
    _, sent = await post(h, "1 Stunde 30 Minuten", thread=root)
    _, sent = await post(h, "kein Link", thread=root)
    assert sent[0].body.startswith("⚠️") and "Frage 5" in sent[0].body  # the one-liner's URL check
    _, sent = await post(h, "ok", thread=root)
    preview = sent[0].body
    assert "Dienstag, 24. November 2026, 14:00 Uhr" in preview and "90 Minuten" in preview
    _, sent = await post(h, "ok", thread=root)
    async with h.db.transaction() as session:
        (made,) = (await session.execute(select(MeetSession))).scalars().all()
    assert (made.topic, made.duration_min, made.speaker) == ("E-Akte im Alltag", 90, None)
    assert any("E-Akte im Alltag" in s.body and thread_of(s) is None for s in sent)  # announced in the room


async def test_retro_start_dialog_with_own_categories(h: Harness) -> None:
    from storage.retro import Retro

    root, sent = await post(h, "!retro start")
    assert "Frage 1 von 4" in sent[0].body
    await post(h, "Modul 3", thread=root)
    _, sent = await post(h, "eigene", thread=root)
    assert "Frage 3 von 5" in sent[0].body  # the categories step appears
    await post(h, "Lob, Kritik, Ideen", thread=root)
    _, sent = await post(h, "Wie zufrieden warst du, alles in allem?", thread=root)
    _, sent = await post(h, "ok", thread=root)
    assert "Lob; Kritik; Ideen" in sent[0].body and "ohne festes Ende" in sent[0].body
    await post(h, "ok", thread=root)
    async with h.db.transaction() as session:
        (made,) = (await session.execute(select(Retro))).scalars().all()
    assert (made.title, made.format, made.categories) == ("Modul 3", "custom", ["Lob", "Kritik", "Ideen"])
    assert made.questions == ["Wie zufrieden warst du, alles in allem?"]


async def test_guided_commands_refuse_in_a_dm_before_asking(h: Harness) -> None:
    dm = await h.messenger.direct_room(COORDINATOR)
    for line in ("!umfrage", "!meetlearn neu", "!retro start"):
        _, sent = await post(h, line, room=dm)
        assert len(sent) == 1 and "Frage 1" not in sent[0].body, line
    assert await open_dialogs(h) == 0


async def test_options_typed_with_the_command_are_kept_and_shown(h: Harness) -> None:
    root, _ = await post(h, "!umfrage --geheim")
    for answer in ("Welcher Tag?", "Montag, Dienstag", "ok", "nein"):
        await post(h, answer, thread=root)
    _, sent = await post(h, "ok", thread=root)
    assert "Außerdem: `--geheim`" in sent[0].body
    await post(h, "ok", thread=root)
    (poll,) = await polls(h)
    assert poll.secret and poll.question == "Welcher Tag?"


async def test_a_time_that_passed_while_the_preview_waited_is_refused_and_can_be_fixed(h: Harness) -> None:
    root, _ = await post(h, "!umfrage")
    for answer in ("Welcher Tag?", "Montag, Dienstag", "ok", "nein"):
        await post(h, answer, thread=root)
    _, sent = await post(h, "in 10 Minuten", thread=root)
    assert "Vorschau" in sent[0].body
    h.clock.advance(minutes=15)
    _, sent = await post(h, "ok", thread=root)
    assert (
        "„Ende“ liegt inzwischen in der Vergangenheit" in sent[0].body
        and "Nummer von 1 bis 5" in sent[0].body
    )
    assert await polls(h) == [] and await open_dialogs(h) == 1  # nothing made, the dialog still waits
    _, sent = await post(h, "5", thread=root)
    _, sent = await post(h, "morgen 12 Uhr", thread=root)
    _, sent = await post(h, "ok", thread=root)
    (poll,) = await polls(h)
    assert poll.closes_at is not None and poll.closes_at > h.clock()
