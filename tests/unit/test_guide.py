"""The German user guide (docs/anleitung.md) names only commands that exist, written so that they parse,
and `bot.guide.guide_line` points to it (the configured address, or the file in the repository)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import i18n
from bot.framework import MissingArgument, UsageError, registry, tokenize
from bot.guide import GUIDE_PATH, guide_line
from tests.support.fake import make_config

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / GUIDE_PATH).read_text(encoding="utf-8")
CODE = re.compile(r"`(![^`]+)`")


class _Ctx:
    """What argument parsing needs; no database or homeserver."""

    lang = "de"
    prefix = "!"
    tz = ZoneInfo("Europe/Berlin")

    def __init__(self, guide_url: str | None = None, tmp: Path = ROOT) -> None:
        self.config = make_config(tmp, bot={"guide_url": guide_url})

    def now(self) -> datetime:
        return datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def t(self, key: str, /, **values: object) -> str:
        return i18n.t("de", key, **{"prefix": "!", **values})


def _commands_in_guide() -> list[str]:
    from commands import load_all

    load_all()
    return CODE.findall(GUIDE)


def test_the_guide_names_many_commands_and_every_one_exists() -> None:
    found = _commands_in_guide()
    assert len(found) >= 25, found
    unknown = []
    for text in found:
        tokens = tokenize(text[1:])
        cmd, used = registry.lookup(tokens)
        if cmd is None:
            unknown.append(text)
            continue
        try:
            cmd.parse(tokens[used:], text[1:], _Ctx())  # type: ignore[arg-type]
        except MissingArgument:
            pass  # named without its arguments ("`!meetlearn serie`"): the guided dialog or help asks
        except UsageError as exc:
            unknown.append(f"{text}: {exc.message}")
    assert unknown == []


def test_the_guide_covers_the_five_everyday_things_and_privacy() -> None:
    for heading in (
        "## Was der Bot macht",
        "### 1. Eine Frage stellen",
        "### 2. Abstimmen",
        "### 3. Meet and Learn",
        "### 4. Feedback in einer Retrospektive geben",
        "### 5. Hilfe bekommen",
        "## Was anonym ist – und was nicht",
        "## So sieht es in Element aus",
    ):
        assert heading in GUIDE, heading
    for word in ("HMAC", "Datenbank", "Hash", "Server-Log", "Konfiguration", "--"):
        assert word not in GUIDE, word  # no implementation words


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            None,
            "📖 Anleitung: `!hilfe anleitung` schickt sie dir als Datei "
            "(`docs/anleitung.md` im Bot-Repository)",
        ),
        (
            "https://intranet.example/anleitung",
            "📖 Anleitung (Schritt für Schritt): https://intranet.example/anleitung",
        ),
    ],
)
def test_guide_line_links_the_configured_address_or_the_file(
    url: str | None, expected: str, tmp_path: Path
) -> None:
    assert guide_line(_Ctx(url, tmp_path)) == expected  # type: ignore[arg-type]


async def test_hilfe_points_to_the_guide(tmp_path: Path) -> None:
    from tests.support.fake import COORDINATOR, LOTSE, TEAM_ROOM, Harness

    for url, expected in (
        (None, "`docs/anleitung.md` im Bot-Repository"),
        ("https://wiki.example/a", "https://wiki.example/a"),
    ):
        folder = tmp_path / ("url" if url else "none")
        folder.mkdir()
        h = await Harness(folder, bot={"guide_url": url}).start()
        try:
            h.team_room()
            for who in (LOTSE, COORDINATOR):
                [reply] = await h.say(TEAM_ROOM, who, "!hilfe")
                assert "📖 Anleitung" in reply and expected in reply, reply[-300:]
        finally:
            await h.close()
