"""KB answers as paragraphs for small screens.

Authors wrap their Markdown at ~85 characters in the editor; the bot renders single line breaks
as ``<br />``, so on a phone every answer came out as ragged short lines. Lines of one paragraph
(or one list item) are joined here; what the author structured stays: blank lines between
paragraphs, list items, headings, quotes, tables and fenced code blocks.
"""

from __future__ import annotations

import re

_BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d{1,3}[.)]\s|#{1,6}\s|>|\||```|~~~)")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HARD_BREAK = re.compile(r"(?:  |\\)$")  # Markdown's explicit line break: two spaces or a backslash


def reflow(markdown: str) -> str:
    """Join soft-wrapped lines; keep paragraphs, lists, headings, quotes, tables and code as written."""
    out: list[str] = []
    in_code = False
    for raw in markdown.strip().splitlines():
        line = raw.rstrip("\n")
        if _FENCE.match(line):
            in_code = not in_code
            out.append(line)
            continue
        if in_code or not out:
            out.append(line)
            continue
        prev = out[-1]
        joinable = (
            line.strip()
            and prev.strip()
            and not _BLOCK_START.match(line)
            and not _HARD_BREAK.search(prev)
            and not prev.lstrip().startswith(("#", "|", "```", "~~~"))
        )
        if joinable:
            out[-1] = f"{prev.rstrip()} {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)
