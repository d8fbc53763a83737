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


def test_every_text_and_help_has_english_with_the_same_placeholders() -> None:
    """``language = "en"`` must never fall back to German or break a template."""
    import string

    import bot.dispatch
    import bot.matrix  # noqa: F401  (registers their texts)
    from bot import i18n
    from commands import load_all

    load_all()
    assert len(i18n._CATALOGUE) > 300
    problems = []
    for key, texts in i18n._CATALOGUE.items():
        if not texts.get("en"):
            problems.append(f"{key}: no English")
            continue
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("de", "en")]
        if fields[0] != fields[1]:
            problems.append(f"{key}: placeholders {sorted(fields[0])} vs {sorted(fields[1])}")
    for cmd in registry.commands:
        for what, texts in (("help", cmd.help), ("group", cmd.group), ("details", cmd.details or {})):
            if texts and not texts.get("en"):
                problems.append(f"!{cmd.names[0]}: {what} has no English")
    assert problems == []
