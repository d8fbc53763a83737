"""Loading the formal-German ("de-Sie") overlays, and keying a command's inline texts by its name.

The overlays are plain modules that register their texts when imported (``texts_sie.py`` next to a
feature's ``texts.py``). ``commands.load_all()`` imports the features' overlays after the features (they
look up command texts in the registry), so every process that can answer (bot, tests, CLI) has them; the
bot's own overlay is imported here. ``bot`` names no feature module: the list lives in ``commands``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

from bot import i18n


def load(overlays: tuple[str, ...] = ()) -> None:
    """Import the bot's own overlay and then ``overlays`` (module names, the features' ``texts_sie``)."""
    for name in ("bot.texts_sie", *overlays):
        importlib.import_module(name)


def command_text(name: str, field: str) -> str:
    """The German ``help``/``details`` of the command whose first name is ``name`` (features loaded)."""
    from bot.framework import registry

    cmd = next(cmd for cmd in registry.commands if cmd.names[0] == name)
    texts: Mapping[str, str] = getattr(cmd, field)
    return texts["de"]


def register_commands(lang: str, entries: Mapping[tuple[str, str], str]) -> None:
    """``{("umfrage export", "help"): "Schickt Ihnen …"}``: a command's ``help``/``details`` in ``lang``.

    Keyed by the command's first name, so no declaration has to change; the German text it replaces is
    looked up in the registry (the features must be loaded), and an unknown name or field raises.
    """
    i18n.register_inline_variant(
        lang, {command_text(name, field): text for (name, field), text in entries.items()}
    )
