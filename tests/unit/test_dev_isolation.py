"""Production never loads the development helpers (``bot/dev/``: local Synapse, test client, demo).

Checked in a fresh interpreter, so modules other tests imported do not hide a stray import: what
``lotsenbot run`` imports (the CLI, the app, every feature, the lazily imported crypto set-up and the
operations commands) must leave ``sys.modules`` without any ``bot.dev`` module.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUNTIME_IMPORTS = """
import json, sys
import bot.cli, bot.app, bot.leader, bot.matrix, bot.ops, bot.crypto.setup, bot.crypto.cli
from commands import load_all
load_all()
{extra}
print(json.dumps(sorted(m for m in sys.modules if m == "bot.dev" or m.startswith("bot.dev."))))
"""


def _dev_modules_after(extra: str = "") -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", RUNTIME_IMPORTS.format(extra=extra)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


def test_the_runtime_app_loads_nothing_from_bot_dev() -> None:
    assert _dev_modules_after() == [], "runtime code imports a development helper"


def test_the_check_sees_a_dev_import() -> None:
    """The same probe reports a development module once one is imported (so the test above can fail)."""
    assert "bot.dev.localsynapse" in _dev_modules_after("import bot.dev.demo")
