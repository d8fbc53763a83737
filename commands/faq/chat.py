"""The FAQ in the chat: asking, choosing, feedback, and the coordinators' tools.

A question arrives as ``!faq <Frage>`` (or ``!frage``), as a message starting with ``?``, as any
question in a DM with the bot, or as a message addressed to the bot. The engine decides between a
confident answer, a choice of up to three entries ("Ich bin nicht sicher") and an honest "no answer";
the last is logged for the coordinators and, if ``[features.faq] escalation_room`` is set, forwarded
there. Coordinators answer it back to the asker and can turn that answer into a KB entry in one step.

Text typed by users is escaped before it goes into Markdown. KB texts and answers written by
coordinators are Markdown on purpose: they end up in the KB's Markdown files anyway.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot import render
from bot.context import Context
from bot.dispatch import Incoming
from bot.framework import (
    Arg,
    Flag,
    Int,
    Perm,
    Rest,
    Text,
    Token,
    UserError,
    command,
    event_hook,
    fold,
    message_hook,
)
from bot.render import escape_md
from commands.faq import dm, service
from commands.faq import texts as _texts  # noqa: F401  (registers the texts)
from commands.faq.kb import Entry, Link, suggest_id, update_entry, write_entry
from commands.faq.reflow import reflow
from commands.faq.retrieval import Decision, Match, tokenise
from storage.faq import FaqChoice, FaqFeedback, FaqQuestion, FaqReply, FaqUnanswered

log = logging.getLogger(__name__)

FAQ = {"de": "FAQ", "en": "FAQ"}
CHOICES_VALID = timedelta(days=1)  # after that `!faq 2` no longer refers to an old question
MAX_QUESTION_CHARS = 1000  # longer messages are not questions; a pasted text must not be "answered"
OPEN_LIST_LIMIT = 20


class Body(Rest):
    """The rest of the line as typed; one fully quoted text loses its quotes (``"Antwort"``)."""

    def consume(self, tokens: Sequence[Token], ctx: Context, raw: str) -> tuple[str, int]:
        value, used = super().consume(tokens, ctx, raw)
        if len(tokens) == 1 and tokens[0].quoted:
            value = tokens[0].text
        return value, used


# ---------------------------------------------------------------------------------------- asking


@command(
    "faq",
    "ask",
    "frage",
    group=FAQ,
    help={
        "de": "Beantwortet eine Frage aus der Wissensdatenbank.",
        "en": "Answers a question from the knowledge base.",
    },
    args=[Arg("frage", Rest(), optional=True, label={"de": "Frage", "en": "question"})],
    examples=["!faq Wie bekomme ich einen Jitsi-Raum?", "!frage Was ist das OZG?", "!faq 2"],
    details={
        "de": "Auch ohne Befehl: eine Nachricht, die mit `?` beginnt, eine Frage per Direktnachricht an "
        "mich oder eine Nachricht, die mich erwähnt. Bin ich unsicher, biete ich bis zu drei Fragen an – "
        "`!faq 2` wählt die zweite. 👍/👎 auf eine Antwort hilft, die Wissensdatenbank zu verbessern.",
        "en": "Also without a command: a message starting with `?`, a question in a direct message to me, "
        "or a message mentioning me. When I am unsure I offer up to three questions – `!faq 2` picks the "
        "second. 👍/👎 on an answer helps to improve the knowledge base.",
    },
)
async def faq(ctx: Context, frage: str | None) -> None:
    await ask(ctx, frage or "", "command")


async def ask(ctx: Context, text: str, via: str, *, question_like: bool = True) -> None:
    """Answer, offer choices or admit there is no answer; every outcome is logged for the statistics."""
    question = " ".join(text.split())
    if not question:
        snapshot = await service.holder(ctx).current()
        await ctx.reply(ctx.t("faq.intro", entries=len(snapshot.kb.entries)))
        return
    number = choice_number(question)
    if number is not None:
        if not await pick(ctx, number):
            await ctx.reply(ctx.t("faq.no_choices"))
        return
    question = question[:MAX_QUESTION_CHARS]
    snapshot = await service.holder(ctx).current()
    if not snapshot.kb.entries:
        await ctx.reply(ctx.t("faq.kb_empty"))
        return
    decision = snapshot.index.decide(question, k=3)
    if decision.kind == "none" and (not question_like or not tokenise(question)):
        # "Bin morgen nicht da" in a DM: no question, so nothing for the statistics or the coordinators
        await ctx.reply(ctx.t("faq.none") + " " + ctx.t("faq.none_not_question"))
        return
    row = FaqQuestion(
        asked_at=ctx.now(),
        question=question,
        via=via,
        outcome=decision.kind,
        entry_id=decision.best.entry.id if decision.kind == "answer" and decision.best else None,
        score=round(decision.best.score, 4) if decision.best else None,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    if decision.kind == "answer" and decision.best is not None:
        await _answer(ctx, row, decision)
    elif decision.kind == "unsure" and decision.best is not None:
        await _unsure(ctx, row, decision)
    else:
        await _no_answer(ctx, row, question)


def choice_number(text: str) -> int | None:
    """'2', '#2', '2.' pick the second offered question; anything else is a question."""
    m = re.fullmatch(r"#?\s*(\d{1,2})\s*[.)]?", text.strip())
    return int(m.group(1)) if m else None


async def _answer(ctx: Context, row: FaqQuestion, decision: Decision) -> None:
    assert decision.best is not None
    also = [m.entry for m in decision.alternatives]
    event_id = await ctx.reply(render_answer(ctx, decision.best.entry, also))
    ctx.session.add(FaqReply(event_id=event_id, question_id=row.id, entry_id=decision.best.entry.id))
    await _offer(ctx, row, [decision.best, *decision.alternatives] if also else [])


async def _unsure(ctx: Context, row: FaqQuestion, decision: Decision) -> None:
    choices = list(decision.choices)[:3]
    lines = [ctx.t("faq.unsure"), ""]
    lines += [f"{i}. {m.entry.question}" for i, m in enumerate(choices, start=1)]
    example = f"{ctx.prefix}faq 1" if len(choices) == 1 else f"{ctx.prefix}faq 2"
    lines += ["", ctx.t("faq.unsure_pick", example=example)]
    await ctx.reply("\n".join(lines))
    await _offer(ctx, row, choices)


async def _offer(ctx: Context, row: FaqQuestion, matches: Sequence[Match]) -> None:
    """Remember what `!faq <n>` refers to for this person in this room (the latest offer wins).

    An answer without alternatives clears an older offer, so `!faq 2` never refers to a question
    asked before the last one.
    """
    ids = [m.entry.id for m in matches]
    found = await ctx.session.get(FaqChoice, (ctx.room_id, ctx.sender))
    if not ids:
        if found is not None:
            await ctx.session.delete(found)
    elif found is None:
        ctx.session.add(
            FaqChoice(
                room_id=ctx.room_id,
                user_id=ctx.sender,
                question_id=row.id,
                entry_ids=ids,
                offered_at=ctx.now(),
            )
        )
    else:
        found.question_id, found.entry_ids, found.offered_at = row.id, ids, ctx.now()


async def pick(ctx: Context, number: int) -> bool:
    """Answer with the n-th offered entry; False if nothing was offered here recently."""
    found = await ctx.session.get(FaqChoice, (ctx.room_id, ctx.sender))
    if found is None or ctx.now() - found.offered_at > CHOICES_VALID:
        return False
    if not 1 <= number <= len(found.entry_ids):
        await ctx.reply(ctx.t("faq.choice_range", count=len(found.entry_ids)))
        return True
    entry_id = found.entry_ids[number - 1]
    snapshot = await service.holder(ctx).current()
    entry = snapshot.kb.get(entry_id)
    if entry is None:
        await ctx.reply(ctx.t("faq.choice_gone", id=entry_id))
        return True
    event_id = await ctx.reply(render_answer(ctx, entry))
    question = await ctx.session.get(FaqQuestion, found.question_id) if found.question_id else None
    if question is not None:
        question.outcome, question.entry_id = "picked", entry.id
    ctx.session.add(FaqReply(event_id=event_id, question_id=found.question_id, entry_id=entry.id))
    return True


def render_answer(ctx: Context, entry: Entry, also: Sequence[Entry] = ()) -> str:
    """Question as heading, the answer as paragraphs, its links, close seconds, the feedback hint.

    The entry id helps only those who edit the KB, so only coordinators see it.
    """
    parts = [f"### {_one_line(entry.question)}", reflow(entry.answer)]
    if entry.links:
        parts.append("\n".join(f"🔗 {_link(link)}" for link in entry.links))
    footer = [ctx.t("faq.entry_ref", id=entry.id)] if ctx.may(Perm.NETWORK_COORDINATOR) else []
    if also:
        refs = [
            ctx.t("faq.choice_ref", question=_one_line(e.question), command=f"{ctx.prefix}faq {i}")
            for i, e in enumerate(also, start=2)
        ]
        footer.append(ctx.t("faq.also", choices=", ".join(refs)))
    footer.append(ctx.t("faq.feedback_hint"))
    parts.append("\n".join(footer))
    return "\n\n".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _link(link: Link) -> str:
    url = link.url if not re.search(r"[\s()<>]", link.url) else f"<{link.url}>"
    title = escape_md(link.title) if link.title != link.url else link.url.replace("_", "\\_")
    return f"[{title}]({url})"


async def _no_answer(ctx: Context, row: FaqQuestion, question: str) -> None:
    """Honest "no answer"; the question is kept for the coordinators and forwarded if configured."""
    folded = fold(question)
    pending = await ctx.session.execute(
        select(FaqUnanswered, FaqQuestion.question)
        .join(FaqQuestion, FaqQuestion.id == FaqUnanswered.question_id)
        .where(FaqUnanswered.status == "open", FaqUnanswered.sender == ctx.sender)
    )
    for earlier, text in pending.all():  # asking the same thing twice must not bother anyone twice
        if fold(text) == folded:
            key = "faq.none_escalated" if earlier.escalation_event_id else "faq.none_logged"
            await ctx.reply(ctx.t("faq.none") + " " + ctx.t(key, number=earlier.number))
            return
    number = (await ctx.session.scalar(select(func.max(FaqUnanswered.number))) or 0) + 1
    item = FaqUnanswered(
        number=number,
        question_id=row.id,
        asked_at=ctx.now(),
        room_id=ctx.room_id,
        sender=ctx.sender,
        event_id=ctx.event_id,
        thread_root=ctx.thread_root,
    )
    ctx.session.add(item)
    await ctx.session.flush()
    item.escalation_event_id = await _escalate(ctx, item, question)
    key = "faq.none_escalated" if item.escalation_event_id else "faq.none_logged"
    await ctx.reply(ctx.t("faq.none") + " " + ctx.t(key, number=number))


async def _escalate(ctx: Context, item: FaqUnanswered, question: str) -> str | None:
    room_id = await service.escalation_room(ctx)
    if room_id is None:
        return None
    if ctx.is_dm:
        where = ctx.t("faq.where_dm")
    else:
        where = ctx.t("faq.where_room", link=f"https://matrix.to/#/{ctx.room_id}/{ctx.event_id or ''}")
    text = ctx.t(
        "faq.escalation",
        number=item.number,
        who=_who(ctx, ctx.room_id, ctx.sender),
        where=where,
        question=escape_md(question),
    )
    try:
        return await ctx.say(text, room_id=room_id)
    except Exception:  # the question is logged either way; `!faq offen` still shows it
        log.warning("could not forward FAQ question %d to %s", item.number, room_id, exc_info=True)
        return None


def _who(ctx: Context, room_id: str, user_id: str) -> str:
    name = ctx.messenger.display_name(room_id, user_id)
    if name and name != user_id:
        return f"{escape_md(name)} ({escape_md(user_id)})"
    return escape_md(user_id)


# ---------------------------------------------------------------------------------- plain messages

_THANKS = {
    "danke",
    "dankeschoen",
    "danke schoen",
    "vielen dank",
    "danke dir",
    "danke sehr",
    "merci",
    "thx",
    "thanks",
    "thank you",
    "super danke",
    "ok danke",
    "okay danke",
    "top danke",
    "perfekt danke",
}
_GREETINGS = {
    "hallo",
    "hi",
    "hey",
    "moin",
    "moin moin",
    "servus",
    "gruess gott",
    "guten morgen",
    "guten tag",
    "hello",
    "huhu",
    "hallo zusammen",
    "hallo bot",
}
_ACKS = {
    "ok",
    "okay",
    "alles klar",
    "gut",
    "super",
    "prima",
    "passt",
    "ja",
    "nein",
    "cool",
    "top",
    "klasse",
    "perfekt",
    "verstanden",
    "ah",
    "aha",
    "achso",
    "ach so",
    "gut zu wissen",
    "tschuess",
    "bye",
    "ciao",
}
_QUESTION_WORDS = {
    "wie",
    "was",
    "wo",
    "wer",
    "wen",
    "wem",
    "wann",
    "warum",
    "wieso",
    "weshalb",
    "welche",
    "welcher",
    "welches",
    "welchen",
    "welchem",
    "wozu",
    "woher",
    "wohin",
    "womit",
    "wofuer",
    "worum",
    "wieviel",
    "wieviele",
    "kann",
    "koennen",
    "kannst",
    "darf",
    "duerfen",
    "muss",
    "muessen",
    "soll",
    "sollte",
    "gibt",
    "gibts",
    "hast",
    "habt",
    "haben",
    "hat",
    "ist",
    "sind",
    "brauche",
    "braucht",
    "bekomme",
    "kriege",
    "weisst",
    "how",
    "what",
    "where",
    "who",
    "when",
    "why",
    "which",
    "can",
    "is",
    "are",
    "do",
    "does",
}


@dataclass(frozen=True)
class Addressed:
    text: str
    via: str
    question_like: bool


@message_hook(500)  # after every other feature: an active retro interview (10) gets DM answers first
async def on_message(ctx: Context, incoming: Incoming) -> bool:
    """`?Frage`, DMs and mentions become questions; everything else is left alone."""
    if incoming.content.get("msgtype") != "m.text" or incoming.relates_to.get("rel_type") == "m.replace":
        return False
    found = addressed(ctx, incoming)
    if found is None:
        return False
    kind = small_talk(found.text)
    if kind == "ack":
        return True  # "ok" to the bot needs no answer, and certainly no escalation
    if kind in ("thanks", "greeting"):
        await ctx.reply(ctx.t(f"faq.{kind}"))
        return True
    if found.via == "dm" and dm.is_statement(found.text, found.question_like):
        await dm.handle_statement(ctx, found.text)  # no KB lookup for chat (commands/faq/dm.py)
        return True
    await ask(ctx, found.text, found.via, question_like=found.question_like)
    return True


def addressed(ctx: Context, incoming: Incoming) -> Addressed | None:
    """The question in a message, if the message is one for the FAQ at all."""
    body = strip_reply_fallback(incoming.body).strip()
    if not body or len(body) > MAX_QUESTION_CHARS or body.startswith(ctx.prefix):
        return None
    if body.startswith("?"):
        rest = body[1:].strip()
        if _has_letters(rest) or choice_number(rest) is not None:
            return Addressed(rest, "prefix", True)
        return None  # "?", "??", "?!" are reactions, not questions
    if mentions_bot(ctx, incoming, body):
        rest = strip_mention(ctx, body)
        return Addressed(rest, "mention", True) if rest else None
    if ctx.is_dm and (_has_letters(body) or choice_number(body) is not None):
        return Addressed(body, "dm", looks_like_question(body))
    return None


def strip_reply_fallback(body: str) -> str:
    """Older clients quote the replied-to message as '> …' lines before the reply itself."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith(">"):
        return body
    i = 0
    while i < len(lines) and lines[i].startswith(">"):
        i += 1
    return "\n".join(lines[i:]).strip()


