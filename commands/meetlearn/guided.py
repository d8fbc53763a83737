"""``!meetlearn neu`` typed with too little: the guided dialog that ends in the same ``neu`` handler the
one-line command calls (``bot/dialog.py`` runs it)."""

from __future__ import annotations

from typing import Any

from bot import i18n
from bot.context import Context
from bot.dialog import Step, guide
from bot.framework import UsageError, UserError
from commands.meetlearn import service as svc


def _refusal(ctx: Context) -> str | None:
    return "⚠️ " + ctx.t("ml.not_in_dm") if ctx.is_dm else None


def _check_topic(ctx: Context, value: Any, answers: dict[str, Any]) -> None:
    try:
        svc.check_lengths(ctx, value, None, None)
    except UserError as exc:
        raise UsageError(exc.message) from None


def _check_speaker(ctx: Context, value: Any, answers: dict[str, Any]) -> None:
    try:
        svc.check_lengths(ctx, "-", value, None)
    except UserError as exc:
        raise UsageError(exc.message) from None


guide(
    "meetlearn neu",
    title="ml.guided.title",
    precheck=_refusal,
    steps=[
        Step("wann", "ml.guided.ask_when", "ml.guided.when"),
        Step("thema", "ml.guided.ask_topic", "ml.guided.topic", check=_check_topic),
        Step(
            "referent",
            "ml.guided.ask_speaker",
            "ml.guided.speaker",
            default=None,
            default_text="ml.guided.no_speaker",
            check=_check_speaker,
        ),
        Step(
            "dauer",
            "ml.guided.ask_duration",
            "ml.guided.duration",
            default=lambda ctx, answers: svc.cfg(ctx).default_duration_minutes,
            show=lambda ctx, value: ctx.t("dialog.minutes", n=value),
        ),
        Step("link", "ml.guided.ask_link", "ml.guided.link", default=None, default_text="ml.guided.no_link"),
    ],
)


i18n.register(
    {
        "ml.guided.title": {"de": "Neues Meet and Learn", "en": "New Meet and Learn"},
        "ml.guided.ask_when": {
            "de": "Wann findet es statt? Zum Beispiel: _10.12. 14 Uhr_ oder _Donnerstag 14:00_.",
            "en": "When does it take place? For example: _10.12. 14:00_ or _Thursday 14:00_.",
        },
        "ml.guided.when": {"de": "Termin", "en": "Date"},
        "ml.guided.ask_topic": {
            "de": "Wie heißt das Thema? Zum Beispiel: _E-Akte im Alltag_",
            "en": "What is the topic? For example: _E-files day to day_",
        },
        "ml.guided.topic": {"de": "Thema", "en": "Topic"},
        "ml.guided.ask_speaker": {
            "de": "Wer stellt es vor? Bitte eine Rolle oder ein Team, zum Beispiel: _Team Personal & IT_",
            "en": "Who presents it? Please a role or team, for example: _HR & IT team_",
        },
        "ml.guided.speaker": {"de": "Referent·in", "en": "Speaker"},
        "ml.guided.no_speaker": {"de": "keine Angabe", "en": "not given"},
        "ml.guided.ask_duration": {
            "de": "Wie lange dauert es? Zum Beispiel: _45_ oder _1 Stunde 30 Minuten_.",
            "en": "How long does it take? For example: _45_ or _1 hour 30 minutes_.",
        },
        "ml.guided.duration": {"de": "Dauer", "en": "Duration"},
        "ml.guided.ask_link": {
            "de": "Gibt es einen Link zum Online-Raum? Dann schick ihn mir (beginnt mit https://).",
            "en": "Is there a link to the online room? Then send it (starting with https://).",
        },
        "ml.guided.link": {"de": "Link", "en": "Link"},
        "ml.guided.no_link": {
            "de": "kein eigener Link (es gilt die Einstellung des Bots)",
            "en": "no own link (the bot's setting applies)",
        },
    }
)
