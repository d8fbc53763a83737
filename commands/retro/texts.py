"""Every text of the retro feature, German first. Kept in one place so the wording stays consistent."""

from __future__ import annotations

from collections.abc import Callable

from bot import i18n


def amount(t: Callable[..., str], kind: str, n: int) -> str:
    """ "1 Beitrag" / "3 Beiträge": ``kind`` is items, ratings, people, categories or questions."""
    return t(f"retro.n.{kind}.{'one' if n == 1 else 'many'}", n=n)


# Shown by ``!hilfe retro`` / ``!hilfe feedback``; static because help details are not templated.
PRIVACY = {
    "de": "**Was ich speichere – und was nicht:**\n"
    "- Gespeichert: der Text deiner Beiträge mit ihrer Kategorie, deine Bewertungen (1–5) und eine "
    "Kennung, die ich aus deiner Matrix-ID bilde und die nur für diese eine Retro gilt. Die Kennung "
    "brauche ich nur, damit du eigene Beiträge ändern und jede Frage einmal bewerten kannst.\n"
    "- Deine Beiträge tragen diese Kennung und eine laufende Nummer (1, 2, 3 …), damit du sagen "
    "kannst, welchen du ändern willst. Die Reihenfolge zwischen verschiedenen Personen speichere ich nicht.\n"
    "- Nicht gespeichert: deine Matrix-ID, dein Name, die Uhrzeit eines Beitrags.\n"
    "- Während des Interviews merke ich mir unter derselben Kennung nur, bei welcher Frage du bist; "
    "am Ende lösche ich das.\n"
    "- Beim Abschluss lösche ich, was die Kennung mit dir verbinden könnte, und auch Kennungen und Nummern, "
    "so dass nicht einmal erkennbar bleibt, welche Beiträge von derselben Person stammen. Danach kann "
    "niemand – auch die Koordination nicht, auch nicht mit einer Kopie vom Rechner des Bots – einen Beitrag "
    "einer Person zuordnen. "
    "Keinen Befehl gibt es, der zeigt, wer was geschrieben hat.\n"
    "- Im Raum gibt es vor dem Abschluss nur Zahlen; danach Beiträge einer Kategorie und eine "
    "Bewertungsfrage nur, wenn genug verschiedene Personen (Standard: 3) beigetragen haben.\n"
    "- Deine Nachrichten bleiben in unserem Direktchat; du kannst sie nach dem Interview löschen.",
    "en": "**What I store – and what I don't:**\n"
    "- Stored: the text of your items with their category, your ratings (1–5) and a tag that I derive "
    "from your Matrix ID and that is valid for this one retro only, so you can edit your own items and "
    "rate each question once.\n"
    "- Your items carry that tag and a running number (1, 2, 3 …) so you can say which one to "
    "change. The order between different people is not stored.\n"
    "- Not stored: your Matrix ID, your name, when you wrote an item.\n"
    "- During the interview I only keep which question you are at, under the same tag; it is deleted "
    "at the end.\n"
    "- When the retro closes I delete what could link the tag to you, and the tags and numbers too, so "
    "not even which items came from the same person remains. From then on nobody – not the coordinators, "
    "not someone with a copy of the bot's computer – can link an item to a person. No command shows who "
    "wrote what.\n"
    "- Before closing the room only sees counts; afterwards a category or rating question is shown only "
    "if enough different people (default: 3) contributed.\n"
    "- Your messages stay in our DM; you can delete them after the interview.",
}

