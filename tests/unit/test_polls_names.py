"""Points and votes by option name, and ranks that make sense for ties and zeros (issue 14, item 4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.polls.names import NameProblem, Unreadable, resolve_option, split_allocation
from tests.support.fake import Harness
from tests.support.receipt import receipt

ROOM = "!team:test"
COORD = "@koordination:test"
ANNA = "@lotse-a:test"
BERND = "@lotse-b:test"
CARLA = "@lotse-c:test"
OPTIONS = ["E-Akte", "KI im Amt", "Bürgerbüro online", "Open Data", "E-Rechnung"]


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(tmp_path).start()
    harness.room(ROOM, [COORD, ANNA, BERND, CARLA], power={COORD: 100})
    yield harness
    await harness.close()


@pytest.mark.parametrize(
    ("typed", "index"),
    [
        ("E-Akte", 0),
        ("e-akte", 0),
        ("eakte", 0),
        ("E Akte", 0),
        ("KI im Amt", 1),
        ("ki", 1),
        ("Bürgerbüro", 2),
        ("Buergerbuero", 2),
        ("burgerburo", 2),
        ("open", 3),
        ("3", 2),
        ("#5", 4),
        ("E-R", 4),
    ],
)
def test_names_numbers_and_unique_prefixes(typed: str, index: int) -> None:
    assert resolve_option(typed, OPTIONS) == index


def test_ambiguous_and_unknown_names_are_refused() -> None:
    with pytest.raises(NameProblem) as ambiguous:
        resolve_option("E", OPTIONS)
    assert ambiguous.value.kind == "ambiguous" and ambiguous.value.candidates == (0, 4)
    with pytest.raises(NameProblem) as unknown:
        resolve_option("Smart City", OPTIONS)
    assert unknown.value.kind == "unknown"


def test_an_exact_name_beats_a_longer_one_with_the_same_start() -> None:
    assert resolve_option("akte", ["Akte digital", "Akte"]) == 1


def test_allocation_pairs_with_spaces_in_names() -> None:
    assert split_allocation("E-Akte=3 KI im Amt=2") == [("E-Akte", 3), ("KI im Amt", 2)]
    assert split_allocation("1=3, 4:2") == [("1", 3), ("4", 2)]
    assert split_allocation("„KI im Amt“ = 2") == [("KI im Amt", 2)]
    with pytest.raises(Unreadable):
        split_allocation("1=3 zwei")


@given(st.permutations(OPTIONS), st.integers(0, 4))
def test_each_option_is_found_by_its_own_name_whatever_the_order(options: list[str], pick: int) -> None:
    assert resolve_option(options[pick].upper(), options) == pick


async def test_points_by_name_then_ranks_with_ties_and_zeros(h: Harness) -> None:
    await h.say(
        ROOM, COORD, '!umfrage "Was zuerst?" "E-Akte" "KI im Amt" "Bürgerbüro online" "Open Data" --punkte 5'
    )
    await h.say(ROOM, ANNA, "!punkte 1 E-Akte=3 KI im Amt=2")
    assert f"{ANNA}: 1. E-Akte = 3, 2. KI im Amt = 2" in await receipt(h)
    await h.say(ROOM, BERND, "!punkte 1 bürgerbüro=3 ki=2")
    assert f"{BERND}: 2. KI im Amt = 2, 3. Bürgerbüro online = 3" in await receipt(h)
    await h.say(ROOM, CARLA, "!punkte 1 buergerbuero=3")
    await h.say(ROOM, COORD, "!umfrage schließen 1")
    result = next(b for b in h.messenger.bodies() if "Ergebnis Umfrage #1" in b)
    ranked = [line for line in result.splitlines() if line.startswith("`")]
    assert "**Platz 1: Bürgerbüro online** (6 Punkte)" in ranked[0]
    assert "**Platz 2: KI im Amt** (4 Punkte)" in ranked[1]
    assert "**Platz 3: E-Akte** (3 Punkte)" in ranked[2]
    assert "**–: Open Data** (0 Punkte)" in ranked[3]


async def test_equal_points_share_a_place_and_the_next_place_is_skipped(h: Harness) -> None:
    await h.say(ROOM, COORD, '!umfrage "Was?" "A1" "B2" "C3" "D4" --punkte 4')
    await h.say(ROOM, ANNA, "!punkte 1 a1=2 b2=1 c3=1")
    await h.say(ROOM, COORD, "!umfrage schließen 1")
    result = next(b for b in h.messenger.bodies() if "Ergebnis Umfrage #1" in b)
    labels = [line.split("**")[1] for line in result.splitlines() if line.startswith("`")]
    assert labels == ["Platz 1: A1", "Platz 2: B2", "Platz 2: C3", "–: D4"]


async def test_unclear_names_get_a_german_message_with_the_options(h: Harness) -> None:
    await h.say(ROOM, COORD, '!umfrage "Was zuerst?" "E-Akte" "E-Rechnung" "Open Data" --punkte 5')
    [ambiguous] = await h.say(ROOM, ANNA, "!punkte 1 E=3")
    assert "„E“ passt zu mehreren Optionen von Umfrage #1: 1. E-Akte, 2. E-Rechnung" in ambiguous
    assert "Nichts gespeichert" in ambiguous
    [unknown] = await h.say(ROOM, ANNA, "!punkte 1 Smart City=3")
    assert "„Smart City“ passt zu keiner Option" in unknown and "3. Open Data" in unknown


async def test_vote_by_name(h: Harness) -> None:
    await h.say(ROOM, COORD, '!umfrage "Welcher Tag?" "Montag" "Dienstag" "Mittwoch"')
    await h.say(ROOM, ANNA, "!stimme 1 diens")
    assert f"{ANNA}: 2. Dienstag" in await receipt(h)
    [unclear] = await h.say(ROOM, ANNA, "!stimme 1 m")
    assert "passt zu mehreren Optionen" in unclear
