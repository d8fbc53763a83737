"""Everything the polls feature says, German first."""

from __future__ import annotations

from bot import i18n

POLLS = {"de": "Umfragen", "en": "Polls"}

EXAMPLE = '{prefix}umfrage "Welcher Termin passt?" "Montag" "Dienstag" "Mittwoch"'

ANONYMITY_DE = (
    "**So anonym ist eine anonyme Umfrage (`--anonym`):** Du stimmst im Direktchat mit mir ab; im Raum "
    "erscheinen nur Zahlen. Ich speichere nicht, wer wie gestimmt hat – nur eine Kennung, an der ich deine "
    "Stimme wiedererkenne, damit du sie ändern kannst und niemand doppelt zählt. Solange die Umfrage "
    "läuft, könnte jemand mit Zugang zum Rechner des Bots nachprüfen, wie eine bestimmte Person gestimmt "
    "hat. Beim Ende lösche ich, was diese Prüfung möglich macht; danach ist keine Zuordnung mehr möglich. "
    "Deine eigene Nachricht an mich bleibt in unserem Direktchat – lösche sie, wenn du magst. Erinnerungen "
    "nennen bei anonymen Umfragen niemanden. Bei wenigen Stimmen lässt sich aus Zwischenständen manchmal "
    "erraten, wer was gewählt hat; mit `--geheim` dazu gibt es die Zahlen erst am Ende."
)
ANONYMITY_EN = (
    "**How anonymous is an anonymous poll (`--anonym`):** you vote in a direct chat with me; the room only "
    "sees numbers. I do not store who voted what – only a tag by which I recognise your vote, so that you "
    "can change it and nobody is counted twice. While the poll is open, someone with access to the bot's "
    "computer could check how a given person voted. When the poll ends I delete what makes that check "
    "possible; after that no link is possible. Your own message to me stays in our direct chat – delete "
    "it if you like. Reminders name nobody for anonymous polls. With few votes, interim counts can "
    "sometimes give away who chose what; add `--geheim` to show the numbers only at the end."
)

