"""The FAQ as a Lotse and a coordinator use it in the chat (no homeserver: Harness + a copy of the KB)."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.framework import registry
from commands.faq import addressing, feedback, runtime
from commands.faq import settings as faq_settings
from commands.faq.kb import load_kb
from storage.faq import FaqFeedback, FaqQuestion, FaqUnanswered
from tests.support.fake import BOT, Harness

REPO = Path(__file__).resolve().parents[2]
TEAM = "!team:test"
KOORD = "!koordination:test"
ANNA = "@anna:test"
BEN = "@ben:test"
CHEFIN = "@koordination:test"

NO_ANSWER = "Wann hat das Hallenbad am Sonntag geöffnet?"
UNSURE = "Ideen vorstellen"  # between 'lotse-rolle', 'idee-einreichen' and 'thema-vorschlagen'


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(REPO / "kb", target)
    return target


async def _harness(tmp_path: Path, kb: Path, **faq: Any) -> Harness:
    h = await Harness(tmp_path, features={"faq": {"kb_dir": str(kb), **faq}}).start()
    h.room(TEAM, [ANNA, BEN, CHEFIN], power={CHEFIN: 50})
    h.room(KOORD, [CHEFIN, "@stellvertretung:test", "@dritte:test"], power={CHEFIN: 50})
    return h


@pytest.fixture
async def h(tmp_path: Path, kb_copy: Path) -> AsyncIterator[Harness]:
    harness = await _harness(tmp_path, kb_copy, escalation_room=KOORD)
    yield harness
    await harness.close()


async def count(h: Harness, model: Any, *where: Any) -> int:
    async with h.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def sent_to(h: Harness, room: str) -> list[str]:
    return h.messenger.bodies(room)


def assert_entry(reply: str, entry_id: str) -> None:
    """The reply answers with this entry (its question is the heading); Lotsen see no entry id."""
    entry = SAMPLE_KB.get(entry_id)
    assert entry is not None
    assert reply.startswith(f"### {' '.join(entry.question.split())}\n\n"), reply[:120]
    assert "(Eintrag: " not in reply


SAMPLE_KB = load_kb(REPO / "kb")


# ------------------------------------------------------------------------------------------ answers


async def test_answer_quotes_question_answer_links_id_and_asks_for_feedback(h: Harness) -> None:
    [reply] = await h.say(TEAM, ANNA, "!faq was genau ist das OZG")
    assert reply.startswith("### Was ist das Onlinezugangsgesetz (OZG)?\n\n")
    assert "verpflichtet Bund, Länder und Kommunen" in reply
    assert "🔗 [Informationsseite zum Onlinezugangsgesetz](https://www.onlinezugangsgesetz.de)" in reply
    assert_entry(reply, "ozg")
    assert "👍 oder 👎" in reply
    sent = h.messenger.sent[-1]
    assert sent.content["msgtype"] == "m.notice"
    assert sent.content["m.relates_to"]["m.in_reply_to"]["event_id"].startswith("$in")
    assert "<h3>Was ist das Onlinezugangsgesetz (OZG)?</h3>" in sent.content["formatted_body"]


async def test_answers_keep_paragraphs_not_line_breaks_and_show_the_id_to_coordinators(h: Harness) -> None:
    source = SAMPLE_KB.get("jitsi")
    assert source is not None and "Adresse\nsteht" in source.answer  # wrapped in the file
    [reply] = await h.say(TEAM, ANNA, "!faq wie starte ich eine videokonferenz im jitsi raum")
    assert_entry(reply, "jitsi")
    html = h.messenger.sent[-1].content["formatted_body"]
    assert "die Adresse steht im Intranet" in reply  # one paragraph, not a <br /> every 85 characters
    assert "<br />" not in html
    assert "<li>Adresse im Browser öffnen" in html  # the author's list stays a list
    [coordinator_view] = await h.say(TEAM, CHEFIN, "!faq wie starte ich eine videokonferenz im jitsi raum")
    assert "(Eintrag: jitsi)" in coordinator_view


async def test_close_second_matches_are_offered_and_can_be_picked(h: Harness) -> None:
    [reply] = await h.say(TEAM, ANNA, "!frage e-akte")
    assert reply.startswith("### Was ist die E-Akte")
    assert (
        "Meintest du auch: „Wie bekomme ich Zugang zu enaio und gibt es eine Schulung?“ (`!faq 2`)" in reply
    )
    [picked] = await h.say(TEAM, ANNA, "!faq 2")
    assert picked.startswith("### Wie bekomme ich Zugang zu enaio")
    assert_entry(picked, "enaio-zugang")


async def test_unsure_offers_up_to_three_questions_and_faq_n_picks_one(h: Harness) -> None:
    [reply] = await h.say(TEAM, ANNA, f"!faq {UNSURE}")
    assert reply.startswith("🤔 Ich bin nicht sicher")
    lines = [line for line in reply.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert 2 <= len(lines) <= 3
    assert any(
        line.endswith(". Wie bringe ich eine Digitalisierungsidee aus meinem Amt ein?") for line in lines
    )
    assert "`!faq 2`" in reply
    second = lines[1].split(". ", 1)[1]
    [picked] = await h.say(TEAM, ANNA, "!faq 2")
    assert picked.startswith(f"### {second}")
    assert "(Eintrag: " not in picked  # the entry id is for coordinators only
    # choices belong to the person and the room
    assert await h.say(TEAM, BEN, "!faq 2") == [
        "Ich habe dir hier gerade keine Auswahl angeboten. Stell deine Frage einfach mit `!faq <Frage>`."
    ]
    assert await h.say(TEAM, ANNA, "!faq 7") == [f"Bitte wähle eine Nummer von 1 bis {len(lines)}."]
    async with h.db.transaction() as session:
        row = await session.scalar(select(FaqQuestion).where(FaqQuestion.question == UNSURE))
        assert row is not None and row.outcome == "picked" and row.entry_id is not None


async def test_choices_expire_and_a_new_answer_replaces_them(h: Harness) -> None:
    await h.say(TEAM, ANNA, f"!faq {UNSURE}")
    await h.say(TEAM, ANNA, "!faq Wie bekomme ich Zugang zu Stackfield?")  # clear answer, no seconds
    [reply] = await h.say(TEAM, ANNA, "!faq 2")
    assert "keine Auswahl" in reply
    await h.say(TEAM, ANNA, f"!faq {UNSURE}")
    h.clock.advance(days=2)
    [reply] = await h.say(TEAM, ANNA, "!faq 1")
    assert "keine Auswahl" in reply


async def test_faq_without_question_explains_itself(h: Harness) -> None:
    [reply] = await h.say(TEAM, ANNA, "!faq")
    assert f"Ich kenne {len(load_kb(REPO / 'kb').entries)} Einträge" in reply and "`?`" in reply


# ----------------------------------------------------------------------------------- other forms


async def test_question_mark_form(h: Harness) -> None:
    [reply] = await h.say(TEAM, ANNA, "?Wie bekomme ich Zugang zu Stackfield")
    assert_entry(reply, "stackfield")
    assert await h.say(TEAM, ANNA, "?") == []
    assert await h.say(TEAM, ANNA, "??!") == []


async def test_ordinary_room_messages_are_not_questions(h: Harness) -> None:
    assert await h.say(TEAM, ANNA, "Wie bekomme ich Zugang zu Stackfield?") == []
    assert await h.say(TEAM, ANNA, "Der lotsenbot ist super") == []


async def test_dm_questions_small_talk_and_statements(h: Harness) -> None:
    dm = h.room("!dm-anna:test", [ANNA])
    [reply] = await h.say(dm, ANNA, "wo finde ich die aufzeichnungen vom meet and learn")
    assert_entry(reply, "meet-and-learn-aufzeichnungen")
    assert await h.say(dm, ANNA, "Danke!") == ["Gern geschehen! 🙂"]
    assert await h.say(dm, ANNA, "ok") == []
    assert await h.say(dm, ANNA, "👍") == []
    assert "Frag mich einfach" in (await h.say(dm, ANNA, "Hallo"))[0]
    # a statement without an answer is not escalated as a question
    [reply] = await h.say(dm, ANNA, "Ich bin morgen leider nicht im Büro, weil ich zum Zahnarzt gehe.")
    assert reply.startswith("Ist das eine Frage an mich?") and "Nr." not in reply
    assert await count(h, FaqUnanswered) == 0


async def test_dm_number_picks_from_offered_choices(h: Harness) -> None:
    dm = h.room("!dm-anna:test", [ANNA])
    [reply] = await h.say(dm, ANNA, UNSURE)
    assert reply.startswith("🤔")
    [picked] = await h.say(dm, ANNA, "1")
    assert picked.startswith("### ")


async def test_mention_by_pill_and_by_name(h: Harness) -> None:
    before = len(h.messenger.sent)
    await h.event(
        TEAM,
        ANNA,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": "lotsenbot: wie komme ich an stackfield",
            "m.mentions": {"user_ids": [BOT]},
        },
    )
    [reply] = h.messenger.bodies()[before:]
    assert_entry(reply, "stackfield")
    [reply] = await h.say(TEAM, ANNA, f"{BOT} was ist das OZG?")
    assert_entry(reply, "ozg")
    [reply] = await h.say(TEAM, ANNA, "Weiß der @lotsenbot, was das OZG ist?")
    assert_entry(reply, "ozg")


async def test_reply_to_the_bot_is_not_a_new_question(h: Harness) -> None:
    await h.say(TEAM, ANNA, "!faq Was ist das OZG?")
    answer = h.messenger.sent[-1].event_id
    before = len(h.messenger.sent)
    await h.event(
        TEAM,
        ANNA,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": "> <@lotsenbot:test> ### Was ist das OZG?\n\nSuper, danke",
            "m.mentions": {"user_ids": [BOT]},
            "m.relates_to": {"m.in_reply_to": {"event_id": answer}},
        },
    )
    assert h.messenger.sent[before:] == []


async def test_an_earlier_message_hook_wins(h: Harness) -> None:
    from commands import help as help_feature

    priorities = {hook: priority for priority, hook in registry.message_hooks}
    others = {
        hook: p
        for hook, p in priorities.items()
        if hook not in (addressing.on_message, help_feature.on_unanswered_dm)
    }
    assert all(p < priorities[addressing.on_message] for p in others.values())
    # only the answer to a DM nobody took comes after the FAQ
    assert priorities[help_feature.on_unanswered_dm] > priorities[addressing.on_message]


# ------------------------------------------------------------------------------- no answer, escalation


async def test_no_answer_is_honest_logged_and_escalated(h: Harness) -> None:
    replies = await h.say(TEAM, ANNA, f"!faq {NO_ANSWER}")
    assert replies[-1] == (
        "Dazu habe ich keine Antwort. Ich habe deine Frage an die Koordination weitergegeben (Nr. 1); "
        "die Antwort bekommst du hier."
    )
    assert "###" not in replies[-1] and "Eintrag" not in replies[-1]
    [forwarded] = sent_to(h, KOORD)
    assert forwarded.startswith(
        "❓ **Offene Frage Nr. 1** von @anna:test in [diesem Raum](https://matrix.to/#/"
    )
    assert "Wann hat das Hallenbad am Sonntag geöffnet?" in forwarded
    assert "`!faq antworten 1 <Text>`" in forwarded
    # the same question again is not forwarded again
    again = await h.say(TEAM, ANNA, f"?{NO_ANSWER}")
    assert "(Nr. 1)" in again[-1]
    assert len(sent_to(h, KOORD)) == 1
    assert await count(h, FaqUnanswered) == 1


async def test_user_text_is_escaped_when_forwarded(h: Harness) -> None:
    await h.say(TEAM, ANNA, "!faq Wann hat das **Hallenbad** [klick](https://evil.example) <b>offen</b>?")
    [forwarded] = sent_to(h, KOORD)
    html = h.messenger.sent[-2].content["formatted_body"]
    assert "**Hallenbad**" in forwarded  # the plain body shows what was typed; the HTML must not render it
    assert "<strong>Hallenbad</strong>" not in html and '<a href="https://evil' not in html
    assert "<b>" not in html


async def test_without_escalation_room_the_question_is_only_listed(tmp_path: Path, kb_copy: Path) -> None:
    h = await _harness(tmp_path, kb_copy)
    try:
        replies = await h.say(TEAM, ANNA, f"!faq {NO_ANSWER}")
        assert replies == [
            "Dazu habe ich keine Antwort. Ich habe sie für die Koordination notiert (Nr. 1); "
            "die Antwort bekommst du hier."
        ]
        [listing] = await h.say(TEAM, CHEFIN, "!faq offen")
        assert "**Nr. 1**" in listing and "Hallenbad" in listing
    finally:
        await h.close()


async def test_escalation_room_alias_is_resolved(tmp_path: Path, kb_copy: Path) -> None:
    h = await _harness(tmp_path, kb_copy, escalation_room="#koordination:test")
    asked: list[str] = []

    async def resolve_alias(alias: str) -> str | None:
        asked.append(alias)
        return KOORD

    h.messenger.resolve_alias = resolve_alias  # type: ignore[attr-defined]
    try:
        await h.say(TEAM, ANNA, f"!faq {NO_ANSWER}")
        assert asked == ["#koordination:test"]
        assert len(sent_to(h, KOORD)) == 1
    finally:
        runtime._aliases.clear()
        await h.close()


# --------------------------------------------------------------------------------- coordinators


async def test_coordinator_commands_are_refused_for_lotsen(h: Harness) -> None:
    for text in (
        "!faq offen",
        "!faq antworten 1 Text",
        "!faq speichern 1",
        '!faq neu "F?" A',
        "!faq statistik",
    ):
        [reply] = await h.say(TEAM, ANNA, text)
        assert "nur Koordinator" in reply, text


async def test_answer_goes_back_to_the_asker_and_can_be_saved_and_found(h: Harness, kb_copy: Path) -> None:
    question_event = "$frage-hallenbad"
    await h.say(TEAM, ANNA, f"!faq {NO_ANSWER}", event_id=question_event)
    [listing] = await h.say(KOORD, CHEFIN, "!faq offen")
    assert "**Nr. 1**" in listing and "@anna:test" in listing

    await h.say(
        KOORD,
        CHEFIN,
        "!faq antworten 1 Das Hallenbad hat sonntags von 8 bis 18 Uhr geöffnet, siehe **Bäderseite**.",
    )
    confirm = sent_to(h, KOORD)[-1]
    assert "Antwort an @anna:test geschickt" in confirm and "`!faq speichern 1`" in confirm
    to_anna = [s for s in h.messenger.sent if s.room_id == TEAM and "Antwort der Koordination" in s.body]
    assert len(to_anna) == 1
    content = to_anna[0].content
    assert content["m.relates_to"]["m.in_reply_to"]["event_id"] == question_event
    assert content["m.mentions"] == {"user_ids": [ANNA]}
    assert "sonntags von 8 bis 18 Uhr geöffnet, siehe **Bäderseite**." in content["body"]
    assert "<strong>Bäderseite</strong>" in content["formatted_body"]

    [listing] = await h.say(KOORD, CHEFIN, "!faq offen")
    assert "Keine offenen Fragen" in listing and "Nr. 1" in listing  # answered, not yet saved

    [saved] = await h.say(KOORD, CHEFIN, '!faq speichern 1 --frage "Wann ist das Hallenbad geöffnet?"')
    assert saved.startswith("📚 Gespeichert als Eintrag `hallenbad-geoeffnet`")
    kb = load_kb(kb_copy)
    entry = kb.get("hallenbad-geoeffnet")
    assert entry is not None and not kb.problems
    assert entry.question == "Wann ist das Hallenbad geöffnet?"
    assert entry.alternatives == (NO_ANSWER,)
    assert entry.answer == "Das Hallenbad hat sonntags von 8 bis 18 Uhr geöffnet, siehe **Bäderseite**."

    [found] = await h.say(TEAM, BEN, "?Öffnungszeiten Hallenbad")
    assert found.startswith("### Wann ist das Hallenbad geöffnet?")
    [twice] = await h.say(KOORD, CHEFIN, "!faq speichern 1")
    assert "schon als Eintrag `hallenbad-geoeffnet` gespeichert" in twice


async def test_answer_privately_and_refusals(h: Harness) -> None:
    await h.say(TEAM, ANNA, f"!faq {NO_ANSWER}")
    [early] = await h.say(KOORD, CHEFIN, "!faq speichern 1")
    assert "noch nicht beantwortet" in early
    [unknown] = await h.say(KOORD, CHEFIN, "!faq antworten 9 Text")
    assert "Nr. 9 gibt es nicht" in unknown
    await h.say(KOORD, CHEFIN, "!faq antworten 1 --privat Beim Hauptamt.")
    assert "Antwort der Koordination" in sent_to(h, "!dm-anna:test")[0]
    [dismissed] = await h.say(KOORD, CHEFIN, "!faq verwerfen 1")
    assert "verworfen" in dismissed
    [refused] = await h.say(KOORD, CHEFIN, "!faq antworten 1 Doch noch")
    assert "verworfen" in refused


async def test_new_entry_is_found_immediately(h: Harness, kb_copy: Path) -> None:
    assert "Dazu habe ich keine Antwort" in (await h.say(TEAM, ANNA, "!faq Wo liegen die Briefvorlagen?"))[-1]
    [saved] = await h.say(
        KOORD,
        CHEFIN,
        '!faq neu "Wo finde ich die Briefvorlagen der Stadt?" Im Intranet unter **Vorlagen**.\n'
        "Die Vorlagen pflegt die Koordination. --tag Vorlagen",
    )
    assert "Gespeichert als Eintrag `finde-briefvorlagen-stadt`" in saved
    assert (kb_copy / "finde-briefvorlagen-stadt.md").exists()
    [found] = await h.say(TEAM, ANNA, "!faq Wo liegen die Briefvorlagen?")
    assert found.startswith("### Wo finde ich die Briefvorlagen der Stadt?")
    # soft line breaks of the saved answer are joined into one paragraph
    assert "Im Intranet unter **Vorlagen**. Die Vorlagen pflegt die Koordination." in found
    [taken] = await h.say(KOORD, CHEFIN, '!faq neu --id ozg "Noch eine OZG-Frage?" Antwort')
    assert "`ozg` ist schon vergeben" in taken
    [bad] = await h.say(KOORD, CHEFIN, '!faq neu --id "Böse Id!" "Frage?" Antwort')
    assert "kann ich so nicht speichern" in bad


async def test_the_shipped_sample_kb_is_never_written(tmp_path: Path) -> None:
    h = await Harness(tmp_path).start()  # no [features.faq]: the repository's kb/ is used, read-only
    h.room(TEAM, [ANNA, BEN, CHEFIN], power={CHEFIN: 50})
    before = sorted(p.name for p in (REPO / "kb").iterdir())
    try:
        [refused] = await h.say(TEAM, CHEFIN, '!faq neu "Wo ist die Kantine?" Im Erdgeschoss.')
        assert "Beispiel-Wissensdatenbank" in refused and "kb_dir" in refused
        [refused] = await h.say(TEAM, CHEFIN, "!faq bearbeiten ozg Neue Antwort")
        assert "Beispiel-Wissensdatenbank" in refused
        [shown] = await h.say(TEAM, CHEFIN, "!faq bearbeiten ozg")
        assert "id: ozg" in shown
    finally:
        await h.close()
    assert sorted(p.name for p in (REPO / "kb").iterdir()) == before


async def test_edit_shows_and_changes_an_entry(h: Harness, kb_copy: Path) -> None:
    [shown] = await h.say(KOORD, CHEFIN, "!faq bearbeiten stackfield")
    assert "```markdown\n---\nid: stackfield" in shown
    [unknown] = await h.say(KOORD, CHEFIN, "!faq bearbeiten stackfeld")
    assert "Meintest du `stackfield`?" in unknown

    original = (kb_copy / "stackfield.md").read_text(encoding="utf-8")
    [edited] = await h.say(
        KOORD, CHEFIN, "!faq bearbeiten stackfield Zugang gibt es bei der **Koordination**."
    )
    assert "Eintrag `stackfield` geändert" in edited
    text = (kb_copy / "stackfield.md").read_text(encoding="utf-8")
    assert text.split("---")[1] == original.split("---")[1]  # front matter untouched
    assert text.endswith("---\nZugang gibt es bei der **Koordination**.\n")
    [answer] = await h.say(TEAM, ANNA, "!faq Wie bekomme ich Zugang zu Stackfield?")
    assert "Zugang gibt es bei der **Koordination**." in answer

    await h.say(KOORD, CHEFIN, '!faq bearbeiten stackfield --frage "Wie komme ich in Stackfield hinein?"')
    entry = load_kb(kb_copy).get("stackfield")
    assert entry is not None and entry.question == "Wie komme ich in Stackfield hinein?"
    assert "Wie bekomme ich Zugang zu Stackfield?" in entry.alternatives
    assert entry.answer == "Zugang gibt es bei der **Koordination**."


# ------------------------------------------------------------------------------ feedback and stats


async def reaction(h: Harness, target: str, key: str, sender: str = ANNA) -> str:
    content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}}
    return await h.event(TEAM, sender, "m.reaction", content)


async def test_reactions_on_answers_are_feedback(h: Harness) -> None:
    await h.say(TEAM, ANNA, "!faq Was ist das OZG?")
    answer = h.messenger.sent[-1].event_id
    up = await reaction(h, answer, "👍️")
    await reaction(h, answer, "👎🏽", sender=BEN)
    await reaction(h, answer, "🎉")  # not feedback
    await reaction(h, "$somebody-else", "👍")  # not one of our answers
    assert await count(h, FaqFeedback) == 2
    assert await count(h, FaqFeedback, FaqFeedback.value == 1, FaqFeedback.entry_id == "ozg") == 1
    await h.event(TEAM, ANNA, "m.room.redaction", {"redacts": up})
    assert await count(h, FaqFeedback) == 1


async def test_reaction_hook_leaves_other_reactions_to_other_features(h: Harness) -> None:
    from bot.dispatch import Incoming

    async with h.db.transaction() as session:
        ctx = h.dispatcher.context(
            session, sender=ANNA, room_id=TEAM, event_id="$r", thread_root=None, txn_prefix="t"
        )
        foreign = Incoming(
            "$r",
            TEAM,
            ANNA,
            "m.reaction",
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$x", "key": "👍"}},
            0,
        )
        assert await feedback.on_reaction(ctx, foreign) is False
        redaction = Incoming("$d", TEAM, ANNA, "m.room.redaction", {"redacts": "$x"}, 0)
        assert await feedback.on_redaction(ctx, redaction) is False


async def test_statistics(h: Harness) -> None:
    for _ in range(2):
        await h.say(TEAM, ANNA, "!faq Was ist das OZG?")
    ozg_answer = h.messenger.sent[-1].event_id
    await h.say(TEAM, BEN, "!faq Wie bekomme ich Zugang zu Stackfield?")
    await h.say(TEAM, BEN, f"!faq {UNSURE}")
    await h.say(TEAM, BEN, f"!faq {NO_ANSWER}")
    await reaction(h, ozg_answer, "👍")
    await reaction(h, ozg_answer, "👎", sender=BEN)

    [stats] = await h.say(KOORD, CHEFIN, "!faq statistik")
    assert stats.startswith("📊 **FAQ-Statistik** (gesamt)")
    assert "Fragen: 5 · beantwortet: 3 · unsicher: 1 · ohne Antwort: 1 (**20 %** unbeantwortet)" in stats
    assert "1. Was ist das Onlinezugangsgesetz (OZG)? (`ozg`) – 2×" in stats
    assert "2. Wie bekomme ich Zugang zu Stackfield? (`stackfield`) – 1×" in stats
    assert "Feedback: 👍 1 · 👎 1" in stats
    assert "Am meisten 👎: `ozg` (1×)" in stats
    assert "Offen für die Koordination: 1" in stats
    assert f"Wissensdatenbank: {len(load_kb(REPO / 'kb').entries)} Einträge" in stats

    h.clock.advance(days=10)
    [recent] = await h.say(KOORD, CHEFIN, "!faq statistik --tage 7")
    assert "(letzte 7 Tage)" in recent and "Noch keine Fragen." in recent


async def test_question_log_has_no_user_ids(h: Harness) -> None:
    await h.say(TEAM, ANNA, "!faq Was ist das OZG?")
    async with h.db.transaction() as session:
        row = await session.scalar(select(FaqQuestion))
    assert row is not None
    assert ANNA not in repr({c.name: getattr(row, c.name) for c in FaqQuestion.__table__.columns})


# ------------------------------------------------------------------------------------- KB changes


def touch_later(path: Path) -> None:
    """Make sure a rewrite within the same clock tick still changes the mtime the bot compares."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


