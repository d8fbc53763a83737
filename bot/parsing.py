"""The command line as words: tokens (shell-like, forgiving with German quotes and phone dashes), the
errors a wrongly written command raises, and the folding that makes ``Schließen`` match ``schliessen``.

Split from ``bot/framework.py`` (which re-exports all of it): the pieces the argument types, the
dispatcher and the guided dialogs share, with no command or registry in them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from bot import i18n


class UsageError(Exception):
    """The user wrote the command wrongly; ``message`` says what, the framework adds the usage line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExtraArgs(UsageError):
    """Words after a complete command; the dispatcher may point to a command that does what they ask."""

    def __init__(self, message: str, words: list[str]) -> None:
        super().__init__(message)
        self.words = words


class MissingArgument(UsageError):
    """A required argument was not given; ``partial`` holds what was parsed, so a guided dialog
    (``bot/dialog.py``) can ask for the rest instead of showing the usage line."""

    def __init__(self, message: str, partial: dict[str, Any]) -> None:
        super().__init__(message)
        self.partial = partial


# --------------------------------------------------------------------------------------------- tokens

QUOTES = {'"': '"', "„": "“", "“": "”", "”": "”", "«": "»", "»": "«", "‚": "‘", "'": "'"}
DOUBLE_QUOTES = {'"', "„", "“", "”", "«", "»"}
SINGLE_QUOTES = {"'", "‚", "‘"}
DASHES = ("--", "—", "–")  # phones turn -- into an em or en dash


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool
    start: int
    end: int

    @property
    def flag(self) -> str | None:
        if self.quoted:
            return None
        for dash in DASHES:
            if self.text.startswith(dash) and len(self.text) > len(dash) and self.text[len(dash)] != "-":
                return self.text[len(dash) :].lower()
        return None


def tokenize(text: str, lang: str = "de") -> list[Token]:
    """Split like a shell, but forgiving: German quotes „…“ count, apostrophes inside words do not."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        ch = text[i]
        if ch in QUOTES and (i == 0 or text[i - 1].isspace()):
            closers = {QUOTES[ch], ch} | (DOUBLE_QUOTES if ch in DOUBLE_QUOTES else set())
            j = i + 1
            while j < n and text[j] not in closers:
                j += 1
            if j < n:
                tokens.append(Token(text[i + 1 : j], True, i, j + 1))
                i = j + 1
                continue
            if ch not in SINGLE_QUOTES:  # a lone apostrophe is just a character
                raise UsageError(i18n.t(lang, "fw.unbalanced_quote", quote=ch))
        j = i
        while j < n and not text[j].isspace():
            j += 1
        tokens.append(Token(text[i:j], False, i, j))
        i = j
    return tokens


def unquote(text: str) -> str:
    """Free text wrapped in one pair of quotes, `"Text"` or „Text“, means the text without them.

    People quote free text out of habit (the examples quote arguments); storing the quotes showed them
    in every list and tripled them in CSV files. Text with more than one quoted part is kept as typed.
    """
    stripped = text.strip()
    try:
        tokens = tokenize(stripped)
    except UsageError:
        return stripped
    if len(tokens) == 1 and tokens[0].quoted and tokens[0].end == len(stripped):
        return tokens[0].text.strip()
    return stripped


def fold(text: str) -> str:
    """Case- and umlaut-insensitive key: ``Schließen`` == ``schliessen``; accents from phones ignored.

    Plain ASCII (most command words) is only lowercased: the normalisations change nothing there, and the
    per-character pass below costs milliseconds on a long word (it runs for every message's first words).
    """
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


_BANG_COMMAND = re.compile(r"(^|`)!(?=\w)")


def with_prefix(text: str, prefix: str) -> str:
    """Examples and help details are written with ``!``; show them with the configured prefix."""
    return text if prefix == "!" else _BANG_COMMAND.sub(lambda m: m.group(1) + prefix, text)


def shorten(text: str, limit: int = 40) -> str:
    """User text quoted back in a reply: one line, at most ``limit`` characters. Escape it afterwards
    (``escape_md``/``code_md``), so the cut can't split an escape."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


i18n.register(
    {
        "fw.unbalanced_quote": {
            "de": "Ein Anführungszeichen {quote} wird nicht geschlossen.",
            "en": "A quotation mark {quote} is never closed.",
        },
    }
)
