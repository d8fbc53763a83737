"""``!hilfe``: what a person wants to do next, in a few lines — the full list only on request.

The overview is written by hand (``OVERVIEW``) rather than generated from every declaration: it names the
handful of things people actually do, one example each, grouped, and fits on one phone screen (a test keeps
it at most 20 lines). ``!hilfe <befehl>`` shows one command with its examples and the related commands;
``!hilfe alle`` lists everything. The guide for users is linked at the bottom (``[bot] guide_url``; without
it ``!hilfe anleitung`` sends the guide as a file).

Also here: short hints for near-commands ("hilfe", "/hilfe", "!!hilfe") and an answer to every DM that no
feature took, so nobody writing to the bot is left in silence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot import i18n
from bot.context import Context
from bot.dispatch import Incoming
from bot.framework import (
    Arg,
    Command,
    Perm,
    Rest,
    Token,
    command,
    fold,
    message_hook,
    registry,
    shorten,
    with_prefix,
)
from bot.guide import guide_line, guide_path
from bot.render import escape_md

GENERAL = {"de": "Allgemein", "en": "General"}
REPOSITORY = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Task:
    """One line of the overview: what someone wants to do, the command that does it, one example."""

    command: str  # the command's first name, as declared
    text: dict[str, str]
    example: str  # written with "!", shown with the configured prefix
    shown: Callable[[Context], bool] | None = None  # default: whoever may use the command

    def visible(self, ctx: Context, cmd: Command) -> bool:
        return self.shown(ctx) if self.shown is not None else ctx.may(cmd.permission)


def _may_start_polls(ctx: Context) -> bool:
    from commands.polls.service import may_start

    return may_start(ctx)


OVERVIEW: tuple[tuple[dict[str, str], tuple[Task, ...]], ...] = (
    (
        {"de": "Umfragen", "en": "Polls"},
        (
            Task("stimme", {"de": "abstimmen", "en": "vote"}, "!stimme 3 2"),
            Task("punkte", {"de": "Punkte vergeben", "en": "give points"}, "!punkte 3 E-Akte=3 Prozesse=2"),
            Task(
                "umfrage",
                {"de": "Umfrage starten", "en": "start a poll"},
                '!umfrage "Welcher Tag?" Montag Dienstag',
                _may_start_polls,
            ),
        ),
    ),
    (
        {"de": "Meet and Learn", "en": "Meet and Learn"},
        (
            Task("termine", {"de": "Termine ansehen", "en": "see the dates"}, "!termine"),
            Task("dabei", {"de": "zusagen", "en": "join"}, "!dabei"),
            Task(
                "meetlearn neu",
                {"de": "Termin anlegen", "en": "plan a session"},
                '!meetlearn neu Donnerstag 14 Uhr "E-Akte"',
            ),
        ),
    ),
    (
        {"de": "Retro (anonymes Feedback)", "en": "Retro (anonymous feedback)"},
        (
            Task("retro", {"de": "Feedback geben, im Direktchat", "en": "give feedback, in a DM"}, "!retro"),
            Task("retro start", {"de": "Retro starten", "en": "start a retro"}, '!retro start "Modul 3"'),
        ),
    ),
    (
        {"de": "Fragen", "en": "Questions"},
        (
            Task("faq", {"de": "etwas fragen", "en": "ask something"}, "?Wie bekomme ich einen Jitsi-Raum?"),
            Task(
                "faq offen", {"de": "offene Fragen beantworten", "en": "answer open questions"}, "!faq offen"
            ),
        ),
    ),
    (
        {"de": "Ankündigen", "en": "Announce"},
        (
            Task(
                "ansage",
                {"de": "alle im Raum benachrichtigen", "en": "notify everyone in the room"},
                "!ansage Das Treffen morgen entfällt.",
            ),
        ),
    ),
)
TOPICS = {"de": ("umfrage", "meetlearn", "retro", "faq"), "en": ("poll", "meet", "retro", "faq")}


def overview(ctx: Context) -> str:
    """The short help: grouped tasks with one example each, then where to read more."""
    lines = [ctx.t("help.title")]
    for title, tasks in OVERVIEW:
        shown = []
        for task in tasks:
            cmd, _ = registry.lookup([Token(w, False, 0, 0) for w in task.command.split()])
            if cmd is None or not task.visible(ctx, cmd):
                continue
            example = with_prefix(i18n.variant(ctx.lang, task.example), ctx.prefix)
            shown.append(f"- {i18n.pick(ctx.lang, task.text)}: `{example}`")
        if shown:
            lines.append(f"**{i18n.pick(ctx.lang, title)}**")
            lines += shown
    word = ctx.t("help.word")
    topics = ", ".join(f"`{ctx.prefix}{word} {t}`" for t in i18n.pick(ctx.lang, TOPICS))
    lines.append(ctx.t("help.more", topics=topics))
    lines.append(guide_line(ctx))
    return "\n".join(lines)


def full_list(ctx: Context) -> str:
    """Every command the person may use, one short line each (``!hilfe alle``)."""
    groups: dict[str, list[str]] = {}
    for cmd in registry.commands:
        if not ctx.may(cmd.permission):
            continue
        line = f"- `{ctx.prefix}{cmd.display_name(ctx.lang)}` – {i18n.pick(ctx.lang, cmd.help)}"
        groups.setdefault(i18n.pick(ctx.lang, cmd.group), []).append(line)
    parts = [ctx.t("help.all_title")]
    parts += [f"**{title}**\n" + "\n".join(lines) for title, lines in groups.items()]
    return "\n\n".join(parts)


def details(ctx: Context, cmd: Command) -> str:
    lines = [f"**{ctx.prefix}{cmd.display_name(ctx.lang)}** – {i18n.pick(ctx.lang, cmd.help)}", ""]
    if cmd.examples:
        lines.append(ctx.t("help.examples"))
        lines += [f"- `{with_prefix(i18n.variant(ctx.lang, ex), ctx.prefix)}`" for ex in cmd.examples]
        lines.append("")
    lines.append(ctx.t("dispatch.usage", usage=cmd.usage(ctx.prefix, ctx.lang)))
    if cmd.details:
        lines += ["", with_prefix(i18n.pick(ctx.lang, cmd.details), ctx.prefix)]
    related = [
        f"`{ctx.prefix}{other.display_name(ctx.lang)}`"
        for other in registry.commands
        if other is not cmd and other.group is cmd.group and ctx.may(other.permission)
    ]
    if related:
        lines += ["", ctx.t("help.related", names=", ".join(related))]
    others = [n for n in cmd.names if fold(n) != fold(cmd.display_name(ctx.lang))]
    if others:
        lines += ["", ctx.t("help.aliases", names=", ".join(f"`{ctx.prefix}{n}`" for n in others))]
    if cmd.permission is not Perm.EVERYONE:
        lines += ["", ctx.t("help.coordinator_only")]
    return "\n".join(lines)


@command(
    "hilfe",
    "help",
    group=GENERAL,
    help={
        "de": "Zeigt, was ich kann; mit einem Befehl dahinter die Einzelheiten.",
        "en": "Shows what I can do; with a command after it, the details.",
    },
    args=[Arg("befehl", Rest(), optional=True, label={"de": "Befehl", "en": "command"})],
    examples=["!hilfe", "!hilfe umfrage", "!hilfe alle"],
)
async def hilfe(ctx: Context, befehl: str | None) -> None:
    if not befehl:
        await ctx.reply(overview(ctx))
        return
    words = [w.lstrip(ctx.prefix) for w in befehl.split()]
    key = fold(" ".join(words))
    if key in ("alle", "all", "alles", "befehle", "commands"):
        await ctx.reply(full_list(ctx))
        return
    if key in ("anleitung", "guide", "handbuch", "manual"):
        await send_guide(ctx)
        return
    cmd, _ = registry.lookup([Token(w, False, 0, 0) for w in words])
    if cmd is None or not ctx.may(cmd.permission):
        await ctx.reply(ctx.t("help.unknown", word=escape_md(shorten(befehl))))
        return
    await ctx.reply(details(ctx, cmd))


async def send_guide(ctx: Context) -> None:
    """The guide as a link if one is configured, else as a file people can open in their client."""
    if ctx.config.bot.guide_url:
        await ctx.reply(guide_line(ctx))
        return
    try:
        data = (REPOSITORY / guide_path(ctx.lang)).read_bytes()
    except OSError:
        await ctx.reply(ctx.t("help.guide_missing"))
        return
    await ctx.upload(data, filename="Anleitung-Lotsenbot.md", mimetype="text/markdown")


# ------------------------------------------------------------------------------- near-commands, DMs

_HELP_WORDS = frozenset({"hilfe", "help", "befehle", "commands", "hilfe bitte", "hilfe?"})
_SYMBOLS = "!/.\\#?$§"


def near_command(text: str, prefix: str) -> str | None:
    """The command someone probably meant ("/hilfe", "!!termine", "hilfe"), or None for chatter.

    A bare word counts only for the help words: "Dabei!" or "Ergebnis?" in a room are talk between people.
    A leading symbol other than the prefix ("/", "!!", ".") followed by a command name is a near-command.
    """
    body = text.strip()
    if not body or "\n" in body or len(body) > 200:
        return None
    stripped = body.lstrip(_SYMBOLS + prefix + " ")
    had_symbol = len(stripped) < len(body)
    words = stripped.split()
    if not words:
        return None
    if not had_symbol:
        bare = fold(stripped.rstrip("!?. "))
        return "hilfe" if bare in _HELP_WORDS else None
    cmd, used = registry.lookup([Token(w, False, 0, 0) for w in words[:3]])
    if cmd is None:
        return None
    return " ".join(words[:used])


@message_hook(400)  # after dialogs and interviews, before the FAQ takes a DM as a question
async def on_near_command(ctx: Context, incoming: Incoming) -> bool:
    if incoming.content.get("msgtype") not in ("m.text", "m.emote"):
        return False
    if incoming.relates_to.get("rel_type") == "m.replace":
        return False
    meant = near_command(incoming.body, ctx.prefix)
    if meant is None:
        return False
    if ctx.is_dm and fold(meant) in ("hilfe", "help"):
        await ctx.reply(overview(ctx))
        return True
    await ctx.reply(ctx.t("help.near", command=f"{ctx.prefix}{meant}"))
    return True


@message_hook(10_000)  # last: only what no feature took
async def on_unanswered_dm(ctx: Context, incoming: Incoming) -> bool:
    """In a DM every message gets an answer; a room's chatter stays unanswered (returns False)."""
    if not ctx.is_dm or incoming.content.get("msgtype") == "m.notice":
        return False  # notices come from other bots: answering them could start a loop
    if incoming.relates_to.get("rel_type") == "m.replace":
        return False
    if _ACK.sub("", incoming.body) == "" and incoming.body.strip():
        return False  # 👍 after an answer is a thank-you, not a question: replying would be noise
    await ctx.reply(ctx.t("help.dm_fallback"))
    return True


