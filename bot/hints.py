"""From what someone typed to the command that does it: "!termine löschen alle" → "!meetlearn absagen".

A usage line answers "how do I write this command", not "how do I do what I asked". When words after a
complete command name an action ("löschen", "absagen", "ändern"), the commands of the same feature whose
names carry that action are the real way, and the reply says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.framework import Command, Registry, fold

if TYPE_CHECKING:
    from bot.context import Context

# An action word as people type it → the words command names use for it (folded).
ACTIONS: dict[str, tuple[str, ...]] = {
    "loeschen": ("absagen", "entfernen", "beenden", "verwerfen", "cancel", "remove"),
    "entfernen": ("entfernen", "absagen", "verwerfen", "remove"),
    "streichen": ("absagen", "entfernen"),
    "stornieren": ("absagen",),
    "absagen": ("absagen", "absage"),
    "abbrechen": ("absagen", "beenden"),
    "beenden": ("beenden", "schliessen", "ende"),
    "schliessen": ("schliessen", "beenden", "ende"),
    "aendern": ("aendern", "thema", "bearbeiten", "verschieben"),
    "bearbeiten": ("aendern", "bearbeiten", "thema"),
    "verschieben": ("verschieben",),
    "anlegen": ("neu", "anlegen", "vorschlagen"),
    "erstellen": ("neu", "anlegen", "start"),
    "neu": ("neu", "anlegen", "start"),
    "starten": ("start", "neu"),
    "exportieren": ("export", "ics"),
    "export": ("export", "ics"),
    "delete": ("cancel", "remove", "absagen", "entfernen"),
    "remove": ("remove", "cancel", "entfernen"),
    "cancel": ("cancel", "absagen"),
    "edit": ("edit", "aendern", "topic"),
    "change": ("edit", "aendern", "topic", "move"),
    "move": ("move", "verschieben"),
    "new": ("new", "neu", "start"),
    "create": ("new", "neu", "start"),
    "close": ("close", "end", "schliessen"),
}
MAX_SUGGESTIONS = 3


def other_ways(ctx: Context, registry: Registry, cmd: Command, words: Sequence[str]) -> str:
    """A "Meintest du …" line for the action in ``words``, or "" when no command of the feature fits."""
    wanted: list[str] = []
    for word in words:
        wanted += ACTIONS.get(fold(word), ())
    if not wanted:
        return ""
    found: list[Command] = []
    for verb in wanted:
        for other in registry.commands:
            if (
                other is cmd
                or other in found
                or other.group is not cmd.group
                or not ctx.may(other.permission)
            ):
                continue
            if any(verb in fold(name).split() for name in other.names):
                found.append(other)
    if not found:
        return ""
    found.sort(key=lambda other: len(other.name.split()))  # the plain command before the series variant
    shown = ", ".join(f"`{other.usage(ctx.prefix, ctx.lang)}`" for other in found[:MAX_SUGGESTIONS])
    return "\n" + ctx.t("hints.other_ways", commands=shown)


def _register() -> None:
    from bot import i18n

    i18n.register(
        {
            "hints.other_ways": {
                "de": "👉 Dafür gibt es: {commands}",
                "en": "👉 For that, use: {commands}",
            }
        }
    )


_register()
