"""README command 1: the demo sets up Synapse, bot and accounts and plays its conversation; a second
start continues where the first stopped (a recap, nothing sent twice) and the console never shows the
libraries' English log lines."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.dev.demo import SCRIPT

pytestmark = [pytest.mark.e2e, pytest.mark.once]  # the demo always runs on SQLite
ROOT = Path(__file__).resolve().parents[2]
# What a library log line looks like on a console ("WARNING nio.crypto…: undecryptable Megolm event").
LOG_LINE = re.compile(r"\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b|Megolm|undecryptable|Traceback|Warning:")


def _start(demo: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--script-only", "--dir", str(demo)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    console = result.stdout + result.stderr
    noise = [line for line in console.splitlines() if LOG_LINE.search(line)]
    assert noise == [], noise[:5]
    return result


def _count(demo: Path, table: str) -> int:
    with sqlite3.connect(demo / "bot" / "lotsenbot.db") as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_demo_plays_once_and_a_second_start_continues_without_duplicates(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    first = _start(demo).stdout
    assert "Gesprächsverlauf" in first
    assert "pong (" in first
    assert "Unbekannter Befehl `!umfrge`" in first
    assert "dürfen nur Koordinator" in first
    assert "[Umfrage in Element] #1: Was digitalisieren wir als Nächstes?" in first
    assert "(keine Antwort)" not in first
    assert f"Technisches Protokoll (englisch): {demo.resolve() / 'demo.log'}" in first
    state = json.loads((demo / "state.json").read_text())
    assert state["played"] == len(SCRIPT) and len(state["transcript"]) == len(SCRIPT)
    polls, sessions = _count(demo, "polls"), _count(demo, "ml_sessions")
    assert (polls, sessions) == (1, 1)

    second = _start(demo).stdout  # reuses homeserver, accounts and room
    assert "Gesprächsverlauf" not in second and "Bisher in der Demo" in second
    assert "pong (" in second  # the recap: one line per answer
    assert "koordination / demo-koordination" in first and "koordination / demo-koordination" in second
    assert json.loads((demo / "state.json").read_text())["room_id"] == state["room_id"]
    assert (_count(demo, "polls"), _count(demo, "ml_sessions")) == (polls, sessions)  # nothing twice
    assert (demo / "demo.log").stat().st_size > 0  # the technical lines went to the file instead
