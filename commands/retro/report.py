"""What a closed retro shows: the summary in the room, the Markdown export and the CSV.

``build_report`` decides *what* may be shown (the ``min_group`` rule lives here and nowhere else), the
render functions only decide *how*. All three outputs are built from the same ``Report``, so the export can
never show more than the room saw.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.render import escape_md
from bot.timeparse import format_de, format_en
from commands.retro.analysis import (
    Entry,
    RatingStats,
    decimal,
    distribution_lines,
    group_similar,
    normalize_question,
    rating_stats,
    trend_text,
)
from commands.retro.chart import ChartRow
from commands.retro.store import people_counts
from commands.retro.texts import amount
from storage.retro import Retro, RetroAction, RetroItem, RetroRating

Translate = Callable[..., str]
SECTION_CHARS = 4000  # a category longer than this becomes several paragraphs, so split_long cuts cleanly


@dataclass(frozen=True)
class CategoryView:
    name: str
    items: int
    contributors: int
    groups: list[list[Entry]] | None  # None: hidden, fewer than min_group people wrote here


@dataclass(frozen=True)
class QuestionView:
    number: int
    text: str
    stats: RatingStats
    hidden: bool  # fewer than min_group answers: the average would say too much about a few people
    earlier: list[float]  # averages of the same question in earlier retros, oldest first


@dataclass(frozen=True)
class Report:
    number: int
    title: str
    closed_at: datetime | None
    people: int
    items: int
    ratings: int
    min_group: int
    categories: list[CategoryView]
    questions: list[QuestionView]


def build_report(
    retro: Retro,
    items: Iterable[RetroItem],
    ratings: Iterable[RetroRating],
    earlier: Mapping[str, list[float]],
    min_group: int,
) -> Report:
    items, ratings = list(items), list(ratings)
    heads = people_counts(retro, items, ratings)
    by_category: dict[int, list[RetroItem]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    categories = []
    for index, name in enumerate(retro.categories):
        rows = by_category.get(index, [])
        people = heads["categories"][index] if index < len(heads["categories"]) else 0
        shown = people >= min_group
        groups = group_similar(r.text for r in rows) if shown else None
        categories.append(CategoryView(name, len(rows), people, groups))
    by_question: dict[int, list[int]] = defaultdict(list)
    for rating in ratings:
        by_question[rating.question].append(rating.value)
    questions = []
    for index, text in enumerate(retro.questions):
        stats = rating_stats(by_question.get(index, []))
        questions.append(
            QuestionView(
                number=index + 1,
                text=text,
                stats=stats,
                hidden=stats.count < min_group,
                earlier=list(earlier.get(normalize_question(text), [])),
            )
        )
    return Report(
        number=retro.number,
        title=retro.title,
        closed_at=retro.closed_at,
        people=heads["total"],
        items=len(items),
        ratings=len(ratings),
        min_group=min_group,
        categories=categories,
        questions=questions,
    )


def chart_rows(report: Report) -> list[ChartRow]:
    return [ChartRow(f"{q.number}. {q.text}", q.stats) for q in report.questions if not q.hidden]


# --------------------------------------------------------------------------------------------- summary


def _counts(report: Report, t: Translate) -> str:
    return t(
        "retro.summary.counts",
        people=amount(t, "people", report.people),
        items=amount(t, "items", report.items),
        ratings=amount(t, "ratings", report.ratings),
    )


def summary_markdown(report: Report, t: Translate, lang: str) -> str:
    """The closing summary for the room; paragraphs are separated by blank lines for ``split_long``."""
    parts = [
        t("retro.summary.title", number=report.number, title=escape_md(report.title)),
        _counts(report, t),
    ]
    for cat in report.categories:
        parts += _category_paragraphs(cat, t, escape_md)
    if report.questions:
        parts.append(t("retro.summary.ratings_heading"))
        for q in report.questions:
            parts.append(_question_block(q, t, lang, escape_md))
    parts.append(t("retro.summary.next", number=report.number))
    return "\n\n".join(parts)


def _category_paragraphs(cat: CategoryView, t: Translate, esc: Callable[[str], str]) -> list[str]:
    heading = f"**{esc(cat.name)}**"
    if cat.groups is None:
        key = "retro.summary.none" if cat.items == 0 else "retro.summary.too_few"
        return [f"{heading}\n{t(key)}"]
    heading = f"**{esc(cat.name)}** ({cat.items})"
    paragraphs, current = [], heading
    for group in cat.groups:
        for n, entry in enumerate(group):
            mark = "- " if n == 0 else "  - "  # similar items are indented under the first of their group
            line = mark + esc(entry.text) + (f" ({entry.count}×)" if entry.count > 1 else "")
            if len(current) + len(line) > SECTION_CHARS:
                paragraphs.append(current)
                current = heading + " " + t("retro.summary.continued")
            current += "\n" + line
    paragraphs.append(current)
    return paragraphs


def _question_block(q: QuestionView, t: Translate, lang: str, esc: Callable[[str], str]) -> str:
    head = f"**{q.number}. {esc(q.text)}**"
    if q.hidden:
        key = "retro.summary.no_ratings" if q.stats.count == 0 else "retro.summary.too_few_ratings"
        return f"{head}\n{t(key)}"
    assert q.stats.average is not None
    line = t("retro.summary.average", average=decimal(q.stats.average, lang), count=q.stats.count)
    if q.earlier:
        line += " · " + t("retro.summary.trend", trend=trend_text(q.earlier, q.stats.average, lang))
    bars = "\n".join(distribution_lines(q.stats))
    return f"{head}\n{line}\n```\n{bars}\n```"


# ---------------------------------------------------------------------------------------------- export


def _file_escape(text: str) -> str:
    """Lighter than ``escape_md``: the file is read raw too, so only characters that change structure."""
    out = []
    for ch in text:
        if ch in "\\`*_[]<>#|":
            out.append("\\")
        out.append(ch)
    return "".join(out)


def export_markdown(
    report: Report,
    actions: Sequence[RetroAction],
    t: Translate,
    lang: str,
    tz: ZoneInfo,
    who: Callable[[str], str],
) -> str:
    when = format_de if lang != "en" else format_en
    lines = [f"# {t('retro.export.title', number=report.number, title=_file_escape(report.title))}", ""]
    if report.closed_at is not None:
        lines.append(t("retro.export.closed", when=when(report.closed_at.astimezone(tz))))
    lines.append(_counts(report, t))
    lines += ["", t("retro.export.anonymity", min_group=report.min_group), ""]
    for cat in report.categories:
        lines += [f"## {_file_escape(cat.name)}", ""]
        if cat.groups is None:
            lines.append(t("retro.summary.none" if cat.items == 0 else "retro.summary.too_few"))
        else:
            for group in cat.groups:
                for n, entry in enumerate(group):
                    count = f" ({entry.count}×)" if entry.count > 1 else ""
                    lines.append(("- " if n == 0 else "  - ") + _file_escape(entry.text) + count)
        lines.append("")
    if report.questions:
        lines += [f"## {t('retro.export.ratings')}", ""]
        for q in report.questions:
            lines.append(f"### {q.number}. {_file_escape(q.text)}")
            lines.append("")
            if q.hidden:
                key = "retro.summary.no_ratings" if q.stats.count == 0 else "retro.summary.too_few_ratings"
                lines += [t(key), ""]
                continue
            assert q.stats.average is not None
            lines.append(
                t("retro.summary.average", average=decimal(q.stats.average, lang), count=q.stats.count)
            )
            if q.earlier:
                lines.append(t("retro.summary.trend", trend=trend_text(q.earlier, q.stats.average, lang)))
            lines += ["", "```", *distribution_lines(q.stats), "```", ""]
    if actions:
        lines += [f"## {t('retro.export.actions')}", ""]
        for action in actions:
            done = "x" if action.status == "done" else " "
            extra = []
            if action.responsible:
                extra.append(t("retro.action.responsible", who=_file_escape(who(action.responsible))))
            if action.due_at is not None:
                extra.append(t("retro.action.due", when=when(action.due_at.astimezone(tz))))
            tail = f" ({'; '.join(extra)})" if extra else ""
            lines.append(f"- [{done}] #{action.id} {_file_escape(action.text)}{tail}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _cell(value: object) -> str:
    """No spreadsheet formulas from user text: a leading = + - @ is neutralised."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(report: Report, t: Translate, lang: str) -> bytes:
    """Semicolon-separated UTF-8 with BOM, which German spreadsheet programs open without a wizard."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(t("retro.csv.header").split(";"))
    for cat in report.categories:
        if cat.groups is None:
            note = t("retro.summary.none" if cat.items == 0 else "retro.summary.too_few").strip("_")
            writer.writerow([t("retro.csv.item"), _cell(cat.name), _cell(note), ""])
            continue
        for group in cat.groups:
            for entry in group:
                writer.writerow([t("retro.csv.item"), _cell(cat.name), _cell(entry.text), entry.count])
    for q in report.questions:
        label = _cell(f"{q.number}. {q.text}")
        if q.hidden:
            note = t("retro.summary.too_few_ratings" if q.stats.count else "retro.summary.no_ratings")
            writer.writerow([t("retro.csv.rating"), label, _cell(note.strip("_")), ""])
            continue
        assert q.stats.average is not None
        writer.writerow([t("retro.csv.average"), label, decimal(q.stats.average, lang, 2), q.stats.count])
        for value in range(1, 6):
            writer.writerow([t("retro.csv.rating"), label, value, q.stats.distribution[value - 1]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
