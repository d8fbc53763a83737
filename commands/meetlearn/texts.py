"""Everything the Meet-and-Learn feature says, in German and English."""

from __future__ import annotations

from bot import i18n

i18n.register(
    {
        # --- sessions: announcement, reminders, start
        "ml.announce_title": {
            "de": "📅 **Meet and Learn: {topic}** (Termin #{id})",
            "en": "📅 **Meet and Learn: {topic}** (session #{id})",
        },
        "ml.when_line": {"de": "🗓️ {when} ({minutes} Minuten)", "en": "🗓️ {when} ({minutes} minutes)"},
        "ml.speaker_line": {"de": "🎤 Referent·in: {speaker}", "en": "🎤 Speaker: {speaker}"},
        "ml.link_line": {"de": "🔗 Link: {link}", "en": "🔗 Link: {link}"},
        "ml.no_link": {
            "de": "noch kein Link – kommt vor dem Termin",
            "en": "no link yet – it will come before the session",
        },
        "ml.series_line": {
            "de": "🔁 Teil der Reihe #{series}: {rule}",
            "en": "🔁 Part of series #{series}: {rule}",
        },
        "ml.rsvp_howto": {
            "de": "Bist du dabei? Reagiere auf diese Nachricht mit ✅ (oder ❌, wenn du nicht kannst) – "
            "oder schreib `{prefix}dabei {id}` bzw. `{prefix}absage {id}`. "
            "Die Kalenderdatei (.ics) für Outlook oder Thunderbird kommt gleich hinterher.",
            "en": "Are you coming? React to this message with ✅ (or ❌ if you can't) – or write "
            "`{prefix}join {id}` / `{prefix}decline {id}`. The calendar file (.ics) follows.",
        },
        "ml.remind_title": {
            "de": "⏰ **Erinnerung:** {rel} beginnt das Meet and Learn – **{topic}** (#{id})",
            "en": "⏰ **Reminder:** Meet and Learn starts {rel} – **{topic}** (#{id})",
        },
        "ml.yes_count_one": {"de": "Bisher hat 1 Person zugesagt.", "en": "1 person has said yes so far."},
        "ml.yes_count": {
            "de": "Bisher haben {n} Personen zugesagt.",
            "en": "{n} people have said yes so far.",
        },
        "ml.rsvp_short": {
            "de": "Noch nicht zugesagt? ✅ auf diese Nachricht oder `{prefix}dabei {id}`.",
            "en": "Not answered yet? ✅ on this message or `{prefix}join {id}`.",
        },
        "ml.start": {
            "de": "🚀 **Es geht los:** Meet and Learn – **{topic}** (#{id})\nJetzt beitreten: {link}",
            "en": "🚀 **Starting now:** Meet and Learn – **{topic}** (#{id})\nJoin now: {link}",
        },
        "ml.dm_reminder": {
            "de": "⏰ {rel} beginnt das Meet and Learn **{topic}**, zu dem du zugesagt hast ({when}).\n"
            "Link: {link}",
            "en": "⏰ The Meet and Learn **{topic}** you said yes to starts {rel} ({when}).\nLink: {link}",
        },
        # --- calendar files
        "ml.ics_summary": {"de": "Meet and Learn: {topic}", "en": "Meet and Learn: {topic}"},
        "ml.ics_calname": {"de": "Meet and Learn – Digitallotsen", "en": "Meet and Learn – Digitallotsen"},
        "ml.ics_series": {"de": "Reihe: {rule}", "en": "Series: {rule}"},
        "ml.ics_speaker": {"de": "Referent·in: {speaker}", "en": "Speaker: {speaker}"},
        "ml.ics_link": {"de": "Teilnehmen: {link}", "en": "Join: {link}"},
        "ml.ics_rsvp": {
            "de": "Zusagen im Team-Raum: {prefix}dabei {id}",
            "en": "Say yes in the team room: {prefix}join {id}",
        },
        # --- creating
        "ml.created": {
            "de": "✅ Termin #{id} ist angelegt und angekündigt: **{when}**. {plan}\n{undo}",
            "en": "✅ Session #{id} is created and announced: **{when}**. {plan}\n{undo}",
        },
        "ml.plan": {
            "de": "Ich erinnere {list}; zum Start sage ich Bescheid.",
            "en": "I'll remind {list}; I'll post when it starts.",
        },
        "ml.plan_item": {"de": "am {when} ({before} vorher)", "en": "on {when} ({before} before)"},
        "ml.and": {"de": " und ", "en": " and "},
        "ml.plan_none": {
            "de": "Für Erinnerungen ist es zu knapp; zum Start sage ich Bescheid.",
            "en": "Too close for reminders; I'll post when it starts.",
        },
        "ml.series_preview": {
            "de": "🔎 So verstehe ich die Regel: **{rule}**. Die nächsten Termine wären:\n{dates}\n\n"
            "Passt es? Dann denselben Befehl ohne `--vorschau` schicken.",
            "en": "🔎 I read the rule as **{rule}**. The next dates would be:\n{dates}\n\n"
            "Fine? Then send the same command without `--preview`.",
        },
        "ml.series_created": {
            "de": "🔁 Reihe #{id} „{topic}“ ist angelegt: **{rule}**. Die nächsten Termine:\n{dates}\n\n"
            "Link für alle Termine: {link}\n"
            "Jeder Termin wird {lead} Tage vorher angekündigt, dann kommen die Erinnerungen. "
            'Einzelne Termine ändern: `{prefix}meetlearn thema {first} "…"`, '
            "`{prefix}meetlearn verschieben {first} <Datum Zeit>`, `{prefix}meetlearn absagen {first}`. "
            "Nicht mehr gewünscht? `{prefix}meetlearn serie beenden {id}` (schon angekündigte Termine finden "
            "noch statt) oder `{prefix}meetlearn serie absagen {id}` (alle weiteren Termine fallen aus).",
            "en": "🔁 Series #{id} “{topic}” created: **{rule}**. Next dates:\n{dates}\n\n"
            "Link for all sessions: {link}\n"
            "Each session is announced {lead} days ahead, then the reminders follow. Change single dates "
            "with "
            '`{prefix}meetlearn topic {first} "…"`, `{prefix}meetlearn move {first} <date time>`, '
            "`{prefix}meetlearn cancel {first}`. No longer wanted? `{prefix}meetlearn series end {id}` "
            "(sessions already announced still take place) or `{prefix}meetlearn series cancel {id}` (all "
            "further sessions are cancelled).",
        },
        "ml.series_cancelled": {
            "de": "❌ **Die Reihe #{id} „{topic}“ ({rule}) ist abgesagt.** Abgesagte Termine: {ids}.",
            "en": "❌ **Series #{id} “{topic}” ({rule}) is cancelled.** Cancelled sessions: {ids}.",
        },
        "ml.series_ended": {
            "de": "🏁 **Die Reihe #{id} „{topic}“ endet.** Jetzt: {rule}. Letzter Termin: {last}.{dropped}\n"
            "Die aktualisierte Kalenderdatei der Reihe kommt gleich hinterher.",
            "en": "🏁 **Series #{id} “{topic}” ends.** Now: {rule}. Last session: {last}.{dropped}\n"
            "The updated calendar file of the series follows.",
        },
        "ml.series_dropped": {
            "de": " Es entfallen: {list}.",
            "en": " Dropped: {list}.",
        },
        "ml.series_ends_already": {
            "de": "Die Reihe #{id} endet schon früher: {rule}. Ganz absagen: "
            "`{prefix}meetlearn serie absagen {id}`.",
            "en": "Series #{id} already ends earlier: {rule}. To cancel it completely: `{prefix}meetlearn "
            "series cancel {id}`.",
        },
        "ml.until_suffix": {"de": ", bis {date}", "en": ", until {date}"},
        "ml.end_before_first": {
            "de": "Bis zum {date} gibt es keinen Termin dieser Reihe; der erste wäre {first}.",
            "en": "There is no date of this series until {date}; the first would be {first}.",
        },
        "ml.series_goes_on": {
            "de": "Die Reihe #{series} geht weiter: nächster Termin #{id} am {when}.",
            "en": "Series #{series} goes on: next session #{id} on {when}.",
        },
        "ml.series_already_over": {
            "de": "Die Reihe #{id} ist schon beendet.",
            "en": "Series #{id} has already ended.",
        },
        # --- changing
        "ml.nothing_to_change": {
            "de": "Es fehlt, was geändert werden soll: ein neues Thema in Anführungszeichen oder "
            "`--referent`, `--dauer`, `--link`, `--beschreibung`.",
            "en": "Nothing to change: give a new topic in quotes or `--speaker`, `--duration`, `--link`, "
            "`--description`.",
        },
        "ml.changed": {
            "de": "✏️ Termin #{id} geändert ({what}): **{topic}** · {when} · {speaker} · {link}",
            "en": "✏️ Session #{id} changed ({what}): **{topic}** · {when} · {speaker} · {link}",
        },
        "ml.series_nothing_to_change": {
            "de": "Es fehlt, was an der Reihe geändert werden soll: ein neues Thema in Anführungszeichen "
            "oder `--referent`, `--dauer`, `--link`, `--beschreibung`. Beispiel: "
            "`{prefix}meetlearn serie ändern 2 --link https://meet.example/raum`.",
            "en": "Nothing to change in the series: give a new topic in quotes or `--speaker`, `--duration`, "
            "`--link`, `--description`. Example: `{prefix}meetlearn series edit 2 --link "
            "https://meet.example/room`.",
        },
        "ml.series_changed": {
            "de": "✏️ **Die Reihe #{id} „{topic}“ ist geändert ({what}).** Das gilt ab jetzt für alle "
            "kommenden Termine ({rule}).{kept}\n🎤 {speaker} · ⏱️ {minutes} Minuten · 🔗 {link}\n"
            "Die aktualisierte Kalenderdatei der Reihe kommt gleich hinterher.",
            "en": "✏️ **Series #{id} “{topic}” has changed ({what}).** This applies to all coming sessions "
            "from now on ({rule}).{kept}\n🎤 {speaker} · ⏱️ {minutes} minutes · 🔗 {link}\n"
            "The updated calendar file of the series follows.",
        },
        "ml.series_kept": {
            "de": " Eigene Angaben einzelner Termine bleiben: {list}.",
            "en": " Details set for single sessions stay: {list}.",
        },
        "ml.what_topic": {"de": "Thema", "en": "topic"},
        "ml.what_speaker": {"de": "Referent·in", "en": "speaker"},
        "ml.what_duration": {"de": "Dauer", "en": "duration"},
        "ml.what_link": {"de": "Link", "en": "link"},
        "ml.what_description": {"de": "Beschreibung", "en": "description"},
        "ml.moved_notice": {
            "de": "📆 **Verschoben:** Das Meet and Learn **{topic}** (#{id}) ist jetzt am **{new}** "
            "(statt {old}).\nLink: {link}\nZusagen bleiben bestehen; wer nicht mehr kann: ❌ auf diese "
            "Nachricht oder `{prefix}absage {id}`.",
            "en": "📆 **Moved:** Meet and Learn **{topic}** (#{id}) is now on **{new}** (instead of {old}).\n"
            "Link: {link}\nAnswers stay; if you can't make it now: ❌ on this message or `{prefix}decline "
            "{id}`.",
        },
        "ml.moved_quiet": {
            "de": "📆 Termin #{id} ist verschoben: {new} (statt {old}). Er ist noch nicht angekündigt; "
            "die Ankündigung kommt mit dem neuen Datum.",
            "en": "📆 Session #{id} moved: {new} (instead of {old}). It is not announced yet; the "
            "announcement "
            "will carry the new date.",
        },
        "ml.same_time": {
            "de": "Termin #{id} ist schon zu dieser Zeit.",
            "en": "Session #{id} is already at that time.",
        },
        "ml.cancelled_notice": {
            "de": "❌ **Abgesagt:** Das Meet and Learn **{topic}** (#{id}) am {when} fällt aus.",
            "en": "❌ **Cancelled:** Meet and Learn **{topic}** (#{id}) on {when} will not take place.",
        },
        "ml.cancelled_yes": {
            "de": "Das betrifft alle {n}, die zugesagt hatten – ihr seid hiermit informiert.",
            "en": "This concerns all {n} who had said yes.",
        },
        "ml.cancelled_quiet": {
            "de": "❌ Termin #{id} „{topic}“ am {when} ist abgesagt.",
            "en": "❌ Session #{id} “{topic}” on {when} is cancelled.",
        },
        "ml.done": {"de": "Erledigt.", "en": "Done."},
        # --- settings
        "ml.settings": {
            "de": "⚙️ Meet and Learn in diesem Raum: Ankündigung pingt @room: **{ping}** · "
            "DM-Erinnerung an Zusagende: **{dm}**.\nÄndern: `{prefix}meetlearn einstellungen ping an|aus` "
            "oder `{prefix}meetlearn einstellungen dm an|aus`.",
            "en": "⚙️ Meet and Learn in this room: announcement pings @room: **{ping}** · DM reminder to "
            "attendees: **{dm}**.\nChange: `{prefix}meetlearn settings ping on|off` or "
            "`{prefix}meetlearn settings dm on|off`.",
        },
        "ml.settings_value_missing": {
            "de": "Bitte „an“ oder „aus“ dazuschreiben, z. B. `{prefix}meetlearn einstellungen {what} aus`.",
            "en": "Please add “on” or “off”, e.g. `{prefix}meetlearn settings {what} off`.",
        },
        "ml.on": {"de": "an", "en": "on"},
        "ml.off": {"de": "aus", "en": "off"},
        # --- listing
        "ml.upcoming_title": {
            "de": "**Die nächsten Meet-and-Learn-Termine:**",
            "en": "**Upcoming sessions:**",
        },
        "ml.upcoming_footer": {
            "de": "Zusagen: `{prefix}dabei <Nr>` · Kalenderdatei: `{prefix}termine ics`",
            "en": "Say yes: `{prefix}join <no>` · Calendar file: `{prefix}events ics`",
        },
        "ml.none_upcoming": {
            "de": 'Zurzeit ist kein Meet and Learn geplant. Ideen? `{prefix}thema vorschlagen "…"`',
            "en": 'No Meet and Learn is planned right now. Ideas? `{prefix}topic suggest "…"`',
        },
        "ml.yes_short_one": {"de": "1 Zusage", "en": "1 yes"},
        "ml.yes_short": {"de": "{n} Zusagen", "en": "{n} yes"},
        "ml.series_tag": {"de": "Reihe #{id}", "en": "series #{id}"},
        "ml.archive_title": {"de": "**Vergangene Meet and Learns:**", "en": "**Past sessions:**"},
        "ml.archive_empty": {"de": "Das Archiv ist noch leer.", "en": "The archive is still empty."},
        "ml.no_recording": {"de": "keine Aufzeichnung", "en": "no recording"},
        # --- RSVP
        "ml.rsvp_yes": {
            "de": "✅ Schön, du bist bei #{id} **{topic}** dabei ({when}). Link: {link} – bisher {count}.",
            "en": "✅ Great, you're in for #{id} **{topic}** ({when}). Link: {link} – {count} so far.",
        },
        "ml.rsvp_no": {
            "de": "👍 Notiert: Du bist bei #{id} **{topic}** ({when}) nicht dabei. "
            "Die Aufzeichnung findest du danach mit `{prefix}archiv`.",
            "en": "👍 Noted: you won't be at #{id} **{topic}** ({when}). Find the recording later with "
            "`{prefix}archive`.",
        },
        "ml.which_one": {
            "de": "Es gibt mehrere Termine zur selben Zeit – bitte die Nummer angeben, z. B. `{prefix}dabei "
            "7`. "
            "Die Nummern zeigt `{prefix}termine`.",
            "en": "Several sessions start at the same time – please give the number, e.g. `{prefix}join 7`. "
            "`{prefix}events` shows them.",
        },
        # --- recording
        "ml.recording_refused": {
            "de": "Die Aufzeichnung können nur Koordinator·innen anhängen oder die Referentin/der "
            'Referent, wenn sie/er als Matrix-Konto eingetragen ist (`--referent "@name:server"`).',
            "en": "Only coordinators, or the speaker if entered as a Matrix account, may attach the "
            "recording.",
        },
        "ml.recording_posted": {
            "de": "🎬 **Aufzeichnung** zum Meet and Learn **{topic}** (#{id}, {when}): {url}",
            "en": "🎬 **Recording** of Meet and Learn **{topic}** (#{id}, {when}): {url}",
        },
        # --- errors
        "ml.unknown_session": {
            "de": "Einen Termin #{id} kenne ich hier nicht. Die Nummern zeigt `{prefix}termine`.",
            "en": "I don't know a session #{id} here. `{prefix}events` shows the numbers.",
        },
        "ml.unknown_series": {
            "de": "Eine Reihe #{id} kenne ich hier nicht. Die Reihennummer steht bei `{prefix}termine`.",
            "en": "I don't know a series #{id} here. `{prefix}events` shows the series numbers.",
        },
        "ml.is_cancelled": {
            "de": "Termin #{id} „{topic}“ ist abgesagt.",
            "en": "Session #{id} “{topic}” is cancelled.",
        },
        "ml.is_over": {
            "de": "Termin #{id} „{topic}“ ist schon vorbei. Kommende Termine: `{prefix}termine`.",
            "en": "Session #{id} “{topic}” is already over. Upcoming: `{prefix}events`.",
        },
        "ml.not_in_dm": {
            "de": "Das geht nur im Team-Raum, damit die Ankündigung dort erscheint.",
            "en": "Please do this in the team room, so the announcement appears there.",
        },
        "ml.bad_url": {
            "de": "„{value}“ ist kein Link. Bitte vollständig mit https:// angeben, "
            "z. B. `https://meet.stadt.example/MeetAndLearn-Team`.",
            "en": "“{value}” is not a link. Please write it in full with https://, "
            "e.g. `https://meet.stadt.example/MeetAndLearn-Team`.",
        },
        "ml.bad_duration": {
            "de": "Die Dauer „{value}“ passt nicht. Bitte Minuten von 5 bis 600 angeben, "
            "z. B. `--dauer 60` oder `--dauer 1h30m`.",
            "en": "The duration “{value}” doesn't fit. Use 5 to 600 minutes, e.g. `--duration 60` or "
            "`--duration 1h30m`.",
        },
        "ml.topic_empty": {
            "de": 'Das Thema ist leer. Beispiel: `{prefix}meetlearn neu 10.12. 14 Uhr "E-Akte im Alltag"`.',
            "en": 'The topic is empty. Example: `{prefix}meetlearn new 10.12. 14:00 "E-files in practice"`.',
        },
        "ml.too_long": {
            "de": "{what} ist zu lang ({got} Zeichen, höchstens {limit}). Bitte kürzer fassen.",
            "en": "The {what} is too long ({got} characters, at most {limit}). Please shorten it.",
        },
        "ml.overview": {
            "de": "**Meet and Learn – so geht's:**\n"
            "- `{prefix}termine` – die nächsten Termine, `{prefix}termine ics` als Kalenderdatei\n"
            "- `{prefix}dabei <Nr>` / `{prefix}absage <Nr>` – zu- oder absagen (oder ✅/❌ auf die "
            "Ankündigung)\n"
            "- `{prefix}archiv` – vergangene Termine mit Aufzeichnung\n"
            '- `{prefix}thema vorschlagen "…"`, `{prefix}themen` – Themenideen\n'
            "Für die Koordination: `{prefix}meetlearn neu`, `{prefix}meetlearn serie`, `{prefix}meetlearn "
            "thema`, "
            "`{prefix}meetlearn verschieben`, `{prefix}meetlearn absagen`, "
            "`{prefix}meetlearn serie ändern`, `{prefix}meetlearn serie beenden`, "
            "`{prefix}meetlearn einstellungen`, "
            "`{prefix}aufzeichnung`, `{prefix}themen umfrage`. Details: `{prefix}hilfe meetlearn neu`.\n"
            "Kurz geht auch `{prefix}meet` statt `{prefix}meetlearn`, z. B. `{prefix}meet neu`.",
            "en": "**Meet and Learn – how it works:**\n"
            "- `{prefix}events` – upcoming sessions, `{prefix}events ics` as a calendar file\n"
            "- `{prefix}join <no>` / `{prefix}decline <no>` – answer (or ✅/❌ on the announcement)\n"
            "- `{prefix}archive` – past sessions with recordings\n"
            '- `{prefix}topic suggest "…"`, `{prefix}topics` – topic ideas\n'
            "For coordinators: `{prefix}meetlearn new`, `{prefix}meetlearn series`, `{prefix}meetlearn "
            "topic`, "
            "`{prefix}meetlearn move`, `{prefix}meetlearn cancel`, `{prefix}meetlearn series edit`, "
            "`{prefix}meetlearn series end`, "
            "`{prefix}meetlearn settings`, "
            "`{prefix}recording`, `{prefix}topics poll`. Details: `{prefix}help meetlearn new`.\n"
            "`{prefix}meet` works as a short form of `{prefix}meetlearn`, e.g. `{prefix}meet new`.",
        },
        "ml.unknown_sub": {
            "de": "⚠️ „{word}“ kenne ich bei `{prefix}meetlearn` nicht.",
            "en": "⚠️ I don't know “{word}” after `{prefix}meetlearn`.",
        },
        # --- topics
        "ml.topic_added": {
            "de": "💡 Danke! Vorschlag #{id} „{topic}“ ist notiert. Alle Vorschläge: `{prefix}themen`.",
            "en": "💡 Thanks! Idea #{id} “{topic}” is noted. All ideas: `{prefix}topics`.",
        },
        "ml.topic_exists": {
            "de": "Diesen Vorschlag gibt es schon (#{id}).",
            "en": "This idea is already on the list (#{id}).",
        },
        "ml.topic_full": {
            "de": "Die Liste ist voll ({max} Vorschläge). Bitte erst alte mit `{prefix}thema entfernen <Nr>` "
            "aufräumen.",
            "en": "The list is full ({max} ideas). Please remove old ones with `{prefix}topic remove <no>`.",
        },
        "ml.topics_title": {"de": "**Themenvorschläge:**", "en": "**Topic ideas:**"},
        "ml.topics_footer": {
            "de": 'Neuer Vorschlag: `{prefix}thema vorschlagen "…"` · Abstimmen lassen (Koordination): '
            "`{prefix}themen umfrage`",
            "en": 'New idea: `{prefix}topic suggest "…"` · '
            "Put to a vote (coordinators): `{prefix}topics poll`",
        },
        "ml.topics_empty": {
            "de": 'Noch keine Themenvorschläge. Los geht\'s mit `{prefix}thema vorschlagen "…"`.',
            "en": 'No topic ideas yet. Start with `{prefix}topic suggest "…"`.',
        },
        "ml.topic_unknown": {
            "de": "Einen Vorschlag #{id} gibt es hier nicht. Alle Vorschläge: `{prefix}themen`.",
            "en": "There is no idea #{id} here. All ideas: `{prefix}topics`.",
        },
        "ml.topic_not_yours": {
            "de": "Vorschlag #{id} ist nicht von dir; entfernen dürfen ihn nur du selbst oder die "
            "Koordination.",
            "en": "Idea #{id} isn't yours; only its author or a coordinator may remove it.",
        },
        "ml.topic_removed": {
            "de": "🗑️ Vorschlag #{id} „{topic}“ ist entfernt.",
            "en": "🗑️ Idea #{id} “{topic}” removed.",
        },
        "ml.poll_question": {
            "de": "Welche Themen wünscht ihr euch für die nächsten Meet and Learns?",
            "en": "Which topics would you like for the next Meet and Learn sessions?",
        },
        "ml.poll_too_few": {
            "de": "Für eine Umfrage braucht es mindestens 2 Themenvorschläge (bisher {n}). "
            'Vorschläge sammeln: `{prefix}thema vorschlagen "…"`.',
            "en": "A poll needs at least 2 topic ideas (so far {n}). "
            'Collect ideas: `{prefix}topic suggest "…"`.',
        },
        "ml.poll_too_many": {
            "de": "Es gibt {n} Vorschläge, in eine Umfrage passen höchstens {max}. Bitte erst mit "
            "`{prefix}thema entfernen <Nr>` aufräumen (Liste: `{prefix}themen`).",
            "en": "There are {n} ideas; a poll takes at most {max}. Please remove some first with "
            "`{prefix}topic remove <no>` (list: `{prefix}topics`).",
        },
        "ml.topic_which_room": {
            "de": "Bitte schreib das im Team-Raum – ich weiß nicht, zu welchem Raum der Vorschlag gehört.",
            "en": "Please write this in the team room – I don't know which room the idea belongs to.",
        },
    }
)
