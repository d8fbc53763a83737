"""The retro texts for the room: announcement, status, summary, export, vote and actions.

Keys as before the split (``texts.py`` imports this module); overlays such as ``texts_sie.py`` use them."""

from __future__ import annotations

from bot import i18n

i18n.register(
    {
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
