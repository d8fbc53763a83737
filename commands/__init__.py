"""Feature modules. Importing one registers its commands, hooks and jobs with ``bot.framework.registry``."""

from __future__ import annotations

import importlib

FEATURES = ("commands.core", "commands.polls", "commands.meetlearn", "commands.retro", "commands.faq")


def load_all() -> None:
    for name in FEATURES:
        importlib.import_module(name)
