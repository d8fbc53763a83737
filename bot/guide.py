"""Where people find the user guide (``docs/anleitung.md``): one line for ``!hilfe`` to show.

``[bot] guide_url`` names an address people can open (intranet, Git server); without it the line names
the command that sends the file (``!hilfe anleitung``) and the file in the repository, so the help never
links to a place that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import i18n

if TYPE_CHECKING:
    from bot.context import Context

GUIDE_PATH = "docs/anleitung.md"
# The same guide in another voice, for a bot whose language is that variant.
GUIDE_PATHS = {"de-Sie": "docs/anleitung-sie.md"}


def guide_path(lang: str) -> str:
    return GUIDE_PATHS.get(lang, GUIDE_PATH)


def guide_line(ctx: Context) -> str:
    url = ctx.config.bot.guide_url
    if url:
        return ctx.t("guide.link", url=url)
    return ctx.t("guide.repository", path=guide_path(ctx.lang))


i18n.register(
    {
        "guide.link": {
            "de": "📖 Anleitung (Schritt für Schritt): {url}",
            "en": "📖 Guide (step by step, in German): {url}",
        },
        "guide.repository": {
            "de": "📖 Anleitung: `{prefix}hilfe anleitung` schickt sie dir als Datei "
            "(`{path}` im Bot-Repository)",
            "en": "📖 Guide (in German): `{prefix}help guide` sends it as a file "
            "(`{path}` in the bot's repository)",
        },
    }
)
