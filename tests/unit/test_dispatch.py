"""Dispatcher and framework behaviour a Lotse notices, without a homeserver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.models import ProcessedEvent
from tests.support.fake import COORDINATOR as COORD
from tests.support.fake import LOTSE, Harness
from tests.support.fake import TEAM_ROOM as ROOM


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.team_room()
    yield harness
    await harness.close()


async def test_unknown_command_suggests_the_closest(h: Harness) -> None:
    [reply] = await h.say(ROOM, LOTSE, "!pnig")
    assert reply == "Unbekannter Befehl `!pnig`. Meintest du `!ping`?"


async def test_unknown_command_without_match_points_to_help(h: Harness) -> None:
    [reply] = await h.say(ROOM, LOTSE, "!xyzzyqq")
    assert "Unbekannter Befehl" in reply and "!hilfe" in reply


async def test_help_hides_coordinator_commands_from_lotsen(h: Harness) -> None:
    [lotse_help] = await h.say(ROOM, LOTSE, "!hilfe alle")
    [coord_help] = await h.say(ROOM, COORD, "!hilfe alle")
    assert "!ping" in lotse_help and "!ansage" not in lotse_help
    assert "!ansage" in coord_help
    [lotse_short] = await h.say(ROOM, LOTSE, "!hilfe")
    [coord_short] = await h.say(ROOM, COORD, "!hilfe")
    assert "Termin anlegen" in coord_short and "Termin anlegen" not in lotse_short


async def test_help_for_one_command_shows_usage_and_examples(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, "!hilfe ansage")
    assert "So geht's: `!ansage <Text> …`" in reply
    assert "Beispiele:" in reply and "Auch: `!announce`" in reply


async def test_english_alias_works_and_umlaut_spelling_is_ignored(h: Harness) -> None:
    [reply] = await h.say(ROOM, LOTSE, "!HELP")
    assert "Was möchtest du tun?" in reply and "!stimme" in reply


async def test_permission_refusal_is_clear(h: Harness) -> None:
    [reply] = await h.say(ROOM, LOTSE, "!ansage Hallo")
    assert reply == "🔒 `!ansage` dürfen nur Koordinator·innen verwenden."


async def test_missing_argument_gives_usage_line(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, "!ansage")
    assert reply.startswith("⚠️ Da fehlt noch etwas: **Text**.")
    assert "So geht's: `!ansage <Text> …`" in reply and "Beispiel:" in reply


async def test_unbalanced_quote_is_explained(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, '!ansage "Hallo')
    assert "Anführungszeichen" in reply


async def test_announcement_pings_room_and_escapes_markup(h: Harness) -> None:
    await h.say(ROOM, COORD, "!ansage <b>Treffen</b> *heute*")
    sent = h.messenger.sent[-1]
    assert sent.content["m.mentions"] == {"room": True}
    assert "<b>" not in sent.content["formatted_body"]
    assert "&lt;b&gt;Treffen" in sent.content["formatted_body"]
    assert "<em>" not in sent.content["formatted_body"]


async def test_same_event_twice_is_answered_once(h: Harness) -> None:
    first = await h.say(ROOM, LOTSE, "!ping", event_id="$same")
    second = await h.say(ROOM, LOTSE, "!ping", event_id="$same")
    assert len(first) == 1 and second == []
    async with h.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(ProcessedEvent)) == 1


async def test_reply_relates_to_command_and_is_a_notice(h: Harness) -> None:
    event_id = await h.event(ROOM, LOTSE, "m.room.message", {"msgtype": "m.text", "body": "!ping"})
    content = h.messenger.sent[-1].content
    assert content["msgtype"] == "m.notice"
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": event_id}}
    assert content["m.mentions"] == {}


async def test_thread_reply_stays_in_thread(h: Harness) -> None:
    await h.event(
        ROOM,
        LOTSE,
        "m.room.message",
        {"msgtype": "m.text", "body": "!ping", "m.relates_to": {"rel_type": "m.thread", "event_id": "$root"}},
        event_id="$cmd",
    )
    # the Matrix layer extracts the thread root; here we go through Incoming directly
    from bot.dispatch import Incoming

    await h.dispatcher.handle(
        Incoming(
            "$cmd2",
            ROOM,
            LOTSE,
            "m.room.message",
            {"msgtype": "m.text", "body": "!ping"},
            0,
            thread_root="$root",
        )
    )
    rel = h.messenger.sent[-1].content["m.relates_to"]
    assert rel["rel_type"] == "m.thread" and rel["event_id"] == "$root"
    assert rel["m.in_reply_to"] == {"event_id": "$cmd2"}


async def test_crashing_handler_gives_reference_not_traceback(h: Harness, monkeypatch) -> None:
    from bot.framework import registry

    async def boom(ctx, **kwargs):
        raise RuntimeError("database exploded")

    cmd = next(c for c in registry.commands if c.name == "ping")
    monkeypatch.setattr(cmd, "handler", boom)
    [reply] = await h.say(ROOM, LOTSE, "!ping")
    assert "schiefgegangen" in reply and "Fehlernummer" in reply
    assert "Traceback" not in reply and "exploded" not in reply


async def test_dm_power_level_does_not_make_a_coordinator(h: Harness) -> None:
    dm = h.room("!dm:test", [LOTSE], power={LOTSE: 100})
    [reply] = await h.say(dm, LOTSE, "!ansage Hallo")
    assert "nur Koordinator" in reply


async def test_power_in_one_room_is_not_power_in_another(h: Harness) -> None:
    other = h.room("!other:test", [COORD, LOTSE], power={LOTSE: 50})
    await h.say(other, LOTSE, "!ansage Hallo")
    assert h.messenger.sent[-1].content["m.mentions"] == {"room": True}
    [reply] = await h.say(ROOM, LOTSE, "!ansage Hallo")
    assert "nur Koordinator" in reply


async def test_usage_error_raised_inside_a_handler_is_shown_not_an_internal_error(
    h: Harness, monkeypatch
) -> None:
    from bot.framework import UsageError, registry

    async def picky(ctx, **kwargs):
        raise UsageError("Die Zahl muss zwischen 1 und 5 liegen.")

    cmd = next(c for c in registry.commands if c.name == "ping")
    monkeypatch.setattr(cmd, "handler", picky)
    [reply] = await h.say(ROOM, LOTSE, "!ping")
    assert reply == "⚠️ Die Zahl muss zwischen 1 und 5 liegen."


# ------------------------------------------------------------------ the user's own text stays text


async def test_help_for_an_unknown_word_shows_a_phishing_link_as_typed(h: Harness) -> None:
    [reply] = await h.say(ROOM, LOTSE, "!hilfe [Passwort hier](https://phish.example) **x**")
    html = h.messenger.sent[-1].content["formatted_body"]
    assert (
        reply == "Zu „[Passwort hier](https://phish.example)…“ kenne ich keinen Befehl. "
        "`!hilfe` zeigt, was ich kann."
    )
    assert "href" not in html and "<a" not in html and "<strong>" not in html
    assert "„[Passwort hier](https://phish.example)…“" in html


async def test_unknown_flag_with_backticks_stays_inside_its_code_span(h: Harness) -> None:
    [reply] = await h.say(ROOM, LOTSE, "!ping --`**x**`[Login](https://phish.example)")
    html = h.messenger.sent[-1].content["formatted_body"]
    assert reply.startswith("⚠️ Die Option ``--`**x**`[Login](https://phish.example)`` gibt es hier nicht.")
    assert "<code>--`**x**`[Login](https://phish.example)</code>" in html
    assert "href" not in html and "<strong>" not in html


async def test_extra_words_and_bad_numbers_and_times_are_quoted_literally(h: Harness) -> None:
    await h.say(ROOM, LOTSE, "!ping **fett** _kursiv_")
    html = h.messenger.sent[-1].content["formatted_body"]
    assert "Mit „**fett** _kursiv_“ kann ich hier nichts anfangen." in html
    await h.say(ROOM, LOTSE, "!dabei [1](https://phish.example)")
    html = h.messenger.sent[-1].content["formatted_body"]
    assert "„[1](https://phish.example)“ ist keine Zahl." in html and "href" not in html
    await h.say(ROOM, COORD, "!meetlearn verschieben 1 morgen [12 Uhr](https://phish.example)")
    html = h.messenger.sent[-1].content["formatted_body"]
    assert "Zeitangabe „morgen [12 Uhr](https://phish.example)“" in html and "href" not in html
    assert "<code>morgen 12:00</code>" in html  # the examples are still code


def test_code_md_fence_is_longer_than_any_backtick_run_inside() -> None:
    from bot.render import code_md, to_html

    assert code_md("--bis") == "`--bis`"
    assert code_md("a`b") == "``a`b``"
    assert code_md("`a``") == "``` `a`` ```"
    assert code_md("zwei\n\n# Zeilen") == "`zwei # Zeilen`"
    for text in ["a`b", "`", "``x`", "x```y", "**x**`"]:
        assert to_html(f"Option {code_md(text)} und `!hilfe`") == (
            f"<p>Option <code>{text}</code> und <code>!hilfe</code></p>"
        )


async def test_examples_and_help_use_the_configured_prefix(tmp_path: Path) -> None:
    h = await Harness(tmp_path, bot={"command_prefix": "."}).start()
    try:
        h.room(ROOM, [COORD, LOTSE], power={COORD: 100})
        [details] = await h.say(ROOM, LOTSE, ".hilfe umfrage")
        assert '`.umfrage "' in details and "`!umfrage" not in details
        [usage] = await h.say(ROOM, COORD, ".umfrage schließen")
        assert "Beispiel: `.umfrage" in usage and "`!" not in usage
    finally:
        await h.close()


def _edit(original: str, new_body: str) -> dict:
    return {
        "msgtype": "m.text",
        "body": f"* {new_body}",
        "m.new_content": {"msgtype": "m.text", "body": new_body},
        "m.relates_to": {"rel_type": "m.replace", "event_id": original},
    }


async def test_an_edited_command_is_not_run_and_the_sender_is_told_once_an_hour(h: Harness) -> None:
    """Edits used to be dropped silently: a corrected `!stimme` looked counted but was not."""
    first = await h.event(ROOM, LOTSE, "m.room.message", {"msgtype": "m.text", "body": "!ping"})
    before = len(h.messenger.sent)
    await h.event(ROOM, LOTSE, "m.room.message", _edit(first, "!stimme 3 2"))
    [hint] = h.messenger.bodies()[before:]
    assert "Bearbeitungen lese ich nicht" in hint and "`!stimme 3 2`" in hint
    await h.event(ROOM, LOTSE, "m.room.message", _edit(first, "!stimme 3 1"))  # within the hour: quiet
    await h.event(ROOM, COORD, "m.room.message", _edit(first, "Tippfehler korrigiert"))  # chat: quiet
    assert len(h.messenger.sent) == before + 1
    h.clock.advance(hours=1, seconds=1)
    await h.event(ROOM, LOTSE, "m.room.message", _edit(first, "!ping"))
    assert len(h.messenger.sent) == before + 2 and not h.messenger.bodies()[-1].startswith("pong")
