"""Showing a poll: how it is announced and voted on, the result message, a PNG bar chart and the CSV.

Pure functions of (poll, tally, language) so the wording can be tested without a database; where a
``Context`` is passed, only its language, time zone and command prefix are used. User text is escaped
here, at the one place where it meets Markdown.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import i18n, timeparse
from bot.charts import font
from bot.context import Context
from bot.render import escape_md
from commands.polls import msc3381
from commands.polls.tally import Tally
from storage.polls import Poll

log = logging.getLogger(__name__)

BAR_WIDTH = 20


def when(dt: datetime, tz: ZoneInfo, lang: str) -> str:
    local = timeparse.to_local(dt, tz)
    return timeparse.format_de(local) if lang != "en" else timeparse.format_en(local)


def points_example(budget: int, count: int) -> str:
    first = math.ceil(budget / 2) if count > 1 else budget
    second = budget - first
    return f"1={first}" + (f" 2={second}" if second > 0 else "")


# ------------------------------------------------------------------------------ announcing, voting


def details_lines(ctx: Context, poll: Poll) -> list[str]:
    lines = []
    if poll.max_selections > 1:
        lines.append(ctx.t("polls.info_multi", n=poll.max_selections))
    if poll.secret:
        lines.append(ctx.t("polls.info_secret"))
    if poll.closes_at is not None:
        lines.append(ctx.t("polls.info_deadline", when=when(poll.closes_at, ctx.tz, ctx.lang)))
    else:
        lines.append(ctx.t("polls.info_open_end", number=poll.number))
    return lines


def option_list(poll: Poll) -> str:
    return "\n".join(f"{i + 1}. {escape_md(text)}" for i, text in enumerate(poll.options))


def numbered_message(ctx: Context, poll: Poll) -> str:
    """Points and anonymous polls: Element has no widget for them, so a numbered list and how to vote."""
    parts = [
        f"🗳️ **{ctx.t('polls.fallback_title', number=poll.number, question=escape_md(poll.question))}**",
        option_list(poll),
    ]
    if poll.is_points:
        example = points_example(poll.points or 1, len(poll.options))
        parts.append(ctx.t("polls.how_points", points=poll.points, number=poll.number, example=example))
    if poll.anonymous:
        parts.append(ctx.t("polls.how_anonymous", number=poll.number, command=vote_command(ctx, poll)))
    parts.append("\n".join(details_lines(ctx, poll)))
    return "\n\n".join(parts)


def vote_command(ctx: Context, poll: Poll) -> str:
    if poll.is_points:
        return f"{ctx.prefix}punkte {poll.number} {points_example(poll.points or 1, len(poll.options))}"
    return f"{ctx.prefix}stimme {poll.number} <Nr>"


def choice_text(poll: Poll, selections: list[str]) -> str:
    return ", ".join(f"{a}. {escape_md(poll.options[int(a) - 1])}" for a in selections)


def anonymous_intro(ctx: Context, poll: Poll) -> str:
    """The DM that explains an anonymous poll and how to vote on it."""
    return ctx.t(
        "polls.anonymous_dm_intro",
        number=poll.number,
        question=escape_md(poll.question),
        options=option_list(poll),
        command=vote_command(ctx, poll),
    )


def reaction_hint(ctx: Context, poll: Poll) -> str:
    """Why a number reaction on a secret or anonymous poll did not count, and how to vote instead."""
    if poll.anonymous:
        return (
            ctx.t("polls.reaction_hint_anonymous", number=poll.number) + "\n\n" + anonymous_intro(ctx, poll)
        )
    how = "polls.reaction_how_native" if poll.native else "polls.reaction_how_dm"
    return (
        ctx.t("polls.reaction_hint_secret", number=poll.number, question=escape_md(poll.question))
        + " "
        + ctx.t(how, command=vote_command(ctx, poll))
    )


def receipt_markdown(lang: str, prefix: str, poll: Poll, lines: Sequence[tuple[str, str]]) -> str:
    """The one message that confirms the votes typed in the room: a line per person, oldest first.

    ``lines`` are (display name, what was counted); the name is escaped here, the counted text is
    Markdown made by ``receipt_line``.
    """
    if poll.is_points:
        command = "punkte" if i18n.base(lang) == "de" else "points"
    else:
        command = "stimme" if i18n.base(lang) == "de" else "vote"
    title = i18n.t(lang, "polls.receipt_title", number=poll.number, prefix=prefix, command=command)
    body = [f"- {escape_md(name)}: {counted}" for name, counted in lines]
    footer = "polls.receipt_footer_secret" if poll.secret else "polls.receipt_footer"
    return "\n".join([title, *body, "", i18n.t(lang, footer, number=poll.number, prefix=prefix)])


def receipt_line(lang: str, poll: Poll, selections: list[str] | dict[str, int]) -> str:
    """What a typed vote counted as, for the receipt: the options, the points, or just "gezählt"."""
    if not selections:
        return i18n.t(lang, "polls.receipt_withdrawn")
    if poll.secret:  # the room sees the receipt; the choice stays secret until the end
        return i18n.t(lang, "polls.receipt_counted")
    if isinstance(selections, dict):
        choice = points_choice(poll, selections)
        left = (poll.points or 0) - sum(selections.values())
        return i18n.t(lang, "polls.receipt_points", choice=choice, left=left, budget=poll.points)
    return choice_text(poll, selections)


def points_choice(poll: Poll, allocation: dict[str, int]) -> str:
    return ", ".join(
        f"{a}. {escape_md(poll.options[int(a) - 1])} = {n}"
        for a, n in sorted(allocation.items(), key=lambda item: int(item[0]))
    )


# ------------------------------------------------------------------------------------------ results


def percent(part: int, whole: int, lang: str) -> str:
    """ "41,7 %" in German, whole numbers without decimals."""
    if whole <= 0:
        return "0 %"
    value = round(100 * part / whole, 1)
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return (text.replace(".", ",") if lang != "en" else text) + " %"


def bar(part: int, whole: int, width: int = BAR_WIDTH) -> str:
    filled = 0 if whole <= 0 else round(width * part / whole)
    return "█" * filled + "░" * (width - filled)


def amount(lang: str, poll: Poll, n: int, *, dative: bool = False) -> str:
    """ "5 Stimmen", "1 Punkt"; after "mit" German wants the dative: "mit 5 Punkten"."""
    if poll.is_points:
        if n == 1:
            return i18n.t(lang, "polls.point_one")
        return i18n.t(lang, "polls.points_n_dative" if dative else "polls.points_n", n=n)
    return i18n.t(lang, "polls.vote_one") if n == 1 else i18n.t(lang, "polls.votes", n=n)


def rows(poll: Poll, counted: Tally) -> list[tuple[int, str, int]]:
    """(option number, option text, count) in display order: as asked, or ranked for points polls."""
    items = [(i + 1, text, counted.counts[msc3381.answer_id(i)]) for i, text in enumerate(poll.options)]
    if poll.is_points:
        items.sort(key=lambda item: (-item[2], item[0]))
    return items


def base(poll: Poll, counted: Tally) -> int:
    """What percentages refer to: all points, or the people who voted (each may pick several)."""
    return counted.total if poll.is_points else counted.voters


def turnout(lang: str, voters: int, members: int) -> str:
    members = max(members, voters)
    if voters == 1:
        return i18n.t(lang, "polls.turnout_one", members=members)
    return i18n.t(lang, "polls.turnout", voters=voters, members=members)


def winners_line(lang: str, poll: Poll, counted: Tally, *, final: bool) -> str:
    leaders = counted.leaders()
    if not leaders:
        return i18n.t(lang, "polls.no_votes")
    names = [escape_md(poll.options[int(answer) - 1]) for answer in leaders]
    best = amount(lang, poll, counted.counts[leaders[0]], dative=True)
    if len(names) == 1:
        return i18n.t(lang, "polls.winner" if final else "polls.leading", option=names[0], amount=best)
    joined = ", ".join(f"**{n}**" for n in names[:-1]) + f" {i18n.t(lang, 'polls.and')} **{names[-1]}**"
    return i18n.t(lang, "polls.tie", options=joined, amount=best)


def result_markdown(lang: str, poll: Poll, counted: Tally, *, members: int, final: bool, tz: ZoneInfo) -> str:
    """The full result: one line per option with bar and percentage, winner(s) or tie, turnout."""
    title = "polls.result_title" if final else "polls.interim_title"
    lines = [i18n.t(lang, title, number=poll.number, question=escape_md(poll.question)), ""]
    whole = base(poll, counted)
    ranked = rows(poll, counted)
    for number, text, count in ranked:
        if poll.is_points and count == 0:  # no points, no place: "Platz 4" for nothing would mislead
            label = i18n.t(lang, "polls.unranked", option=escape_md(text))
        elif poll.is_points:  # competition ranking (1, 2, 2, 4) like the 2019 idea vote
            place = 1 + sum(1 for _, _, other in ranked if other > count)
            label = i18n.t(lang, "polls.place", place=place, option=escape_md(text))
        else:
            label = f"{number}. {escape_md(text)}"
        lines.append(
            f"`{bar(count, whole)}` {percent(count, whole, lang)} – **{label}** ({amount(lang, poll, count)})"
        )
    lines.append("")
    if poll.is_points:
        lines.append(i18n.t(lang, "polls.points_note", points=poll.points))
    elif poll.max_selections > 1:
        lines.append(i18n.t(lang, "polls.multi_note"))
    lines.append(winners_line(lang, poll, counted, final=final))
    summary = turnout(lang, counted.voters, members)
    if counted.spoiled:
        summary += " " + i18n.t(lang, "polls.spoiled", n=counted.spoiled)
    lines.append(summary)
    if not final and poll.closes_at is not None:
        lines.append(i18n.t(lang, "polls.ends", when=when(poll.closes_at, tz, lang)))
    return "\n".join(lines)


def hidden_markdown(lang: str, poll: Poll, counted: Tally, *, members: int, tz: ZoneInfo) -> str:
    """A secret poll while open: turnout only."""
    lines = [
        i18n.t(lang, "polls.secret_interim", number=poll.number),
        turnout(lang, counted.voters, members),
    ]
    if poll.closes_at is not None:
        lines.append(i18n.t(lang, "polls.ends", when=when(poll.closes_at, tz, lang)))
    return "\n".join(lines)


def end_summary(lang: str, poll: Poll, counted: Tally) -> str:
    """Plain text for the poll end event's fallback (no Markdown there)."""
    leaders = counted.leaders()
    if not leaders:
        return i18n.t(lang, "polls.no_votes")
    names = " / ".join(poll.options[int(a) - 1] for a in leaders)
    return f"{names} ({amount(lang, poll, counted.counts[leaders[0]])})"


