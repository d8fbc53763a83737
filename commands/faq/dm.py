"""A direct message is a conversation, not a trigger for the knowledge base.

Before, every DM text went to the FAQ: after a retro interview, "fertig", thanks or a sentence such
as "Mehr Austausch zwischen den Ämtern wäre toll" got an unrelated KB answer (or "keine Antwort")
and was lost as feedback. Now a DM that is no question is never answered from the KB:

- closing words ("fertig", "das war's") get a short acknowledgement;
- feedback-like sentences ("… wäre toll", "mir hat … gefallen") are offered to the sender's open
  retro, found through the retro feature's service (and its `!feedback` command);
- any other statement gets a brief question back instead of a guess.
"""

from __future__ import annotations

import re

from bot import i18n
from bot.context import Context
from bot.framework import fold
from bot.render import escape_md
from commands.retro import service as retro

_CLOSING = {
    "fertig",
    "bin fertig",
    "ich bin fertig",
    "das wars",
    "das war s",
    "das war es",
    "das ist alles",
    "mehr nicht",
    "nichts mehr",
    "erledigt",
    "done",
    "finished",
    "that s all",
    "thats all",
}
#: wishes, praise and criticism: how people phrase feedback, not questions
_FEEDBACK = re.compile(
    r"\b(waere|waer|wuerde|wuensche|wunsch|toll|super|gut|schlecht|gefallen|gefaellt|fand|finde|"
    r"hilfreich|nervig|schade|besser|mehr|weniger|zu viel|zu wenig|klappt|klappte|lief|"
    r"would be|wish|liked|great|good|bad|better|more|less)\b"
)
_WORD = re.compile(r"[a-z0-9]+")
_QUESTION_WORDS = {
    "wie",
    "was",
    "wo",
    "wer",
    "wann",
    "warum",
    "wieso",
    "welche",
    "welcher",
    "welches",
    "how",
    "what",
    "where",
    "who",
    "when",
    "why",
    "which",
}


def is_closing(text: str) -> bool:
    return " ".join(_WORD.findall(fold(text))) in _CLOSING


def is_feedback_like(text: str) -> bool:
    """A statement that judges or wishes something ('Mehr Austausch … wäre toll')."""
    return bool(_FEEDBACK.search(" ".join(_WORD.findall(fold(text)))))


def is_statement(text: str, question_like: bool) -> bool:
    """Closing words, feedback-like text without a question mark, or a longer statement."""
    if is_closing(text):
        return True
    if "?" in text:
        return False
    words = _WORD.findall(fold(text))
    if words and words[0] in _QUESTION_WORDS:
        return False
    return is_feedback_like(text) or not question_like


async def handle_statement(ctx: Context, text: str) -> None:
    """Reply to a DM that is not a question, without consulting the knowledge base."""
    if is_closing(text):
        await ctx.reply(ctx.t("faq.dm.closing"))
        return
    if is_feedback_like(text):
        target = await retro.feedback_target(ctx)
        if target is not None:
            await ctx.reply(
                ctx.t(
                    "faq.dm.to_retro",
                    retro=target.label,
                    number=target.number,
                    categories=target.categories,
                    text=escape_md(" ".join(text.split())),
                )
            )
            return
    await ctx.reply(ctx.t("faq.dm.ask_back"))


i18n.register(
    {
        "faq.dm.closing": {
            "de": "Alles klar, danke dir! Wenn du eine Frage hast, schreib sie mir einfach.",
            "en": "All right, thank you! If you have a question, just write it.",
        },
        "faq.dm.to_retro": {
            "de": "Das klingt nach Feedback. Soll es in die Retro {retro}? Dann schick mir "
            "`{prefix}feedback {number} <Kategorie> {text}` (Kategorien: {categories}). "
            "War es eine Frage an mich, stell sie mir gern als Frage.",
            "en": "That sounds like feedback. Should it go into retro {retro}? Then send me "
            "`{prefix}feedback {number} <category> {text}` (categories: {categories}). "
            "If it was a question for me, just ask it as a question.",
        },
        "faq.dm.ask_back": {
            "de": "Ist das eine Frage an mich? Dann stell sie mir gern als Frage, z. B. „Wie bekomme ich "
            "einen Jitsi-Raum?“. Alle Befehle: `{prefix}hilfe`.",
            "en": "Is that a question for me? Then just ask it as a question, e.g. “How do I get a Jitsi "
            "room?”. All commands: `{prefix}help`.",
        },
    }
)
