"""The layers stay apart, checked in a fresh interpreter (where no other test has imported anything yet):

- production never loads the development helpers (``bot/dev/``: local Synapse, test client, demo): what
  ``lotsenbot run`` imports (the CLI, the app, every feature, the lazily imported crypto set-up and the
  operations commands) leaves ``sys.modules`` without any ``bot.dev`` module;
- the core does not reach up into the features: ``bot/config.py`` validates feature tables through the
  models the features registered (``bot.config.register_settings``), not by importing ``commands``, and
  no module of ``bot/`` but the entry points (``app.py``, ``cli.py``) has an import statement for one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUNTIME = (
    "import bot.cli, bot.app, bot.leader, bot.matrix, bot.ops, bot.crypto.setup, bot.crypto.cli\n"
    "from commands import load_all\n"
    "load_all()\n"
)


def _loaded_after(imports: str, prefix: str) -> list[str]:
    """Modules named ``prefix`` or below it that a fresh interpreter holds after running ``imports``."""
    probe = (
        f"import sys\n{imports}\n"
        f"print(' '.join(m for m in sys.modules if m == {prefix!r} or m.startswith({prefix + '.'!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return result.stdout.split()


def test_the_runtime_app_loads_nothing_from_bot_dev() -> None:
    assert _loaded_after(RUNTIME, "bot.dev") == [], "runtime code imports a development helper"


def test_the_probe_sees_a_dev_import() -> None:
    """The same probe reports a development module once one is imported (so the test above can fail)."""
    assert "bot.dev.localsynapse" in _loaded_after(RUNTIME + "import bot.dev.demo", "bot.dev")


def test_the_config_module_imports_no_feature() -> None:
    assert _loaded_after("import bot.config", "commands") == []


def test_the_probe_sees_a_feature_import() -> None:
    """The same probe reports features once they are loaded (so the test above can fail)."""
    assert "commands.polls.settings" in _loaded_after("import commands.polls.settings", "commands")


def test_only_the_entry_points_of_bot_import_features() -> None:
    entry_points = {ROOT / "bot" / "app.py", ROOT / "bot" / "cli.py"}
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if path in entry_points:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                for name in names
                if name == "commands" or name.startswith("commands.")
            ]
    assert found == []