def _bot_names(ctx: Context) -> list[str]:
    bot = ctx.messenger.user_id
    names = [bot]
    display = ctx.messenger.display_name(ctx.room_id, bot)
    if display and display != bot:
        names.append(display)
    names.append(bot[1:].split(":", 1)[0])  # the localpart: "@lotsenbot" typed by hand
    return [n for n in dict.fromkeys(names) if len(n) >= 3]


def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@])@?{re.escape(name)}(?![\w-])", re.IGNORECASE)


def mentions_bot(ctx: Context, incoming: Incoming, body: str) -> bool:
    """Mentioned by a pill (``m.mentions``), the user id, or the name (then only for a question).

    Clients add the author of a replied-to message to ``m.mentions``: a reply to the bot's answer
    ("Danke!") is no new question unless it names the bot in the text.
    """
    rel = incoming.relates_to
    reply = rel.get("m.in_reply_to") if not rel.get("is_falling_back") else None
    mentions = incoming.content.get("m.mentions")
    ids = mentions.get("user_ids") if isinstance(mentions, dict) else None
    if isinstance(ids, list) and ctx.messenger.user_id in ids and not reply:
        return True
    names = _bot_names(ctx)
    if ctx.messenger.user_id.casefold() in body.casefold():
        return True
    for name in names[1:]:
        m = _name_pattern(name).search(body)
        if m is not None and (m.start() == 0 or "?" in body):
            return True
    return False


