"""Short help, no implementation words, and no message left in silence (issue 14, items 2 and 6)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import i18n
from bot.framework import registry
from commands.help import OVERVIEW, near_command
from tests.support.fake import COORDINATOR as COORD
from tests.support.fake import LOTSE, Harness
from tests.support.fake import TEAM_ROOM as ROOM

PHONE_LINES = 20
# Words that explain how the bot works inside, not what a person can do; none belongs in help.
IMPLEMENTATION = re.compile(
    r"hmac|hash|schlüssel|\bkey\b|secret|config|konfiguration|\[features|sqlite|postgres|(?<!wissens)datenbank"
    r"|database|\bsql\b|token",
    re.IGNORECASE,
)


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.team_room()
    yield harness
    await harness.close()


@pytest.mark.parametrize("who", [COORD, LOTSE])
async def test_help_fits_on_one_phone_screen(h: Harness, who: str) -> None:
    [reply] = await h.say(ROOM, who, "!hilfe")
    assert len(reply.splitlines()) <= PHONE_LINES, reply
    assert "!hilfe umfrage" in reply and "!hilfe alle" in reply and "Anleitung" in reply
    assert reply.count("`!") >= 6  # an example for each thing people do, not just names


async def test_english_help_fits_too(tmp_path: Path) -> None:
    h = await Harness(tmp_path, bot={"language": "en"}).start()
    h.team_room()
    try:
        [reply] = await h.say(ROOM, COORD, "!help")
        assert len(reply.splitlines()) <= PHONE_LINES and "What would you like to do?" in reply
        assert "!help poll" in reply
    finally:
        await h.close()


async def test_lotsen_see_no_coordinator_tasks(h: Harness) -> None:
    [lotse] = await h.say(ROOM, LOTSE, "!hilfe")
    [coord] = await h.say(ROOM, COORD, "!hilfe")
    assert "!meetlearn neu" in coord and "!retro start" in coord
    assert "!meetlearn neu" not in lotse and "!retro start" not in lotse and "!stimme" in lotse


def test_every_overview_task_names_a_real_command() -> None:
    from commands import load_all

    load_all()
    declared = {cmd.names[0] for cmd in registry.commands}
    for _title, tasks in OVERVIEW:
        for task in tasks:
            assert task.command in declared


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_help_text_uses_implementation_words(lang: str) -> None:
    from commands import load_all

    load_all()
    texts = []
    for cmd in registry.commands:
        texts.append(i18n.pick(lang, cmd.help))
        if cmd.details:
            texts.append(i18n.pick(lang, cmd.details))
    catalogue = i18n._CATALOGUE  # the templates themselves: placeholders don't matter here
    texts += [i18n.pick(lang, catalogue[key]) for key in catalogue if key.startswith(("help.", "fw."))]
    found = [(text[:60], m.group(0)) for text in texts for m in IMPLEMENTATION.finditer(text)]
    assert found == []


async def test_details_on_request_show_examples_first_and_related_commands(h: Harness) -> None:
    [reply] = await h.say(ROOM, LOTSE, "!hilfe umfrage")
    assert reply.index("Beispiele:") < reply.index("So geht's:")
    assert "Dazu passend:" in reply and "`!stimme`" in reply
    assert not IMPLEMENTATION.search(reply)


async def test_guide_is_linked_when_configured(tmp_path: Path) -> None:
    url = "https://intranet.stadt.example/lotsenbot"
    h = await Harness(tmp_path, bot={"guide_url": url}).start()
    h.team_room()
    try:
        [reply] = await h.say(ROOM, LOTSE, "!hilfe")
        assert reply.splitlines()[-1] == f"📖 Anleitung (Schritt für Schritt): {url}"
    finally:
        await h.close()


async def test_guide_without_url_comes_as_a_file_or_a_clear_note(h: Harness) -> None:
    await h.say(ROOM, LOTSE, "!hilfe anleitung")
    sent = h.messenger.sent[-1]
    if sent.content.get("msgtype") == "m.file":
        assert h.messenger.uploads[-1][0] == "Anleitung-Lotsenbot.md"
    else:
        assert "Anleitung ist hier gerade nicht verfügbar" in sent.body


# ------------------------------------------------------------------------------------------ silence


async def test_space_after_the_prefix_still_runs_the_command(h: Harness) -> None:
    [reply] = await h.say(ROOM, LOTSE, "! hilfe")
    assert "Was möchtest du tun?" in reply


async def test_space_after_the_prefix_before_chatter_stays_quiet(h: Harness) -> None:
    assert await h.say(ROOM, LOTSE, "! das war knapp") == []
    assert await h.say(ROOM, LOTSE, "!!!") == []


@pytest.mark.parametrize("text", ["hilfe", "Hilfe?", "/hilfe", "!!hilfe", ".termine", "/dabei 3"])
async def test_near_commands_in_a_room_get_a_hint(h: Harness, text: str) -> None:
    [reply] = await h.say(ROOM, LOTSE, text)
    assert "Meintest du `!" in reply


@pytest.mark.parametrize(
    "text",
    ["Hilfe, mein Drucker geht nicht", "dabei!", "Ergebnis?", "Termine am Montag?", "😀", "ok", "/me winkt"],
)
async def test_ordinary_chatter_in_a_room_stays_unanswered(h: Harness, text: str) -> None:
    assert await h.say(ROOM, LOTSE, text) == []


async def test_emoji_only_dm_gets_a_friendly_pointer(h: Harness) -> None:
    dm = h.room("!dm-lotse:test", [LOTSE])
    [reply] = await h.say(dm, LOTSE, "🤔🎉")
    assert "!hilfe" in reply
    assert await h.say(dm, LOTSE, "👍🏽") == []  # a thank-you after an answer stays a thank-you


async def test_help_word_in_a_dm_shows_the_help(h: Harness) -> None:
    dm = h.room("!dm-lotse:test", [LOTSE])
    [reply] = await h.say(dm, LOTSE, "Hilfe")
    assert "Was möchtest du tun?" in reply


async def test_notices_in_a_dm_are_not_answered(h: Harness) -> None:
    dm = h.room("!dm-lotse:test", [LOTSE])
    before = len(h.messenger.sent)
    await h.event(dm, LOTSE, "m.room.message", {"msgtype": "m.notice", "body": "🤖"})
    assert len(h.messenger.sent) == before


async def test_missing_argument_is_said_in_words_with_an_example(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, "!ansage")  # no guided dialog for this one: the generic message
    first, example = reply.splitlines()[:2]
    assert first == "⚠️ Da fehlt noch etwas: **Text**."
    assert example.startswith("Beispiel: `!ansage ")
    assert "<" not in first


async def test_extra_words_that_name_an_action_point_to_the_command_for_it(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, "!termine löschen alle")
    assert "👉 Dafür gibt es: `!meetlearn absagen <Nr>`" in reply


async def test_unknown_extra_words_get_no_invented_suggestion(h: Harness) -> None:
    [reply] = await h.say(ROOM, COORD, "!termine bitte")
    assert "👉" not in reply and "kann ich hier nichts anfangen" in reply


def test_near_command_rules() -> None:
    from commands import load_all

    load_all()
    assert near_command("/umfrage schließen 3", "!") == "umfrage schließen"
    assert near_command("hilfe", "!") == "hilfe"
    assert near_command("Hilfe bitte", "!") == "hilfe"
    assert near_command("dabei", "!") is None
    assert near_command("/shrug", "!") is None
