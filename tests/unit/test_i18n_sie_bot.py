"""A bot configured with ``language = "de-Sie"`` answers formally: help, a poll, errors, dates in German.

Runs the real dispatcher, features and database with a fake messenger (``tests/support/fake.py``); every
reply is checked for du-pronouns as well as for the exact Sie wording (the full detector, with its rare
false alarms on whole messages, is applied text by text in ``test_i18n_sie.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import load
from tests.support.duform import PRONOUN
from tests.support.fake import COORDINATOR as COORD
from tests.support.fake import LOTSE, Harness
from tests.support.fake import TEAM_ROOM as ROOM
from tests.support.receipt import receipt


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path, bot={"language": "de-Sie"}).start()
    harness.team_room()
    yield harness
    await harness.close()


def formal(*replies: str) -> None:
    for reply in replies:
        assert PRONOUN.search(reply) is None, reply


async def test_help_speaks_formally(h: Harness) -> None:
    [overview] = await h.say(ROOM, LOTSE, "!hilfe")
    assert overview.startswith("**Was möchten Sie tun?**") and "!stimme 3 2" in overview
    [full] = await h.say(ROOM, LOTSE, "!hilfe alle")
    assert "**Alle Befehle, die Sie nutzen können:**" in full
    [poll_help] = await h.say(ROOM, LOTSE, "!hilfe umfrage")
    assert '"Wie zufrieden sind Sie?"' in poll_help and "Sie stimmen im Direktchat mit mir ab" in poll_help
    [points_help] = await h.say(ROOM, LOTSE, "!hilfe punkte")
    assert points_help.count("Schreiben Sie Option=Punkte") == 1
    formal(overview, full, poll_help, points_help)


async def test_a_poll_in_sie_form_with_german_dates(h: Harness) -> None:
    replies = await h.say(
        ROOM, COORD, '!umfrage "Welcher Tag passt?" Montag Dienstag --mehrfach 2 --bis morgen 12:00'
    )
    posted = "\n".join(s.body for s in h.messenger.sent)
    assert "Sie können bis zu 2 Antworten wählen." in posted
    assert "Endet am" in posted and "12:00" in posted  # German date format, not "Ends on"
    [missing] = await h.say(ROOM, LOTSE, "!stimme 1")
    assert "Es fehlt Ihre Auswahl." in missing
    await h.say(ROOM, LOTSE, "!stimme 1 2")
    ok = await receipt(h)  # typed in the room: confirmed in the room's vote receipt
    assert f"{LOTSE}: 2. " in ok and "Es zählt immer Ihre letzte Stimme" in ok
    formal(*replies, posted, missing, ok)


async def test_errors_speak_formally(h: Harness) -> None:
    [unknown] = await h.say(ROOM, LOTSE, "!umfrag")
    assert "Meinten Sie `!umfrage`?" in unknown
    [past] = await h.say(ROOM, COORD, '!umfrage "Welcher Tag?" Montag Dienstag --bis 01.01.2020 12:00')
    assert "Bitte geben Sie einen Zeitpunkt in der Zukunft an" in past
    [unquoted] = await h.say(ROOM, COORD, "!umfrage Welcher Tag passt am besten? Montag Dienstag")
    assert "Setzen Sie die Frage" in unquoted
    [retro] = await h.say(ROOM, LOTSE, "!feedback 1 Start mehr Pausen")
    assert "Schreiben Sie mir direkt" in retro and "Ihre Nachricht hier habe ich entfernt." in retro
    formal(unknown, past, unquoted, retro)


async def test_the_same_bot_in_du_form_says_du(tmp_path: Path) -> None:
    """The default stays "du": the overlay changes nothing unless ``de-Sie`` is chosen."""
    h = await Harness(tmp_path, bot={"language": "de"}).start()
    h.team_room()
    try:
        [overview] = await h.say(ROOM, LOTSE, "!hilfe")
        assert overview.startswith("**Was möchtest du tun?**")
        [missing] = await h.say(ROOM, LOTSE, "!stimme 1")
        assert "Umfrage #1" in missing
    finally:
        await h.close()


def test_config_accepts_de_sie_and_names_it_when_the_language_is_wrong(tmp_path: Path, capsys) -> None:
    from bot.cli import main

    good = tmp_path / "good.toml"
    good.write_text(
        '[matrix]\nhomeserver = "https://m.example"\nuser_id = "@bot:m.example"\n[bot]\nlanguage = "de-Sie"\n'
    )
    assert load(good).bot.language == "de-Sie"
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text().replace("de-Sie", "de-du"))
    assert main(["check-config", "-c", str(bad)]) == 1
    assert '"de-Sie"' in capsys.readouterr().out


GUIDES = Path(__file__).resolve().parents[2] / "docs"


def test_the_sie_guide_is_the_du_guide_in_sie_form() -> None:
    """Same headings and the same commands, in the same order; no du-pronoun left."""
    import re

    du, sie = ((GUIDES / name).read_text(encoding="utf-8") for name in ("anleitung.md", "anleitung-sie.md"))
    for pattern in (r"^#+ .*$", r"`[^`]+`"):
        theirs = [
            h.replace("So sprichst du", "So sprechen Sie") for h in re.findall(pattern, du, re.MULTILINE)
        ]
        assert re.findall(pattern, sie, re.MULTILINE) == theirs
    assert PRONOUN.search(du) and PRONOUN.search(sie) is None


async def test_the_guide_a_sie_bot_sends_is_the_sie_guide(h: Harness) -> None:
    [overview] = await h.say(ROOM, LOTSE, "!hilfe")
    assert "schickt sie Ihnen als Datei (`docs/anleitung-sie.md` im Bot-Repository)" in overview
    await h.say(ROOM, LOTSE, "!hilfe anleitung")
    [(filename, _mimetype, data)] = h.messenger.uploads
    assert filename == "Anleitung-Lotsenbot.md" and "So sprechen Sie mit dem Bot" in data.decode()
