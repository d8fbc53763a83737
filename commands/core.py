"""Always-there commands: help and ping."""

from __future__ import annotations

from bot import i18n
from bot.context import Context
from bot.framework import (
    Arg,
    Command,
    Perm,
    Rest,
    Token,
    UserError,
    command,
    fold,
    registry,
    shorten,
    with_prefix,
)
from bot.guide import guide_line
from bot.render import escape_md

GENERAL = {"de": "Allgemein", "en": "General"}
MAX_ANNOUNCEMENT_CHARS = 2000  # an announcement pings everyone; a page of text is a document, not a ping


@command(
    "hilfe",
    "help",
    group=GENERAL,
    help={
        "de": "Zeigt alle Befehle oder die Hilfe zu einem Befehl.",
        "en": "Lists commands, or explains one.",
    },
    args=[Arg("befehl", Rest(), optional=True, label={"de": "befehl", "en": "command"})],
    examples=["!hilfe", "!hilfe umfrage"],
)
async def hilfe(ctx: Context, befehl: str | None) -> None:
    def visible(cmd: Command) -> bool:
        return ctx.may(cmd.permission)

    if befehl:
        words = [w.lstrip(ctx.prefix) for w in befehl.split()]
        cmd, _ = registry.lookup([Token(w, False, 0, 0) for w in words])
        if cmd is None or not visible(cmd):
            await ctx.reply(ctx.t("core.help_unknown", word=escape_md(shorten(befehl))))
            return
        await ctx.reply(_details(ctx, cmd))
        return

    groups: dict[str, list[str]] = {}
    for cmd in registry.commands:
        if not visible(cmd):
            continue
        lock = "" if cmd.permission is Perm.EVERYONE else " 🔒"
        line = f"- `{ctx.prefix}{cmd.display_name(ctx.lang)}` – {i18n.pick(ctx.lang, cmd.help)}{lock}"
        groups.setdefault(i18n.pick(ctx.lang, cmd.group), []).append(line)
    parts = [ctx.t("core.help_title")]
    for title, lines in groups.items():
        parts.append(f"**{title}**\n" + "\n".join(lines))
    footer = ctx.t("core.help_footer")
    if ctx.is_coordinator:
        footer += " " + ctx.t("core.help_lock")
    parts.append(footer + "\n" + guide_line(ctx))  # the user guide: [bot] guide_url or the repository file
    await ctx.reply("\n\n".join(parts))


def _details(ctx: Context, cmd: Command) -> str:
    lines = [f"**{ctx.prefix}{cmd.display_name(ctx.lang)}** – {i18n.pick(ctx.lang, cmd.help)}", ""]
    lines.append(ctx.t("dispatch.usage", usage=cmd.usage(ctx.prefix, ctx.lang)))
    if cmd.details:
        lines += ["", with_prefix(i18n.pick(ctx.lang, cmd.details), ctx.prefix)]
    if cmd.examples:
        lines += ["", ctx.t("core.examples")] + [f"- `{with_prefix(ex, ctx.prefix)}`" for ex in cmd.examples]
    others = [n for n in cmd.names if fold(n) != fold(cmd.display_name(ctx.lang))]
    if others:
        lines += ["", ctx.t("core.aliases", names=", ".join(f"`{ctx.prefix}{n}`" for n in others))]
    if cmd.permission is not Perm.EVERYONE:
        lines += ["", ctx.t("core.coordinator_only")]
    return "\n".join(lines)


@command("ping", group=GENERAL, help={"de": "Prüft, ob ich antworte.", "en": "Checks that I am alive."})
async def ping(ctx: Context) -> None:
    if ctx.origin_ts is None:
        await ctx.reply("pong")
        return
    delay_ms = max(0, int((ctx.now() - ctx.origin_ts).total_seconds() * 1000))
    await ctx.reply(ctx.t("core.pong", ms=delay_ms))


@command(
    "ansage",
    "announce",
    group=GENERAL,
    permission=Perm.COORDINATOR,
    help={
        "de": "Schickt eine Ankündigung an alle im Raum (mit @room).",
        "en": "Announces to the whole room.",
    },
    args=[Arg("text", Rest(), label={"de": "Text", "en": "text"})],
    examples=["!ansage Am Donnerstag fällt das Meet and Learn aus."],
)
async def ansage(ctx: Context, text: str) -> None:
    text = text.strip()
    if len(text) > MAX_ANNOUNCEMENT_CHARS:
        # It pings everyone: a pasted document would land in every member's notifications in full.
        raise UserError(ctx.t("core.announcement_long", length=len(text), limit=MAX_ANNOUNCEMENT_CHARS))
    await ctx.say(ctx.t("core.announcement", text=escape_md(text)), mention_room=True)


i18n.register(
    {
        "core.announcement": {"de": "📣 **Ankündigung:** {text}", "en": "📣 **Announcement:** {text}"},
        "core.announcement_long": {
            "de": "Die Ansage ist zu lang: {length} Zeichen, höchstens {limit} gehen (sie pingt alle im "
            "Raum). Kürze sie oder verlinke ein Dokument, z. B. `{prefix}ansage Neue Termine: <Link>`.",
            "en": "The announcement is too long: {length} characters, at most {limit} (it pings everyone in "
            "the room). Shorten it or link a document, e.g. `{prefix}announce New dates: <link>`.",
        },
        "core.help_title": {"de": "**Das kann ich für euch tun:**", "en": "**Here is what I can do:**"},
        "core.help_footer": {
            "de": "Details zu einem Befehl: `{prefix}hilfe <befehl>`, z. B. `{prefix}hilfe ping`.",
            "en": "Details for a command: `{prefix}help <command>`, e.g. `{prefix}help ping`.",
        },
        "core.help_lock": {"de": "🔒 = nur für Koordination.", "en": "🔒 = coordinators only."},
        "core.help_unknown": {
            "de": "Zu „{word}“ kenne ich keinen Befehl. `{prefix}hilfe` zeigt alle.",
            "en": "I know no command “{word}”. `{prefix}help` lists them all.",
        },
        "core.examples": {"de": "Beispiele:", "en": "Examples:"},
        "core.aliases": {"de": "Auch: {names}", "en": "Also: {names}"},
        "core.coordinator_only": {
            "de": "🔒 Nur für Koordinator·innen.",
            "en": "🔒 Coordinators only.",
        },
        "core.pong": {"de": "pong ({ms} ms)", "en": "pong ({ms} ms)"},
    }
)