# -------------------------------------------------------------------------------------------- chart


def chart_png(poll: Poll, counted: Tally, title: str) -> bytes | None:
    """A horizontal bar chart; None if Pillow is missing (the text result is complete on its own)."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # pragma: no cover - Pillow is a dependency, but the chart is only a bonus
        log.warning("Pillow not installed; poll result without chart")
        return None

    items = rows(poll, counted)
    head_font, label_font = font(22), font(17)
    width, pad, row_h, label_w = 900, 24, 44, 330
    question = _wrap(poll.question, 60)[:3]
    top = pad + 30 + 28 * len(question) + 10
    height = top + row_h * len(items) + pad
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((pad, pad), title, fill="#555555", font=label_font)
    for i, line in enumerate(question):
        draw.text((pad, pad + 28 + 28 * i), line, fill="black", font=head_font)
    best = max((count for _, _, count in items), default=0)
    bar_x, bar_max = pad + label_w, width - pad * 2 - label_w - 70
    for i, (number, text, count) in enumerate(items):
        y = top + i * row_h
        label = f"{number}. {text}"
        while len(label) > 4 and draw.textlength(label, font=label_font) > label_w - 16:
            label = label[:-2] + "…"
        draw.text((pad, y + 10), label, fill="black", font=label_font)
        length = 0 if best <= 0 else round(bar_max * count / best)
        colour = "#2e7d32" if best > 0 and count == best else "#1565c0"
        draw.rectangle((bar_x, y + 8, bar_x + max(length, 2), y + row_h - 8), fill=colour)
        draw.text((bar_x + length + 10, y + 10), str(count), fill="black", font=label_font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines or [""]


# ---------------------------------------------------------------------------------------------- CSV


_MATRIX_ID = re.compile(r"@[^:\s]+:\S+")


def _cell(value: object) -> str:
    """Neutralise spreadsheet formulas in user text (CSV injection); a bare Matrix ID is harmless."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "\t", "\r") or (text[:1] == "@" and not _MATRIX_ID.fullmatch(text)):
        return "'" + text
    return text


