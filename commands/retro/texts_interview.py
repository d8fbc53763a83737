"""The retro texts of taking part in a DM: ``!retro`` there, the interview and the short forms.

Keys as before the split (``texts.py`` imports this module); overlays such as ``texts_sie.py`` use them."""

from __future__ import annotations

from bot import i18n

i18n.register(
    {
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
    }
)
