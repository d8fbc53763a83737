"""Formal German ("de-Sie") for the texts of the bot's core: only those that address the reader.

Keys are the same as in the German catalogue (``bot/i18n.py``, ``bot/dispatch.py``, ``bot/dialog_texts.py``,
``bot/edits.py``, ``bot/guide.py``); every other key falls back to its German text, which says nothing to
"du". Time-parse errors have no catalogue key, so they are keyed by their German template.
"""

from __future__ import annotations

from bot import i18n
from bot.timeparse.errors import TimeParseError

SIE = {
    # bot/i18n.py
    "greeting_dm": "Hallo! Ich bin der Lotsenbot. Schreiben Sie `{prefix}hilfe`, um zu sehen, was ich kann.",
    "invite_refused": "Der Lotsenbot nimmt nur Einladungen von freigegebenen Konten an. "
    "Bitte wenden Sie sich an die Koordination Digitalisierung.",
    "undecryptable": "Ich konnte Ihre letzte Nachricht nicht entschlüsseln. "
    "Bitte erlauben Sie in Ihrem Matrix-Programm das Senden an nicht verifizierte Geräte "
    "(in Element: Einstellungen → Sicherheit) und schicken Sie den Befehl noch einmal.",
    "unsigned_device": "Ich habe Ihre Nachricht bekommen, aber sie kommt von einem Gerät, das Sie nicht "
    "bestätigt haben. Ich reagiere nur auf bestätigte Geräte (wie Element mit „Unsichere Geräte "
    "ausschließen“). Bitte bestätigen Sie dieses Gerät mit einem anderen angemeldeten Gerät oder Ihrem "
    "Wiederherstellungsschlüssel (in Element: Einstellungen → Sitzungen) und schicken Sie die Nachricht "
    "dann noch einmal.",
    "internal_error": "Da ist bei mir etwas schiefgegangen. Die Koordination kann es im Protokoll nachsehen "
    "(Fehlernummer `{ref}`). Bitte versuchen Sie es gleich noch einmal.",
    # bot/dialog_texts.py
    "dialog.intro": "📝 **{title}** – ich frage Sie Schritt für Schritt {where}. "
    "„ok“ nimmt den Vorschlag, „abbrechen“ beendet jederzeit. "
    "Nach {minutes} Minuten ohne Antwort höre ich auf.",
    "dialog.needs_answer": "Hier brauche ich eine Antwort von Ihnen (oder „abbrechen“).",
    "dialog.confirm_again": "Schreiben Sie „ok“ zum Loslegen, eine Nummer von 1 bis {count} zum Ändern "
    "oder „abbrechen“.",
    "dialog.fix": "Schreiben Sie eine Nummer von 1 bis {count}, um die Angabe zu ändern, oder „abbrechen“.",
    "dialog.replaced": "(Ihre vorige Eingabe hier ist damit beendet.)",
    "dialog.yes_no": "Bitte antworten Sie mit „ja“ oder „nein“.",
    "dialog.bad_choice": "Bitte antworten Sie mit einer Nummer von 1 bis {count}.",
    # bot/edits.py
    "edits.not_read": "✏️ Bearbeitungen lese ich nicht – sie zählen nicht. Schicken Sie den Befehl bitte "
    "als neue Nachricht: {command}",
    # bot/dispatch.py
    "dispatch.unknown_suggest": "Unbekannter Befehl {word}. Meinten Sie `{prefix}{suggestion}`?",
    "dispatch.unknown": "Unbekannter Befehl {word}. Mit `{prefix}hilfe` sehen Sie alle Befehle.",
    # bot/guide.py
    "guide.repository": "📖 Anleitung: `{prefix}hilfe anleitung` schickt sie Ihnen als Datei "
    "(`{path}` im Bot-Repository)",
}

_TIME = TimeParseError.MESSAGES
TIME_SIE = {
    _TIME["invalid_date"][0]: "Das Datum „{date}“ gibt es nicht. Bitte prüfen Sie Tag und Monat, "
    "z. B. `28.02. 18 Uhr` oder `01.03.2027 18:00`.",
    _TIME["invalid_year"][
        0
    ]: "Das Jahr „{year}“ kann ich nicht verwenden. Schreiben Sie das Jahr vierstellig "
    "oder lassen Sie es weg, z. B. `01.12.2026 18:00` oder `01.12. 18 Uhr`.",
    _TIME["vague_week"][0]: "„{text}“ ist zu ungenau – bitte nennen Sie einen Tag. Beispiele: "
    "`nächste Woche Freitag 17 Uhr`, `nächsten Montag 9 Uhr`, `in 1 Woche`.",
    _TIME["weekday_mismatch"][0]: "Der {date} ist ein {actual_de}, kein {given_de}. Bitte prüfen Sie Datum "
    "oder Wochentag, z. B. `{date} 18 Uhr` oder `{given_de} 18 Uhr`.",
    _TIME["past"][0]: "Der Zeitpunkt {when_de} liegt in der Vergangenheit. Bitte geben Sie einen Zeitpunkt "
    "in der Zukunft an, z. B. `morgen 12:00` oder `in 2 Stunden`.",
}

i18n.register_variant("de-Sie", SIE)
i18n.register_inline_variant("de-Sie", TIME_SIE)
