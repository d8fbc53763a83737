"""Formal German ("de-Sie") for the poll texts that address the reader (``texts.py``, ``guided.py``).

Same keys as the German catalogue; a key missing here falls back to German because its German text does
not address anyone (see ``bot/i18n.py``). Command help that says "du" is keyed by the command's name.
"""

from __future__ import annotations

from bot import i18n, variants
from commands.polls.texts import ANONYMITY_DE

SIE = {
    "polls.reminder_dm": "⏰ Umfrage #{number} „{question}“ endet am {when}, und Sie haben noch nicht "
    "abgestimmt. Hier geht es zur Umfrage: {link}",
    "polls.reminder_dm_anonymous": "⏰ Die anonyme Umfrage #{number} „{question}“ endet am {when}. Falls Sie "
    "noch nicht abgestimmt haben: Schreiben Sie mir hier `{prefix}stimme {number} <Nr>`. Wenn Sie schon "
    "abgestimmt haben, ist nichts zu tun – diese Erinnerung bekommen alle, damit niemand erkennen kann, wer "
    "schon abgestimmt hat.",
    "polls.option_count": "Eine Umfrage braucht 2 bis 20 Optionen, Sie haben {count} angegeben.",
    "polls.empty_question": "Die Frage ist leer. Schreiben Sie sie in Anführungszeichen vor die Optionen.",
    "polls.question_unquoted": "Die Frage scheint nicht in Anführungszeichen zu stehen: „{option}“ sieht "
    "nach einem Teil der Frage aus. Setzen Sie die Frage und jede Option mit Leerzeichen in "
    "Anführungszeichen.",
    "polls.remind_in_past": "Die Erinnerung läge vor jetzt ({when}). Wählen Sie bei `--erinnern` eine "
    "kürzere Dauer oder bei `--bis` eine spätere Zeit.",
    "polls.not_in_dm": "Eine Umfrage starten Sie bitte im Raum, in dem abgestimmt werden soll, nicht im "
    "Direktchat.",
    "polls.info_multi": "Sie können bis zu {n} Antworten wählen.",
    "polls.how_anonymous": "🕶️ **Anonym:** Bitte stimmen Sie im Direktchat mit mir ab, nicht hier: schreiben "
    "Sie mir `{command}`. Hier im Raum erscheinen nur Zahlen; niemand – auch nicht die Koordination – sieht, "
    "wer wie gestimmt hat. Schreiben Sie hier `{prefix}stimme {number}`, öffne ich den Direktchat für Sie. "
    "Details: `{prefix}hilfe stimme`.",
    "polls.not_found_dm": "Ich finde keine Umfrage #{number} in Ihren Räumen. `{prefix}umfragen` zeigt die "
    "offenen.",
    "polls.ambiguous": "Eine Umfrage #{number} gibt es in mehreren Ihrer Räume. Schreiben Sie die Raum-ID "
    "dazu, z. B. `{example}`.",
    "polls.not_member": "Sie sind nicht im Raum von Umfrage #{number} und können dort nicht abstimmen.",
    "polls.bad_ref": "„{value}“ ist keine Umfrage-Nummer. Schreiben Sie sie wie `3` oder `#3`.",
    "polls.missing_choice": "Es fehlt Ihre Auswahl. Beispiel: `{prefix}stimme {number} 2` oder, wenn mehrere "
    "erlaubt sind, `{prefix}stimme {number} 1,3`.",
    "polls.too_many_choices": "Bei Umfrage #{number} können Sie höchstens {max} Option(en) wählen, Sie haben "
    "{got} angegeben. Nichts gespeichert.",
    "polls.use_points": "Umfrage #{number} ist eine Punkte-Umfrage. Verteilen Sie Ihre Punkte so: "
    "`{prefix}punkte {number} 1=3 2=2`",
    "polls.not_points": "Umfrage #{number} ist keine Punkte-Umfrage. Stimmen Sie so ab: "
    "`{prefix}stimme {number} 2`",
    "polls.bad_points": "„{value}“ verstehe ich nicht. Schreiben Sie Option=Punkte, z. B. "
    "`{prefix}punkte {number} 1=3 4=2`. Nichts gespeichert.",
    "polls.missing_points": "Es fehlt Ihre Verteilung: bis zu {budget} Punkte als Option=Punkte, z. B. "
    "`{prefix}punkte {number} {example}`.",
    "polls.option_ambiguous": "„{value}“ passt zu mehreren Optionen von Umfrage #{number}: {options}. "
    "Schreiben Sie mehr vom Namen oder die Nummer. Nichts gespeichert.",
    "polls.points_over_budget": "Das sind {got} Punkte, Sie haben aber nur {budget}. Nichts gespeichert – "
    "verteilen Sie bitte neu, z. B. `{prefix}punkte {number} {example}`.",
    "polls.vote_ok": "✅ Ihre Stimme für Umfrage #{number} zählt: {choice}.",
    "polls.vote_ok_secret": "✅ Ihre Stimme für Umfrage #{number} zählt. Das Ergebnis gibt es nach dem Ende.",
    "polls.points_ok": "✅ Ihre Punkte für Umfrage #{number}: {choice}. ({left} von {budget} Punkten übrig.)",
    "polls.change_hint": "Ändern können Sie sie bis zum Ende mit einer neuen Nachricht; "
    "`{prefix}stimme {number} keine` nimmt sie zurück.",
    "polls.unvoted": "Ihre Stimme für Umfrage #{number} ist zurückgenommen.",
    "polls.receipt_footer": "Es zählt immer Ihre letzte Stimme; `{prefix}ergebnis {number}` zeigt den Stand.",
    "polls.receipt_footer_secret": "Es zählt immer Ihre letzte Stimme. Das Ergebnis gibt es nach dem Ende.",
    "polls.anonymous_in_room": "🕶️ Umfrage #{number} ist anonym: Diese Nachricht zähle ich nicht. Stimmen Sie "
    "bitte im Direktchat mit mir ab – ich habe Ihnen dort geschrieben.",
    "polls.vote_removed": "Ihre Nachricht hier habe ich entfernt.",
    "polls.vote_not_removed": "Ich konnte Ihre Nachricht hier **nicht entfernen** (mir fehlt die "
    "Berechtigung) – bitte löschen Sie sie selbst.",
    "polls.anonymous_dm_intro": "🕶️ **Anonyme Umfrage #{number}: {question}**\n\n{options}\n\n"
    "Antworten Sie hier mit `{command}`.",
    "polls.anonymous_dm_sent": "🕶️ Ich habe Ihnen für Umfrage #{number} im Direktchat geschrieben.",
    "polls.reaction_how_native": "Stimmen Sie bitte in der Umfrage selbst ab (Element zeigt das Ergebnis "
    "erst am Ende) oder schreiben Sie mir hier `{command}`.",
    "polls.reaction_how_dm": "Stimmen Sie bitte hier im Direktchat ab: `{command}`.",
    "polls.reaction_removed": "Ihre Reaktion habe ich entfernt.",
    "polls.reaction_remove_yourself": "Nehmen Sie Ihre Reaktion bitte wieder weg – ich darf sie nicht "
    "entfernen.",
    "polls.export_sent": "📄 Den Export von Umfrage #{number} habe ich Ihnen in den Direktchat geschickt.",
    # guided.py
    "polls.guided.ask_question": "Was möchten Sie fragen? Zum Beispiel: _Welcher Termin passt Ihnen?_",
    "polls.guided.ask_options": "Welche Antworten stehen zur Wahl? Schreiben Sie sie mit Komma getrennt oder "
    "jede in eine eigene Zeile (2 bis 20). Zum Beispiel: _Montag, Dienstag, Mittwoch_",
    "polls.guided.no_end": "ohne festes Ende (Sie beenden sie selbst)",
}

