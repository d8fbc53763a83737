"""``!umfrage`` typed alone (or without options): the guided dialog that ends in the same ``umfrage``
handler the one-line command calls (``bot/dialog.py`` runs it)."""

from __future__ import annotations

from typing import Any

from bot import i18n
from bot.context import Context
from bot.dialog import Choice, Step, guide
from bot.framework import UsageError, UserError
from commands.polls.service import MAX_QUESTION, start_refusal, validate

KINDS = (
    Choice("single", {"de": "Eine Antwort pro Person", "en": "One answer per person"}),
    Choice("multi", {"de": "Mehrere Antworten pro Person", "en": "Several answers per person"}),
    Choice("points", {"de": "Punkte verteilen (Prioritäten)", "en": "Spread points (priorities)"}),
)


def _check_question(ctx: Context, value: Any, answers: dict[str, Any]) -> None:
    if not value:
        raise UsageError(ctx.t("polls.empty_question"))
    if len(value) > MAX_QUESTION:
        raise UsageError(ctx.t("polls.too_long", what=ctx.t("polls.the_question"), limit=MAX_QUESTION))


def _check_options(ctx: Context, value: Any, answers: dict[str, Any]) -> None:
    try:
        validate(ctx, answers.get("frage") or "?", value)
    except UserError as exc:
        # The one-liner's refusal ends with a one-line example; in the dialog only the reason helps.
        raise UsageError(exc.message.split("\n")[0]) from None


def _check_multi(ctx: Context, value: Any, answers: dict[str, Any]) -> None:
    count = len(answers.get("optionen") or [])
    if value < 2 or value > count:
        raise UsageError(ctx.t("polls.guided.multi_range", count=count))


def _prefill(given: dict[str, Any]) -> dict[str, Any]:
    answers = {k: given[k] for k in ("frage", "optionen", "bis") if given.get(k)}
    if given.get("punkte"):
        answers |= {"art": "points", "punkte": given["punkte"]}
    elif given.get("mehrfach"):
        answers |= {"art": "multi", "mehrfach": given["mehrfach"]}
    if given.get("anonym"):
        answers["anonym"] = True
    return answers


guide(
    "umfrage",
    title="polls.guided.title",
    precheck=start_refusal,
    prefill=_prefill,
    incomplete=lambda values: bool(values.get("frage")) and not values.get("optionen"),
    build=lambda answers: {k: v for k, v in answers.items() if k != "art"},
    done="polls.guided.done",
    steps=[
        Step("frage", "polls.guided.ask_question", "polls.guided.question", check=_check_question),
        Step("optionen", "polls.guided.ask_options", "polls.guided.options", check=_check_options),
        Step("art", "polls.guided.ask_kind", "polls.guided.kind", choices=KINDS, default="single"),
        Step(
            "mehrfach",
            "polls.guided.ask_multi",
            "polls.guided.multi",
            default=2,
            only_if=lambda a: a.get("art") == "multi",
            check=_check_multi,
        ),
        Step(
            "punkte",
            "polls.guided.ask_points",
            "polls.guided.points",
            default=5,
            only_if=lambda a: a.get("art") == "points",
        ),
        Step("anonym", "polls.guided.ask_anonymous", "polls.guided.anonymous", default=False),
        Step(
            "bis",
            "polls.guided.ask_until",
            "polls.guided.until",
            default=None,
            default_text="polls.guided.no_end",
        ),
    ],
)


i18n.register(
    {
        "polls.guided.title": {"de": "Neue Umfrage", "en": "New poll"},
        "polls.guided.ask_question": {
            "de": "Was möchtest du fragen? Zum Beispiel: _Welcher Termin passt euch?_",
            "en": "What do you want to ask? For example: _Which date suits you?_",
        },
        "polls.guided.question": {"de": "Frage", "en": "Question"},
        "polls.guided.ask_options": {
            "de": "Welche Antworten stehen zur Wahl? Schreib sie mit Komma getrennt oder jede in eine "
            "eigene Zeile (2 bis 20). Zum Beispiel: _Montag, Dienstag, Mittwoch_",
            "en": "Which answers can people choose? Separate them with commas or put each on its own line "
            "(2 to 20). For example: _Monday, Tuesday, Wednesday_",
        },
        "polls.guided.options": {"de": "Antworten", "en": "Answers"},
        "polls.guided.ask_kind": {"de": "Wie wird abgestimmt?", "en": "How do people vote?"},
        "polls.guided.kind": {"de": "Art", "en": "Kind"},
        "polls.guided.ask_multi": {
            "de": "Wie viele Antworten darf jede Person höchstens wählen?",
            "en": "How many answers may each person choose at most?",
        },
        "polls.guided.multi": {"de": "Höchstens so viele Antworten", "en": "At most this many answers"},
        "polls.guided.multi_range": {
            "de": "Bitte eine Zahl von 2 bis {count} (so viele Antworten gibt es).",
            "en": "Please a number from 2 to {count} (that many answers exist).",
        },
        "polls.guided.ask_points": {
            "de": "Wie viele Punkte verteilt jede Person?",
            "en": "How many points does each person spread?",
        },
        "polls.guided.points": {"de": "Punkte pro Person", "en": "Points per person"},
        "polls.guided.ask_anonymous": {
            "de": "Soll die Abstimmung anonym sein? Dann stimmt jede Person im Direktchat mit mir ab, und "
            "niemand sieht, wer wie gestimmt hat. (ja/nein)",
            "en": "Should the vote be anonymous? Then everyone votes in a direct chat with me and nobody "
            "sees who voted what. (yes/no)",
        },
        "polls.guided.anonymous": {"de": "Anonym", "en": "Anonymous"},
        "polls.guided.ask_until": {
            "de": "Bis wann läuft die Umfrage? Zum Beispiel: _Freitag 17 Uhr_ oder _morgen 12:00_.",
            "en": "Until when does the poll run? For example: _Friday 17:00_ or _tomorrow 12:00_.",
        },
        "polls.guided.until": {"de": "Ende", "en": "Ends"},
        "polls.guided.no_end": {
            "de": "ohne festes Ende (du beendest sie selbst)",
            "en": "no fixed end (you close it yourself)",
        },
        "polls.guided.done": {
            "de": "✅ Die Umfrage steht jetzt im Raum.",
            "en": "✅ The poll is now in the room.",
        },
    }
)
