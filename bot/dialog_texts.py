"""Texts of the guided dialogs (``bot/dialog.py``), German and English."""

from __future__ import annotations

from bot import i18n

TEXTS: dict[str, dict[str, str]] = {
    "dialog.intro": {
        "de": "📝 **{title}** – ich frage dich Schritt für Schritt {where}. "
        "„ok“ nimmt den Vorschlag, „abbrechen“ beendet jederzeit. "
        "Nach {minutes} Minuten ohne Antwort höre ich auf.",
        "en": "📝 **{title}** – I'll ask you step by step {where}. "
        "“ok” takes the suggestion, “cancel” stops at any time. "
        "After {minutes} minutes without an answer I stop.",
    },
    "dialog.where_thread": {"de": "hier im Thread", "en": "here in the thread"},
    "dialog.where_dm": {"de": "hier im Direktchat", "en": "here in the direct chat"},
    "dialog.question": {
        "de": "**Frage {n} von {total}:** {question}",
        "en": "**Question {n} of {total}:** {question}",
    },
    "dialog.ok_means": {"de": "_„ok“ = {value}_", "en": "_“ok” = {value}_"},
    "dialog.needs_answer": {
        "de": "Hier brauche ich eine Antwort von dir (oder „abbrechen“).",
        "en": "I need an answer here (or “cancel”).",
    },
    "dialog.preview": {
        "de": "**Vorschau – {title}**",
        "en": "**Preview – {title}**",
    },
    "dialog.confirm": {
        "de": "Passt alles? „ok“ legt los, eine Nummer ändert diese Angabe, „abbrechen“ verwirft alles.",
        "en": "All good? “ok” goes ahead, a number changes that entry, “cancel” discards everything.",
    },
    "dialog.confirm_again": {
        "de": "Schreib „ok“ zum Loslegen, eine Nummer von 1 bis {count} zum Ändern oder „abbrechen“.",
        "en": "Write “ok” to go ahead, a number from 1 to {count} to change an entry, or “cancel”.",
    },
    "dialog.fix": {
        "de": "Schreib eine Nummer von 1 bis {count}, um die Angabe zu ändern, oder „abbrechen“.",
        "en": "Write a number from 1 to {count} to change that entry, or “cancel”.",
    },
    "dialog.cancelled": {
        "de": "Abgebrochen – ich habe nichts angelegt. Neu anfangen: `{command}`",
        "en": "Cancelled – nothing was created. Start again: `{command}`",
    },
    "dialog.timed_out": {
        "de": "⏱️ Nach {minutes} Minuten ohne Antwort habe ich aufgehört; es wurde nichts angelegt. "
        "Neu anfangen: `{command}`",
        "en": "⏱️ No answer for {minutes} minutes, so I stopped; nothing was created. "
        "Start again: `{command}`",
    },
    "dialog.replaced": {
        "de": "(Deine vorige Eingabe hier ist damit beendet.)",
        "en": "(Your previous dialog here has ended.)",
    },
    "dialog.yes_no": {
        "de": "Bitte antworte mit „ja“ oder „nein“.",
        "en": "Please answer “yes” or “no”.",
    },
    "dialog.bad_choice": {
        "de": "Bitte antworte mit einer Nummer von 1 bis {count}.",
        "en": "Please answer with a number from 1 to {count}.",
    },
    "dialog.not_understood": {
        "de": "Das habe ich nicht verstanden.",
        "en": "I did not understand that.",
    },
    "dialog.also": {"de": "Außerdem: {options}", "en": "Also: {options}"},
    "dialog.past": {
        "de": "„{label}“ liegt inzwischen in der Vergangenheit.",
        "en": "“{label}” is in the past by now.",
    },
    "dialog.yes": {"de": "ja", "en": "yes"},
    "dialog.no": {"de": "nein", "en": "no"},
    "dialog.minutes": {"de": "{n} Minuten", "en": "{n} minutes"},
    "dialog.hours": {"de": "{n} Stunden", "en": "{n} hours"},
    "dialog.days": {"de": "{n} Tage", "en": "{n} days"},
}


def register_texts() -> None:
    """Add the dialog texts to the catalogue (called when bot/dialog.py is imported)."""
    i18n.register(TEXTS)