async def test_kb_file_changes_are_picked_up(h: Harness, kb_copy: Path) -> None:
    [before] = await h.say(TEAM, ANNA, "!faq Wie bekomme ich Zugang zu Stackfield?")
    assert_entry(before, "stackfield")
    path = kb_copy / "stackfield.md"
    text = path.read_text(encoding="utf-8")
    front = text.split("---\n")[1]
    path.write_text(
        f"---\n{front}---\nNeue Antwort: Stackfield-Zugang gibt es im Lotsenraum.\n", encoding="utf-8"
    )
    touch_later(path)
    [after] = await h.say(TEAM, ANNA, "!faq Wie bekomme ich Zugang zu Stackfield?")
    assert "Neue Antwort: Stackfield-Zugang gibt es im Lotsenraum." in after

    (kb_copy / "kantine.md").write_text(
        "---\nid: kantine\nquestion: Wann hat die Kantine geöffnet?\ntags: [Kantine]\n---\n"
        "Von 11:30 bis 14 Uhr.\n",
        encoding="utf-8",
    )
    [found] = await h.say(TEAM, ANNA, "?Wann ist die Kantine offen")
    assert found.startswith("### Wann hat die Kantine geöffnet?")

    path.unlink()
    gone = await h.say(TEAM, ANNA, "!faq Wie bekomme ich Zugang zu Stackfield?")
    assert not any(reply.startswith("### Wie bekomme ich Zugang zu Stackfield") for reply in gone)


