"""Formal German ("de-Sie") for the single-module features: help, announcements, undo.

Only texts that address the reader; the others fall back to German (see ``bot/i18n.py``).
"""

from __future__ import annotations

from bot import i18n

SIE = {
    # commands/help.py
    "help.title": "**Was möchten Sie tun?**",
    "help.all_title": "**Alle Befehle, die Sie nutzen können:**",
    "help.near": "Meinten Sie `{command}`? Befehle beginnen mit `{prefix}`, direkt davor nichts anderes.",
    "help.dm_fallback": "👋 Das kann ich nicht zuordnen. Stellen Sie mir eine Frage in Worten, oder "
    "schreiben Sie `{prefix}hilfe` – dann zeige ich Ihnen, was ich kann.",
    # commands/core.py
    "core.announcement_long": "Die Ansage ist zu lang: {length} Zeichen, höchstens {limit} gehen (sie pingt "
    "alle im Raum). Kürzen Sie sie oder verlinken Sie ein Dokument, z. B. "
    "`{prefix}ansage Neue Termine: <Link>`.",
    # commands/undo.py
    "undo.hint": "Falsch verstanden? Antworten Sie in den nächsten {minutes} Minuten mit „rückgängig“.",
}

i18n.register_variant("de-Sie", SIE)
