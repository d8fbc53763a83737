"""The coordinators' tools: open questions, answering them, writing and editing entries, statistics.

Coordinators answer an open question back to the asker and can turn that answer into a KB entry in
one step. Entries are written to the KB's Markdown files and take effect at once (the index is
rebuilt); the shipped sample KB is read-only.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from bot import render
from bot.context import Context
from bot.framework import Arg, Flag, Int, Perm, Rest, Text, Token, UserError, command, fold
from bot.render import escape_md
from commands.faq import learning, runtime, store
from commands.faq.kb import Entry, suggest_id, update_entry, write_entry
from commands.faq.present import one_line, render_open, render_statistics, short, who
from commands.faq.reflow import reflow
from commands.faq.settings import writable
from commands.faq.texts import FAQ
from storage.faq import FaqQuestion, FaqUnanswered

log = logging.getLogger(__name__)

OPEN_LIST_LIMIT = 20


class Body(Rest):
    """The rest of the line as typed; one fully quoted text loses its quotes (``"Antwort"``)."""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[str, int]:
        value, used = super().consume(tokens, ctx, raw)
        if len(tokens) == 1 and tokens[0].quoted:
            value = tokens[0].text
        return value, used


@command(
    "faq offen",
    "faq open",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={"de": "Listet die unbeantworteten Fragen.", "en": "Lists the unanswered questions."},
    examples=["!faq offen"],
)
async def faq_offen(ctx: Context) -> None:
    rows = await store.with_status(ctx.session, "open")
    unsaved = [item.number for item in await store.with_status(ctx.session, "answered")]
    shown = [(item, await store.question(ctx.session, item.question_id)) for item in rows[:OPEN_LIST_LIMIT]]
    await ctx.reply(render_open(ctx, shown, len(rows), unsaved))


async def _unanswered(ctx: Context, number: int) -> tuple[FaqUnanswered, FaqQuestion]:
    item = await store.unanswered(ctx.session, number)
    asked = await store.question(ctx.session, item.question_id) if item is not None else None
    if item is None or asked is None:
        raise UserError(ctx.t("faq.unknown_number", number=number))
    return item, asked


@command(
    "faq antworten",
    "faq answer",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={
        "de": "Beantwortet eine offene Frage; die Antwort geht an die fragende Person.",
        "en": "Answers an open question; the answer goes to the person who asked.",
    },
    args=[
        Arg("nr", Int(1), label={"de": "Nr", "en": "no"}),
        Arg("text", Body(), optional=True, label={"de": "Antwort", "en": "answer"}),
    ],
    flags=[
        Flag("privat", aliases=("private",)),
        Flag("eintrag", Text(), aliases=("entry",), label={"de": "Eintrag", "en": "entry"}),
    ],
    examples=[
        "!faq antworten 3 Den Zugang beantragst du über das IT-Serviceportal.",
        "!faq antworten 4 --eintrag jitsi",
    ],
    details={
        "de": "Die Antwort erscheint als Antwort auf die ursprüngliche Frage in deren Raum (oder der "
        "Direktnachricht); mit `--privat` als Direktnachricht. Danach kann `!faq speichern <Nr>` daraus "
        "einen Eintrag der Wissensdatenbank machen. Beantwortet ein vorhandener Eintrag die Frage, "
        "schick ihn mit `--eintrag <id>`: Ich lerne dann die Formulierung der Frage für diesen Eintrag "
        "(`!faq gelernt <id>`).",
        "en": "The answer appears as a reply to the original question in its room (or DM); with "
        "`--privat` as a direct message. `!faq save <no>` then turns it into a knowledge base entry. If "
        "an existing entry answers the question, send it with `--entry <id>`: I then learn the question's "
        "wording for that entry (`!faq learned <id>`).",
    },
)
async def faq_antworten(
    ctx: Context, nr: int, text: str | None, privat: bool, eintrag: str | None = None
) -> None:
    item, asked = await _unanswered(ctx, nr)
    if item.status == "dismissed":
        raise UserError(ctx.t("faq.dismissed_already", number=nr))
    entry = await _entry(ctx, eintrag) if eintrag else None
    answer = (text or "").strip() or (reflow(entry.answer) if entry else "")  # paragraphs, not hard breaks
    if not answer:
        raise UserError(ctx.t("faq.answer_missing", number=nr))
    md = ctx.t("faq.answer_to_asker", question=escape_md(short(asked.question, 300)), answer=answer)
    event_id = await _send_answer(ctx, item, md, privat)
    if entry is not None:
        item.status, item.saved_entry_id = "saved", entry.id
        await learning.record(ctx, entry.id, "phrasing", asked.question, "coordinator")
    if event_id is not None:  # a DM queued for a new room: its 👍/👎 cannot be attributed
        store.add_reply(ctx.session, event_id, asked.id, item.saved_entry_id)
    item.status = "answered" if item.status != "saved" else "saved"
    item.answer, item.answered_by, item.answered_at = answer, ctx.sender, ctx.now()
    await ctx.reply(ctx.t("faq.answered", who=who(ctx, item.room_id, item.sender), number=nr))


async def _send_answer(ctx: Context, item: FaqUnanswered, md: str, privat: bool) -> str | None:
    """As a reply to the question in its room; as a DM if asked so, or if the room cannot be reached."""
    if privat:
        return await ctx.dm(item.sender, md)
    content = render.message(
        md, reply_to=item.event_id, thread_root=item.thread_root, mention_users=[item.sender]
    )
    try:
        return await ctx.send_content(content, room_id=item.room_id)
    except Exception:  # the bot may have left that room: the person still gets the answer
        log.warning("could not answer FAQ question %d in its room; sending a DM", item.number, exc_info=True)
        return await ctx.dm(item.sender, md)


async def _entry(ctx: Context, entry_id: str) -> Entry:
    """The KB entry with this id, or a German error naming the closest id."""
    snapshot = await runtime.snapshot(ctx)
    entry = snapshot.kb.get(entry_id.strip().lower())
    if entry is None:
        close = difflib.get_close_matches(entry_id.lower(), sorted(snapshot.kb.ids), n=1)
        hint = ctx.t("faq.unknown_entry_hint", id=close[0]) if close else ""
        raise UserError(ctx.t("faq.unknown_entry", id=escape_md(entry_id), hint=hint))
    return entry


@command(
    "faq speichern",
    "faq save",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={
        "de": "Macht aus einer beantworteten Frage einen Eintrag der Wissensdatenbank.",
        "en": "Turns an answered question into a knowledge base entry.",
    },
    args=[Arg("nr", Int(1), label={"de": "Nr", "en": "no"})],
    flags=[
        Flag("frage", Text(), aliases=("question",), label={"de": "Frage", "en": "question"}),
        Flag("id", Text()),
        Flag("tag", Text(), repeat=True),
    ],
    examples=['!faq speichern 3 --frage "Wie bekomme ich Zugang zum Intranet?"'],
)
async def faq_speichern(ctx: Context, nr: int, frage: str | None, id: str | None, tag: list[str]) -> None:
    item, asked = await _unanswered(ctx, nr)
    if item.status == "saved" and item.saved_entry_id:
        raise UserError(ctx.t("faq.saved_already", number=nr, id=item.saved_entry_id))
    if not item.answer:
        raise UserError(ctx.t("faq.not_answered_yet", number=nr))
    question = " ".join((frage or asked.question).split())
    alternatives = [asked.question] if frage and fold(frage) != fold(asked.question) else []
    entry_id = await _save(ctx, question, item.answer, id, tag, alternatives)
    item.status, item.saved_entry_id = "saved", entry_id


@command(
    "faq neu",
    "faq new",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={"de": "Legt einen neuen Eintrag der Wissensdatenbank an.", "en": "Adds a knowledge base entry."},
    args=[
        Arg("frage", Text(), label={"de": "Frage", "en": "question"}),
        Arg("antwort", Body(), label={"de": "Antwort", "en": "answer"}),
    ],
    flags=[Flag("id", Text()), Flag("tag", Text(), repeat=True)],
    examples=['!faq neu "Wo finde ich die Vorlagen?" Im Intranet unter **Vorlagen**.'],
    details={
        "de": "Die Frage in Anführungszeichen, danach die Antwort (Markdown, auch mehrzeilig). Die Datei "
        "`<id>.md` entsteht im Ordner der Wissensdatenbank; die Id wird aus der Frage gebildet "
        "(oder mit `--id` gewählt). Der Eintrag gilt sofort.",
        "en": "The question in quotes, then the answer (Markdown, multi-line is fine). The file `<id>.md` "
        "is written to the knowledge base directory; the id is derived from the question (or set with "
        "`--id`). The entry is effective immediately.",
    },
)
async def faq_neu(ctx: Context, frage: str, antwort: str, id: str | None, tag: list[str]) -> None:
    await _save(ctx, " ".join(frage.split()), antwort, id, tag, [])


async def _save(
    ctx: Context,
    question: str,
    answer: str,
    entry_id: str | None,
    tags: Sequence[str],
    alternatives: Sequence[str],
) -> str:
    """Write the entry file, reload the index and check that the question now finds it."""
    if not writable(ctx):
        raise UserError(ctx.t("faq.read_only"))
    holder = runtime.holder(ctx)
    snapshot = await holder.current()
    before = snapshot.index.decide(question, k=1)
    new_id = (entry_id or suggest_id(question, snapshot.kb.ids)).strip().lower()
    try:
        path = write_entry(holder.directory, new_id, question, answer, tags=tags, alternatives=alternatives)
    except FileExistsError:
        raise UserError(ctx.t("faq.id_taken", id=new_id)) from None
    except (ValueError, OSError) as exc:
        raise UserError(ctx.t("faq.write_failed", reason=escape_md(str(exc)))) from None
    log.info("FAQ entry %s written to %s by %s", new_id, path, ctx.sender)
    snapshot = await holder.reload()
    lines = [ctx.t("faq.saved", id=new_id, file=_display_path(path))]
    if before.kind == "answer" and before.best is not None and before.best.score >= 0.9:
        other = before.best.entry
        lines.append(ctx.t("faq.similar", id=other.id, question=one_line(other.question)))
    after = snapshot.index.decide(question, k=1)
    if after.best is None or after.best.entry.id != new_id:
        other_id = after.best.entry.id if after.best else "—"
        lines.append(ctx.t("faq.saved_check", question=escape_md(question), other=other_id, id=new_id))
    await ctx.reply("\n\n".join(lines))
    return new_id


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@command(
    "faq bearbeiten",
    "faq edit",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={
        "de": "Zeigt einen Eintrag oder ändert seine Antwort oder Frage.",
        "en": "Shows an entry, or changes its answer or question.",
    },
    args=[
        Arg("id", Text(), label={"de": "Eintrag", "en": "entry"}),
        Arg("antwort", Body(), optional=True, label={"de": "neue Antwort", "en": "new answer"}),
    ],
    flags=[
        Flag("frage", Text(), aliases=("question",), label={"de": "Frage", "en": "question"}),
        Flag("alternative", Text(), repeat=True, label={"de": "Formulierung", "en": "phrasing"}),
    ],
    examples=[
        "!faq bearbeiten jitsi",
        "!faq bearbeiten jitsi Den Link zum Raum bekommst du im Intranet unter **Jitsi**.",
        '!faq bearbeiten jitsi --alternative "Wie komme ich in eine Videokonferenz?"',
    ],
    details={
        "de": "Ohne Änderung zeige ich den Eintrag so, wie er in der Datei steht. Eine neue Antwort "
        "ersetzt die alte; `--frage` ersetzt die Frage (die alte bleibt als Formulierung erhalten), "
        "`--alternative` fügt eine weitere Formulierung hinzu. Gilt sofort.",
        "en": "Without changes I show the entry as it is in its file. A new answer replaces the old one; "
        "`--frage` replaces the question (the old one is kept as a phrasing), `--alternative` adds "
        "another phrasing. Effective immediately.",
    },
)
async def faq_bearbeiten(
    ctx: Context, id: str, antwort: str | None, frage: str | None, alternative: list[str]
) -> None:
    holder = runtime.holder(ctx)
    snapshot = await holder.current()
    entry = snapshot.kb.get(id.strip().lower())
    if entry is None:
        close = difflib.get_close_matches(id.lower(), sorted(snapshot.kb.ids), n=1)
        hint = ctx.t("faq.unknown_entry_hint", id=close[0]) if close else ""
        raise UserError(ctx.t("faq.unknown_entry", id=escape_md(id), hint=hint))
    if entry.path is None:
        raise UserError(ctx.t("faq.not_editable", id=entry.id))
    if antwort is None and frage is None and not alternative:
        source = entry.path.read_text(encoding="utf-8")
        fence = "`" * max(3, _longest_backticks(source) + 1)
        await ctx.reply(
            ctx.t(
                "faq.show_entry",
                id=entry.id,
                file=_display_path(entry.path),
                source=f"{fence}markdown\n{source.rstrip()}\n{fence}",
            )
        )
        return
    if not writable(ctx):
        raise UserError(ctx.t("faq.read_only"))
    try:
        update_entry(entry.path, answer=antwort, question=frage, add_alternatives=alternative)
    except (ValueError, OSError) as exc:
        raise UserError(ctx.t("faq.write_failed", reason=escape_md(str(exc)))) from None
    log.info("FAQ entry %s changed by %s", entry.id, ctx.sender)
    await holder.reload()
    await ctx.reply(ctx.t("faq.edited", id=entry.id))


def _longest_backticks(text: str) -> int:
    return max((len(m) for m in re.findall(r"`+", text)), default=0)


@command(
    "faq verwerfen",
    "faq dismiss",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={
        "de": "Nimmt eine offene Frage von der Liste (z. B. kein FAQ-Thema).",
        "en": "Removes an open question from the list (e.g. not an FAQ topic).",
    },
    args=[Arg("nr", Int(1), label={"de": "Nr", "en": "no"})],
    examples=["!faq verwerfen 4"],
)
async def faq_verwerfen(ctx: Context, nr: int) -> None:
    item, _ = await _unanswered(ctx, nr)
    item.status = "dismissed"
    await ctx.reply(ctx.t("faq.dismissed", number=nr))


@command(
    "faq statistik",
    "faq stats",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={
        "de": "Zeigt, was gefragt wird, wie oft ich keine Antwort hatte und das 👍/👎-Feedback.",
        "en": "Shows what is asked, how often I had no answer, and the 👍/👎 feedback.",
    },
    flags=[Flag("tage", Int(1, 3650), aliases=("days",), label={"de": "Tage", "en": "days"})],
    examples=["!faq statistik", "!faq statistik --tage 30"],
)
async def faq_statistik(ctx: Context, tage: int | None) -> None:
    since = ctx.now() - timedelta(days=tage) if tage else None
    snapshot = await runtime.snapshot(ctx)
    stats = await store.statistics(ctx.session, since)
    await ctx.reply(render_statistics(ctx, stats, snapshot.kb, tage))
