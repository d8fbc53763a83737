"""``!retro start`` typed alone: the guided dialog that ends in the same ``retro_start`` handler the
one-line command calls (``bot/dialog.py`` runs it)."""

from __future__ import annotations

from typing import Any

from bot import i18n
from bot.context import Context
from bot.dialog import Choice, Step, guide, split_list
from bot.framework import UsageError, UserError
from bot.render import escape_md
from commands.retro.analysis import MAX_TITLE_CHARS, RetroInputError, parse_categories
from commands.retro.manage import _questions

FORMATS = (
    Choice("sss", {"de": "Start / Stopp / Weitermachen", "en": "Start / Stop / Continue"}),
    Choice(
        "4l",
        {"de": "Gefallen / Gelernt / Gefehlt / Gewünscht", "en": "Liked / Learned / Lacked / Longed for"},
    ),
    Choice("msg", {"de": "Wütend / Traurig / Froh", "en": "Mad / Sad / Glad"}),
    Choice("custom", {"de": "Eigene Kategorien", "en": "Own categories"}),
)


def _refusal(ctx: Context) -> str | None:
    return "⚠️ " + ctx.t("retro.err.start_in_room") if ctx.is_dm else None


def _check_title(ctx: Context, value: Any, answers: dict[str, Any]) -> None:
    if not value:
        raise UsageError(ctx.t("retro.err.title_empty"))
    if len(value) > MAX_TITLE_CHARS:
        raise UsageError(ctx.t("retro.err.title_long", max=MAX_TITLE_CHARS))


def _lines(text: str, ctx: Context) -> list[str]:
    """Questions may contain commas: one per line, or separated by ``;``."""
    parts = text.splitlines() if "\n" in text.strip() else text.split(";")
    return [" ".join(p.split()) for p in parts if p.strip()]


def _check_categories(ctx: Context, value: Any, answers: dict[str, Any]) -> None:
    try:
        parse_categories(value)
    except RetroInputError as exc:
        raise UsageError(ctx.t(exc.key, **exc.values)) from None


def _check_questions(ctx: Context, value: Any, answers: dict[str, Any]) -> None:
    try:
        _questions(ctx, value)
    except UserError as exc:
        raise UsageError(exc.message) from None


guide(
    "retro start",
    title="retro.guided.title",
    precheck=_refusal,
    steps=[
        Step("titel", "retro.guided.ask_title", "retro.guided.title_label", check=_check_title),
        Step("format", "retro.guided.ask_format", "retro.guided.format", choices=FORMATS, default="sss"),
        Step(
            "kategorien",
            "retro.guided.ask_categories",
            "retro.guided.categories",
            read=lambda text, ctx: "; ".join(split_list(text)),
            only_if=lambda a: a.get("format") == "custom",
            check=_check_categories,
            show=lambda ctx, value: escape_md(value),
        ),
        Step(
            "frage",
            "retro.guided.ask_questions",
            "retro.guided.questions",
            read=_lines,
            default=[],
            default_text="retro.guided.no_questions",
            check=_check_questions,
        ),
        Step(
            "bis",
            "retro.guided.ask_until",
            "retro.guided.until",
            default=None,
            default_text="retro.guided.no_end",
        ),
    ],
)


i18n.register(
    {
        "retro.guided.title": {"de": "Neue Retrospektive", "en": "New retrospective"},
        "retro.guided.ask_title": {
            "de": "Worum geht es? Ein kurzer Titel, zum Beispiel: _Modul 3_ oder _Jahresrückblick_.",
            "en": "What is it about? A short title, for example: _Module 3_ or _Year in review_.",
        },
        "retro.guided.title_label": {"de": "Titel", "en": "Title"},
        "retro.guided.ask_format": {
            "de": "Nach welchen Kategorien sollen alle ihr Feedback geben?",
            "en": "Which categories should people give their feedback in?",
        },
        "retro.guided.format": {"de": "Kategorien", "en": "Categories"},
        "retro.guided.ask_categories": {
            "de": "Welche eigenen Kategorien? Mit Komma getrennt, zum Beispiel: _Lob, Kritik, Ideen_",
            "en": "Which own categories? Separated by commas, for example: _Praise, Criticism, Ideas_",
        },
        "retro.guided.categories": {"de": "Eigene Kategorien", "en": "Own categories"},
        "retro.guided.ask_questions": {
            "de": "Sollen alle außerdem etwas mit 1 bis 5 bewerten? Dann schreib die Frage(n), "
            "jede in eine eigene Zeile. Zum Beispiel: _Wie zufrieden warst du insgesamt?_",
            "en": "Should people also rate something from 1 to 5? Then write the question(s), "
            "each on its own line. For example: _How satisfied were you overall?_",
        },
        "retro.guided.questions": {"de": "Bewertungsfragen", "en": "Rating questions"},
        "retro.guided.no_questions": {"de": "keine", "en": "none"},
        "retro.guided.ask_until": {
            "de": "Bis wann kann man Feedback geben? Zum Beispiel: _Freitag 17 Uhr_. "
            "Ich erinnere vorher und schließe dann von selbst.",
            "en": "Until when can people give feedback? For example: _Friday 17:00_. "
            "I remind before and close by myself.",
        },
        "retro.guided.until": {"de": "Ende", "en": "Ends"},
        "retro.guided.no_end": {
            "de": "ohne festes Ende (du schließt sie selbst)",
            "en": "no fixed end (you close it yourself)",
        },
    }
)