async def test_settings_default_and_relative_kb_dir(
    h: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with h.db.transaction() as session:
        ctx = h.dispatcher.context(
            session, sender=ANNA, room_id=TEAM, event_id=None, thread_root=None, txn_prefix="x"
        )
        object.__setattr__(ctx, "config", h.config.model_copy(update={"features": {}}))
        assert faq_settings.kb_dir(ctx) == REPO / "kb"
        object.__setattr__(
            ctx, "config", h.config.model_copy(update={"features": {"faq": {"kb_dir": "wissen"}}})
        )
        monkeypatch.chdir(tmp_path)
        assert faq_settings.kb_dir(ctx) == tmp_path / "wissen"
        bad = {"faq": {"escalation_room": "koordination", "kb_dir": "wissen"}}
        object.__setattr__(ctx, "config", h.config.model_copy(update={"features": bad}))
        assert faq_settings.settings(ctx) == faq_settings.FaqSettings()  # invalid table: defaults


def test_every_text_has_english_with_the_same_placeholders() -> None:
    import string

    from bot import i18n

    keys = [k for k in i18n._CATALOGUE if k.startswith("faq.")]
    assert len(keys) > 40
    for key in keys:
        texts = i18n._CATALOGUE[key]
        assert "en" in texts, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("de", "en")]
        assert fields[0] == fields[1], key


