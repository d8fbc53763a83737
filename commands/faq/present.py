"""How FAQ answers, choices, lists and statistics read: text in, text out, no database, no sending.

Text typed by users is escaped before it goes into Markdown. KB texts and answers written by
coordinators are Markdown on purpose: they end up in the KB's Markdown files anyway.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.context import Context
from bot.framework import Perm
from bot.render import escape_md
from commands.faq.decision import Match
from commands.faq.kb import Entry, KnowledgeBase, Link
from commands.faq.reflow import reflow
from storage.faq import FaqQuestion, FaqUnanswered


def render_answer(ctx: Context, entry: Entry, also: Sequence[Entry] = ()) -> str:
    """Question as heading, the answer as paragraphs, its links, close seconds, the feedback hint.

    The entry id helps only those who edit the KB, so only coordinators see it.
    """
    parts = [f"### {one_line(entry.question)}", reflow(entry.answer)]
    if entry.links:
        parts.append("\n".join(f"🔗 {_link(link)}" for link in entry.links))
    footer = [ctx.t("faq.entry_ref", id=entry.id)] if ctx.may(Perm.NETWORK_COORDINATOR) else []
    if also:
        refs = [
            ctx.t("faq.choice_ref", question=one_line(e.question), command=f"{ctx.prefix}faq {i}")
            for i, e in enumerate(also, start=2)
        ]
        footer.append(ctx.t("faq.also", choices=", ".join(refs)))
    footer.append(ctx.t("faq.feedback_hint"))
    parts.append("\n".join(footer))
    return "\n\n".join(parts)


def render_choices(ctx: Context, choices: Sequence[Match]) -> str:
    """'I am not sure' with the numbered questions and how to pick one."""
    lines = [ctx.t("faq.unsure"), ""]
    lines += [f"{i}. {m.entry.question}" for i, m in enumerate(choices, start=1)]
    example = f"{ctx.prefix}faq 1" if len(choices) == 1 else f"{ctx.prefix}faq 2"
    lines += ["", ctx.t("faq.unsure_pick", example=example)]
    return "\n".join(lines)


def one_line(text: str) -> str:
    return " ".join(text.split())


def short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _link(link: Link) -> str:
    url = link.url if not re.search(r"[\s()<>]", link.url) else f"<{link.url}>"
    title = escape_md(link.title) if link.title != link.url else link.url.replace("_", "\\_")
    return f"[{title}]({url})"


def who(ctx: Context, room_id: str, user_id: str) -> str:
    name = ctx.messenger.display_name(room_id, user_id)
    if name and name != user_id:
        return f"{escape_md(name)} ({escape_md(user_id)})"
    return escape_md(user_id)


def render_open(
    ctx: Context,
    shown: Sequence[tuple[FaqUnanswered, FaqQuestion | None]],
    total: int,
    unsaved: Sequence[int],
) -> str:
    """The first open questions (``shown``, of ``total``), and the answered ones not yet saved."""
    if not total:
        lines = [ctx.t("faq.open_none")]
    else:
        lines = [ctx.t("faq.open_title", count=total)]
        for item, asked in shown:
            lines.append(
                ctx.t(
                    "faq.open_line",
                    number=item.number,
                    when=item.asked_at.astimezone(ctx.tz).strftime("%d.%m. %H:%M"),
                    who=who(ctx, item.room_id, item.sender),
                    question=escape_md(short(asked.question if asked else "?", 200)),
                )
            )
        if total > len(shown):
            lines.append(ctx.t("faq.open_more", count=total - len(shown)))
        lines += ["", ctx.t("faq.open_hint")]
    if unsaved:
        numbers = ", ".join(ctx.t("faq.number", number=n) for n in unsaved)
        lines += ["", ctx.t("faq.open_unsaved", numbers=numbers)]
    return "\n".join(lines)


def render_statistics(ctx: Context, stats: dict[str, Any], kb: KnowledgeBase, days: int | None) -> str:
    title = ctx.t("faq.stats_title_days", days=days) if days else ctx.t("faq.stats_title_all")
    lines = [title, ""]
    total = stats["total"]
    if total:
        answered = stats["answer"] + stats["picked"]
        lines.append(
            ctx.t(
                "faq.stats_counts",
                total=total,
                answered=answered,
                unsure=stats["unsure"],
                none=stats["none"],
                rate=round(100 * stats["none"] / total),
            )
        )
    else:
        lines.append(ctx.t("faq.stats_nothing"))
    lines.append(ctx.t("faq.stats_open", open=stats["open"]))
    if stats["top"]:
        lines += ["", ctx.t("faq.stats_top")]
        for rank, (entry_id, count) in enumerate(stats["top"], start=1):
            entry = kb.get(entry_id)
            question = one_line(entry.question) if entry else "—"
            lines.append(ctx.t("faq.stats_top_line", rank=rank, question=question, id=entry_id, count=count))
    lines += ["", ctx.t("faq.stats_feedback", up=stats["up"], down=stats["down"])]
    if stats["downvoted"]:
        shown = ", ".join(f"`{entry_id}` ({count}×)" for entry_id, count in stats["downvoted"])
        lines.append(ctx.t("faq.stats_downvoted", entries=shown))
    kb_line = ctx.t("faq.stats_kb", entries=len(kb.entries), dir=kb.directory)
    if kb.problems:
        kb_line += ctx.t("faq.stats_kb_problems", count=len(kb.problems), dir=kb.directory)
    lines += ["", kb_line]
    return "\n".join(lines)