def export_csv(
    lang: str,
    poll: Poll,
    counted: Tally,
    *,
    name_of: Callable[[str], str],
) -> bytes:
    """Semicolon CSV with a BOM (opens cleanly in a German Excel): totals, then one row per voter.

    Per-voter rows only for polls that are not anonymous; for anonymous ones the ballots hold nothing
    but hashes, and the file says so.
    """
    t = lambda key: i18n.t(lang, key)  # noqa: E731
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    unit = t("polls.csv_points") if poll.is_points else t("polls.csv_votes")
    writer.writerow([t("polls.csv_number"), t("polls.csv_option"), unit, t("polls.csv_percent")])
    whole = base(poll, counted)
    for i, text in enumerate(poll.options):
        count = counted.counts[msc3381.answer_id(i)]
        writer.writerow([i + 1, _cell(text), count, percent(count, whole, lang)])
    writer.writerow([])
    if poll.anonymous:
        writer.writerow([t("polls.csv_anonymous")])
    else:
        header: Sequence[str] = [t("polls.csv_person"), t("polls.csv_matrix_id")]
        writer.writerow([*header, *(_cell(f"{i + 1}. {text}") for i, text in enumerate(poll.options))])
        for voter in sorted(counted.ballots, key=lambda v: name_of(v).casefold()):
            ballot = counted.ballots[voter]
            cells = [ballot.get(msc3381.answer_id(i), 0) or "" for i in range(len(poll.options))]
            writer.writerow([_cell(name_of(voter)), voter, *cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
