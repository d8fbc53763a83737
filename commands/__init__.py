"""Feature modules. Importing one registers its commands, hooks and jobs with ``bot.framework.registry``."""

from __future__ import annotations

import importlib

from pydantic import BaseModel

FEATURES = (
    "commands.help",
    "commands.core",
    "commands.polls",
    "commands.meetlearn",
    "commands.retro",
    "commands.faq",
    "commands.undo",
)


# Each feature's ``[features.<name>]`` table is validated by its own pydantic model, named here so that
# `lotsenbot check-config` can report a mistake before the bot starts (module:attribute).
FEATURE_SETTINGS = {
    "polls": "commands.polls.settings:PollSettings",
    "meetlearn": "commands.meetlearn.settings:MeetLearnSettings",
    "retro": "commands.retro.settings:RetroSettings",
    "faq": "commands.faq.service:FaqSettings",
}


def settings_model(feature: str) -> type[BaseModel] | None:
    target = FEATURE_SETTINGS.get(feature)
    if target is None:
        return None
    module, _, attr = target.partition(":")
    model: type[BaseModel] = getattr(importlib.import_module(module), attr)
    return model


def load_all() -> None:
    """Import every feature; ``!hilfe`` and the README list commands in ``FEATURES`` order, whatever order
    the modules happened to be imported in (a test, or one feature using another, may import them early)."""
    from bot.framework import registry

    for name in FEATURES:
        importlib.import_module(name)

    def feature_of(module: str) -> int:
        return next((i for i, f in enumerate(FEATURES) if module.startswith(f)), len(FEATURES))

    registry.commands.sort(key=lambda cmd: feature_of(cmd.handler.__module__))
