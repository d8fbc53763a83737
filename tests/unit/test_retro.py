"""Retros as people use them, on the fake messenger: interview, short forms, closing, anonymity, jobs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from bot.fanout import FanoutWorker
from storage.models import ScheduledJob
from storage.retro import Retro, RetroInterview
from tests.support.fake import Harness
from tests.support.receipt import receipt

ROOM = "!team:test"
OTHER = "!andere:test"
COORD = "@koordination:test"
LOTSEN = ["@lotse-a:test", "@lotse-b:test", "@lotse-c:test"]
STRANGER = "@fremd:test"
RETRO_TABLES = ("retros", "retro_items", "retro_ratings", "retro_interviews")


def dm(user: str) -> str:
    return f"!dm-{user.strip('@').split(':')[0]}:test"


async def make(tmp_path: Path, **features: dict[str, object]) -> Harness:
    h = await Harness(tmp_path, features=features or {}).start()
    h.room(ROOM, [COORD, *LOTSEN], power={COORD: 100})
    h.room(OTHER, [COORD, STRANGER], power={COORD: 100})
    for user in [*LOTSEN, STRANGER, COORD]:
        h.room(dm(user), [user])
    return h


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await make(tmp_path, retro={"invite_by_dm": True})
    yield harness
    await harness.close()


async def start_retro(h: Harness, extra: str = "") -> None:
    await h.say(ROOM, COORD, f'!retro start "Modul 3" --frage "Wie zufrieden waren Sie insgesamt?" {extra}')


async def interview(h: Harness, user: str, answers: list[str], opener: str = "!retro") -> list[str]:
    out = await h.say(dm(user), user, opener)
    for answer in answers:
        out += await h.say(dm(user), user, answer)
    return out


async def rows_of(h: Harness, table: str) -> list[tuple[object, ...]]:
    async with h.db.transaction() as session:
        return [tuple(r) for r in (await session.execute(text(f"SELECT * FROM {table}"))).all()]


async def test_start_announces_in_room_and_points_to_the_dm(h: Harness) -> None:
    await start_retro(h, "--bis Freitag 17 Uhr")
    announcement, status = h.messenger.bodies(ROOM)
    assert "Retro #1 „Modul 3“" in announcement and "Start · Stop · Weitermachen" in announcement
    assert "Direktnachricht" in announcement and "`!retro 1`" in announcement
    assert "1. Wie zufrieden waren Sie insgesamt?" in announcement
    assert "Freitag, 27. November 2026, 17:00 Uhr" in announcement
    async with h.db.transaction() as session:
        kinds = sorted((await session.scalars(select(ScheduledJob.kind))).all())
    assert kinds == ["retro.close", "retro.remind"]
    # everybody (coordinator and Lotsen) is invited by DM, the same text for all, through the fan-out queue
    assert status == "📨 Einladung zur Retro #1 per Direktnachricht: an 0 von 4 verschickt …"
    await FanoutWorker(h.db, h.messenger, h.clock).drain()
    invitations = {s.room_id: s.body for s in h.messenger.sent if s.room_id.startswith("!dm-")}
    assert sorted(invitations) == sorted(dm(u) for u in [COORD, *LOTSEN])
    [invitation] = set(invitations.values())
    assert invitation.startswith("🗣️ Die Retro #1 „Modul 3“ läuft bis Freitag, 27. November 2026, 17:00 Uhr.")
    assert "`!retro 1`" in invitation
    assert (
        h.messenger.bodies(ROOM)[-1]
        == "* ✅ Einladung zur Retro #1 per Direktnachricht: an 4 von 4 verschickt."
    )


async def test_invitations_still_queued_when_the_retro_closes_are_dropped(h: Harness) -> None:
    await start_retro(h)
    worker = FanoutWorker(h.db, h.messenger, h.clock)
    assert await worker.step()  # one invitation out, three waiting (the rate limit)
    await h.say(ROOM, COORD, "!retro ende 1")
    await worker.drain()
    assert len([s for s in h.messenger.sent if s.room_id.startswith("!dm-")]) == 1
    assert h.messenger.bodies(ROOM)[-1] == (
        "* ✅ Einladung zur Retro #1 per Direktnachricht: an 1 von 4 verschickt. "
        "3 nicht mehr verschickt, weil es dafür zu spät war (Frist vorbei oder beendet)."
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('!retro start "X" --format 4l', "Gefallen · Gelernt · Gefehlt · Gewünscht"),
        ('!retro start "X" --format msg', "Wütend · Traurig · Froh"),
        ('!retro start "X" --kategorien "Lob;Kritik;Ideen"', "Lob · Kritik · Ideen"),
    ],
)
async def test_formats(h: Harness, command: str, expected: str) -> None:
    announcement, _status = await h.say(ROOM, COORD, command)
    assert expected in announcement


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ('!retro start "X" --format custom', "braucht eigene Kategorien"),
        ('!retro start "X" --format sss --kategorien "A;B"', "feste Kategorien"),
        ('!retro start "X" --format abc', "Möglich: sss, 4l, msg, custom"),
        ('!retro start "X" --erinnern 1 Tag', "braucht es `--bis`"),
        ('!retro start "X" --bis morgen 12 Uhr --erinnern 3 Tage', "Erinnerung läge vor jetzt"),
        ('!retro start "X" --frage "A?" --frage "a"', "doppelt"),
    ],
)
async def test_bad_start_input_says_what_is_wrong(h: Harness, command: str, expected: str) -> None:
    [reply] = await h.say(ROOM, COORD, command)
    assert expected in reply
    assert await rows_of(h, "retros") == []


async def test_non_coordinator_cannot_start_or_close(h: Harness) -> None:
    [refused] = await h.say(ROOM, LOTSEN[0], '!retro start "Meins"')
    assert "nur Koordinator" in refused
    await start_retro(h)
    [refused] = await h.say(ROOM, LOTSEN[0], "!retro ende 1")
    assert "nur Koordinator" in refused
    # a coordinator of another room is no coordinator of this retro, even in a DM
    h.messenger.power[ROOM] = {}
    [refused] = await h.say(dm(COORD), COORD, "!retro ende 1")
    assert "nur die Koordination ihres Raums" in refused


async def test_guided_interview_short_forms_edit_close_and_summary(h: Harness) -> None:
    await start_retro(h)
    a, b, c = LOTSEN
    out = await interview(
        h, a, ["Mehr Austausch zwischen Ämtern\nFeste Termine", "Lange Folien", "weiter", "4"]
    )
    assert "1/4 · Start:" in out[0] and "2/4 · Stop:" in out[1] and "4/4 · Bewertung:" in out[3]
    assert "Danke" in out[4] and "3 Beiträge und 1 Bewertung" in out[4]
    await interview(h, b, ["Austausch zwischen den Ämtern", "weiter", "Das Meet and Learn", "fünf", "5"])
    assert "Zahl von 1 bis 5" in h.messenger.bodies(dm(b))[-2]
    # short forms for the third person
    [noted] = await h.say(dm(c), c, "!feedback 1 start Mehr Austausch zwischen Ämtern")
    assert "unter **Start**" in noted
    await h.say(dm(c), c, "!feedback 1 weiter Meet and Learn beibehalten")
    await h.say(dm(c), c, "!feedback 1 3 Den offenen Austausch")
    [rated] = await h.say(dm(c), c, "!bewertung 1 1 3")
    [changed] = await h.say(dm(c), c, "!bewertung 1 1 4")
    assert "gespeichert" in rated and "3 → **4**" in changed
    # one person edits an item
    [mine] = await h.say(dm(a), a, "!meinfeedback 1")
    assert "**2** · Feste Termine" in mine and "Lange Folien" in mine
    [edited] = await h.say(dm(a), a, "!meinfeedback 1 ändern 2 Feste monatliche Termine")
    assert "Feste monatliche Termine" in edited
    [status] = await h.say(ROOM, LOTSEN[1], "!retro status")
    assert "8 Beiträge und 3 Bewertungen von 3 Personen" in status
    assert "Austausch" not in status

    await h.say(ROOM, COORD, "!retro ende 1")
    summary = "\n".join(h.messenger.bodies(ROOM)[2:])
    assert "Retro #1 „Modul 3“ ist abgeschlossen" in summary
    assert "Mehr Austausch zwischen Ämtern (2×)" in summary
    assert "zu wenige Beiträge, um sie anonym zu zeigen" in summary  # Stop: one person
    assert "Feste monatliche Termine" in summary  # the edited text
    assert "Lange Folien" not in summary and "Meet and Learn" not in summary  # 1 and 2 people
    assert "Ø **4,3** aus 3 Antworten" in summary
    assert h.messenger.uploads[0][0] == "retro-1-bewertungen.png"
    assert h.messenger.sent[-1].content["msgtype"] == "m.image"
    # the room never saw a name
    for body in h.messenger.bodies(ROOM):
        assert not any(user in body or user[1:].split(":")[0] in body for user in LOTSEN)
    [late] = await h.say(dm(a), a, "!meinfeedback 1")
    assert "abgeschlossen" in late


async def test_anonymity_no_user_id_and_no_link_after_close(h: Harness) -> None:
    await start_retro(h)
    for user in LOTSEN:
        await interview(h, user, ["Eins", "Zwei", "weiter"])  # stops before the rating: interview open
    interviews = await rows_of(h, "retro_interviews")
    assert len(interviews) == 3
    for table in RETRO_TABLES:
        dump = repr(await rows_of(h, table))
        assert not any(user in dump or user[1:].split(":")[0] in dump for user in LOTSEN), table
    async with h.db.transaction() as session:
        payloads = (await session.scalars(select(ScheduledJob.payload))).all()
    assert "lotse" not in repr(payloads)
    await h.say(ROOM, COORD, "!retro ende 1")
    assert await rows_of(h, "retro_interviews") == []
    async with h.db.transaction() as session:
        retro = await session.scalar(select(Retro))
    assert retro is not None and retro.secret is None  # hashes can no longer be recomputed


async def test_feedback_in_the_room_is_refused_and_nothing_is_stored(h: Harness) -> None:
    await start_retro(h)
    [refused] = await h.say(ROOM, LOTSEN[0], "!feedback 1 stop Zu lange Sitzungen")
    assert "Direktchat" in refused
    [refused] = await h.say(ROOM, LOTSEN[0], "!bewertung 1 1 2")
    assert "Direktchat" in refused
    assert await rows_of(h, "retro_items") == [] and await rows_of(h, "retro_ratings") == []
    [hint] = await h.say(ROOM, LOTSEN[0], "!retro 1")
    assert "Direktchat" in hint


async def test_only_members_of_the_retro_room_take_part(h: Harness) -> None:
    await start_retro(h)
    [none] = await h.say(dm(STRANGER), STRANGER, "!retro")
    assert "keine Retro" in none
    [refused] = await h.say(dm(STRANGER), STRANGER, "!feedback 1 stop Hallo")
    assert "nur mitmachen, wer im Raum" in refused
    [refused] = await h.say(OTHER, COORD, "!retro status 1")
    assert "anderen Raum" in refused


async def test_short_form_errors_explain_the_right_way(h: Harness) -> None:
    await start_retro(h)
    a = LOTSEN[0]
    [reply] = await h.say(dm(a), a, "!feedback 1 Lob Toll")
    assert "Kategorie „Lob“ gibt es" in reply and "`Start`" in reply
    [reply] = await h.say(dm(a), a, "!bewertung 1 2 4")
    assert "Frage 2 gibt es nicht" in reply and "1 Bewertungsfrage" in reply
    [reply] = await h.say(dm(a), a, "!bewertung 1 1 7")
    assert "nicht im erlaubten Bereich" in reply
    [reply] = await h.say(dm(a), a, "!feedback 9 stop x")
    assert "Retro #9 gibt es nicht" in reply
    [reply] = await h.say(dm(a), a, "!meinfeedback 1 umbenennen 1")
    assert "ändern 2 Neuer Text" in reply
    [reply] = await h.say(dm(a), a, "!meinfeedback 1 löschen 5")
    assert "Beitrag 5 von dir gibt es" in reply


async def test_plain_dm_without_interview_is_left_to_other_features(h: Harness) -> None:
    await start_retro(h)
    a = LOTSEN[0]
    replies = await h.say(dm(a), a, "Hallo, wie geht's?")
    assert not any("Notiert" in r or "1/4" in r for r in replies)  # not taken as an answer
    out = await interview(h, a, ["fertig"])
    assert "Danke" in out[-1]
    replies = await h.say(dm(a), a, "Noch etwas")
    assert not any("Notiert" in r for r in replies)
    assert await rows_of(h, "retro_items") == [] and await rows_of(h, "retro_interviews") == []


async def test_restart_mid_interview_resumes(tmp_path: Path) -> None:
    h = await make(tmp_path)
    await start_retro(h)
    a = LOTSEN[0]
    await interview(h, a, ["Mehr Pausen"])
    await h.close()
    h = await make(tmp_path)  # same database: a restarted bot
    try:
        # event ids of the fake restart at $in1, which the first run already handled
        [reply] = await h.say(dm(a), a, "Kürzere Vorträge", event_id="$restart1")
        assert "Notiert" in reply and "3/4 · Weitermachen" in reply
        [resumed] = await h.say(dm(a), a, "!retro 1", event_id="$restart2")
        assert "du warst bei Schritt 3 von 4" in resumed
        [mine] = await h.say(dm(a), a, "!meinfeedback 1", event_id="$restart3")
        assert "Mehr Pausen" in mine and "Kürzere Vorträge" in mine
    finally:
        await h.close()


async def test_two_retros_in_two_rooms_and_switching_interviews(h: Harness) -> None:
    h.room(OTHER, [COORD, LOTSEN[0]], power={COORD: 100})
    await start_retro(h)
    await h.say(OTHER, COORD, '!retro start "Lernreise" --format msg')
    a = LOTSEN[0]
    [choose] = await h.say(dm(a), a, "!retro")
    assert "`!retro 1`" in choose and "`!retro 2`" in choose
    await h.say(dm(a), a, "!retro 1")
    await h.say(dm(a), a, "Eins")  # retro 1, Start
    [second] = await h.say(dm(a), a, "!retro 2")
    assert "Wütend" in second
    await h.say(dm(a), a, "Ärger")  # retro 2, Wütend
    [back] = await h.say(dm(a), a, "!retro 1")
    assert "Schritt 2 von 4" in back
    async with h.db.transaction() as session:
        active = (await session.scalars(select(RetroInterview).where(RetroInterview.active))).all()
    assert len(active) == 1


async def test_min_group_is_configurable(tmp_path: Path) -> None:
    h = await make(tmp_path, retro={"min_group": 1})
    try:
        await h.say(ROOM, COORD, '!retro start "Klein"')
        await h.say(dm(LOTSEN[0]), LOTSEN[0], "!feedback 1 stop Einzelmeinung")
        await h.say(ROOM, COORD, "!retro ende 1")
        assert "Einzelmeinung" in "\n".join(h.messenger.bodies(ROOM))
    finally:
        await h.close()


async def test_deadline_reminder_and_automatic_close(h: Harness) -> None:
    await start_retro(h, "--bis Freitag 17 Uhr --erinnern 2 Tage")
    for user in LOTSEN:
        await h.say(dm(user), user, "!feedback 1 start Mehr Austausch")
    async with h.db.transaction() as session:
        retro = await session.scalar(select(Retro))
    assert retro is not None and retro.remind_job_id and retro.close_job_id
    h.clock.current = retro.remind_at or h.clock.current
    await h.scheduler.fire(retro.remind_job_id)
    assert "noch 2 Tage, bisher 3 Beiträge von 3 Personen" in h.messenger.bodies(ROOM)[-1]
    h.clock.current = (retro.closes_at or h.clock.current) + timedelta(seconds=1)
    await h.scheduler.fire(retro.close_job_id)
    assert "Mehr Austausch (3×)" in "\n".join(h.messenger.bodies(ROOM))
    async with h.db.transaction() as session:
        statuses = sorted((await session.scalars(select(ScheduledJob.status))).all())
    assert statuses == ["done", "done"]


async def test_trend_across_retros_with_the_same_question(h: Harness) -> None:
    for number, values in ((1, [4, 4, 4, 5]), (2, [5, 4, 5, 5])):
        question = (
            "Wie zufrieden waren Sie insgesamt?" if number == 1 else "wie zufrieden waren sie insgesamt"
        )
        await h.say(ROOM, COORD, f'!retro start "Runde {number}" --frage "{question}"')
        for user, value in zip([*LOTSEN, COORD], values, strict=True):
            await h.say(dm(user), user, f"!bewertung {number} 1 {value}")
        await h.say(ROOM, COORD, f"!retro ende {number}")
    summary = h.messenger.bodies(ROOM)
    assert "Trend: 4,3 → 4,8" in "\n".join(summary[-3:])


async def test_export_uploads_markdown_and_csv_only_after_close(h: Harness) -> None:
    await start_retro(h)
    [refused] = await h.say(ROOM, COORD, "!retro export 1")
    assert "läuft noch" in refused
    for user in LOTSEN:
        await h.say(dm(user), user, "!feedback 1 weitermachen Austausch")
        await h.say(dm(user), user, "!bewertung 1 1 4")
    await h.say(ROOM, COORD, "!retro ende 1")
    await h.say(ROOM, COORD, '!maßnahme 1 "Austauschformat planen" @koordination --bis 15.12.')
    await h.say(ROOM, LOTSEN[0], "!retro export 1")
    files = {name: data for name, _mime, data in h.messenger.uploads}
    report = files["retro-1.md"].decode()
    assert report.startswith("# Retro #1: Modul 3")
    assert "## Weitermachen\n\n- Austausch (3×)" in report
    assert "Ø **4,0** aus 3 Antworten" in report
    assert "- [ ] #1 Austauschformat planen (verantwortlich: @koordination:test" in report
    table = files["retro-1.csv"].decode("utf-8-sig")
    assert "beitrag;Weitermachen;Austausch;3" in table and "durchschnitt;1. Wie zufrieden" in table
    assert not any(user in report or user in table for user in LOTSEN)


async def test_actions_listed_reminded_and_done(h: Harness) -> None:
    await start_retro(h)
    [created] = await h.say(ROOM, COORD, '!maßnahme 1 "Wissenssammlung anlegen" @lotse-a --bis 15.12.')
    assert "#1" in created and "Dienstag, 15. Dezember 2026, 09:00 Uhr" in created
    assert h.messenger.sent[-1].content["m.mentions"] == {"user_ids": [LOTSEN[0]]}
    [unknown] = await h.say(ROOM, COORD, '!maßnahme 1 "X" @niemand')
    assert "finde ich im Raum" in unknown
    [listed] = await h.say(ROOM, LOTSEN[1], "!massnahmen")
    assert "Wissenssammlung anlegen" in listed
    [mine] = await h.say(dm(LOTSEN[0]), LOTSEN[0], "!maßnahmen")
    assert "Wissenssammlung anlegen" in mine
    async with h.db.transaction() as session:
        job = await session.scalar(select(ScheduledJob).where(ScheduledJob.kind == "retro.action_due"))
    assert job is not None
    h.clock.current = job.due_at
    await h.scheduler.fire(job.id)
    assert "Fällige Maßnahme" in h.messenger.bodies(dm(LOTSEN[0]))[-1]
    [refused] = await h.say(ROOM, LOTSEN[1], "!maßnahme erledigt 1")
    assert "nur die verantwortliche Person" in refused
    [done] = await h.say(ROOM, LOTSEN[0], "!action done 1")
    assert "erledigt" in done
    [empty] = await h.say(ROOM, COORD, "!maßnahmen")
    assert "Keine offenen" in empty


async def test_help_says_what_is_stored(h: Harness) -> None:
    [help_text] = await h.say(ROOM, LOTSEN[0], "!hilfe feedback")
    assert "Nicht gespeichert: deine Matrix-ID" in help_text
    [privacy] = await h.say(ROOM, LOTSEN[0], "!retro datenschutz")
    assert "nur für diese eine Retro" in privacy and "(hier: 3)" in privacy


async def test_retros_lists_past_retros(h: Harness) -> None:
    await start_retro(h)
    await h.say(ROOM, COORD, "!retro ende 1")
    await h.say(ROOM, COORD, '!retro start "Zweite"')
    [listing] = await h.say(ROOM, LOTSEN[0], "!retros")
    assert listing.index("#2 „Zweite“") < listing.index("#1 „Modul 3“")
    assert "abgeschlossen am" in listing and "läuft" in listing


async def test_points_vote_after_closing_uses_the_polls_feature(h: Harness) -> None:
    await start_retro(h)
    [refused] = await h.say(ROOM, COORD, "!retro abstimmen 1")
    assert "läuft noch" in refused
    for user in LOTSEN:
        await h.say(dm(user), user, "!feedback 1 start Mehr Austausch zwischen Ämtern")
        await h.say(dm(user), user, "!feedback 1 weitermachen Meet and Learn")
    await h.say(dm(LOTSEN[0]), LOTSEN[0], "!feedback 1 stop Geheimes Einzelthema")
    await h.say(ROOM, COORD, "!retro ende 1")
    [refused] = await h.say(ROOM, LOTSEN[0], "!retro abstimmen 1")
    assert "nur Koordinator" in refused
    [poll] = await h.say(ROOM, COORD, "!retro abstimmen 1 --punkte 5")
    assert "Welche Themen sind euch am wichtigsten" in poll
    assert "Start: Mehr Austausch zwischen Ämtern" in poll and "Weitermachen: Meet and Learn" in poll
    assert "Geheimes Einzelthema" not in poll  # hidden in the summary, hidden in the vote
    [again] = await h.say(ROOM, COORD, "!retro abstimmen 1")
    assert "läuft schon eine Abstimmung" in again
    voted = await h.say(ROOM, LOTSEN[1], "!punkte 1 1=3 2=2")
    assert not any("⚠️" in v for v in voted)
    assert f"{LOTSEN[1]}: 1. " in await receipt(h)  # confirmed like any points vote (the room's receipt)
    async with h.db.transaction() as session:
        retro = await session.scalar(select(Retro))
    assert retro is not None and retro.vote_poll_id is not None


async def test_one_pair_of_quotes_around_free_text_is_not_stored(h: Harness) -> None:
    """`!feedback 1 Start "Text"` used to store the quotes: the CSV then showed `\"\"\"Text\"\"\"`."""
    await start_retro(h, "--format sss")
    a, b, c = LOTSEN
    await h.say(dm(a), a, '!feedback 1 Start "Mehr Austausch"')
    await h.say(dm(b), b, "!feedback 1 Start „Mehr Austausch“")
    await interview(h, c, ['"Mehr Austausch"', "fertig"])
    for user in LOTSEN:  # not one quoted text: kept as typed
        await h.say(dm(user), user, '!feedback 1 stop "Lange" und "viele" Sitzungen')
    await h.say(dm(a), a, "!feedback 1 weitermachen Pausen")
    [changed] = await h.say(dm(a), a, '!meinfeedback 1 ändern 3 "Kurze Pausen"')
    assert "Kurze Pausen" in changed and '"' not in changed
    await h.say(dm(b), b, "!feedback 1 weitermachen Kurze Pausen")
    await h.say(dm(c), c, "!feedback 1 weitermachen 'Kurze Pausen'")
    await h.say(ROOM, COORD, "!retro ende 1")
    await h.say(ROOM, LOTSEN[0], "!retro export 1")
    table = {name: data for name, _m, data in h.messenger.uploads}["retro-1.csv"].decode("utf-8-sig")
    assert "beitrag;Start;Mehr Austausch;3" in table
    assert "beitrag;Weitermachen;Kurze Pausen;3" in table
    assert 'beitrag;Stop;"""Lange"" und ""viele"" Sitzungen";3' in table  # CSV quoting of the text as typed


async def test_feedback_in_the_room_says_whether_it_was_removed(h: Harness) -> None:
    """ "Ich habe deine Nachricht entfernt, wenn ich durfte" hid whether it was removed."""
    await start_retro(h)
    [removed] = await h.say(ROOM, LOTSEN[0], "!feedback 1 stop Zu lange Sitzungen", event_id="$fb1")
    assert h.messenger.redacted == ["$fb1"] and "habe ich entfernt" in removed
    h.messenger.refuse_redactions = True
    [kept] = await h.say(ROOM, LOTSEN[1], "!feedback 1 stop Zu lange Sitzungen", event_id="$fb2")
    assert "nicht entfernen" in kept and "bitte lösche sie selbst" in kept and "entfernt" not in kept
    [plain] = await h.say(ROOM, LOTSEN[1], "!meinfeedback 1")  # nothing to hide: no word about removing
    assert "Direktchat" in plain and "entfern" not in plain
