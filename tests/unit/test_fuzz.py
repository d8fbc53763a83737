"""Bad input, generated: whatever a Lotse types, no exception escapes and nothing unescaped reaches HTML.

Messages are built from the real command names (so every command's parser is hit) plus hostile text:
unbalanced and typographic quotes, HTML, Markdown, control characters, mixed scripts, 100 KB bodies.
"""

from __future__ import annotations

import asyncio
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.framework import UsageError, registry, tokenize
from tests.support.fake import Harness

ROOM = "!team:test"
COORD, LOTSE = "@koordination:test", "@lotse:test"
EXAMPLES = int(os.environ.get("LOTSENBOT_FUZZ_EXAMPLES", "10000"))

HOSTILE = [
    '"',
    "„",
    "“",
    "'",
    "«",
    "--",
    "—",
    "--bis",
    "--punkte",
    "--mehrfach",
    "-1",
    "0",
    "99999999999",
    "#3",
    "<b>fett</b>",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[link](javascript:alert(1))",
    "**",
    "`",
    "```",
    "# Titel",
    "> zitat",
    "\\",
    "\u202e",
    "\x00",
    "\n",
    "\t",
    "🎉",
    "1️⃣",
    "ä",
    "ß",
    "İ",
    "morgen 12:00",
    "01.12. 18 Uhr",
    "in 2 Stunden",
    "31.02.",
    "@room",
    "@lotse:test",
    "https://x.example",
    "1=3",
    "4=2",
    "1,2",
    "ja",
    "nein",
]


def _names() -> list[str]:
    from commands import load_all

    load_all()
    return sorted({name for cmd in registry.commands for name in cmd.names})


NAMES = _names()

word = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=20))
message = st.builds(
    lambda name, words, sep: "!" + name + sep + " ".join(words),
    st.one_of(st.sampled_from(NAMES), st.text(max_size=12)),
    st.lists(word, max_size=8),
    st.sampled_from([" ", "  ", "\n", ""]),
)
huge = st.builds(
    lambda name, unit, n: f"!{name} " + unit * n,
    st.sampled_from(NAMES),
    st.sampled_from(["a", "„", "<b>", "ä ", '"x" ']),
    st.integers(10_000, 50_000),
)

TAG = re.compile(
    r"<(?!/?(p|br|strong|em|code|pre|ul|ol|li|a|h[1-6]|blockquote|hr|table|thead|tbody|tr|th|td|del)\b)",
    re.IGNORECASE,
)


def test_parsers_never_raise_anything_but_usage_errors() -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(message)
    def check(text: str) -> None:
        try:
            tokens = tokenize(text[1:])
        except UsageError:
            return
        cmd, used = registry.lookup(tokens)
        if cmd is None:
            return
        ctx = _ParseContext()
        try:
            cmd.parse(tokens[used:], text[1:], ctx)  # type: ignore[arg-type]
        except UsageError as exc:
            assert exc.message and "Traceback" not in exc.message

    check()


class _ParseContext:
    """Just enough of a Context for argument conversion."""

    lang = "de"
    prefix = "!"

    def __init__(self) -> None:
        self.tz = ZoneInfo("Europe/Berlin")
        self._now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def t(self, key: str, /, **values: object) -> str:
        from bot import i18n

        return i18n.t("de", key, **{"prefix": "!", **values})


def test_dispatcher_answers_every_message_safely(tmp_path: Path) -> None:
    loop = asyncio.new_event_loop()
    harness = Harness(tmp_path)
    loop.run_until_complete(harness.start())
    harness.room(ROOM, [COORD, LOTSE], power={COORD: 100})
    harness.room("!dm:test", [LOTSE])
    counter = iter(range(10**9))

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(message, huge), st.sampled_from([(ROOM, COORD), (ROOM, LOTSE), ("!dm:test", LOTSE)]))
    def check(text: str, where: tuple[str, str]) -> None:
        before = len(harness.messenger.sent)
        room, sender = where
        loop.run_until_complete(harness.say(room, sender, text, event_id=f"$fuzz{next(counter)}"))
        for sent in harness.messenger.sent[before:]:
            body = sent.content.get("body", "")
            assert "Traceback" not in body and "schiefgegangen" not in body, body[:300]
            html = sent.content.get("formatted_body", "")
            assert not TAG.search(html), html[:300]
            assert 'href="javascript:' not in html.lower()

    try:
        check()
    finally:
        loop.run_until_complete(harness.close())
        loop.close()