def strip_mention(ctx: Context, body: str) -> str:
    """'Lotsenbot: wo finde ich …' → 'wo finde ich …'."""
    text = body
    for name in sorted(_bot_names(ctx), key=len, reverse=True):
        text = _name_pattern(name).sub(" ", text)
    text = re.sub(r"^[\s,:;.!-]+", "", text)
    return " ".join(text.split())


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", fold(text))


def small_talk(text: str) -> str | None:
    """'thanks', 'greeting', 'ack' (ok, super, 👍) or None for anything that may be a question."""
    if not _has_letters(text):
        return None if choice_number(text) is not None else "ack"
    phrase = " ".join(_words(text))
    for kind, phrases in (("thanks", _THANKS), ("greeting", _GREETINGS), ("ack", _ACKS)):
        if phrase in phrases:
            return kind
    return None


def looks_like_question(text: str) -> bool:
    """A '?', a question word first, or a few keywords ("Jitsi Raum") – not a long statement."""
    words = _words(text)
    return "?" in text or (bool(words) and words[0] in _QUESTION_WORDS) or len(words) <= 4


# -------------------------------------------------------------------------------------- feedback

_SKIN_AND_VARIATION = re.compile("[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")
_UP = {"👍", "+1", ":+1:", ":thumbsup:"}
_DOWN = {"👎", "-1", ":-1:", ":thumbsdown:"}


