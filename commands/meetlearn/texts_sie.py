"""Formal German ("de-Sie") for the Meet-and-Learn texts that address the reader.

Same keys as ``texts.py`` / ``guided.py``; every other key falls back to German (``bot/i18n.py``). Texts
posted to the whole room that say "ihr" say "Sie" here as well.
"""

from __future__ import annotations

from bot import i18n, variants

SIE = {
    "ml.guided.ask_link": "Gibt es einen Link zum Online-Raum? Dann schicken Sie ihn mir (beginnt mit "
    "https://).",
    "ml.rsvp_howto": "Sind Sie dabei? Reagieren Sie auf diese Nachricht mit ✅ (oder ❌, wenn Sie nicht "
    "können) – oder schreiben Sie `{prefix}dabei {id}` bzw. `{prefix}absage {id}`. Die Kalenderdatei (.ics) "
    "für Outlook oder Thunderbird kommt gleich hinterher.",
    "ml.dm_reminder": "⏰ {rel} beginnt das Meet and Learn **{topic}**, zu dem Sie zugesagt haben ({when}).\n"
    "Link: {link}",
    "ml.cancelled_yes": "Das betrifft alle {n}, die zugesagt hatten – Sie sind hiermit informiert.",
    "ml.rsvp_yes": "✅ Schön, Sie sind bei #{id} **{topic}** dabei ({when}). Link: {link} – bisher {count}.",
    "ml.rsvp_no": "👍 Notiert: Sie sind bei #{id} **{topic}** ({when}) nicht dabei. Die Aufzeichnung finden "
    "Sie danach mit `{prefix}archiv`.",
    "ml.topic_not_yours": "Vorschlag #{id} ist nicht von Ihnen; entfernen dürfen ihn nur Sie selbst oder die "
    "Koordination.",
    "ml.poll_question": "Welche Themen wünschen Sie sich für die nächsten Meet and Learns?",
    "ml.topic_which_room": "Bitte schreiben Sie das im Team-Raum – ich weiß nicht, zu welchem Raum der "
    "Vorschlag gehört.",
}

COMMANDS = {
    ("meetlearn neu", "details"): "Ohne `--link` erzeuge ich einen Raum auf dem Jitsi der Stadt, falls "
    "eingerichtet – sonst steht in der Ankündigung „noch kein Link“, bis Sie ihn mit "
    "`!meetlearn thema <Nr> --link …` nachtragen. Ich erinnere 7 Tage, 1 Tag und 15 Minuten vorher – aber "
    "nur, wenn der Termin mindestens doppelt so weit weg ist (7 Tage vorher also ab 14 Tagen Vorlauf, 1 Tag "
    "vorher ab 2 Tagen). Zum Start kommt „Es geht los“. Falsch angelegt? Antworten Sie „rückgängig“.",
}

i18n.register_variant("de-Sie", SIE)
variants.register_commands("de-Sie", COMMANDS)


def _rule_errors() -> dict[str, str]:
    """Recurrence errors have no catalogue key: keyed by their German template."""
    from commands.meetlearn.recurrence import RuleParseError

    german = RuleParseError.MESSAGES
    return {
        german["ordinal_range"][
            0
        ]: "Einen {ordinal}. {weekday_de} gibt es nicht in jedem Monat. Nehmen Sie den "
        "1. bis 4. oder den letzten, z. B. `jeden 4. {weekday_de} 14:00` oder "
        "`jeden letzten {weekday_de} 14:00`.",
        german["day_range"][
            0
        ]: "Einen {day}. Tag gibt es in keinem Monat. Nehmen Sie einen Tag von 1 bis 28 oder "
        "den letzten Tag, z. B. `monatlich am 15. um 9:30` oder `monatlich am letzten Tag um 9:30`.",
        german["day_short_month"][
            0
        ]: "Nicht jeder Monat hat einen {day}. Tag, dann fiele der Termin aus. Nehmen "
        "Sie einen Tag von 1 bis 28 oder den letzten Tag, z. B. `monatlich am 28. um 9:30` oder "
        "`monatlich am letzten Tag um 9:30`.",
    }


i18n.register_inline_variant("de-Sie", _rule_errors())
