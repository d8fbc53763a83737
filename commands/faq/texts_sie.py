"""Formal German ("de-Sie") for the FAQ texts that address the reader (``texts.py``, ``dm.py``).

Same keys; every other key falls back to German (``bot/i18n.py``). The knowledge base's own entries are
coordinator content in their own voice and are not translated here.
"""

from __future__ import annotations

from bot import i18n

SIE = {
    "faq.dm.closing": "Alles klar, vielen Dank! Wenn Sie eine Frage haben, schreiben Sie sie mir einfach.",
    "faq.dm.to_retro": "Das klingt nach Feedback. Soll es in die Retro {retro}? Dann schicken Sie mir "
    "`{prefix}feedback {number} <Kategorie> {text}` (Kategorien: {categories}). War es eine Frage an mich, "
    "stellen Sie sie mir gern als Frage.",
    "faq.dm.ask_back": "Ist das eine Frage an mich? Dann stellen Sie sie mir gern als Frage, z. B. „Wie "
    "bekomme ich einen Jitsi-Raum?“. Alle Befehle: `{prefix}hilfe`.",
    "faq.intro": "Fragen Sie mich etwas zu den Themen der Digitallotsen, z. B. `{prefix}faq Wo finde ich die "
    "Aufzeichnungen vom Meet and Learn?` – oder schreiben Sie eine Nachricht, die mit `?` beginnt. Ich kenne "
    "{entries} Einträge.",
    "faq.feedback_hint": "_Hat das geholfen? Reagieren Sie mit 👍 oder 👎._",
    "faq.also": "Meinten Sie auch: {choices}",
    "faq.unsure": "🤔 Ich bin nicht sicher, was Sie meinen. Passt eine dieser Fragen?",
    "faq.unsure_pick": "Schreiben Sie `{example}` (oder die passende Nummer), dann bekommen Sie die Antwort.",
    "faq.none_escalated": "Ich habe Ihre Frage an die Koordination weitergegeben (Nr. {number}); die Antwort "
    "bekommen Sie hier.",
    "faq.none_logged": "Ich habe sie für die Koordination notiert (Nr. {number}); die Antwort bekommen Sie "
    "hier.",
    "faq.none_not_question": "Wenn Sie eine Frage haben, schreiben Sie sie mir einfach, z. B. „Wie bekomme "
    "ich einen Jitsi-Raum?“. Alle Befehle: `{prefix}hilfe`.",
    "faq.no_choices": "Ich habe Ihnen hier gerade keine Auswahl angeboten. Stellen Sie Ihre Frage einfach "
    "mit `{prefix}faq <Frage>`.",
    "faq.choice_range": "Bitte wählen Sie eine Nummer von 1 bis {count}.",
    "faq.choice_gone": "Den Eintrag `{id}` gibt es inzwischen nicht mehr. Fragen Sie bitte noch einmal.",
    "faq.greeting": "Hallo! Fragen Sie mich einfach etwas zu den Themen der Digitallotsen. Alle Befehle: "
    "`{prefix}hilfe`.",
    "faq.kb_empty": "Die Wissensdatenbank ist gerade leer oder nicht erreichbar. Bitte sagen Sie der "
    "Koordination Bescheid.",
    "faq.answer_to_asker": "💬 **Antwort der Koordination** auf Ihre Frage „{question}“:\n\n{answer}",
    "faq.id_taken": "Die Id `{id}` ist schon vergeben; wählen Sie mit `--id` eine andere.",
    "faq.unknown_entry_hint": " Meinten Sie `{id}`?",
    "faq.learned_none": "Ich habe noch nichts aus der Nutzung gelernt. Das geschieht, wenn jemand eine "
    "angebotene Frage auswählt, Sie eine offene Frage mit `--eintrag` beantworten oder eine Antwort ein 👎 "
    "bekommt.",
    "faq.answer_missing": "Da fehlt die Antwort. Schreiben Sie sie hinter die Nummer (`{prefix}faq antworten "
    "{number} <Antwort>`) oder nennen Sie den passenden Eintrag (`{prefix}faq antworten {number} --eintrag "
    "<id>`).",
}

# Usage examples are typed content (a coordinator's answer); in a formal bot they are written formally.
EXAMPLES = {
    "Die Antwort erscheint als Antwort auf die ursprüngliche Frage in deren Raum (oder der "
    "Direktnachricht); mit `--privat` als Direktnachricht. Danach kann `!faq speichern <Nr>` daraus "
    "einen Eintrag der Wissensdatenbank machen. Beantwortet ein vorhandener Eintrag die Frage, "
    "schick ihn mit `--eintrag <id>`: Ich lerne dann die Formulierung der Frage für diesen Eintrag "
    "(`!faq gelernt <id>`).": (
        "Die Antwort erscheint als Antwort auf die ursprüngliche Frage in deren Raum (oder der "
        "Direktnachricht); mit `--privat` als Direktnachricht. Danach kann `!faq speichern <Nr>` daraus "
        "einen Eintrag der Wissensdatenbank machen. Beantwortet ein vorhandener Eintrag die Frage, "
        "schicken Sie ihn mit `--eintrag <id>`: Ich lerne dann die Formulierung der Frage für diesen "
        "Eintrag (`!faq gelernt <id>`)."
    ),
    "!faq antworten 3 Den Zugang beantragst du über das IT-Serviceportal.": (
        "!faq antworten 3 Den Zugang beantragen Sie über das IT-Serviceportal."
    ),
    "!faq bearbeiten jitsi Den Link zum Raum bekommst du im Intranet unter **Jitsi**.": (
        "!faq bearbeiten jitsi Den Link zum Raum bekommen Sie im Intranet unter **Jitsi**."
    ),
}

i18n.register_variant("de-Sie", SIE)
i18n.register_inline_variant("de-Sie", EXAMPLES)