def vote(key: str) -> int | None:
    key = _SKIN_AND_VARIATION.sub("", key).strip()
    return 1 if key in _UP else -1 if key in _DOWN else None


@event_hook("m.reaction")
async def on_reaction(ctx: Context, incoming: Incoming) -> bool:
    """👍/👎 on one of the bot's answers is feedback; every other reaction is left to other features."""
    rel = incoming.relates_to
    target, key = rel.get("event_id"), rel.get("key")
    if rel.get("rel_type") != "m.annotation" or not isinstance(target, str) or not isinstance(key, str):
        return False
    value = vote(key)
    if value is None:
        return False
    reply = await ctx.session.get(FaqReply, target)
    if reply is None:
        return False
    ctx.session.add(
        FaqFeedback(
            reaction_event_id=incoming.event_id,
            reply_event_id=target,
            entry_id=reply.entry_id,
            value=value,
            created_at=ctx.now(),
        )
    )
    log.info("FAQ feedback %+d on %s", value, reply.entry_id or "a coordinator's answer")
    return True


@event_hook("m.room.redaction")
async def on_redaction(ctx: Context, incoming: Incoming) -> bool:
    """Taking a 👍/👎 back takes the feedback back."""
    redacts = incoming.content.get("redacts")
    if not isinstance(redacts, str):
        return False
    row = await ctx.session.scalar(select(FaqFeedback).where(FaqFeedback.reaction_event_id == redacts))
    if row is None:
        return False
    await ctx.session.delete(row)
    return True


