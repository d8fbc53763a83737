"""Options named the way people type them: "E-Akte=3 KI im Amt=2", "eakte", "Burgerburo", "KI".

A number still means the option with that number. A name matches an option if, ignoring case, umlaut
spelling ("ü" = "ue" = "u"), spaces and punctuation, it is the whole option or the beginning of exactly one
option. An exact match beats a prefix ("Akte" picks "Akte", not "Akte digital"); several options starting
with the same letters are ambiguous and refused with the list, so nobody's points land on a guess.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.framework import fold


@dataclass(frozen=True)
class NameProblem(Exception):
    """``kind`` is "unknown" or "ambiguous"; ``candidates`` are option indexes (for "ambiguous")."""

    kind: str
    name: str
    candidates: tuple[int, ...] = ()


def _keys(text: str) -> set[str]:
    """Comparable spellings: "Bürgerbüro" → {"buergerbuero", "burgerburo"}; spaces and dashes dropped."""
    plain = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold().replace("ß", "ss"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return {re.sub(r"[\W_]+", "", fold(text)), re.sub(r"[\W_]+", "", plain)} - {""}


def resolve_option(name: str, options: Sequence[str]) -> int:
    """The index of the option ``name`` means (a number from 1, or a unique name/prefix)."""
    cleaned = name.strip().lstrip("#").strip()
    if cleaned.isdigit():
        number = int(cleaned)
        if 1 <= number <= len(options):
            return number - 1
    typed = _keys(cleaned)
    if not typed:
        raise NameProblem("unknown", name)
    option_keys = [_keys(option) for option in options]
    exact = [i for i, keys in enumerate(option_keys) if typed & keys]
    if len(exact) == 1:
        return exact[0]
    prefixed = [i for i, keys in enumerate(option_keys) if any(k.startswith(t) for k in keys for t in typed)]
    if len(prefixed) == 1:
        return prefixed[0]
    if len(exact) > 1 or len(prefixed) > 1:
        raise NameProblem("ambiguous", name, tuple(exact or prefixed))
    raise NameProblem("unknown", name)


_PAIR = re.compile(r"\s*(?P<name>[^=,;]+?)\s*=\s*(?P<amount>\d{1,6})(?=[\s,;]|$)[\s,;]*")
_NUMERIC_COLON = re.compile(r"#?(\d{1,4})\s*:\s*(\d{1,6})")


class Unreadable(Exception):
    """A part of the allocation that is not ``name=points``; ``part`` is what to quote back."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def split_allocation(text: str) -> list[tuple[str, int]]:
    """ "E-Akte=3 KI im Amt=2" → [("E-Akte", 3), ("KI im Amt", 2)]; "1:3" is accepted as "1=3"."""
    text = _NUMERIC_COLON.sub(r"\1=\2", text.strip())
    pairs: list[tuple[str, int]] = []
    pos = 0
    while pos < len(text):
        m = _PAIR.match(text, pos)
        if m is None:
            rest = text[pos:].strip()
            raise Unreadable(rest.split()[0] if rest.split() else rest)
        pairs.append((m["name"].strip().strip("\"'„“”"), int(m["amount"])))
        pos = m.end()
    if not pairs:
        raise Unreadable(text)
    return pairs
