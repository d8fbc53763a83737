"""Formal German ("de-Sie") for the retro texts that address the reader.

Same keys as ``texts.py`` / ``guided.py``; every other key falls back to German (``bot/i18n.py``). The
prompts of the Start/Stop/Continue format say "wir" and stay as they are; texts to the whole room that
say "ihr"/"euch" say "Sie"/"Ihnen" here.
"""

from __future__ import annotations

from bot import i18n, variants


def _privacy(group: str) -> str:
    """The privacy statement in Sie form; ``group`` is the parenthesis after "Personen"."""
    return (
        "**Was ich speichere – und was nicht:**\n"
        "- Gespeichert: der Text Ihrer Beiträge mit ihrer Kategorie, Ihre Bewertungen (1–5) und eine "
        "Kennung, die ich aus Ihrer Matrix-ID bilde und die nur für diese eine Retro gilt. Die Kennung "
        "brauche ich nur, damit Sie eigene Beiträge ändern und jede Frage einmal bewerten können.\n"
        "- Ihre Beiträge tragen diese Kennung und eine laufende Nummer (1, 2, 3 …), damit Sie sagen können, "
        "welchen Sie ändern wollen. Die Reihenfolge zwischen verschiedenen Personen speichere ich nicht.\n"
        "- Nicht gespeichert: Ihre Matrix-ID, Ihr Name, die Uhrzeit eines Beitrags.\n"
        "- Während des Interviews merke ich mir unter derselben Kennung nur, bei welcher Frage Sie sind; am "
        "Ende lösche ich das.\n"
        "- Beim Abschluss lösche ich, was die Kennung mit Ihnen verbinden könnte, und auch Kennungen und "
        "Nummern, so dass nicht einmal erkennbar bleibt, welche Beiträge von derselben Person stammen. "
        "Danach kann niemand – auch die Koordination nicht, auch nicht mit einer Kopie vom Rechner des "
        "Bots – einen Beitrag einer Person zuordnen. Keinen Befehl gibt es, der zeigt, wer was geschrieben "
        "hat.\n"
        "- Im Raum gibt es vor dem Abschluss nur Zahlen; danach Beiträge einer Kategorie und eine "
        f"Bewertungsfrage nur, wenn genug verschiedene Personen ({group}) beigetragen haben.\n"
        "- Ihre Nachrichten bleiben in unserem Direktchat; Sie können sie nach dem Interview löschen."
    )