i18n.register(
    {
        # ------------------------------------------------------------------ refusals and input errors
        "retro.err.unknown": {
            "de": "Eine Retro #{number} gibt es nicht. `{prefix}retros` zeigt die Retros eines Raums.",
            "en": "There is no retro #{number}. `{prefix}retros` lists a room's retros.",
        },
        "retro.err.other_room": {
            "de": "Retro #{number} gehört zu einem anderen Raum. Frag bitte dort (oder im Direktchat mit "
            "mir, wenn du Mitglied des Raums bist).",
            "en": "Retro #{number} belongs to another room. Please ask there (or in a DM with me if you are "
            "a member of that room).",
        },
        "retro.err.not_member": {
            "de": "Bei Retro #{number} kann nur mitmachen, wer im Raum dieser Retro ist.",
            "en": "Only members of its room can take part in retro #{number}.",
        },
        "retro.err.closed": {
            "de": "Retro #{number} ist schon abgeschlossen – Feedback geht nicht mehr, ändern auch nicht.",
            "en": "Retro #{number} is closed – no more feedback or changes.",
        },
        "retro.redact_reason": {
            "de": "Retro-Feedback bitte per Direktnachricht (anonym)",
            "en": "Please send retro feedback by DM (anonymous)",
        },
        "retro.err.dm_only": {
            "de": "Feedback bitte nur im **Direktchat** mit mir – hier sehen alle, von wem es kommt. "
            "Schreib mir direkt, z. B. `{prefix}retro`.",
            "en": "Please send feedback only in a **DM** with me – here everyone sees who wrote it. "
            "Write to me directly, e.g. `{prefix}retro`.",
        },
        "retro.err.removed": {
            "de": "Deine Nachricht hier habe ich entfernt.",
            "en": "I removed your message here.",
        },
        "retro.err.not_removed": {
            "de": "Ich konnte deine Nachricht hier **nicht entfernen** (mir fehlt die Berechtigung) – "
            "bitte lösche sie selbst.",
            "en": "I could **not remove** your message here (I lack the permission) – please delete it "
            "yourself.",
        },
        "retro.err.format_and_categories": {
            "de": "`--format {format}` hat feste Kategorien. Für eigene Kategorien schreib "
            '`--format custom --kategorien "Lob;Kritik;Ideen"` (oder lass `--format` weg).',
            "en": "`--format {format}` has fixed categories. For your own write "
            '`--format custom --categories "Praise;Critique;Ideas"` (or leave out `--format`).',
        },
        "retro.err.custom_needs_categories": {
            "de": '`--format custom` braucht eigene Kategorien, z. B. `--kategorien "Lob;Kritik;Ideen"`.',
            "en": '`--format custom` needs categories, e.g. `--categories "Praise;Critique;Ideas"`.',
        },
        "retro.err.category_count": {
            "de": "Bitte {min} bis {max} Kategorien, getrennt mit Semikolon: "
            '`--kategorien "Lob;Kritik;Ideen"`.',
            "en": 'Please give {min} to {max} categories separated by semicolons: `--categories "A;B;C"`.',
        },
        "retro.err.category_long": {
            "de": "Die Kategorie „{name}“ ist zu lang (höchstens {max} Zeichen).",
            "en": "The category “{name}” is too long (at most {max} characters).",
        },
        "retro.err.category_reserved": {
            "de": "„{name}“ geht nicht als Kategorie: Zahlen und die Wörter `weiter`/`fertig` brauche ich im "
            "Interview. Bitte wähle einen anderen Namen.",
            "en": "“{name}” can't be a category: numbers and the words `weiter`/`fertig` are used in the "
            "interview. Please choose another name.",
        },
        "retro.err.category_twice": {
            "de": "Die Kategorie „{name}“ kommt doppelt vor.",
            "en": "The category “{name}” appears twice.",
        },
        "retro.err.start_in_room": {
            "de": "Starte eine Retro bitte im Team-Raum – dort kündige ich sie an und zeige später das "
            "Ergebnis.",
            "en": "Please start a retro in the team room – I announce it there and post the result there.",
        },
        "retro.err.title_empty": {
            "de": 'Der Titel ist leer. Beispiel: `{prefix}retro start "Modul 3"`.',
            "en": 'The title is empty. Example: `{prefix}retro start "Module 3"`.',
        },
        "retro.err.title_long": {
            "de": "Der Titel ist zu lang (höchstens {max} Zeichen).",
            "en": "The title is too long (at most {max} characters).",
        },
        "retro.err.question_empty": {
            "de": 'Eine `--frage` ist leer. Beispiel: `--frage "Wie zufrieden warst du insgesamt?"`.',
            "en": 'A `--question` is empty. Example: `--question "How satisfied were you overall?"`.',
        },
        "retro.err.question_count": {
            "de": "Höchstens {max} Bewertungsfragen pro Retro – sonst wird das Interview zu lang.",
            "en": "At most {max} rating questions per retro – otherwise the interview gets too long.",
        },
        "retro.err.question_long": {
            "de": "Eine Bewertungsfrage ist zu lang (höchstens {max} Zeichen).",
            "en": "A rating question is too long (at most {max} characters).",
        },
        "retro.err.question_twice": {
            "de": "Eine Bewertungsfrage kommt doppelt vor.",
            "en": "A rating question appears twice.",
        },
        "retro.err.remind_needs_deadline": {
            "de": "`--erinnern` gibt an, wie lange *vor* dem Ende ich erinnere – dafür braucht es `--bis`. "
            "Beispiel: `--bis Freitag 17 Uhr --erinnern 1 Tag`.",
            "en": "`--remind` says how long *before* the end I remind – that needs `--until`. "
            "Example: `--until Friday 17:00 --remind 1 day`.",
        },
        "retro.err.remind_too_early": {
            "de": "Die Erinnerung läge vor jetzt (Ende: {deadline}). Bitte eine kürzere Dauer bei "
            "`--erinnern`, z. B. `--erinnern 2 Stunden`.",
            "en": "The reminder would be in the past (end: {deadline}). Please use a shorter `--remind`, "
            "e.g. `--remind 2 hours`.",
        },
        "retro.err.not_coordinator_there": {
            "de": "🔒 Retro #{number} kann nur die Koordination ihres Raums schließen.",
            "en": "🔒 Only coordinators of its room can close retro #{number}.",
        },
        "retro.err.already_closed": {
            "de": "Retro #{number} ist schon abgeschlossen. Bericht: `{prefix}retro export {number}`.",
            "en": "Retro #{number} is already closed. Report: `{prefix}retro export {number}`.",
        },
        "retro.err.export_open": {
            "de": "Retro #{number} läuft noch – Inhalte gibt es erst nach dem Abschluss "
            "(`{prefix}retro ende {number}`). Bis dahin: `{prefix}retro status {number}`.",
            "en": "Retro #{number} is still running – content only after closing "
            "(`{prefix}retro close {number}`). Until then: `{prefix}retro status {number}`.",
        },
        "retro.err.item_empty": {
            "de": "Der Text fehlt. Beispiel: `{prefix}feedback 3 Stop Termine zu kurzfristig`.",
            "en": "The text is missing. Example: `{prefix}feedback 3 Stop Meetings too short notice`.",
        },
        "retro.err.item_long": {
            "de": "Ein Beitrag darf höchstens {max} Zeichen haben. Teil ihn gern in mehrere auf "
            "(eine Zeile pro Punkt).",
            "en": "An item may have at most {max} characters. Feel free to split it (one line per point).",
        },
        "retro.err.too_many_items": {
            "de": "Das sind mehr als {max} Punkte auf einmal. Bitte schick sie in mehreren Nachrichten "
            "(`{prefix}feedback` hilft beim Nachreichen).",
            "en": "That is more than {max} points at once. Please send them in several messages "
            "(`{prefix}feedback` helps to add more later).",
        },
        "retro.err.rating_answer": {
            "de": "Bitte antworte mit einer Zahl von 1 bis 5 – oder mit `weiter`, um die Frage zu "
            "überspringen.",
            "en": "Please answer with a number from 1 to 5 – or `weiter` to skip the question.",
        },
        "retro.err.unknown_category": {
            "de": "Die Kategorie „{word}“ gibt es in dieser Retro nicht. Möglich: {names} "
            "(oder ihre Nummer).",
            "en": "There is no category “{word}” in this retro. Possible: {names} (or their number).",
        },
        "retro.err.no_questions": {
            "de": "Retro #{number} hat keine Bewertungsfragen.",
            "en": "Retro #{number} has no rating questions.",
        },
        "retro.err.unknown_question": {
            "de": "Frage {question} gibt es nicht – diese Retro hat {count}. "
            "Beispiel: `{prefix}bewertung 3 1 4`.",
            "en": "There is no question {question} – this retro has {count}. "
            "Example: `{prefix}rating 3 1 4`.",
        },
        "retro.err.edit_word": {
            "de": "„{word}“ verstehe ich hier nicht. So geht's: `{prefix}meinfeedback 3` (ansehen), "
            "`{prefix}meinfeedback 3 ändern 2 Neuer Text` oder `{prefix}meinfeedback 3 löschen 2`.",
            "en": "I don't understand “{word}” here. Use `{prefix}myfeedback 3` (view), "
            "`{prefix}myfeedback 3 change 2 New text` or `{prefix}myfeedback 3 delete 2`.",
        },
        "retro.err.edit_number": {
            "de": "Es fehlt die Nummer deines Beitrags (siehe `{prefix}meinfeedback <Retro-Nr.>`). "
            "Beispiel: `{prefix}meinfeedback 3 ändern 2 Neuer Text`.",
            "en": "The number of your item is missing (see `{prefix}myfeedback <retro no.>`). "
            "Example: `{prefix}myfeedback 3 change 2 New text`.",
        },
        "retro.err.edit_text": {
            "de": "Es fehlt der neue Text. Beispiel: `{prefix}meinfeedback 3 ändern 2 Neuer Text`.",
            "en": "The new text is missing. Example: `{prefix}myfeedback 3 change 2 New text`.",
        },
        "retro.err.delete_extra": {
            "de": "Zum Löschen nur die Nummer angeben, z. B. `{prefix}meinfeedback 3 löschen 2`.",
            "en": "To delete give just the number, e.g. `{prefix}myfeedback 3 delete 2`.",
        },
        "retro.err.no_such_item": {
            "de": "Einen Beitrag {seq} von dir gibt es in Retro #{number} nicht. "
            "`{prefix}meinfeedback {number}` zeigt deine Beiträge.",
            "en": "You have no item {seq} in retro #{number}. `{prefix}myfeedback {number}` lists yours.",
        },
        "retro.err.due_missing": {
            "de": "Nach `--bis` fehlt das Datum, z. B. `--bis 15.12.` oder `--bis Freitag 12 Uhr`.",
            "en": "`--until` needs a date, e.g. `--until 15.12.` or `--until Friday 12:00`.",
        },
        "retro.err.person_unknown": {
            "de": "„{name}“ finde ich im Raum der Retro nicht. Schreib die Matrix-ID, z. B. "
            "`@name:server`, oder wähle die Person über @ aus.",
            "en": "I can't find “{name}” in the retro's room. Write the Matrix ID, e.g. `@name:server`.",
        },
        "retro.err.person_ambiguous": {
            "de": "„{name}“ passt auf mehrere Personen. Bitte die volle Matrix-ID angeben, z. B. "
            "`@name:server`.",
            "en": "“{name}” matches several people. Please give the full Matrix ID, e.g. `@name:server`.",
        },
        "retro.err.action_empty": {
            "de": 'Der Text der Maßnahme fehlt. Beispiel: `{prefix}maßnahme 3 "Termine früher ankündigen"`.',
            "en": 'The action text is missing. Example: `{prefix}action 3 "Announce dates earlier"`.',
        },
        "retro.err.action_long": {
            "de": "Eine Maßnahme darf höchstens {max} Zeichen haben.",
            "en": "An action may have at most {max} characters.",
        },
        "retro.err.unknown_action": {
            "de": "Eine Maßnahme #{id} finde ich hier nicht. `{prefix}maßnahmen` zeigt die offenen.",
            "en": "I can't find action #{id} here. `{prefix}actions` lists the open ones.",
        },
        "retro.err.action_done_already": {
            "de": "Maßnahme #{id} ist schon erledigt.",
            "en": "Action #{id} is already done.",
        },
        "retro.err.action_not_yours": {
            "de": "Maßnahme #{id} kann nur die verantwortliche Person oder die Koordination abhaken.",
            "en": "Only the responsible person or a coordinator can mark action #{id} as done.",
        },
        # -------------------------------------------------------------------------------- !retro (DM)
        "retro.dm.none": {
            "de": "Gerade läuft keine Retro, bei der du mitmachen kannst. Wenn eine startet, kündige ich sie "
            "in eurem Raum an.",
            "en": "There is no running retro you can take part in. When one starts I announce it in "
            "your room.",
        },
        "retro.dm.choose": {
            "de": "Es laufen mehrere Retros. Welche möchtest du beantworten?",
            "en": "Several retros are running. Which one do you want to answer?",
        },
        "retro.room.use_dm": {
            "de": "Feedback bitte anonym im **Direktchat** mit mir: schreib mir dort "
            "`{prefix}retro {number}`.",
            "en": "Please give feedback anonymously in a **DM** with me: write `{prefix}retro {number}` "
            "there.",
        },
        "retro.room.none": {
            "de": "Hier läuft gerade keine Retro. Die Koordination startet eine mit "
            '`{prefix}retro start "Titel"`.',
            "en": 'No retro is running here. Coordinators start one with `{prefix}retro start "Title"`.',
        },
        "retro.room.running": {
            "de": "Laufende Retros – Feedback bitte im Direktchat mit mir:",
            "en": "Running retros – please give feedback in a DM with me:",
        },
        # ---------------------------------------------------------------------------------- interview
        "retro.interview.intro": {
            "de": "🗣️ **Retro {retro}** – ein kurzes, anonymes Interview: {categories}, "
            "{questions}. Antworte einfach mit einer Nachricht; mehrere Punkte schreibst "
            "du in eigene Zeilen. `weiter` überspringt, `fertig` beendet. Was ich speichere: "
            "`{prefix}retro datenschutz`.",
            "en": "🗣️ **Retro {retro}** – a short anonymous interview: {categories}, "
            "{questions}. Just answer with a message; put several points on separate "
            "lines. `weiter` skips, `fertig` ends. What I store: `{prefix}retro privacy`.",
        },
        "retro.interview.again": {
            "de": "Du hast schon {items} gegeben; neue kommen dazu, Bewertungen ersetzen die alten.",
            "en": "You already gave {items}; new ones are added, ratings replace the old ones.",
        },
        "retro.interview.resume": {
            "de": "🗣️ Weiter geht's mit Retro {retro} – du warst bei Schritt {step} von {total}.",
            "en": "🗣️ Let's continue retro {retro} – you were at step {step} of {total}.",
        },
        "retro.interview.category": {
            "de": "**{step}/{total} · {category}:** {question}",
            "en": "**{step}/{total} · {category}:** {question}",
        },
        "retro.interview.rating": {
            "de": "**{step}/{total} · Bewertung:** {question}\nAntworte mit 1 (gar nicht/schlecht) bis "
            "5 (sehr/gut).",
            "en": "**{step}/{total} · Rating:** {question}\nAnswer 1 (not at all/poor) to 5 (very/good).",
        },
        "retro.interview.noted": {"de": "✔️ Notiert ({count}).", "en": "✔️ Noted ({count})."},
        "retro.interview.rated": {"de": "✔️ {value} notiert.", "en": "✔️ {value} noted."},
        "retro.interview.skipped": {"de": "⏭️ Übersprungen.", "en": "⏭️ Skipped."},
        "retro.interview.done": {
            "de": "🙏 Danke! Von dir sind jetzt {items} und {ratings} "
            "anonym gespeichert. Ansehen oder ändern, solange die Retro läuft: "
            "`{prefix}meinfeedback {number}`.",
            "en": "🙏 Thank you! You now have {items} and {ratings} stored anonymously. "
            "Review or change them while the retro runs: `{prefix}myfeedback {number}`.",
        },
        "retro.prompt.custom": {
            "de": "Was möchtest du zu „{category}“ sagen?",
            "en": "What would you like to say about “{category}”?",
        },
        "retro.prompt.sss.0": {
            "de": "Was sollten wir **neu anfangen**?",
            "en": "What should we **start** doing?",
        },
        "retro.prompt.sss.1": {
            "de": "Was sollten wir **lassen**?",
            "en": "What should we **stop** doing?",
        },
        "retro.prompt.sss.2": {
            "de": "Was sollten wir **beibehalten**?",
            "en": "What should we **keep** doing?",
        },
        "retro.prompt.4l.0": {"de": "Was hat dir **gefallen**?", "en": "What did you **like**?"},
        "retro.prompt.4l.1": {"de": "Was hast du **gelernt**?", "en": "What did you **learn**?"},
        "retro.prompt.4l.2": {"de": "Was hat dir **gefehlt**?", "en": "What was **lacking**?"},
        "retro.prompt.4l.3": {"de": "Was **wünschst** du dir?", "en": "What do you **long for**?"},
        "retro.prompt.msg.0": {
            "de": "Was hat dich **geärgert**?",
            "en": "What made you **mad**?",
        },
        "retro.prompt.msg.1": {
            "de": "Was hat dich **enttäuscht** oder traurig gemacht?",
            "en": "What made you **sad**?",
        },
        "retro.prompt.msg.2": {
            "de": "Worüber hast du dich **gefreut**?",
            "en": "What made you **glad**?",
        },
        # -------------------------------------------------------------------------------- short forms
        "retro.feedback.noted": {
            "de": "✔️ Notiert für Retro {retro} unter **{category}** (dein Beitrag {seq}). "
            "Ansehen/ändern: `{prefix}meinfeedback {number}`.",
            "en": "✔️ Noted for retro {retro} under **{category}** (your item {seq}). "
            "Review/change: `{prefix}myfeedback {number}`.",
        },
        "retro.rating.noted": {
            "de": "✔️ Bewertung **{value}** für „{question}“ gespeichert.",
            "en": "✔️ Rating **{value}** for “{question}” saved.",
        },
        "retro.rating.changed": {
            "de": "✔️ Bewertung für „{question}“ geändert: {previous} → **{value}**.",
            "en": "✔️ Rating for “{question}” changed: {previous} → **{value}**.",
        },
        "retro.mine.title": {
            "de": "**Dein Feedback zu Retro {retro}** (nur du siehst das):",
            "en": "**Your feedback for retro {retro}** (only you see this):",
        },
        "retro.mine.empty": {
            "de": "Noch nichts. Mitmachen: `{prefix}retro {number}`.",
            "en": "Nothing yet. Take part: `{prefix}retro {number}`.",
        },
        "retro.mine.ratings": {"de": "**Deine Bewertungen**", "en": "**Your ratings**"},
        "retro.mine.howto": {
            "de": "Ändern: `{prefix}meinfeedback {number} ändern <Nr.> <neuer Text>` · Löschen: "
            "`{prefix}meinfeedback {number} löschen <Nr.>` · Bewertung ändern: "
            "`{prefix}bewertung {number} <Frage> <1-5>`",
            "en": "Change: `{prefix}myfeedback {number} change <no.> <new text>` · Delete: "
            "`{prefix}myfeedback {number} delete <no.>` · Change a rating: "
            "`{prefix}rating {number} <question> <1-5>`",
        },
        "retro.mine.changed": {
            "de": "✔️ Beitrag {seq} geändert: {text}",
            "en": "✔️ Item {seq} changed: {text}",
        },
        "retro.mine.deleted": {
            "de": "🗑️ Beitrag {seq} gelöscht. Übersicht: `{prefix}meinfeedback {number}`.",
            "en": "🗑️ Item {seq} deleted. Overview: `{prefix}myfeedback {number}`.",
        },
        # ------------------------------------------------------------------------ announcement, status
        "retro.announce": {
            "de": "🗣️ **Retro {retro}** ({categories})\n"
            "Wie lief es? Sagt es mir **anonym im Direktchat**: Schreibt mir eine Direktnachricht mit "
            "`{prefix}retro {number}` – ich frage euch kurz durch ({steps} Schritte). "
            "Für Eilige: `{prefix}feedback {number} <Kategorie> <Text>`.",
            "en": "🗣️ **Retro {retro}** ({categories})\n"
            "How did it go? Tell me **anonymously in a DM**: send me `{prefix}retro {number}` – I'll ask you "
            "a few short questions ({steps} steps). In a hurry: "
            "`{prefix}feedback {number} <category> <text>`.",
        },
        "retro.invite": {
            "de": "🗣️ Die Retro {retro} läuft{until}. Magst du mitmachen? Schreib mir hier "
            "`{prefix}retro {number}`, dann frage ich dich kurz durch ({steps} Schritte). "
            "Dein Feedback bleibt anonym.",
            "en": "🗣️ The retro {retro} is running{until}. Want to take part? Send me "
            "`{prefix}retro {number}` here and I'll ask you a few short questions ({steps} steps). "
            "Your feedback stays anonymous.",
        },
        "retro.invite.until": {"de": " bis {when}", "en": " until {when}"},
        "retro.invite.title": {
            "de": "Einladung zur Retro #{number} per Direktnachricht",
            "en": "Invitation to retro #{number} by direct message",
        },
        "retro.announce.questions": {"de": "Bewertungsfragen (1–5):", "en": "Rating questions (1–5):"},
        "retro.announce.until": {
            "de": "Läuft bis {when}; dann zeige ich hier die Zusammenfassung.",
            "en": "Runs until {when}; then I post the summary here.",
        },
        "retro.announce.privacy": {
            "de": "🔒 Namen speichere ich nicht; Kategorien zeige ich erst ab {min_group} Personen. "
            "Details: `{prefix}retro datenschutz`.",
            "en": "🔒 I store no names; categories are shown only from {min_group} people on. "
            "Details: `{prefix}retro privacy`.",
        },
        "retro.status.open": {"de": "läuft", "en": "running"},
        "retro.status.until": {"de": "läuft bis {when}", "en": "runs until {when}"},
        "retro.status.closed": {"de": "abgeschlossen am {when}", "en": "closed on {when}"},
        "retro.status.line": {
            "de": "📊 Retro {retro} ({state}): bisher {items} und {ratings} von {people}.",
            "en": "📊 Retro {retro} ({state}): so far {items} and {ratings} from {people}.",
        },
        "retro.closed_elsewhere": {
            "de": "✔️ Retro #{number} ist geschlossen; die Zusammenfassung steht in ihrem Raum.",
            "en": "✔️ Retro #{number} is closed; the summary is in its room.",
        },
        "retro.list.none": {
            "de": "Hier gab es noch keine Retro.",
            "en": "There have been no retros here yet.",
        },
        "retro.list.title": {"de": "**Retros**", "en": "**Retros**"},
        "retro.list.line": {
            "de": "- {retro} – {state} · {items}",
            "en": "- {retro} – {state} · {items}",
        },
        "retro.n.items.one": {"de": "1 Beitrag", "en": "1 item"},
        "retro.n.items.many": {"de": "{n} Beiträge", "en": "{n} items"},
        "retro.n.ratings.one": {"de": "1 Bewertung", "en": "1 rating"},
        "retro.n.ratings.many": {"de": "{n} Bewertungen", "en": "{n} ratings"},
        "retro.n.people.one": {"de": "1 Person", "en": "1 person"},
        "retro.n.people.many": {"de": "{n} Personen", "en": "{n} people"},
        "retro.n.categories.one": {"de": "1 Kategorie", "en": "1 category"},
        "retro.n.categories.many": {"de": "{n} Kategorien", "en": "{n} categories"},
        "retro.n.questions.one": {"de": "1 Bewertungsfrage", "en": "1 rating question"},
        "retro.n.questions.many": {"de": "{n} Bewertungsfragen", "en": "{n} rating questions"},
        "retro.remaining.days.one": {"de": "noch 1 Tag", "en": "1 day left"},
        "retro.remaining.days.many": {"de": "noch {n} Tage", "en": "{n} days left"},
        "retro.remaining.hours.one": {"de": "noch 1 Stunde", "en": "1 hour left"},
        "retro.remaining.hours.many": {"de": "noch {n} Stunden", "en": "{n} hours left"},
        "retro.remaining.minutes.one": {"de": "noch 1 Minute", "en": "1 minute left"},
        "retro.remaining.minutes.many": {"de": "noch {n} Minuten", "en": "{n} minutes left"},
        "retro.remind": {
            "de": "⏰ Retro {retro}: {remaining}, bisher {items} von {people}. "
            "Wer noch nicht dabei war: Direktnachricht an mich mit `{prefix}retro {number}`.",
            "en": "⏰ Retro {retro}: {remaining}, {items} from {people} so far. "
            "Not in yet? Send me `{prefix}retro {number}` in a DM.",
        },
        "retro.privacy": {
            "de": PRIVACY["de"].replace("(Standard: 3)", "(hier: {min_group})"),
            "en": PRIVACY["en"].replace("(default: 3)", "(here: {min_group})"),
        },
        # ----------------------------------------------------------------------------------- summary
        "retro.summary.title": {
            "de": "📋 **Retro #{number} „{title}“ ist abgeschlossen – das Ergebnis:**",
            "en": "📋 **Retro #{number} “{title}” is closed – the result:**",
        },
        "retro.summary.counts": {
            "de": "{people} · {items} · {ratings}",
            "en": "{people} · {items} · {ratings}",
        },
        "retro.summary.none": {"de": "_(keine Beiträge)_", "en": "_(no items)_"},
        "retro.summary.too_few": {
            "de": "_(zu wenige Beiträge, um sie anonym zu zeigen)_",
            "en": "_(too few contributions to show them anonymously)_",
        },
        "retro.summary.continued": {"de": "(Fortsetzung)", "en": "(continued)"},
        "retro.summary.ratings_heading": {"de": "**Bewertungen** (1–5)", "en": "**Ratings** (1–5)"},
        "retro.summary.no_ratings": {"de": "_(keine Antworten)_", "en": "_(no answers)_"},
        "retro.summary.too_few_ratings": {
            "de": "_(zu wenige Antworten, um sie anonym zu zeigen)_",
            "en": "_(too few answers to show them anonymously)_",
        },
        "retro.summary.average": {
            "de": "Ø **{average}** aus {count} Antworten",
            "en": "avg **{average}** from {count} answers",
        },
        "retro.summary.trend": {"de": "Trend: {trend}", "en": "Trend: {trend}"},
        "retro.summary.next": {
            "de": "Wie weiter? Punkte auf die wichtigsten Themen: `{prefix}retro abstimmen {number}` · "
            'Maßnahme festhalten: `{prefix}maßnahme {number} "Text" @verantwortlich --bis <Datum>` · '
            "Bericht: `{prefix}retro export {number}`",
            "en": "Next: points on the top topics: `{prefix}retro vote {number}` · record an action: "
            '`{prefix}action {number} "text" @responsible --until <date>` · report: '
            "`{prefix}retro export {number}`",
        },
        "retro.chart.title": {"de": "Retro #{number}: {title}", "en": "Retro #{number}: {title}"},
        "retro.export.title": {"de": "Retro #{number}: {title}", "en": "Retro #{number}: {title}"},
        "retro.export.closed": {"de": "Abgeschlossen: {when}", "en": "Closed: {when}"},
        "retro.export.anonymity": {
            "de": "Anonym erhoben. Kategorien und Bewertungsfragen mit weniger als {min_group} Personen "
            "werden nicht gezeigt.",
            "en": "Collected anonymously. Categories and rating questions with fewer than {min_group} "
            "people are not shown.",
        },
        "retro.export.ratings": {"de": "Bewertungen (1–5)", "en": "Ratings (1–5)"},
        "retro.export.actions": {"de": "Maßnahmen", "en": "Actions"},
        "retro.csv.header": {
            "de": "art;kategorie_oder_frage;text_oder_wert;anzahl",
            "en": "kind;category_or_question;text_or_value;count",
        },
        "retro.csv.item": {"de": "beitrag", "en": "item"},
        "retro.csv.rating": {"de": "bewertung", "en": "rating"},
        "retro.csv.average": {"de": "durchschnitt", "en": "average"},
        # --------------------------------------------------------------------------------------- vote
        "retro.err.vote_in_room": {
            "de": "Die Abstimmung zu Retro #{number} starte bitte in ihrem Raum – dort wird abgestimmt.",
            "en": "Please start the vote for retro #{number} in its room – that is where people vote.",
        },
        "retro.err.vote_open": {
            "de": "Retro #{number} läuft noch. Abgestimmt wird nach dem Abschluss: erst "
            "`{prefix}retro ende {number}`, dann `{prefix}retro abstimmen {number}`.",
            "en": "Retro #{number} is still running. Close it first: `{prefix}retro close {number}`, then "
            "`{prefix}retro vote {number}`.",
        },
        "retro.err.vote_running": {
            "de": "Zu Retro #{number} läuft schon eine Abstimmung: Umfrage #{poll} "
            "(`{prefix}ergebnis {poll}`).",
            "en": "A vote for retro #{number} is already running: poll #{poll} (`{prefix}results {poll}`).",
        },
        "retro.err.vote_too_few": {
            "de": "Für eine Abstimmung braucht es mindestens 2 Themen, die im Ergebnis von Retro #{number} "
            "sichtbar sind.",
            "en": "A vote needs at least 2 topics that are visible in the result of retro #{number}.",
        },
        "retro.vote.question": {
            "de": "Retro #{number} „{title}“: Welche Themen sind euch am wichtigsten?",
            "en": "Retro #{number} “{title}”: which topics matter most to you?",
        },
        "retro.vote.left_out": {
            "de": "Hinweis: {count} seltener genannte Themen sind nicht dabei – eine Abstimmung hat "
            "höchstens {max} Optionen.",
            "en": "Note: {count} less frequently named topics are left out – a vote has at most {max} "
            "options.",
        },
        # ------------------------------------------------------------------------------------ actions
        "retro.action.responsible": {"de": "verantwortlich: {who}", "en": "responsible: {who}"},
        "retro.action.due": {"de": "fällig: {when}", "en": "due: {when}"},
        "retro.action.from": {"de": "aus Retro #{number}", "en": "from retro #{number}"},
        "retro.action.created": {
            "de": "📌 Maßnahme festgehalten: {action}\nAbhaken mit `{prefix}maßnahme erledigt {id}`.",
            "en": "📌 Action recorded: {action}\nMark it done with `{prefix}action done {id}`.",
        },
        "retro.action.done": {
            "de": "✅ Maßnahme #{id} erledigt: {text}",
            "en": "✅ Action #{id} done: {text}",
        },
        "retro.action.none": {
            "de": "Keine offenen Maßnahmen in diesem Raum.",
            "en": "No open actions in this room.",
        },
        "retro.action.none_dm": {
            "de": "Du hast keine offenen Maßnahmen.",
            "en": "You have no open actions.",
        },
        "retro.action.list_title": {"de": "**Offene Maßnahmen**", "en": "**Open actions**"},
        "retro.action.list_howto": {
            "de": "Abhaken: `{prefix}maßnahme erledigt <Nr.>`",
            "en": "Mark done: `{prefix}action done <no.>`",
        },
        "retro.action.reminder": {
            "de": "⏰ Fällige Maßnahme: {action}\nErledigt? Dann `{prefix}maßnahme erledigt {id}`.",
            "en": "⏰ Action due: {action}\nDone? Then `{prefix}action done {id}`.",
        },
    }
)
