"""Always-there commands: ping and announcements (help: ``commands.help``)."""

from __future__ import annotations

from bot import i18n
from bot.context import Context
from bot.framework import Arg, Perm, Rest, UserError, command
from bot.render import escape_md
from commands.help import GENERAL

MAX_ANNOUNCEMENT_CHARS = 2000  # an announcement pings everyone; a page of text is a document, not a ping


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
        "core.pong": {"de": "pong ({ms} ms)", "en": "pong ({ms} ms)"},
    }
)