# ------------------------------------------------------------------------------------ coordinators


@command(
    "faq offen",
    "faq open",
    group=FAQ,
    permission=Perm.NETWORK_COORDINATOR,
    help={"de": "Listet die unbeantworteten Fragen.", "en": "Lists the unanswered questions."},
    examples=["!faq offen"],
)
async def faq_offen(ctx: Context) -> None:
    rows = (
        await ctx.session.scalars(
            select(FaqUnanswered).where(FaqUnanswered.status == "open").order_by(FaqUnanswered.number)
        )
    ).all()
    unsaved = (
        await ctx.session.scalars(
            select(FaqUnanswered.number)
            .where(FaqUnanswered.status == "answered")
            .order_by(FaqUnanswered.number)
        )
    ).all()
    if not rows:
        lines = [ctx.t("faq.open_none")]
    else:
        lines = [ctx.t("faq.open_title", count=len(rows))]
        for item in rows[:OPEN_LIST_LIMIT]:
            asked = await ctx.session.get(FaqQuestion, item.question_id)
            lines.append(
                ctx.t(
                    "faq.open_line",
                    number=item.number,
                    when=item.asked_at.astimezone(ctx.tz).strftime("%d.%m. %H:%M"),
                    who=_who(ctx, item.room_id, item.sender),
                    question=escape_md(_short(asked.question if asked else "?", 200)),
                )
            )
        if len(rows) > OPEN_LIST_LIMIT:
            lines.append(ctx.t("faq.open_more", count=len(rows) - OPEN_LIST_LIMIT))
        lines += ["", ctx.t("faq.open_hint")]
    if unsaved:
        numbers = ", ".join(ctx.t("faq.number", number=n) for n in unsaved)
        lines += ["", ctx.t("faq.open_unsaved", numbers=numbers)]
    await ctx.reply("\n".join(lines))