# Thanks and OK emoji (with skin tones, variation selectors and spaces): the only DMs left unanswered.
_ACK = re.compile("[\\s\ufe0e\ufe0f\U0001f3fb-\U0001f3ff👍👌🙏✅🆗👏🙂😊😀☺❤💙💚🤝]+")


i18n.register(
    {
        "help.title": {"de": "**Was möchtest du tun?**", "en": "**What would you like to do?**"},
        "help.word": {"de": "hilfe", "en": "help"},
        "help.more": {
            "de": "Mehr zu einem Thema: {topics} · alle Befehle: `{prefix}hilfe alle`",
            "en": "More on a topic: {topics} · all commands: `{prefix}help all`",
        },
        "help.guide_missing": {
            "de": "Die Anleitung ist hier gerade nicht verfügbar. `{prefix}hilfe` zeigt das Wichtigste.",
            "en": "The guide is not available here right now. `{prefix}help` shows the essentials.",
        },
        "help.all_title": {
            "de": "**Alle Befehle, die du nutzen kannst:**",
            "en": "**All commands you can use:**",
        },
        "help.examples": {"de": "Beispiele:", "en": "Examples:"},
        "help.related": {"de": "Dazu passend: {names}", "en": "Related: {names}"},
        "help.aliases": {"de": "Auch: {names}", "en": "Also: {names}"},
        "help.coordinator_only": {"de": "🔒 Nur für Koordinator·innen.", "en": "🔒 Coordinators only."},
        "help.unknown": {
            "de": "Zu „{word}“ kenne ich keinen Befehl. `{prefix}hilfe` zeigt, was ich kann.",
            "en": "I know no command “{word}”. `{prefix}help` shows what I can do.",
        },
        "help.near": {
            "de": "Meintest du `{command}`? Befehle beginnen mit `{prefix}`, direkt davor nichts anderes.",
            "en": "Did you mean `{command}`? Commands start with `{prefix}` and nothing else before it.",
        },
        "help.dm_fallback": {
            "de": "👋 Das kann ich nicht zuordnen. Stell mir eine Frage in Worten, oder schreib "
            "`{prefix}hilfe` – dann zeige ich dir, was ich kann.",
            "en": "👋 I can't place that. Ask me a question in words, or write `{prefix}help` "
            "to see what I can do.",
        },
    }
)
