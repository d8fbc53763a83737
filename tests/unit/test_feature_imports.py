"""Features use each other only through the other feature's ``service.py`` (``docs/writing-features.md``).

A feature is a package ``commands/<name>/`` or a single module ``commands/<name>.py``; a single-module
feature is its own service. Every import in every feature module is read from the source (also the ones
inside functions), so a handler reaching into another feature's commands, store or settings fails here
with the file, the line and the import named.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """``(line, dotted name)`` of everything the module imports; ``from a import b`` yields ``a.b``."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def _features(commands: Path) -> set[str]:
    """Packages with an ``__init__.py`` and single modules; ``texts*.py`` beside them are shared texts."""
    return {p.name for p in commands.iterdir() if p.is_dir() and (p / "__init__.py").exists()} | {
        p.stem for p in commands.glob("*.py") if p.stem != "__init__" and not p.stem.startswith("texts")
    }


def offending_imports(root: Path = ROOT) -> list[str]:
    commands = root / "commands"
    features = _features(commands)
    found = []
    for path in sorted(commands.rglob("*.py")):
        own = path.relative_to(commands).with_suffix("").parts[0]
        for line, name in _imports(path, root):
            target = name.split(".")
            if target[0] != "commands" or len(target) < 2 or target[1] not in features or target[1] == own:
                continue
            other = target[1]
            if (commands / f"{other}.py").exists() or (len(target) >= 3 and target[2] == "service"):
                continue  # a single-module feature is its own service
            found.append(f"{path.relative_to(root)}:{line} imports {name}")
    return found


def test_features_import_each_other_only_through_service() -> None:
    offending = offending_imports()
    assert offending == [], "use the other feature's service.py instead:\n" + "\n".join(offending)


def test_the_check_names_each_way_into_another_feature(tmp_path: Path) -> None:
    """A made-up tree: absolute, relative, package and in-function imports past the service are caught."""
    files = {
        "commands/__init__.py": "",
        "commands/alpha/__init__.py": "from commands.alpha import commands\n",
        "commands/alpha/service.py": "",
        "commands/alpha/store.py": "",
        "commands/solo.py": "",
        "commands/beta/__init__.py": "",
        "commands/beta/commands.py": (
            "from commands.alpha import service\n"
            "from commands.alpha.service import create\n"
            "from commands.beta import store\n"
            "from commands import solo\n"
            "from commands.alpha import store as alpha_store\n"
            "from ..alpha.store import rows\n"
            "import commands.alpha.store\n"
            "def handler():\n"
            "    from commands import alpha\n"
        ),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert offending_imports(tmp_path) == [
        "commands/beta/commands.py:5 imports commands.alpha.store",
        "commands/beta/commands.py:6 imports commands.alpha.store.rows",
        "commands/beta/commands.py:7 imports commands.alpha.store",
        "commands/beta/commands.py:9 imports commands.alpha",
    ]