SIE = {
    "retro.err.other_room": "Retro #{number} gehört zu einem anderen Raum. Fragen Sie bitte dort (oder im "
    "Direktchat mit mir, wenn Sie Mitglied des Raums sind).",
    "retro.err.dm_only": "Feedback bitte nur im **Direktchat** mit mir – hier sehen alle, von wem es kommt. "
    "Schreiben Sie mir direkt, z. B. `{prefix}retro`.",
    "retro.err.removed": "Ihre Nachricht hier habe ich entfernt.",
    "retro.err.not_removed": "Ich konnte Ihre Nachricht hier **nicht entfernen** (mir fehlt die "
    "Berechtigung) – bitte löschen Sie sie selbst.",
    "retro.err.format_and_categories": "`--format {format}` hat feste Kategorien. Für eigene Kategorien "
    'schreiben Sie `--format custom --kategorien "Lob;Kritik;Ideen"` (oder lassen Sie `--format` weg).',
    "retro.err.category_reserved": "„{name}“ geht nicht als Kategorie: Zahlen und die Wörter "
    "`weiter`/`fertig` brauche ich im Interview. Bitte wählen Sie einen anderen Namen.",
    "retro.err.start_in_room": "Starten Sie eine Retro bitte im Team-Raum – dort kündige ich sie an und "
    "zeige später das Ergebnis.",
    "retro.err.question_empty": 'Eine `--frage` ist leer. Beispiel: `--frage "Wie zufrieden waren Sie '
    'insgesamt?"`.',
    "retro.err.item_long": "Ein Beitrag darf höchstens {max} Zeichen haben. Teilen Sie ihn gern in mehrere "
    "auf (eine Zeile pro Punkt).",
    "retro.err.too_many_items": "Das sind mehr als {max} Punkte auf einmal. Bitte schicken Sie sie in "
    "mehreren Nachrichten (`{prefix}feedback` hilft beim Nachreichen).",
    "retro.err.rating_answer": "Bitte antworten Sie mit einer Zahl von 1 bis 5 – oder mit `weiter`, um die "
    "Frage zu überspringen.",
    "retro.err.edit_number": "Es fehlt die Nummer Ihres Beitrags (siehe `{prefix}meinfeedback <Retro-Nr.>`). "
    "Beispiel: `{prefix}meinfeedback 3 ändern 2 Neuer Text`.",
    "retro.err.no_such_item": "Einen Beitrag {seq} von Ihnen gibt es in Retro #{number} nicht. "
    "`{prefix}meinfeedback {number}` zeigt Ihre Beiträge.",
    "retro.err.person_unknown": "„{name}“ finde ich im Raum der Retro nicht. Schreiben Sie die Matrix-ID, "
    "z. B. `@name:server`, oder wählen Sie die Person über @ aus.",
    "retro.err.vote_in_room": "Die Abstimmung zu Retro #{number} starten Sie bitte in ihrem Raum – dort wird "
    "abgestimmt.",
    "retro.dm.none": "Gerade läuft keine Retro, bei der Sie mitmachen können. Wenn eine startet, kündige ich "
    "sie in Ihrem Raum an.",
    "retro.dm.choose": "Es laufen mehrere Retros. Welche möchten Sie beantworten?",
    "retro.room.use_dm": "Feedback bitte anonym im **Direktchat** mit mir: schreiben Sie mir dort "
    "`{prefix}retro {number}`.",
    "retro.interview.intro": "🗣️ **Retro {retro}** – ein kurzes, anonymes Interview: {categories}, "
    "{questions}. Antworten Sie einfach mit einer Nachricht; mehrere Punkte schreiben Sie in eigene Zeilen. "
    "`weiter` überspringt, `fertig` beendet. Was ich speichere: `{prefix}retro datenschutz`.",
    "retro.interview.again": "Sie haben schon {items} gegeben; neue kommen dazu, Bewertungen ersetzen die "
    "alten.",
    "retro.interview.resume": "🗣️ Weiter geht's mit Retro {retro} – Sie waren bei Schritt {step} von {total}.",
    "retro.interview.rating": "**{step}/{total} · Bewertung:** {question}\n"
    "Antworten Sie mit 1 (gar nicht/schlecht) bis 5 (sehr/gut).",
    "retro.interview.done": "🙏 Danke! Von Ihnen sind jetzt {items} und {ratings} anonym gespeichert. "
    "Ansehen oder ändern, solange die Retro läuft: `{prefix}meinfeedback {number}`.",
    "retro.prompt.custom": "Was möchten Sie zu „{category}“ sagen?",
    "retro.prompt.4l.0": "Was hat Ihnen **gefallen**?",
    "retro.prompt.4l.1": "Was haben Sie **gelernt**?",
    "retro.prompt.4l.2": "Was hat Ihnen **gefehlt**?",
    "retro.prompt.4l.3": "Was **wünschen** Sie sich?",
    "retro.prompt.msg.0": "Was hat Sie **geärgert**?",
    "retro.prompt.msg.1": "Was hat Sie **enttäuscht** oder traurig gemacht?",
    "retro.prompt.msg.2": "Worüber haben Sie sich **gefreut**?",
    "retro.feedback.noted": "✔️ Notiert für Retro {retro} unter **{category}** (Ihr Beitrag {seq}). "
    "Ansehen/ändern: `{prefix}meinfeedback {number}`.",
    "retro.mine.title": "**Ihr Feedback zu Retro {retro}** (nur Sie sehen das):",
    "retro.mine.ratings": "**Ihre Bewertungen**",
    "retro.announce": "🗣️ **Retro {retro}** ({categories})\nWie lief es? Sagen Sie es mir **anonym im "
    "Direktchat**: Schreiben Sie mir eine Direktnachricht mit `{prefix}retro {number}` – ich frage Sie kurz "
    "durch ({steps} Schritte). Für Eilige: `{prefix}feedback {number} <Kategorie> <Text>`.",
    "retro.privacy": _privacy("hier: {min_group}"),
    "retro.invite": "🗣️ Die Retro {retro} läuft{until}. Möchten Sie mitmachen? Schreiben Sie mir hier "
    "`{prefix}retro {number}`, dann frage ich Sie kurz durch ({steps} Schritte). Ihr Feedback bleibt anonym.",
    "retro.vote.question": "Retro #{number} „{title}“: Welche Themen sind Ihnen am wichtigsten?",
    "retro.action.none_dm": "Sie haben keine offenen Maßnahmen.",
    "retro.guided.ask_questions": "Sollen alle außerdem etwas mit 1 bis 5 bewerten? Dann schreiben Sie die "
    "Frage(n), jede in eine eigene Zeile. Zum Beispiel: _Wie zufrieden waren Sie insgesamt?_",
    "retro.guided.no_end": "ohne festes Ende (Sie schließen sie selbst)",
}

PRIVACY_SIE = _privacy("Standard: 3")
COMMANDS = {
    ("retro", "details"): PRIVACY_SIE,
    ("feedback", "details"): PRIVACY_SIE,
    ("bewertung", "details"): PRIVACY_SIE,
    ("meinfeedback", "details"): PRIVACY_SIE,
    ("maßnahmen", "help"): "Offene Maßnahmen: im Raum die des Raums, im Direktchat Ihre.",
}
EXAMPLES = {
    '!retro start "Modul 3: Methodenkompetenz" --frage "Wie zufrieden warst du insgesamt?" '
    "--bis Freitag 17 Uhr": '!retro start "Modul 3: Methodenkompetenz" '
    '--frage "Wie zufrieden waren Sie insgesamt?" --bis Freitag 17 Uhr',
}

i18n.register_variant("de-Sie", SIE)
variants.register_commands("de-Sie", COMMANDS)
i18n.register_inline_variant("de-Sie", EXAMPLES)
