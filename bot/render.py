"""Markdown → Matrix message content.

Bot messages are ``m.notice`` (other bots don't answer notices, so two bots can't loop) with the Markdown
rendered to ``formatted_body``; only a message that mentions someone is ``m.text`` (``Context.say``),
because push rules silence notices before they look at mentions. Raw HTML in the Markdown is never passed
through: user text that ends up in a message cannot inject markup. Markdown it could still inject (links,
emphasis, a backtick that ends our code span), so every piece of user text goes in through one of two
helpers:

* ``escape_md(text)`` in running text, e.g. ``„{escape_md(word)}“``;
* ``code_md(text)`` for text shown as code, e.g. ``Die Option {code_md(flag)} …`` — in place of the
  backticks, because backslash escapes do not work inside a code span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False}).disable("image")

# "=" would underline a line into a heading, "&" starts an entity like "&#42;".
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=&])")


def escape_md(text: str) -> str:
    """Make user-supplied text render literally inside our Markdown (not inside a code span: ``code_md``)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


_BACKTICKS = re.compile(r"`+")


def code_md(text: str) -> str:
    """User-supplied text as an inline code span, shown literally and on one line.

    The fence is one backtick longer than the longest run inside the text, so no backtick the user typed
    can close it; a space pads text that starts or ends with a backtick (CommonMark strips exactly one on
    each side). Line breaks become spaces: a blank line or a "# " line would end the paragraph —
    and the code span with it — before inline parsing even starts.
    """
    text = " ".join(text.split())
    if not text:
        return "` `"
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~=&])")


def to_plain(markdown: str) -> str:
    """The ``body`` fallback: our Markdown without the backslashes ``escape_md`` added (notifications,
    plain-text clients and screen readers would otherwise read "E\\-Akte")."""
    return _ESCAPED.sub(r"\1", markdown)


def to_html(markdown: str) -> str:
    return _md.render(markdown).strip()


def message(
    markdown: str,
    *,
    msgtype: str = "m.notice",
    reply_to: str | None = None,
    thread_root: str | None = None,
    mention_users: Iterable[str] = (),
    mention_room: bool = False,
) -> dict[str, Any]:
    content: dict[str, Any] = {
        "msgtype": msgtype,
        "body": to_plain(markdown),
        "format": "org.matrix.custom.html",
        "formatted_body": to_html(markdown),
    }
    mentions: dict[str, Any] = {}
    users = sorted(set(mention_users))
    if users:
        mentions["user_ids"] = users
    if mention_room:
        mentions["room"] = True
    # Always present: an empty object tells clients not to guess mentions from the body.
    content["m.mentions"] = mentions
    relates = relation(reply_to=reply_to, thread_root=thread_root)
    if relates:
        content["m.relates_to"] = relates
    return content


# Synapse's legacy push rule ``.m.rule.roomnotif`` highlights everyone for "@room" as a word in ``body``
# when the sender (the bot, usually with power) may notify the room. A word joiner after the "@" keeps the
# text readable and the rule silent.
_ROOM_WORD = re.compile(r"@(room)(?!\w)", re.IGNORECASE)
WORD_JOINER = "\u2060"
_FALLBACK_KEYS = ("body", "org.matrix.msc1767.text")
_NO_MENTIONS = {"m.reaction", "m.room.redaction"}


def defuse_room_ping(text: str) -> str:
    """ "@room" in text the bot repeats (a poll question, an item) must not ping the whole room."""
    return _ROOM_WORD.sub("@" + WORD_JOINER + r"\1", text)


def guard_mentions(content: dict[str, Any], event_type: str) -> dict[str, Any]:
    """Every event the bot sends states whom it mentions, and pings the room only when it says so.

    ``m.mentions`` is added (empty) where a caller built the content by hand (polls, uploads); clients
    and homeservers that support intentional mentions then ignore "@room" in the text. For those that do
    not, "@room" in the fallback texts is defused unless ``m.mentions.room`` is set on purpose
    (``!ansage``, Meet-and-Learn announcements).
    """
    if event_type in _NO_MENTIONS:
        return content
    mentions = content.get("m.mentions")
    content = dict(content)
    if not isinstance(mentions, dict):
        mentions = {}
        content["m.mentions"] = mentions
    if mentions.get("room") is not True:
        for key in _FALLBACK_KEYS:
            if isinstance(content.get(key), str):
                content[key] = defuse_room_ping(content[key])
    return content


def relation(*, reply_to: str | None, thread_root: str | None) -> dict[str, Any]:
    if thread_root:
        rel: dict[str, Any] = {"rel_type": "m.thread", "event_id": thread_root}
        if reply_to:
            rel["is_falling_back"] = False
            rel["m.in_reply_to"] = {"event_id": reply_to}
        else:
            rel["is_falling_back"] = True
            rel["m.in_reply_to"] = {"event_id": thread_root}
        return rel
    if reply_to:
        return {"m.in_reply_to": {"event_id": reply_to}}
    return {}


def split_long(markdown: str, limit: int = 12000) -> list[str]:
    """Split at paragraph boundaries so a long summary never arrives cut mid-sentence."""
    if len(markdown) <= limit:
        return [markdown]
    parts: list[str] = []
    current = ""
    for para in markdown.split("\n\n"):
        while len(para) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(para[:limit])
            para = para[limit:]
        candidate = f"{current}\n\n{para}" if current else para
        if len(candidate) > limit:
            parts.append(current)
            current = para
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts
