"""The retro feature's texts, German first: the shared helpers, the privacy note and the refusals here; the
texts of taking part in ``texts_interview``, those for the room in ``texts_results`` (both imported here, so
importing this module registers every retro text)."""

from __future__ import annotations

from collections.abc import Callable

from bot import i18n
from commands.retro import texts_interview, texts_results  # noqa: F401  (register their texts)

GROUP = {"de": "Retrospektiven", "en": "Retrospectives"}  # the heading of the retro commands in !hilfe


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
        # ------------------------------------------------------------------------ the privacy note
        "retro.privacy": {
            "de": PRIVACY["de"].replace("(Standard: 3)", "(hier: {min_group})"),
            "en": PRIVACY["en"].replace("(default: 3)", "(here: {min_group})"),
        },
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
    }
)
