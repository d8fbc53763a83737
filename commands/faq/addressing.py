"""Deciding whether a plain message is a question for the FAQ at all.

``?Frage``, a mention of the bot and a DM may be questions; thanks, greetings and "ok" are small talk,
and a statement in a DM is handled as conversation (``dm.py``), not looked up in the KB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.context import Context
from bot.dispatch import Incoming
from bot.framework import fold, message_hook
from commands.faq import dm
from commands.faq.answering import MAX_QUESTION_CHARS, ask, choice_number

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
