"""Bilingual user-input errors: what was wrong and how to write it right."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar

from bot import i18n
from bot.render import code_md, escape_md
from bot.timeparse.words import MAX_INPUT_CHARS, normalize_text

# --------------------------------------------------------------------------------------------- errors


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


class LocalizedError(ValueError):
    """A user-input error that can explain itself in German and English.

    Carries a message ``key`` and ``values`` so callers can also branch on the kind of mistake; the texts
    always say what was wrong *and* show correct examples, because a bare "ungültig" leaves people stuck.
    """

    MESSAGES: ClassVar[Mapping[str, tuple[str, str]]] = {}

    def __init__(self, key: str, lang: str = "de", **values: str) -> None:
        self.key = key
        self.lang = lang
        self.values: dict[str, str] = dict(values)
        super().__init__(self.message())

    def __reduce__(self) -> tuple[object, ...]:
        # Keeps key and values through copy/pickle; the default would pass the rendered text as the key.
        return _restore_error, (type(self), self.key, self.lang, self.values)

    def german(self) -> str:
        return self._render(0)

    def english(self) -> str:
        return self._render(1)

    def message(self, lang: str | None = None) -> str:
        lang = lang or self.lang
        return (
            self.english()
            if lang.startswith("en")
            else self._template(0, lang).format_map(_Blank(self.values))
        )

    def markdown(self, lang: str | None = None) -> str:
        """The message for a bot reply (Markdown): the user's own words in it can't become markup.

        ``german()``/``english()`` quote the values as typed, which is right for logs and plain text but
        would let ``[x](https://…)`` or ``**x**`` in a time turn into a link or bold text once rendered.
        """
        lang = lang or self.lang
        escaped = _Blank({key: escape_md(str(value)) for key, value in self.values.items()})
        parts = []
        for part in _CODE_SPAN.split(self._template(1 if lang.startswith("en") else 0, lang)):
            if part.startswith("`"):  # a value inside an example: the backslashes would show, so fence it
                parts.append(code_md(part[1:-1].format_map(_Blank(self.values))))
            else:
                parts.append(part.format_map(escaped))
        return "".join(parts)

    def _render(self, index: int) -> str:
        return self._template(index, "en" if index else "de").format_map(_Blank(self.values))

    def _template(self, index: int, lang: str) -> str:
        """German templates in a variant's voice ("de-Sie") come from ``i18n.register_inline_variant``."""
        templates = self.MESSAGES.get(self.key) or self.MESSAGES["unknown"]
        return i18n.variant(lang, templates[0]) if index == 0 else templates[index]


_CODE_SPAN = re.compile(r"(`[^`]*`)")


def _restore_error(cls: type[LocalizedError], key: str, lang: str, values: dict[str, str]) -> LocalizedError:
    return cls(key, lang, **values)


_EX_DE = "Beispiele: `01.12. 18 Uhr`, `morgen 12:00`, `in 2 Stunden`."
_EX_EN = "Examples: `01.12. 18:00`, `tomorrow 12:00`, `in 2 hours`."
_EX_DUR_DE = "Beispiele: `2 Stunden`, `30 Minuten`, `1h30m`."
_EX_DUR_EN = "Examples: `2 hours`, `30 minutes`, `1h30m`."


class TimeParseError(LocalizedError):
    """A time or duration typed by a user could not be understood or is not usable."""

    MESSAGES: ClassVar[Mapping[str, tuple[str, str]]] = {
        "empty": ("Da fehlt die Zeitangabe. " + _EX_DE, "The time is missing. " + _EX_EN),
        "unknown": (
            "Ich verstehe die Zeitangabe „{text}“ nicht. " + _EX_DE,
            "I don't understand the time “{text}”. " + _EX_EN,
        ),
        "too_long": (
            "Die Zeitangabe ist zu lang (höchstens {max} Zeichen). " + _EX_DE,
            "The time is too long (at most {max} characters). " + _EX_EN,
        ),
        "invalid_date": (
            "Das Datum „{date}“ gibt es nicht. Bitte prüfe Tag und Monat, z. B. `28.02. 18 Uhr` "
            "oder `01.03.2027 18:00`.",
            "The date “{date}” does not exist. Please check day and month, e.g. `28.02. 18:00` "
            "or `01.03.2027 18:00`.",
        ),
        "invalid_year": (
            "Das Jahr „{year}“ kann ich nicht verwenden. Schreib das Jahr vierstellig oder lass es weg, "
            "z. B. `01.12.2026 18:00` oder `01.12. 18 Uhr`.",
            "I can't use the year “{year}”. Write all four digits or leave it out, "
            "e.g. `01.12.2026 18:00` or `01.12. 18:00`.",
        ),
        "invalid_time": (
            "Die Uhrzeit „{time}“ gibt es nicht. Uhrzeiten gehen von 0:00 bis 23:59, "
            "z. B. `18:30`, `18 Uhr` oder `9:05`.",
            "The time of day “{time}” does not exist. Use 0:00 to 23:59 or 1–12 am/pm, "
            "e.g. `18:30`, `6pm` or `9:05`.",
        ),
        "missing_time": (
            "Bei „{text}“ fehlt die Uhrzeit. Beispiele: `morgen 12:00`, `Freitag 17 Uhr`, `01.12. 18:30`.",
            "“{text}” has no time of day. Examples: `tomorrow 12:00`, `Friday 17:00`, `01.12. 18:30`.",
        ),
        "vague_week": (
            "„{text}“ ist zu ungenau – bitte nenne einen Tag. Beispiele: `nächste Woche Freitag 17 Uhr`, "
            "`nächsten Montag 9 Uhr`, `in 1 Woche`.",
            "“{text}” is too vague – please name a day. Examples: `next week Friday 17:00`, "
            "`next Monday 9:00`, `in 1 week`.",
        ),
        "two_dates": (
            "In „{text}“ stehen zwei Tagesangaben – bitte nur eine. " + _EX_DE,
            "“{text}” names two days – please give only one. " + _EX_EN,
        ),
        "two_times": (
            "In „{text}“ stehen zwei Uhrzeiten – bitte nur eine. " + _EX_DE,
            "“{text}” has two times of day – please give only one. " + _EX_EN,
        ),
        "weekday_mismatch": (
            "Der {date} ist ein {actual_de}, kein {given_de}. Bitte prüfe Datum oder Wochentag, "
            "z. B. `{date} 18 Uhr` oder `{given_de} 18 Uhr`.",
            "{date} is a {actual_en}, not a {given_en}. Please check the date or the weekday, "
            "e.g. `{date} 18:00` or `{given_en} 18:00`.",
        ),
        "relative_with_time": (
            "Zu „in … Stunden/Minuten“ passt keine Uhrzeit („{text}“). Beispiele: `in 2 Stunden`, "
            "`in 3 Tagen 10 Uhr`, `morgen 10 Uhr`.",
            "“in … hours/minutes” can't have a time of day as well (“{text}”). Examples: `in 2 hours`, "
            "`in 3 days 10:00`, `tomorrow 10:00`.",
        ),
        "past": (
            "Der Zeitpunkt {when_de} liegt in der Vergangenheit. "
            "Bitte gib einen Zeitpunkt in der Zukunft an, z. B. `morgen 12:00` oder `in 2 Stunden`.",
            "{when_en} is in the past. "
            "Please give a time in the future, e.g. `tomorrow 12:00` or `in 2 hours`.",
        ),
        "duration_empty": ("Da fehlt die Dauer. " + _EX_DUR_DE, "The duration is missing. " + _EX_DUR_EN),
        "duration_unknown": (
            "Ich verstehe die Dauer „{text}“ nicht. " + _EX_DUR_DE,
            "I don't understand the duration “{text}”. " + _EX_DUR_EN,
        ),
        "duration_order": (
            "In „{text}“ kommt eine Einheit doppelt oder in ungewohnter Reihenfolge vor. "
            "Bitte von groß nach klein, z. B. `1h30m`, `1 Tag 2 Stunden` oder `90 Minuten`.",
            "“{text}” repeats a unit or has them out of order. Please go from large to small, "
            "e.g. `1h30m`, `1 day 2 hours` or `90 minutes`.",
        ),
        "duration_zero": (
            "Die Dauer „{text}“ ist null – sie muss größer sein. " + _EX_DUR_DE,
            "The duration “{text}” is zero – it must be longer. " + _EX_DUR_EN,
        ),
        "duration_too_long": (
            "Die Dauer „{text}“ ist zu lang (höchstens rund 10 Jahre). " + _EX_DUR_DE,
            "The duration “{text}” is too long (at most about 10 years). " + _EX_DUR_EN,
        ),
    }


def _snippet(text: str, limit: int = 60) -> str:
    """Quote user text back in one line and short, so a pasted essay doesn't flood the room."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _prepare(text: str, empty_key: str, lang: str) -> str:
    # Cheap length check first: NFKC and regexes never see megabytes of input.
    if len(text) > 20 * MAX_INPUT_CHARS:
        raise TimeParseError("too_long", lang, max=str(MAX_INPUT_CHARS))
    s = normalize_text(text)
    if not s:
        raise TimeParseError(empty_key, lang)
    if len(s) > MAX_INPUT_CHARS:
        raise TimeParseError("too_long", lang, max=str(MAX_INPUT_CHARS))
    return s