async def _unanswered(ctx: Context, number: int) -> tuple[FaqUnanswered, FaqQuestion]:
    item = await ctx.session.scalar(select(FaqUnanswered).where(FaqUnanswered.number == number))
    asked = await ctx.session.get(FaqQuestion, item.question_id) if item is not None else None
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
        Arg("text", Body(), label={"de": "Antwort", "en": "answer"}),
    ],
    flags=[Flag("privat", aliases=("private",))],
    examples=["!faq antworten 3 Den Zugang beantragst du über das IT-Serviceportal."],
    details={
        "de": "Die Antwort erscheint als Antwort auf die ursprüngliche Frage in deren Raum (oder der "
        "Direktnachricht); mit `--privat` als Direktnachricht. Danach kann `!faq speichern <Nr>` daraus "
        "einen Eintrag der Wissensdatenbank machen.",
        "en": "The answer appears as a reply to the original question in its room (or DM); with "
        "`--privat` as a direct message. `!faq save <no>` then turns it into a knowledge base entry.",
    },
)
async def faq_antworten(ctx: Context, nr: int, text: str, privat: bool) -> None:
    item, asked = await _unanswered(ctx, nr)
    if item.status == "dismissed":
        raise UserError(ctx.t("faq.dismissed_already", number=nr))
    answer = text.strip()
    md = ctx.t("faq.answer_to_asker", question=escape_md(_short(asked.question, 300)), answer=answer)
    if privat:
        event_id = await ctx.dm(item.sender, md)
    else:
        content = render.message(
            md, reply_to=item.event_id, thread_root=item.thread_root, mention_users=[item.sender]
        )
        try:
            event_id = await ctx.send_content(content, room_id=item.room_id)
        except Exception:  # the bot may have left that room: the person still gets the answer
            log.warning("could not answer FAQ question %d in its room; sending a DM", nr, exc_info=True)
            event_id = await ctx.dm(item.sender, md)
    ctx.session.add(FaqReply(event_id=event_id, question_id=asked.id, entry_id=item.saved_entry_id))
    item.status = "answered" if item.status != "saved" else "saved"
    item.answer, item.answered_by, item.answered_at = answer, ctx.sender, ctx.now()
    await ctx.reply(ctx.t("faq.answered", who=_who(ctx, item.room_id, item.sender), number=nr))


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
    if not service.writable(ctx):
        raise UserError(ctx.t("faq.read_only"))
    holder = service.holder(ctx)
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
        lines.append(ctx.t("faq.similar", id=other.id, question=_one_line(other.question)))
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
    holder = service.holder(ctx)
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
    if not service.writable(ctx):
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
    snapshot = await service.holder(ctx).current()
    stats = await _statistics(ctx, since)
    title = ctx.t("faq.stats_title_days", days=tage) if tage else ctx.t("faq.stats_title_all")
    lines = [title, ""]
    total = stats["total"]
    if total:
        answered = stats["answer"] + stats["picked"]
        lines.append(
            ctx.t(
                "faq.stats_counts",
                total=total,
                answered=answered,
                unsure=stats["unsure"],
                none=stats["none"],
                rate=round(100 * stats["none"] / total),
            )
        )
    else:
        lines.append(ctx.t("faq.stats_nothing"))
    lines.append(ctx.t("faq.stats_open", open=stats["open"]))
    if stats["top"]:
        lines += ["", ctx.t("faq.stats_top")]
        for rank, (entry_id, count) in enumerate(stats["top"], start=1):
            entry = snapshot.kb.get(entry_id)
            question = _one_line(entry.question) if entry else "—"
            lines.append(ctx.t("faq.stats_top_line", rank=rank, question=question, id=entry_id, count=count))
    lines += ["", ctx.t("faq.stats_feedback", up=stats["up"], down=stats["down"])]
    if stats["downvoted"]:
        shown = ", ".join(f"`{entry_id}` ({count}×)" for entry_id, count in stats["downvoted"])
        lines.append(ctx.t("faq.stats_downvoted", entries=shown))
    kb_line = ctx.t("faq.stats_kb", entries=len(snapshot.kb.entries), dir=snapshot.kb.directory)
    if snapshot.kb.problems:
        kb_line += ctx.t("faq.stats_kb_problems", count=len(snapshot.kb.problems), dir=snapshot.kb.directory)
    lines += ["", kb_line]
    await ctx.reply("\n".join(lines))


