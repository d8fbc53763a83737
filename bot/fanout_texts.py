"""Texts of the DM fan-out's status message (``bot/fanout.py``), German and English."""

from __future__ import annotations

from bot import i18n

i18n.register(
    {
        "fanout.progress": {
            "de": "📨 {title}: an {sent} von {total} verschickt …{eta}",
            "en": "📨 {title}: sent to {sent} of {total} …{eta}",
        },
        "fanout.eta": {
            "de": " (noch etwa {minutes} Min.)",
            "en": " (about {minutes} min to go)",
        },
        "fanout.done": {
            "de": "✅ {title}: an {sent} von {total} verschickt.{notes}",
            "en": "✅ {title}: sent to {sent} of {total}.{notes}",
        },
        "fanout.note_skipped": {
            "de": " {n} nicht mehr nötig (inzwischen erledigt).",
            "en": " {n} no longer needed (done meanwhile).",
        },
        "fanout.note_expired": {
            "de": " {n} nicht mehr verschickt, weil es dafür zu spät war (Frist vorbei oder beendet).",
            "en": " {n} not sent because it was too late (deadline passed or ended).",
        },
        "fanout.note_failed": {
            "de": " {n} nicht erreichbar (der Direktchat ließ sich nicht öffnen).",
            "en": " {n} unreachable (the direct chat could not be opened).",
        },
        "fanout.note_unsure": {
            "de": " {n} vielleicht nicht angekommen (ich war zu lange weg, um es zu prüfen; "
            "ich schicke nichts doppelt).",
            "en": " {n} perhaps not delivered (I was away too long to check; I never send anything twice).",
        },
    }
)
