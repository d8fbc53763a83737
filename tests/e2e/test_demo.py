"""README command 1: the demo sets up Synapse, bot and accounts and plays its conversation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_demo_script_runs_and_shows_the_bot_answering(tmp_path: Path) -> None:
    rooms: list[str] = []
    for _run in range(2):  # the second run reuses the homeserver, accounts and room
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "demo", "--script-only", "--dir", str(tmp_path / "demo")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        out = result.stdout
        assert "Gesprächsverlauf" in out
        assert "pong (" in out
        assert "Unbekannter Befehl `!umfrge`" in out
        assert "dürfen nur Koordinator" in out
        assert "(keine Antwort)" not in out
        assert "Traceback" not in result.stderr
        rooms.append(json.loads((tmp_path / "demo" / "state.json").read_text())["room_id"])
    assert rooms[0] == rooms[1]
