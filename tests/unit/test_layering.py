"""The core does not reach up into the features: ``bot/config.py`` validates feature tables through the
models the features registered (``bot.config.register_settings``), not by importing ``commands``.

Checked in a fresh interpreter, where no other test has imported a feature yet.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(imports: str, prefix: str) -> list[str]:
    probe = (
        f"import sys\n{imports}\n"
        f"print(' '.join(m for m in sys.modules if m == {prefix!r} or m.startswith({prefix + '.'!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout.split()


def test_the_config_module_imports_no_feature() -> None:
    assert _loaded_after("import bot.config", "commands") == []


def test_the_probe_sees_a_feature_import() -> None:
    """The same probe reports features once they are loaded (so the test above can fail)."""
    assert "commands.polls.settings" in _loaded_after("import commands.polls.settings", "commands")
