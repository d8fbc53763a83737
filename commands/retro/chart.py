"""The ratings as a PNG: one stacked 1–5 bar per question with its average, for a quick look in the room."""

from __future__ import annotations

import io
import logging
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from bot.charts import font
from commands.retro.analysis import RatingStats, decimal

log = logging.getLogger(__name__)

# Red (1) to green (5); readable for the common red-green weakness because lightness differs too.
COLOURS = ("#b71c1c", "#ef6c00", "#f9a825", "#7cb342", "#1b5e20")


@dataclass(frozen=True)
class ChartRow:
    question: str
    stats: RatingStats


def ratings_png(title: str, rows: Sequence[ChartRow], lang: str = "de") -> bytes | None:
    """None when there is nothing to draw or Pillow is missing (the text summary is complete anyway)."""
    if not rows:
        return None
    try:
        from PIL import Image, ImageDraw
    except ImportError:  # pragma: no cover - Pillow is a dependency; the chart is a bonus
        log.warning("Pillow not installed; retro summary without chart")
        return None

    head, label, small = font(22), font(16), font(14)
    width, pad, bar_h = 900, 24, 28
    wrapped = [textwrap.wrap(r.question, 90)[:2] for r in rows]
    row_heights = [22 * len(lines) + bar_h + 26 for lines in wrapped]
    top = pad + 34 + 30
    height = top + sum(row_heights) + pad
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((pad, pad), textwrap.shorten(title, 70, placeholder="…"), fill="black", font=head)
    x = pad
    for value, colour in enumerate(COLOURS, start=1):  # legend
        draw.rectangle((x, pad + 38, x + 14, pad + 52), fill=colour)
        draw.text((x + 20, pad + 36), str(value), fill="#333333", font=small)
        x += 48
    bar_x, bar_w = pad, width - 2 * pad - 150
    y = top
    for row, lines, row_h in zip(rows, wrapped, row_heights, strict=True):
        for i, line in enumerate(lines):
            draw.text((pad, y + 22 * i), line, fill="black", font=label)
        by = y + 22 * len(lines) + 4
        left = bar_x
        for value, n in enumerate(row.stats.distribution):
            if not n:
                continue
            right = left + bar_w * n / row.stats.count
            draw.rectangle((left, by, right, by + bar_h), fill=COLOURS[value])
            if right - left > 22:
                draw.text((left + 6, by + 5), str(n), fill="white", font=small)
            left = right
        avg = row.stats.average
        text = f"Ø {decimal(avg, lang)}  (n={row.stats.count})" if avg is not None else "–"
        draw.text((bar_x + bar_w + 12, by + 4), text, fill="black", font=label)
        y += row_h
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
