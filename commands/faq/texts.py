"""Everything the FAQ feature says, in German and English."""

from __future__ import annotations

from bot import i18n

i18n.register(
    {
        # -- asking
        "faq.intro": {
            "de": "Frag mich etwas zu den Themen der Digitallotsen, z. B. `{prefix}faq Wo finde ich die "
            "Aufzeichnungen vom Meet and Learn?` – oder schreib eine Nachricht, die mit `?` beginnt. "
            "Ich kenne {entries} Einträge.",
            "en": "Ask me about the Digitallotsen's topics, e.g. `{prefix}faq Where are the Meet and Learn "
            "recordings?` – or write a message starting with `?`. I know {entries} entries.",
        },
        "faq.entry_ref": {"de": "(Eintrag: {id})", "en": "(Entry: {id})"},
        "faq.feedback_hint": {
            "de": "_Hat das geholfen? Reagiere mit 👍 oder 👎._",
            "en": "_Did this help? React with 👍 or 👎._",
        },
        "faq.also": {"de": "Meintest du auch: {choices}", "en": "Did you also mean: {choices}"},
        "faq.choice_ref": {"de": "„{question}“ (`{command}`)", "en": "“{question}” (`{command}`)"},
        "faq.unsure": {
            "de": "🤔 Ich bin nicht sicher, was du meinst. Passt eine dieser Fragen?",
            "en": "🤔 I am not sure what you mean. Does one of these questions fit?",
        },
        "faq.unsure_pick": {
            "de": "Schreib `{example}` (oder die passende Nummer), dann bekommst du die Antwort.",
            "en": "Write `{example}` (or the matching number) to get the answer.",
        },
        "faq.none": {"de": "Dazu habe ich keine Antwort.", "en": "I have no answer to that."},
        "faq.none_escalated": {
            "de": "Ich habe deine Frage an die Koordination weitergegeben (Nr. {number}); die Antwort "
            "bekommst du hier.",
            "en": "I have passed your question on to the coordinators (no. {number}); you will get the "
            "answer here.",
        },
        "faq.none_logged": {
            "de": "Ich habe sie für die Koordination notiert (Nr. {number}); die Antwort bekommst du hier.",
            "en": "I have noted it for the coordinators (no. {number}); you will get the answer here.",
        },
        "faq.none_not_question": {
            "de": "Wenn du eine Frage hast, schreib sie mir einfach, z. B. „Wie bekomme ich einen "
            "Jitsi-Raum?“. Alle Befehle: `{prefix}hilfe`.",
            "en": "If you have a question, just write it, e.g. “How do I get a Jitsi room?”. "
            "All commands: `{prefix}help`.",
        },
        "faq.no_choices": {
            "de": "Ich habe dir hier gerade keine Auswahl angeboten. Stell deine Frage einfach mit "
            "`{prefix}faq <Frage>`.",
            "en": "I have not offered you a choice here recently. Just ask with `{prefix}faq <question>`.",
        },
        "faq.choice_range": {
            "de": "Bitte wähle eine Nummer von 1 bis {count}.",
            "en": "Please pick a number from 1 to {count}.",
        },
        "faq.choice_gone": {
            "de": "Den Eintrag `{id}` gibt es inzwischen nicht mehr. Frag bitte noch einmal.",
            "en": "The entry `{id}` no longer exists. Please ask again.",
        },
        "faq.thanks": {"de": "Gern geschehen! 🙂", "en": "You're welcome! 🙂"},
        "faq.greeting": {
            "de": "Hallo! Frag mich einfach etwas zu den Themen der Digitallotsen. "
            "Alle Befehle: `{prefix}hilfe`.",
            "en": "Hello! Just ask me about the Digitallotsen's topics. All commands: `{prefix}help`.",
        },
        "faq.kb_empty": {
            "de": "Die Wissensdatenbank ist gerade leer oder nicht erreichbar. Bitte sag der Koordination "
            "Bescheid.",
            "en": "The knowledge base is empty or unavailable right now. Please tell the coordinators.",
        },
        # -- escalation
        "faq.escalation": {
            "de": "❓ **Offene Frage Nr. {number}** von {who} {where}:\n\n> {question}\n\n"
            "Antworten mit `{prefix}faq antworten {number} <Text>`.",
            "en": "❓ **Open question no. {number}** from {who} {where}:\n\n> {question}\n\n"
            "Answer with `{prefix}faq answer {number} <text>`.",
        },
        "faq.where_dm": {"de": "in einer Direktnachricht", "en": "in a direct message"},
        "faq.where_room": {"de": "in [diesem Raum]({link})", "en": "in [this room]({link})"},
        # -- coordinators
        "faq.open_title": {"de": "**Offene Fragen ({count}):**", "en": "**Open questions ({count}):**"},
        "faq.open_line": {
            "de": "- **Nr. {number}** · {when} · {who}: „{question}“",
            "en": "- **No. {number}** · {when} · {who}: “{question}”",
        },
        "faq.number": {"de": "Nr. {number}", "en": "no. {number}"},
        "faq.open_more": {"de": "… und {count} weitere.", "en": "… and {count} more."},
        "faq.open_none": {
            "de": "Keine offenen Fragen. 🎉",
            "en": "No open questions. 🎉",
        },
        "faq.open_hint": {
            "de": "Antworten: `{prefix}faq antworten <Nr> <Text>` · verwerfen: `{prefix}faq verwerfen <Nr>`",
            "en": "Answer: `{prefix}faq answer <no> <text>` · dismiss: `{prefix}faq dismiss <no>`",
        },
        "faq.open_unsaved": {
            "de": "Beantwortet, aber noch nicht in der Wissensdatenbank: {numbers} – "
            "`{prefix}faq speichern <Nr>`",
            "en": "Answered but not yet in the knowledge base: {numbers} – `{prefix}faq save <no>`",
        },
        "faq.unknown_number": {
            "de": "Eine offene Frage Nr. {number} gibt es nicht. `{prefix}faq offen` zeigt alle.",
            "en": "There is no open question no. {number}. `{prefix}faq open` lists them.",
        },
        "faq.dismissed_already": {
            "de": "Frage Nr. {number} wurde verworfen.",
            "en": "Question no. {number} was dismissed.",
        },
        "faq.answer_to_asker": {
            "de": "💬 **Antwort der Koordination** auf deine Frage „{question}“:\n\n{answer}",
            "en": "💬 **Answer from the coordinators** to your question “{question}”:\n\n{answer}",
        },
        "faq.answered": {
            "de": "✅ Antwort an {who} geschickt. Als Eintrag für die Wissensdatenbank speichern: "
            '`{prefix}faq speichern {number}` (auf Wunsch mit `--frage "…"` für eine allgemeinere '
            "Formulierung).",
            "en": "✅ Answer sent to {who}. To save it as a knowledge base entry: "
            '`{prefix}faq save {number}` (optionally with `--frage "…"` for a more general wording).',
        },
        "faq.not_answered_yet": {
            "de": "Frage Nr. {number} ist noch nicht beantwortet. Zuerst: "
            "`{prefix}faq antworten {number} <Text>`.",
            "en": "Question no. {number} has not been answered yet. First: "
            "`{prefix}faq answer {number} <text>`.",
        },
        "faq.saved_already": {
            "de": "Frage Nr. {number} ist schon als Eintrag `{id}` gespeichert.",
            "en": "Question no. {number} is already saved as entry `{id}`.",
        },
        "faq.saved": {
            "de": "📚 Gespeichert als Eintrag `{id}` (`{file}`) – ab sofort beantworte ich die Frage damit. "
            "Bitte die Datei im Git übernehmen.",
            "en": "📚 Saved as entry `{id}` (`{file}`) – I answer the question with it from now on. "
            "Please commit the file to git.",
        },
        "faq.saved_check": {
            "de": "⚠️ Test: Auf „{question}“ würde ich trotzdem mit `{other}` antworten. Eine genauere "
            'Frage hilft (`{prefix}faq bearbeiten {id} --frage "…"`).',
            "en": "⚠️ Check: to “{question}” I would still answer with `{other}`. A more specific question "
            'helps (`{prefix}faq edit {id} --frage "…"`).',
        },
        "faq.similar": {
            "de": "Hinweis: Der Eintrag `{id}` („{question}“) ist sehr ähnlich.",
            "en": "Note: entry `{id}` (“{question}”) is very similar.",
        },
        "faq.write_failed": {
            "de": "Das kann ich so nicht speichern: {reason}",
            "en": "I cannot save that: {reason}",
        },
        "faq.id_taken": {
            "de": "Die Id `{id}` ist schon vergeben; wähle mit `--id` eine andere.",
            "en": "The id `{id}` is taken; choose another one with `--id`.",
        },
        "faq.read_only": {
            "de": "Ich nutze gerade die mitgelieferte Beispiel-Wissensdatenbank und verändere sie nicht. "
            "Für eigene Einträge bitte `kb_dir` unter `[features.faq]` in der Konfiguration setzen.",
            "en": "I am using the bundled sample knowledge base and do not change it. To add entries, set "
            "`kb_dir` under `[features.faq]` in the configuration.",
        },
        "faq.unknown_entry": {
            "de": "Einen Eintrag `{id}` gibt es nicht.{hint}",
            "en": "There is no entry `{id}`.{hint}",
        },
        "faq.unknown_entry_hint": {"de": " Meintest du `{id}`?", "en": " Did you mean `{id}`?"},
        "faq.not_editable": {
            "de": "Der Eintrag `{id}` hat keine Datei, die ich ändern könnte.",
            "en": "Entry `{id}` has no file I could change.",
        },
        "faq.show_entry": {
            "de": "Eintrag `{id}` in `{file}`:\n\n{source}\n\nÄndern: `{prefix}faq bearbeiten {id} <neue "
            'Antwort>`, Frage: `--frage "…"`, weitere Formulierung: `--alternative "…"`.',
            "en": "Entry `{id}` in `{file}`:\n\n{source}\n\nChange: `{prefix}faq edit {id} <new answer>`, "
            'question: `--frage "…"`, another phrasing: `--alternative "…"`.',
        },
        "faq.edited": {
            "de": "✏️ Eintrag `{id}` geändert – gilt ab sofort. Bitte die Datei im Git übernehmen.",
            "en": "✏️ Entry `{id}` changed – effective immediately. Please commit the file to git.",
        },
        "faq.dismissed": {
            "de": "🗑️ Frage Nr. {number} verworfen.",
            "en": "🗑️ Question no. {number} dismissed.",
        },
        # -- statistics
        "faq.stats_title_all": {
            "de": "📊 **FAQ-Statistik** (gesamt)",
            "en": "📊 **FAQ statistics** (all time)",
        },
        "faq.stats_title_days": {
            "de": "📊 **FAQ-Statistik** (letzte {days} Tage)",
            "en": "📊 **FAQ statistics** (last {days} days)",
        },
        "faq.stats_counts": {
            "de": "Fragen: {total} · beantwortet: {answered} · unsicher: {unsure} · ohne Antwort: {none} "
            "(**{rate} %** unbeantwortet)",
            "en": "Questions: {total} · answered: {answered} · unsure: {unsure} · no answer: {none} "
            "(**{rate} %** unanswered)",
        },
        "faq.stats_open": {
            "de": "Offen für die Koordination: {open} (`{prefix}faq offen`)",
            "en": "Open for the coordinators: {open} (`{prefix}faq open`)",
        },
        "faq.stats_top": {"de": "**Am häufigsten gefragt:**", "en": "**Most asked:**"},
        "faq.stats_top_line": {
            "de": "{rank}. {question} (`{id}`) – {count}×",
            "en": "{rank}. {question} (`{id}`) – {count}×",
        },
        "faq.stats_feedback": {"de": "Feedback: 👍 {up} · 👎 {down}", "en": "Feedback: 👍 {up} · 👎 {down}"},
        "faq.stats_downvoted": {
            "de": "Am meisten 👎: {entries}",
            "en": "Most 👎: {entries}",
        },
        "faq.stats_kb": {
            "de": "Wissensdatenbank: {entries} Einträge in `{dir}`",
            "en": "Knowledge base: {entries} entries in `{dir}`",
        },
        "faq.stats_kb_problems": {
            "de": " – ⚠️ {count} Problem(e), siehe `lotsenbot faq validate --kb {dir}`",
            "en": " – ⚠️ {count} problem(s), see `lotsenbot faq validate --kb {dir}`",
        },
        "faq.stats_nothing": {"de": "Noch keine Fragen.", "en": "No questions yet."},
        # -- learning from use (learning.py)
        "faq.answer_missing": {
            "de": "Da fehlt die Antwort. Schreib sie hinter die Nummer (`{prefix}faq antworten {number} "
            "<Antwort>`) oder nenn den passenden Eintrag (`{prefix}faq antworten {number} --eintrag <id>`).",
            "en": "The answer is missing. Write it after the number (`{prefix}faq answer {number} <answer>`) "
            "or name the matching entry (`{prefix}faq answer {number} --entry <id>`).",
        },
        "faq.learned_none": {
            "de": "Ich habe noch nichts aus der Nutzung gelernt. Das geschieht, wenn jemand eine angebotene "
            "Frage auswählt, du eine offene Frage mit `--eintrag` beantwortest oder eine Antwort ein 👎 "
            "bekommt.",
            "en": "I have not learned anything from use yet. That happens when someone picks an offered "
            "question, you answer an open question with `--entry`, or an answer gets a 👎.",
        },
        "faq.learned_title": {
            "de": "**Aus der Nutzung gelernt** (Formulierungen / 👎):",
            "en": "**Learned from use** (phrasings / 👎):",
        },
        "faq.learned_entry": {
            "de": "- `{id}`: {phrasings} / {mismatches}",
            "en": "- `{id}`: {phrasings} / {mismatches}",
        },
        "faq.learned_hint": {
            "de": "Details zu einem Eintrag: `{example}`",
            "en": "Details for one entry: `{example}`",
        },
        "faq.learned_entry_none": {
            "de": "Für `{id}` habe ich noch nichts gelernt.",
            "en": "I have not learned anything for `{id}` yet.",
        },
        "faq.learned_entry_title": {"de": "**Gelernt für `{id}`**", "en": "**Learned for `{id}`**"},
        "faq.learned_phrasings": {
            "de": "Formulierungen (ihre neuen Wörter finden jetzt diesen Eintrag):",
            "en": "Phrasings (their new words now find this entry):",
        },
        "faq.learned_mismatches": {
            "de": "Fragen mit 👎 (ähnliche Fragen bekommen den Eintrag nur noch zur Auswahl):",
            "en": "Questions with 👎 (similar questions only get this entry offered):",
        },
        "faq.learned_line": {
            "de": "Nr. {number}: „{text}“ – {count}×, {source}, {day}",
            "en": "No. {number}: “{text}” – {count}×, {source}, {day}",
        },
        "faq.learned_source_choice": {"de": "ausgewählt", "en": "picked"},
        "faq.learned_source_coordinator": {"de": "von der Koordination", "en": "by a coordinator"},
        "faq.learned_source_feedback": {"de": "👎", "en": "👎"},
        "faq.learned_forget_hint": {
            "de": "Etwas davon entfernen: `{example}` (mit der Nummer).",
            "en": "Remove one of them: `{example}` (with its number).",
        },
        "faq.learned_unknown": {
            "de": "Nr. {number} gibt es unter dem Gelernten nicht. Die Nummern zeigt "
            "`{prefix}faq gelernt <Eintrag>`.",
            "en": "There is no learned item no. {number}. `{prefix}faq learned <entry>` shows the numbers.",
        },
        "faq.learned_forgotten": {
            "de": "Vergessen: „{text}“ für `{id}`. Das gilt ab der nächsten Frage.",
            "en": "Forgotten: “{text}” for `{id}`. This applies from the next question.",
        },
    }
)

#: the group the FAQ's commands are listed under in ``!hilfe``
FAQ = {"de": "FAQ", "en": "FAQ"}
