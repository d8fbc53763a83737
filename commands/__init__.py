"""Feature modules. Importing one registers its commands, hooks, jobs and settings model with ``bot``'s
registries (``bot.framework.registry``, ``bot.config.register_settings``)."""

from __future__ import annotations

import importlib

FEATURES = (
    "commands.help",
    "commands.core",
    "commands.polls",
    "commands.meetlearn",
    "commands.retro",
    "commands.faq",
    "commands.undo",
)
# The formal-German ("de-Sie") overlays: a feature without one needs no entry.
SIE_OVERLAYS = (
    "commands.texts_sie",
    "commands.polls.texts_sie",
    "commands.meetlearn.texts_sie",
    "commands.retro.texts_sie",
    "commands.faq.texts_sie",
)


def load_all() -> None:
    """Import every feature; ``!hilfe`` and the README list commands in ``FEATURES`` order, whatever order
    the modules happened to be imported in (a test, or one feature using another, may import them early)."""
    from bot.framework import registry

    for name in FEATURES:
        importlib.import_module(name)

    def feature_of(module: str) -> int:
        return next((i for i, f in enumerate(FEATURES) if module.startswith(f)), len(FEATURES))

    registry.commands.sort(key=lambda cmd: feature_of(cmd.handler.__module__))
    from bot import variants

    variants.load(SIE_OVERLAYS)  # after the features: overlays look up command texts in the registry