async def _statistics(ctx: Context, since: datetime | None) -> dict[str, Any]:
    s = ctx.session
    q_filter = [FaqQuestion.asked_at >= since] if since is not None else []
    counts = dict(
        (
            await s.execute(
                select(FaqQuestion.outcome, func.count()).where(*q_filter).group_by(FaqQuestion.outcome)
            )
        ).all()
    )
    top = (
        await s.execute(
            select(FaqQuestion.entry_id, func.count().label("n"))
            .where(
                FaqQuestion.outcome.in_(("answer", "picked")), FaqQuestion.entry_id.is_not(None), *q_filter
            )
            .group_by(FaqQuestion.entry_id)
            .order_by(func.count().desc(), FaqQuestion.entry_id)
            .limit(5)
        )
    ).all()
    f_filter = [FaqFeedback.created_at >= since] if since is not None else []
    votes = dict(
        (
            await s.execute(
                select(FaqFeedback.value, func.count()).where(*f_filter).group_by(FaqFeedback.value)
            )
        ).all()
    )
    downvoted = (
        await s.execute(
            select(FaqFeedback.entry_id, func.count())
            .where(FaqFeedback.value < 0, FaqFeedback.entry_id.is_not(None), *f_filter)
            .group_by(FaqFeedback.entry_id)
            .order_by(func.count().desc(), FaqFeedback.entry_id)
            .limit(3)
        )
    ).all()
    open_count = await s.scalar(
        select(func.count()).select_from(FaqUnanswered).where(FaqUnanswered.status == "open")
    )
    return {
        "total": sum(counts.values()),
        "answer": counts.get("answer", 0),
        "picked": counts.get("picked", 0),
        "unsure": counts.get("unsure", 0),
        "none": counts.get("none", 0),
        "top": [(str(e), int(n)) for e, n in top],
        "up": votes.get(1, 0),
        "down": votes.get(-1, 0),
        "downvoted": [(str(e), int(n)) for e, n in downvoted],
        "open": open_count or 0,
    }


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