i18n.register(
    {
        # ---------------------------------------------------------------------------- starting
        "polls.example": {"de": "Beispiel: `" + EXAMPLE + "`", "en": "Example: `" + EXAMPLE + "`"},
        "polls.option_count": {
            "de": "Eine Umfrage braucht 2 bis 20 Optionen, du hast {count} angegeben.",
            "en": "A poll needs 2 to 20 options; you gave {count}.",
        },
        "polls.empty_question": {
            "de": "Die Frage ist leer. Schreib sie in Anführungszeichen vor die Optionen.",
            "en": "The question is empty. Put it in quotes before the options.",
        },
        "polls.empty_option": {
            "de": "Option {n} ist leer.",
            "en": "Option {n} is empty.",
        },
        "polls.duplicate_option": {
            "de": "Die Option „{option}“ steht mehrmals da. Jede Option darf nur einmal vorkommen.",
            "en": "The option “{option}” appears more than once. Each option may appear only once.",
        },
        "polls.question_unquoted": {
            "de": "Die Frage scheint nicht in Anführungszeichen zu stehen: „{option}“ sieht nach einem Teil "
            "der Frage aus. Setze die Frage und jede Option mit Leerzeichen in Anführungszeichen.",
            "en": "The question seems to lack quotes: “{option}” looks like part of the question. Put the "
            "question and every option containing spaces in quotes.",
        },
        "polls.too_long": {
            "de": "{what} ist zu lang (höchstens {limit} Zeichen).",
            "en": "{what} is too long (at most {limit} characters).",
        },
        "polls.the_question": {"de": "Die Frage", "en": "The question"},
        "polls.option_n": {"de": "Option {n}", "en": "Option {n}"},
        "polls.multi_too_big": {
            "de": "`--mehrfach {n}` geht nicht: Es gibt nur {count} Optionen.",
            "en": "`--mehrfach {n}` is not possible: there are only {count} options.",
        },
        "polls.points_and_multi": {
            "de": "`--punkte` und `--mehrfach` passen nicht zusammen: Bei einer Punkte-Umfrage verteilt "
            "jede Person ihre Punkte ohnehin auf beliebig viele Optionen.",
            "en": "`--punkte` and `--mehrfach` do not go together: in a points poll everyone spreads "
            "their points over as many options as they like anyway.",
        },
        "polls.remind_needs_deadline": {
            "de": "`--erinnern` geht nur zusammen mit `--bis`, sonst weiß ich nicht, wann die Umfrage endet. "
            "Beispiel: `--bis Freitag 17 Uhr --erinnern 2 Stunden`",
            "en": "`--erinnern` needs `--bis`, otherwise I don't know when the poll ends. "
            "Example: `--bis Friday 17:00 --erinnern 2 hours`",
        },
        "polls.remind_in_past": {
            "de": "Die Erinnerung läge vor jetzt ({when}). Wähle bei `--erinnern` eine kürzere Dauer "
            "oder bei `--bis` eine spätere Zeit.",
            "en": "The reminder would be in the past ({when}). Choose a shorter `--erinnern` or a later "
            "`--bis`.",
        },
        "polls.not_in_dm": {
            "de": "Eine Umfrage starte bitte im Raum, in dem abgestimmt werden soll, nicht im Direktchat.",
            "en": "Please start a poll in the room that should vote, not in a direct chat.",
        },
        "polls.fallback_title": {"de": "Umfrage #{number}: {question}", "en": "Poll #{number}: {question}"},
        "polls.native_question": {"de": "#{number}: {question}", "en": "#{number}: {question}"},
        "polls.info_title": {
            "de": "🗳️ **Umfrage #{number}** ist gestartet.",
            "en": "🗳️ **Poll #{number}** has started.",
        },
        "polls.info_multi": {
            "de": "Du kannst bis zu {n} Antworten wählen.",
            "en": "You may choose up to {n} answers.",
        },
        "polls.info_secret": {
            "de": "🔒 Geheim: Das Ergebnis zeige ich erst nach dem Ende.",
            "en": "🔒 Secret: I show the result only after the end.",
        },
        "polls.info_deadline": {"de": "⏳ Endet am {when}.", "en": "⏳ Ends on {when}."},
        "polls.info_open_end": {
            "de": "⏳ Läuft, bis sie jemand mit `{prefix}umfrage schließen {number}` beendet.",
            "en": "⏳ Runs until someone ends it with `{prefix}poll close {number}`.",
        },
        "polls.info_how_native": {
            "de": "Abstimmen: in der Umfrage oben klicken, mit einer Reaktion 1️⃣–🔟 auf die Umfrage "
            "oder mit `{prefix}stimme {number} <Nr>`.",
            "en": "To vote: click in the poll above, react with 1️⃣–🔟 on the poll, or write "
            "`{prefix}vote {number} <no>`.",
        },
        "polls.info_how_native_secret": {
            "de": "Abstimmen: in der Umfrage oben klicken oder mir im Direktchat "
            "`{prefix}stimme {number} <Nr>` schreiben. Reaktionen wie 1️⃣ zählen hier nicht, "
            "weil alle im Raum sie sehen.",
            "en": "To vote: click in the poll above or send me `{prefix}vote {number} <no>` in a direct "
            "chat. Reactions like 1️⃣ do not count here, as everyone in the room sees them.",
        },
        "polls.how_points": {
            "de": "Jede Person verteilt bis zu **{points} Punkte** auf die Optionen, so:\n"
            "`{prefix}punkte {number} {example}`",
            "en": "Everyone spreads up to **{points} points** over the options, like this:\n"
            "`{prefix}points {number} {example}`",
        },
        "polls.how_anonymous": {
            "de": "🕶️ **Anonym:** Bitte stimme im Direktchat mit mir ab, nicht hier: schreib mir "
            "`{command}`. Hier im Raum erscheinen nur Zahlen; niemand – auch nicht die Koordination – "
            "sieht, wer wie gestimmt hat. Schreibst du hier `{prefix}stimme {number}`, öffne ich den "
            "Direktchat für dich. Details: `{prefix}hilfe stimme`.",
            "en": "🕶️ **Anonymous:** please vote in a direct chat with me, not here: send me "
            "`{command}`. The room only sees numbers; nobody, not even the coordinators, sees who voted "
            "what. Write `{prefix}vote {number}` here and I'll open the direct chat for you. "
            "Details: `{prefix}help vote`.",
        },
        # -------------------------------------------------------------------------------- voting
        "polls.not_found": {
            "de": "Eine Umfrage #{number} gibt es hier nicht. `{prefix}umfragen` zeigt die offenen.",
            "en": "There is no poll #{number} here. `{prefix}polls` lists the open ones.",
        },
        "polls.none_yet": {
            "de": "Hier gab es noch keine Umfrage. Starten: `" + EXAMPLE + "`",
            "en": "There has been no poll here yet. To start one: `" + EXAMPLE + "`",
        },
        "polls.not_found_dm": {
            "de": "Ich finde keine Umfrage #{number} in deinen Räumen. `{prefix}umfragen` zeigt die offenen.",
            "en": "I find no poll #{number} in your rooms. `{prefix}polls` lists the open ones.",
        },
        "polls.ambiguous": {
            "de": "Eine Umfrage #{number} gibt es in mehreren deiner Räume. Schreib die Raum-ID dazu, "
            "z. B. `{example}`.",
            "en": "Poll #{number} exists in several of your rooms. Add the room id, e.g. `{example}`.",
        },
        "polls.not_member": {
            "de": "Du bist nicht im Raum von Umfrage #{number} und kannst dort nicht abstimmen.",
            "en": "You are not in the room of poll #{number} and cannot vote there.",
        },
        "polls.closed": {
            "de": "Umfrage #{number} ist schon beendet; Stimmen zählen nicht mehr. "
            "Das Ergebnis: `{prefix}ergebnis {number}`.",
            "en": "Poll #{number} has already ended; votes no longer count. "
            "The result: `{prefix}results {number}`.",
        },
        "polls.bad_ref": {
            "de": "„{value}“ ist keine Umfrage-Nummer. Schreib sie wie `3` oder `#3`.",
            "en": "“{value}” is not a poll number. Write it like `3` or `#3`.",
        },
        "polls.missing_choice": {
            "de": "Es fehlt deine Auswahl. Beispiel: `{prefix}stimme {number} 2` oder, wenn mehrere "
            "erlaubt sind, `{prefix}stimme {number} 1,3`.",
            "en": "Your choice is missing. Example: `{prefix}vote {number} 2`, or if several are allowed, "
            "`{prefix}vote {number} 1,3`.",
        },
        "polls.bad_choice": {
            "de": "„{value}“ ist keine Option von Umfrage #{number}; möglich sind die Nummern 1 bis {count}. "
            "Beispiel: `{prefix}stimme {number} 2`",
            "en": "“{value}” is not an option of poll #{number}; possible are the numbers 1 to {count}. "
            "Example: `{prefix}vote {number} 2`",
        },
        "polls.too_many_choices": {
            "de": "Bei Umfrage #{number} kannst du höchstens {max} Option(en) wählen, du hast {got} "
            "angegeben. Nichts gespeichert.",
            "en": "In poll #{number} you may choose at most {max} option(s); you gave {got}. "
            "Nothing was recorded.",
        },
        "polls.use_points": {
            "de": "Umfrage #{number} ist eine Punkte-Umfrage. Verteile deine Punkte so: "
            "`{prefix}punkte {number} 1=3 2=2`",
            "en": "Poll #{number} is a points poll. Spread your points like this: "
            "`{prefix}points {number} 1=3 2=2`",
        },
        "polls.not_points": {
            "de": "Umfrage #{number} ist keine Punkte-Umfrage. Stimme so ab: `{prefix}stimme {number} 2`",
            "en": "Poll #{number} is not a points poll. Vote like this: `{prefix}vote {number} 2`",
        },
        "polls.bad_points": {
            "de": "„{value}“ verstehe ich nicht. Schreib Option=Punkte, "
            "z. B. `{prefix}punkte {number} 1=3 4=2`. Nichts gespeichert.",
            "en": "I don't understand “{value}”. Write option=points, "
            "e.g. `{prefix}points {number} 1=3 4=2`. Nothing was recorded.",
        },
        "polls.missing_points": {
            "de": "Es fehlt deine Verteilung: bis zu {budget} Punkte als Option=Punkte, "
            "z. B. `{prefix}punkte {number} {example}`.",
            "en": "Your distribution is missing: up to {budget} points as option=points, "
            "e.g. `{prefix}points {number} {example}`.",
        },
        "polls.points_unknown_option": {
            "de": "Option {value} gibt es bei Umfrage #{number} nicht (1 bis {count}). Nichts gespeichert.",
            "en": "Poll #{number} has no option {value} (1 to {count}). Nothing was recorded.",
        },
        "polls.deadline_taken": {
            "de": "✅ Umfrage #{number} endet am **{when}**. {undo} Dann schließe ich sie gleich wieder.",
            "en": "✅ Poll #{number} ends on **{when}**. {undo} I'll close it again right away.",
        },
        "polls.option_unknown": {
            "de": "„{value}“ passt zu keiner Option von Umfrage #{number}. Möglich: {options}. "
            "Nichts gespeichert.",
            "en": "“{value}” matches no option of poll #{number}. Possible: {options}. Nothing was recorded.",
        },
        "polls.option_ambiguous": {
            "de": "„{value}“ passt zu mehreren Optionen von Umfrage #{number}: {options}. Schreib mehr vom "
            "Namen oder die Nummer. Nichts gespeichert.",
            "en": "“{value}” matches several options of poll #{number}: {options}. Write more of the name "
            "or the number. Nothing was recorded.",
        },
        "polls.points_over_budget": {
            "de": "Das sind {got} Punkte, du hast aber nur {budget}. Nichts gespeichert – verteile bitte "
            "neu, z. B. `{prefix}punkte {number} {example}`.",
            "en": "That is {got} points but you only have {budget}. Nothing was recorded – please "
            "spread them again, e.g. `{prefix}points {number} {example}`.",
        },
        "polls.vote_ok": {
            "de": "✅ Deine Stimme für Umfrage #{number} zählt: {choice}.",
            "en": "✅ Your vote in poll #{number} counts: {choice}.",
        },
        "polls.vote_ok_secret": {
            "de": "✅ Deine Stimme für Umfrage #{number} zählt. Das Ergebnis gibt es nach dem Ende.",
            "en": "✅ Your vote in poll #{number} counts. The result comes after the end.",
        },
        "polls.points_ok": {
            "de": "✅ Deine Punkte für Umfrage #{number}: {choice}. ({left} von {budget} Punkten übrig.)",
            "en": "✅ Your points in poll #{number}: {choice}. ({left} of {budget} points left.)",
        },
        "polls.change_hint": {
            "de": "Ändern kannst du sie bis zum Ende mit einer neuen Nachricht; "
            "`{prefix}stimme {number} keine` nimmt sie zurück.",
            "en": "You can change it until the end with a new message; `{prefix}vote {number} none` "
            "withdraws it.",
        },
        "polls.unvoted": {
            "de": "Deine Stimme für Umfrage #{number} ist zurückgenommen.",
            "en": "Your vote in poll #{number} has been withdrawn.",
        },
        "polls.anonymous_in_room": {
            "de": "🕶️ Umfrage #{number} ist anonym: Diese Nachricht zähle ich nicht. Stimme bitte im "
            "Direktchat mit mir ab – ich habe dir dort geschrieben.",
            "en": "🕶️ Poll #{number} is anonymous: I do not count this message. Please vote in our direct "
            "chat – I have written to you there.",
        },
        "polls.vote_removed": {
            "de": "Deine Nachricht hier habe ich entfernt.",
            "en": "I removed your message here.",
        },
        "polls.vote_not_removed": {
            "de": "Ich konnte deine Nachricht hier **nicht entfernen** (mir fehlt die Berechtigung) – "
            "bitte lösche sie selbst.",
            "en": "I could **not remove** your message here (I lack the permission) – please delete it "
            "yourself.",
        },
        "polls.redact_reason": {
            "de": "Stimme für eine anonyme Umfrage (bitte im Direktchat abstimmen)",
            "en": "Vote for an anonymous poll (please vote in a direct chat)",
        },
        "polls.anonymous_dm_intro": {
            "de": "🕶️ **Anonyme Umfrage #{number}: {question}**\n\n{options}\n\nAntworte hier mit "
            "`{command}`.",
            "en": "🕶️ **Anonymous poll #{number}: {question}**\n\n{options}\n\nAnswer here with `{command}`.",
        },
        "polls.anonymous_dm_sent": {
            "de": "🕶️ Ich habe dir für Umfrage #{number} im Direktchat geschrieben.",
            "en": "🕶️ I have written to you in our direct chat about poll #{number}.",
        },
        "polls.reaction_hint_secret": {
            "de": "🔒 Umfrage #{number} „{question}“ ist geheim: Reaktionen wie 1️⃣ zähle ich dort nicht, "
            "denn alle im Raum sehen, wie oft jede Zahl gewählt wurde.",
            "en": "🔒 Poll #{number} “{question}” is secret: I do not count reactions like 1️⃣ there, "
            "because everyone in the room sees how often each number was chosen.",
        },
        "polls.reaction_how_native": {
            "de": "Stimm bitte in der Umfrage selbst ab (Element zeigt das Ergebnis erst am Ende) oder "
            "schreib mir hier `{command}`.",
            "en": "Please vote in the poll itself (Element shows the result only at the end) or send me "
            "`{command}` here.",
        },
        "polls.reaction_how_dm": {
            "de": "Stimm bitte hier im Direktchat ab: `{command}`.",
            "en": "Please vote here in our direct chat: `{command}`.",
        },
        "polls.reaction_hint_anonymous": {
            "de": "🕶️ Umfrage #{number} ist anonym: Reaktionen zähle ich dort nicht, denn alle im Raum "
            "sehen, wer mit welcher Zahl reagiert hat.",
            "en": "🕶️ Poll #{number} is anonymous: I do not count reactions there, because everyone in the "
            "room sees who reacted with which number.",
        },
        "polls.reaction_removed": {
            "de": "Deine Reaktion habe ich entfernt.",
            "en": "I have removed your reaction.",
        },
        "polls.reaction_remove_yourself": {
            "de": "Nimm deine Reaktion bitte wieder weg – ich darf sie nicht entfernen.",
            "en": "Please take your reaction back – I am not allowed to remove it.",
        },
        "polls.redact_reason_reaction": {
            "de": "Reaktion auf eine geheime oder anonyme Umfrage (zählt nicht)",
            "en": "Reaction on a secret or anonymous poll (does not count)",
        },
        "polls.none_word": {"de": "keine", "en": "none"},
        # ------------------------------------------------------------------------------- results
        "polls.result_title": {
            "de": "📊 **Ergebnis Umfrage #{number}: {question}**",
            "en": "📊 **Result of poll #{number}: {question}**",
        },
        "polls.interim_title": {
            "de": "📊 **Zwischenstand Umfrage #{number}: {question}**",
            "en": "📊 **Interim result of poll #{number}: {question}**",
        },
        "polls.place": {"de": "Platz {place}: {option}", "en": "Rank {place}: {option}"},
        "polls.unranked": {"de": "–: {option}", "en": "–: {option}"},
        "polls.votes": {"de": "{n} Stimmen", "en": "{n} votes"},
        "polls.vote_one": {"de": "1 Stimme", "en": "1 vote"},
        "polls.points_n": {"de": "{n} Punkte", "en": "{n} points"},
        "polls.points_n_dative": {"de": "{n} Punkten", "en": "{n} points"},
        "polls.point_one": {"de": "1 Punkt", "en": "1 point"},
        "polls.winner": {
            "de": "🏆 Gewonnen hat **{option}** mit {amount}.",
            "en": "🏆 The winner is **{option}** with {amount}.",
        },
        "polls.leading": {
            "de": "🏆 Vorne liegt **{option}** mit {amount}.",
            "en": "🏆 **{option}** leads with {amount}.",
        },
        "polls.tie": {
            "de": "🤝 Gleichstand: {options} mit je {amount}.",
            "en": "🤝 Tie: {options} with {amount} each.",
        },
        "polls.and": {"de": "und", "en": "and"},
        "polls.no_votes": {"de": "Niemand hat abgestimmt.", "en": "Nobody voted."},
        "polls.turnout": {
            "de": "👥 {voters} von {members} Mitgliedern haben abgestimmt.",
            "en": "👥 {voters} of {members} members voted.",
        },
        "polls.turnout_one": {
            "de": "👥 1 von {members} Mitgliedern hat abgestimmt.",
            "en": "👥 1 of {members} members voted.",
        },
        "polls.spoiled": {
            "de": "({n} ungültige Stimme(n) nicht gezählt.)",
            "en": "({n} invalid vote(s) not counted.)",
        },
        "polls.multi_note": {
            "de": "_Mehrfachauswahl: Die Prozente beziehen sich auf die Abstimmenden._",
            "en": "_Multiple choice: percentages refer to the people who voted._",
        },
        "polls.points_note": {
            "de": "_Punkte-Umfrage (je {points} Punkte), nach Punkten sortiert._",
            "en": "_Points poll ({points} points each), sorted by points._",
        },
        "polls.secret_interim": {
            "de": "🔒 Umfrage #{number} ist geheim: Das Ergebnis gibt es erst nach dem Ende.",
            "en": "🔒 Poll #{number} is secret: the result comes only after the end.",
        },
        "polls.ends": {"de": "⏳ Endet am {when}.", "en": "⏳ Ends on {when}."},
        "polls.end_fallback": {
            "de": "Die Umfrage ist beendet. {summary}",
            "en": "The poll has ended. {summary}",
        },
        "polls.file_stem": {"de": "umfrage", "en": "poll"},
        "polls.chart_title": {"de": "Umfrage #{number}", "en": "Poll #{number}"},
        # --------------------------------------------------------------------------------- lists
        "polls.list_title": {"de": "**Offene Umfragen:**", "en": "**Open polls:**"},
        "polls.list_item": {
            "de": "- **#{number}** {question} – Beteiligung {voters} von {members} – {deadline}",
            "en": "- **#{number}** {question} – turnout {voters} of {members} – {deadline}",
        },
        "polls.list_deadline": {"de": "endet am {when}", "en": "ends on {when}"},
        "polls.list_no_deadline": {"de": "ohne Frist", "en": "no deadline"},
        "polls.list_anonymous": {"de": " 🕶️", "en": " 🕶️"},
        "polls.list_empty": {
            "de": "Gerade läuft keine Umfrage. Starten: `" + EXAMPLE + "`",
            "en": "No poll is open. To start one: `" + EXAMPLE + "`",
        },
        # -------------------------------------------------------------------------- close/export
        "polls.close_refused": {
            "de": "Umfrage #{number} kann nur beenden, wer sie gestartet hat, oder die Koordination.",
            "en": "Only whoever started poll #{number}, or a coordinator, can close it.",
        },
        "polls.already_closed": {
            "de": "Umfrage #{number} ist schon beendet. Das Ergebnis: `{prefix}ergebnis {number}`.",
            "en": "Poll #{number} has already ended. The result: `{prefix}results {number}`.",
        },
        "polls.closed_elsewhere": {
            "de": "Umfrage #{number} ist beendet; das Ergebnis steht im Raum der Umfrage.",
            "en": "Poll #{number} is closed; the result is in the poll's room.",
        },
        "polls.export_refused": {
            "de": "Den Export von Umfrage #{number} bekommt nur, wer sie gestartet hat, oder die "
            "Koordination.",
            "en": "Only whoever started poll #{number}, or a coordinator, can export it.",
        },
        "polls.export_secret_open": {
            "de": "Umfrage #{number} ist geheim und läuft noch. Den Export gibt es nach dem Ende.",
            "en": "Poll #{number} is secret and still open. The export is available after the end.",
        },
        "polls.export_sent": {
            "de": "📄 Den Export von Umfrage #{number} habe ich dir in den Direktchat geschickt.",
            "en": "📄 I have sent you the export of poll #{number} in a direct chat.",
        },
        "polls.csv_option": {"de": "Option", "en": "Option"},
        "polls.csv_number": {"de": "Nr", "en": "No"},
        "polls.csv_votes": {"de": "Stimmen", "en": "Votes"},
        "polls.csv_points": {"de": "Punkte", "en": "Points"},
        "polls.csv_percent": {"de": "Prozent", "en": "Percent"},
        "polls.csv_person": {"de": "Person", "en": "Person"},
        "polls.csv_matrix_id": {"de": "Matrix-ID", "en": "Matrix ID"},
        "polls.csv_anonymous": {
            "de": "Anonyme Umfrage: keine Angaben zu einzelnen Personen.",
            "en": "Anonymous poll: no data on individual people.",
        },
        # ------------------------------------------------------------------- receipt of typed votes
        "polls.receipt_title": {
            "de": "🗳️ **Umfrage #{number}** – per `{prefix}{command}` gezählt:",
            "en": "🗳️ **Poll #{number}** – counted from `{prefix}{command}`:",
        },
        "polls.receipt_footer": {
            "de": "Es zählt immer deine letzte Stimme; `{prefix}ergebnis {number}` zeigt den Stand.",
            "en": "Your latest vote counts; `{prefix}results {number}` shows the standings.",
        },
        "polls.receipt_footer_secret": {
            "de": "Es zählt immer deine letzte Stimme. Das Ergebnis gibt es nach dem Ende.",
            "en": "Your latest vote counts. The result comes after the end.",
        },
        "polls.receipt_counted": {"de": "gezählt", "en": "counted"},
        "polls.receipt_withdrawn": {"de": "zurückgenommen", "en": "withdrawn"},
        "polls.receipt_points": {
            "de": "{choice} ({left} von {budget} Punkten übrig)",
            "en": "{choice} ({left} of {budget} points left)",
        },
        # ------------------------------------------------------------------------------ reminder
        "polls.reminder_title": {
            "de": "Erinnerung per Direktnachricht zu Umfrage #{number} „{question}“ (endet am {when})",
            "en": "Reminder by direct message for poll #{number} “{question}” (ends on {when})",
        },
        "polls.reminder_dm": {
            "de": "⏰ Umfrage #{number} „{question}“ endet am {when}, und du hast noch nicht abgestimmt. "
            "Hier geht's zur Umfrage: {link}",
            "en": "⏰ Poll #{number} “{question}” ends on {when} and you have not voted yet. "
            "Here is the poll: {link}",
        },
        "polls.reminder_dm_anonymous": {
            "de": "⏰ Die anonyme Umfrage #{number} „{question}“ endet am {when}. Falls du noch nicht "
            "abgestimmt hast: schreib mir hier `{prefix}stimme {number} <Nr>`. Wenn du schon abgestimmt "
            "hast, ist nichts zu tun – diese Erinnerung bekommen alle, damit niemand erkennen kann, wer "
            "schon abgestimmt hat.",
            "en": "⏰ The anonymous poll #{number} “{question}” ends on {when}. If you have not voted yet: "
            "send me `{prefix}vote {number} <no>` here. If you have, there is nothing to do – everybody gets "
            "this reminder, so that nobody can tell who has voted.",
        },
        "polls.reminder_anonymous": {
            "de": "⏰ Die anonyme Umfrage #{number} „{question}“ endet am {when}. Bisher haben {voters} von "
            "{members} abgestimmt. Wer noch nicht hat: im Direktchat mit mir `{prefix}stimme {number} <Nr>`.",
            "en": "⏰ The anonymous poll #{number} “{question}” ends on {when}. So far {voters} of {members} "
            "voted. If you haven't yet: send me `{prefix}vote {number} <no>` in a direct chat.",
        },
    }
)