async def test_english_conversation(tmp_path: Path, kb_copy: Path) -> None:
    h = await Harness(tmp_path, bot={"language": "en"}, features={"faq": {"kb_dir": str(kb_copy)}}).start()
    h.room(TEAM, [ANNA, BEN, CHEFIN], power={CHEFIN: 50})
    try:
        [answer] = await h.say(TEAM, ANNA, "!ask Was ist das OZG?")
        assert answer.startswith("### Was ist das Onlinezugangsgesetz (OZG)?")
        assert "(Entry: " not in answer and "React with 👍 or 👎" in answer
        [unsure] = await h.say(TEAM, ANNA, f"!faq {UNSURE}")
        assert unsure.startswith("🤔 I am not sure")
        [none] = await h.say(TEAM, ANNA, f"!faq {NO_ANSWER}")
        assert none.startswith("I have no answer to that. I have noted it for the coordinators (no. 1)")
        await h.say(TEAM, CHEFIN, "!faq answer 1 Sundays 8 to 18.")
        [listing] = await h.say(TEAM, CHEFIN, "!faq open")
        assert "No open questions" in listing and "no. 1" in listing
        [stats] = await h.say(TEAM, CHEFIN, "!faq stats")
        assert stats.startswith("📊 **FAQ statistics** (all time)")
    finally:
        await h.close()
