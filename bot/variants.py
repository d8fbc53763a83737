"""Loading the formal-German ("de-Sie") overlays, and keying a command's inline texts by its name.

The overlays are plain modules that register their texts when imported (``texts_sie.py`` next to a
feature's ``texts.py``). ``load()`` imports them all after the features, from ``commands.load_all()``, so
every process that can answer (bot, tests, CLI) has them; a feature without an overlay needs no entry.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from bot import i18n

OVERLAYS = (
    "bot.texts_sie",
    "commands.texts_sie",
    "commands.polls.texts_sie",
    "commands.meetlearn.texts_sie",
    "commands.retro.texts_sie",
    "commands.faq.texts_sie",
)


def load() -> None:
    for name in OVERLAYS:
        importlib.import_module(name)


def register_commands(lang: str, entries: Mapping[tuple[str, str], str]) -> None:
    """``{("umfrage export", "help"): "Schickt Ihnen …"}``: a command's ``help``/``details`` in ``lang``.

    Keyed by the command's first name, so no declaration has to change; the German text it replaces is
    looked up in the registry (the features must be loaded), and an unknown name or field raises.
    """
    from bot.framework import registry

    by_name = {cmd.names[0]: cmd for cmd in registry.commands}
    german: dict[str, str] = {}
    for (name, field), text in entries.items():
        texts = getattr(by_name[name], field)
        german[texts["de"]] = text
    i18n.register_inline_variant(lang, german)