ANONYMITY_SIE = (
    "**So anonym ist eine anonyme Umfrage (`--anonym`):** Sie stimmen im Direktchat mit mir ab; im Raum "
    "erscheinen nur Zahlen. Ich speichere nicht, wer wie gestimmt hat – nur eine Kennung, an der ich Ihre "
    "Stimme wiedererkenne, damit Sie sie ändern können und niemand doppelt zählt. Solange die Umfrage "
    "läuft, könnte jemand mit Zugang zum Rechner des Bots nachprüfen, wie eine bestimmte Person gestimmt "
    "hat. Beim Ende lösche ich, was diese Prüfung möglich macht; danach ist keine Zuordnung mehr möglich. "
    "Ihre eigene Nachricht an mich bleibt in unserem Direktchat – löschen Sie sie, wenn Sie möchten. "
    "Erinnerungen nennen bei anonymen Umfragen niemanden. Bei wenigen Stimmen lässt sich aus Zwischenständen "
    "manchmal erraten, wer was gewählt hat; mit `--geheim` dazu gibt es die Zahlen erst am Ende."
)


def _with_sie_anonymity(name: str) -> str:
    """``!umfrage``'s details address the reader only in the anonymity paragraph; the options list stays."""
    german = variants.command_text(name, "details")
    if ANONYMITY_DE not in german:
        raise ValueError(f"!{name}: the details no longer end with ANONYMITY_DE; write their Sie form here")
    return german.replace(ANONYMITY_DE, ANONYMITY_SIE)


COMMANDS = {
    ("umfrage", "details"): _with_sie_anonymity("umfrage"),
    ("stimme", "details"): (
        "Die Nummer der Umfrage steht in der Umfrage (#3); Optionen zählen ab 1. Mehrere Optionen mit "
        "Komma, wenn die Umfrage das erlaubt. `keine` nimmt die Stimme zurück. Es zählt immer Ihre letzte "
        "Stimme.\n\n" + ANONYMITY_SIE
    ),
    ("punkte", "details"): (
        "Schreiben Sie Option=Punkte, getrennt durch Leerzeichen. Die Option nennen Sie mit ihrer Nummer "
        "oder ihrem Namen – der Anfang reicht, Groß-/Kleinschreibung egal. Sie müssen nicht alle Punkte "
        "vergeben; mehr als erlaubt geht nicht. Eine neue Verteilung ersetzt die alte, `keine` nimmt sie "
        "zurück."
    ),
    ("umfrage export", "help"): (
        "Schickt Ihnen das Ergebnis als CSV-Datei (wer die Umfrage gestartet hat oder Koordination)."
    ),
}

# Usage examples are typed content, the same in every language; this one asks the reader.
EXAMPLES = {
    '!umfrage "Wie zufrieden bist du?" "Sehr" "Geht so" "Wenig" --anonym --bis morgen 12:00': (
        '!umfrage "Wie zufrieden sind Sie?" "Sehr" "Geht so" "Wenig" --anonym --bis morgen 12:00'
    ),
}

i18n.register_variant("de-Sie", SIE)
variants.register_commands("de-Sie", COMMANDS)
i18n.register_inline_variant("de-Sie", EXAMPLES)
