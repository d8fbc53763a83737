"""The pure rules of retros: formats, categories, rating statistics, similarity, trends, reports."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot import i18n
from bot.render import split_long
from commands.retro import texts  # noqa: F401  (registers the texts)
from commands.retro.analysis import (
    RetroInputError,
    categories_for,
    decimal,
    distribution_lines,
    group_similar,
    match_category,
    normalize_question,
    parse_categories,
    parse_rating,
    rating_stats,
    remaining_parts,
    similarity,
    split_answer,
    trend_text,
    word_stems,
)
from commands.retro.chart import ChartRow, ratings_png
from commands.retro.report import build_report, export_csv, summary_markdown
from storage.retro import Retro, RetroItem, RetroRating


def t(key: str, /, **values: object) -> str:
    return i18n.t("de", key, prefix="!", **values)


# ------------------------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("sss", ["Start", "Stop", "Weitermachen"]),
        ("4l", ["Gefallen", "Gelernt", "Gefehlt", "Gewünscht"]),
        ("msg", ["Wütend", "Traurig", "Froh"]),
    ],
)
def test_built_in_formats(fmt: str, expected: list[str]) -> None:
    assert categories_for(fmt, None, "de") == expected


def test_english_names_and_custom_categories() -> None:
    assert categories_for("sss", None, "en") == ["Start", "Stop", "Continue"]
    assert categories_for("custom", " Lob ;Kritik;; Ideen ", "de") == ["Lob", "Kritik", "Ideen"]


@pytest.mark.parametrize(
    ("fmt", "custom", "key"),
    [
        ("custom", None, "retro.err.custom_needs_categories"),
        ("4l", "A;B", "retro.err.format_and_categories"),
        ("custom", "A;a", "retro.err.category_twice"),
        ("custom", "Lob;2", "retro.err.category_reserved"),
        ("custom", "Lob;weiter", "retro.err.category_reserved"),
        ("custom", ";".join(f"K{i}x" for i in range(9)), "retro.err.category_count"),
        ("custom", "A;" + "x" * 41, "retro.err.category_long"),
    ],
)
def test_bad_categories_are_refused_with_a_reason(fmt: str, custom: str | None, key: str) -> None:
    with pytest.raises(RetroInputError) as err:
        categories_for(fmt, custom, "de")
    assert err.value.key == key
    assert t(err.value.key, **err.value.values)  # every refusal has a text


def test_category_by_number_name_or_unique_beginning() -> None:
    cats = parse_categories("Start;Stop;Weitermachen")
    assert match_category(cats, "2") == 1
    assert match_category(cats, "STOP") == 1
    assert match_category(cats, "weiter") == 2
    assert match_category(cats, "st") is None  # Start or Stop: ambiguous
    assert match_category(cats, "4") is None
    assert match_category(["Gewünscht"], "gewuenscht") == 0


def test_answers_split_into_items_and_ratings_parse() -> None:
    assert split_answer("- Mehr Zeit\n\n2) Weniger  Folien\n• Pausen") == [
        "Mehr Zeit",
        "Weniger Folien",
        "Pausen",
    ]
    assert [parse_rating(x) for x in ["4", " 5 ", "4/5", "3 von 5", "2.", "6", "0", "vier", "45"]] == [
        4,
        5,
        4,
        3,
        2,
        None,
        None,
        None,
        None,
    ]


# ----------------------------------------------------------------------------------- rating statistics


def test_rating_statistics_and_german_decimal() -> None:
    stats = rating_stats([5, 4, 4, 3])
    assert stats.count == 4 and stats.distribution == (0, 0, 1, 2, 1)
    assert stats.average == 4.0 and decimal(stats.average) == "4,0"
    assert decimal(4.25) == "4,3" and decimal(4.25, "en") == "4.3"  # half up, not banker's rounding
    assert decimal(13 / 3) == "4,3" and decimal(13 / 3, digits=2) == "4,33"
    assert rating_stats([]).average is None
    with pytest.raises(ValueError):
        rating_stats([6])


def test_distribution_bars_scale_to_the_largest_count() -> None:
    lines = distribution_lines(rating_stats([5, 5, 4]), width=4)
    assert lines[0] == "5 ████ 2" and lines[1] == "4 ██·· 1" and lines[4] == "1 ···· 0"


# ------------------------------------------------------------------------------------------ similarity


def test_stems_ignore_case_umlauts_stopwords_and_endings() -> None:
    assert word_stems("Die Termine") == word_stems("TERMINEN")
    assert (
        similarity(word_stems("Mehr Austausch mit anderen Ämtern"), word_stems("Austausch zwischen Ämtern"))
        > 0.3
    )
    assert similarity(word_stems("Lange Folien"), word_stems("Pausen fehlen")) == 0


def test_similar_items_are_grouped_and_order_of_input_does_not_matter() -> None:
    texts_ = [
        "Mehr Austausch zwischen den Ämtern",
        "Zu lange Vorträge",
        "mehr austausch zwischen den ämtern",
        "Austausch mit anderen Ämtern fördern",
        "Pausen fehlen",
        "Vorträge kürzer",
    ]
    groups = group_similar(texts_)
    flat = [[e.text for e in g] for g in groups]
    assert flat[0][0].lower() == "mehr austausch zwischen den ämtern" and groups[0][0].count == 2
    assert "Austausch mit anderen Ämtern fördern" in flat[0]
    assert any({"Zu lange Vorträge", "Vorträge kürzer"} == set(g) for g in flat)
    shuffled = texts_[:]
    random.Random(4).shuffle(shuffled)
    assert group_similar(shuffled) == groups


# ----------------------------------------------------------------------------------------------- trend


def test_trend_matching_ignores_case_punctuation_and_spacing() -> None:
    a = normalize_question("Wie zufrieden waren Sie insgesamt mit den Veranstaltungen?")
    b = normalize_question("  wie ZUFRIEDEN waren sie insgesamt mit den Veranstaltungen ")
    assert a == b
    assert normalize_question("Wie zufrieden waren Sie?") != a
    assert trend_text([4.1], 4.4) == "4,1 → 4,4"
    assert trend_text([3.0, 3.5, 3.8, 4.1], 4.44) == "3,5 → 3,8 → 4,1 → 4,4"


def test_remaining_time_in_words() -> None:
    assert remaining_parts(timedelta(days=2, hours=1)) == ("days", 2)
    assert remaining_parts(timedelta(hours=30)) == ("hours", 30)
    assert remaining_parts(timedelta(minutes=20)) == ("minutes", 20)
    assert remaining_parts(timedelta(seconds=-5)) == ("minutes", 1)


# --------------------------------------------------------------------------------------------- reports


def _retro(questions: list[str] | None = None) -> Retro:
    return Retro(
        id=1,
        number=7,
        room_id="!team:test",
        title="Modul *3*",
        format="sss",
        categories=["Start", "Stop", "Weitermachen"],
        questions=questions if questions is not None else ["Wie zufrieden?"],
        status="closed",
        closed_at=datetime(2026, 11, 27, 16, tzinfo=UTC),
    )


def _item(author: str, category: int, text: str, seq: int = 1) -> RetroItem:
    return RetroItem(
        retro_id=1, item_id=f"{author}{seq}", author_hash=author, seq=seq, category=category, text=text
    )


def _rating(rater: str, value: int, question: int = 0) -> RetroRating:
    return RetroRating(retro_id=1, question=question, rater_hash=rater, value=value)


def test_categories_with_fewer_than_min_group_people_are_hidden() -> None:
    items = [
        _item("a", 0, "Mehr Pausen"),
        _item("b", 0, "Mehr Pausen"),
        _item("c", 0, "Früher anfangen"),
        # one person writing three items is still one person
        _item("a", 1, "Geheim eins", 2),
        _item("a", 1, "Geheim zwei", 3),
        _item("a", 1, "Geheim drei", 4),
        _item("b", 1, "Geheim vier", 2),
    ]
    ratings = [_rating("a", 4), _rating("b", 5)]
    report = build_report(_retro(), items, ratings, {}, min_group=3)
    start, stop, keep = report.categories
    assert start.groups is not None and stop.groups is None and keep.groups is None
    assert report.questions[0].hidden
    md = summary_markdown(report, t, "de")
    assert "Mehr Pausen (2×)" in md and "Geheim" not in md
    assert md.count("zu wenige Beiträge, um sie anonym zu zeigen") == 1  # Stop
    assert "keine Beiträge" in md  # Weitermachen
    assert "zu wenige Antworten" in md and "Ø" not in md
    assert "Modul \\*3\\*" in md  # user text escaped
    csv_text = export_csv(report, t, "de").decode("utf-8-sig")
    assert "Geheim" not in csv_text and "Mehr Pausen;2" in csv_text
    assert build_report(_retro(), items, ratings, {}, min_group=2).categories[1].groups is not None


def test_summary_shows_average_count_distribution_and_trend() -> None:
    ratings = [_rating(r, v) for r, v in zip("abcde", [5, 4, 4, 5, 4], strict=True)]
    report = build_report(_retro(), [], ratings, {"wie zufrieden": [3.8, 4.1]}, min_group=3)
    md = summary_markdown(report, t, "de")
    assert "Ø **4,4** aus 5 Antworten" in md
    assert "Trend: 3,8 → 4,1 → 4,4" in md
    assert "5 ████████···· 2" in md and "4 ████████████ 3" in md


def test_long_summaries_split_between_items_never_inside_one() -> None:
    items = [_item(f"p{i}", 0, f"Punkt {i:03d} " + "lang " * 40) for i in range(150)]
    report = build_report(_retro([]), items, [], {}, min_group=3)
    parts = split_long(summary_markdown(report, t, "de"))
    assert len(parts) > 1 and all(len(p) <= 12000 for p in parts)
    seen = [line for p in parts for line in p.splitlines() if line.startswith(("- Punkt", "  - Punkt"))]
    assert len(seen) == 150


def test_csv_neutralises_spreadsheet_formulas() -> None:
    items = [_item(x, 0, "=HYPERLINK(1)") for x in "abc"]
    csv_text = export_csv(build_report(_retro([]), items, [], {}, 3), t, "de").decode("utf-8-sig")
    assert "'=HYPERLINK(1);3" in csv_text


def test_ratings_chart_is_a_png() -> None:
    data = ratings_png("Retro #1", [ChartRow("1. Wie zufrieden?", rating_stats([4, 5, 3]))])
    assert data is not None and data.startswith(b"\x89PNG")
    assert ratings_png("leer", []) is None
