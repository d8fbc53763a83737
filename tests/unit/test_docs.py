"""The README's command table is the registry's: a new or renamed command cannot go undocumented."""

from __future__ import annotations

from pathlib import Path

from bot.framework import registry

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_command_table_matches_the_declarations() -> None:
    from commands import load_all

    load_all()
    table = registry.markdown_table()
    assert table in README.read_text(encoding="utf-8"), (
        "README.md's command table is out of date; replace it with the output of\n"
        "  python -c 'from commands import load_all; load_all(); "
        "from bot.framework import registry; print(registry.markdown_table())'"
    )
