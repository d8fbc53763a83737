"""The FAQ's runtime state: the loaded knowledge base, its index, and the escalation room.

The KB is loaded at start and checked for changes on every question: a stat of each file is far
cheaper than an answer, so an edited, added or deleted Markdown file (a ``git pull``, a chat edit) is
picked up by the very next question without a restart or a file watcher.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from bot.context import Context
from bot.framework import startup
from commands.faq import store
from commands.faq.kb import KnowledgeBase, load_kb
from commands.faq.retrieval import FaqIndex
from commands.faq.settings import kb_dir, settings

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(directory: Path) -> Fingerprint:
    """Name, mtime and size of every file that can change the KB; one stat per file."""
    found: list[tuple[str, int, int]] = []
    stack = [directory]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                for item in it:
                    if item.is_dir(follow_symlinks=False) and not item.name.startswith("."):
                        stack.append(Path(item.path))
                    elif item.name.endswith((".md", ".yaml", ".yml")):
                        try:
                            st = item.stat()
                        except OSError:
                            continue
                        found.append((item.path, st.st_mtime_ns, st.st_size))
        except OSError:
            continue
    return tuple(sorted(found))


@dataclass
class Snapshot:
    kb: KnowledgeBase
    index: FaqIndex
    #: whether what was learned from use (``faq_learned``) has been applied to ``index``
    learned: bool = False


class KbHolder:
    """One knowledge base directory, reloaded (off the event loop) whenever its files change."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._snapshot: Snapshot | None = None
        self._fingerprint: Fingerprint | None = None
        self._lock = asyncio.Lock()

    async def current(self) -> Snapshot:
        async with self._lock:
            fp = fingerprint(self.directory)
            if self._snapshot is None or fp != self._fingerprint:
                self._snapshot = await asyncio.to_thread(self._build)
                self._fingerprint = fp
            return self._snapshot

    async def reload(self) -> Snapshot:
        """Rebuild now, e.g. right after the bot wrote an entry (mtime granularity must not hide it)."""
        async with self._lock:
            self._fingerprint = fingerprint(self.directory)
            self._snapshot = await asyncio.to_thread(self._build)
            return self._snapshot

    def forget_learning(self) -> None:
        """Learned evidence was removed: the index is rebuilt from the KB on the next question."""
        self._snapshot = None

    def _build(self) -> Snapshot:
        kb = load_kb(self.directory)
        for problem in kb.problems:
            log.warning("FAQ knowledge base: %s", problem)
        log.info("FAQ knowledge base %s: %d entries loaded", self.directory, len(kb.entries))
        return Snapshot(kb, FaqIndex.build(kb))


_holders: dict[Path, KbHolder] = {}


def holder(ctx: Context) -> KbHolder:
    directory = kb_dir(ctx)
    found = _holders.get(directory)
    if found is None:
        found = _holders[directory] = KbHolder(directory)
    return found


async def snapshot(ctx: Context) -> Snapshot:
    """The current KB and its index, with everything learned from use applied (once per build)."""
    found = await holder(ctx).current()
    if not found.learned:
        found.learned = True
        for row in await store.learned(ctx.session):
            apply(found.index, row.entry_id, row.kind, row.text, row.count)
    return found


def apply(index: FaqIndex, entry_id: str, kind: str, text: str, count: int = 1) -> None:
    if kind == "phrasing":
        index.add_phrasing(entry_id, text)
    elif kind == "mismatch":
        index.add_mismatch(entry_id, text, count)


@startup
async def load_at_start(ctx: Context) -> None:
    """Load (and index) the KB before the first question: its problems show in the start-up log, and the
    first asker does not wait for the index."""
    await snapshot(ctx)


_aliases: dict[str, str] = {}


async def escalation_room(ctx: Context) -> str | None:
    """The coordinators' room as a room id; aliases are resolved once through the Matrix layer."""
    ref = settings(ctx).escalation_room
    if ref is None or ref.startswith("!"):
        return ref
    if ref in _aliases:
        return _aliases[ref]
    resolve = getattr(ctx.messenger, "resolve_alias", None)
    room_id = await resolve(ref) if resolve is not None else None
    if room_id is None:
        log.warning("FAQ escalation room %s could not be resolved; questions are only listed", ref)
        return None
    _aliases[ref] = room_id
    return room_id
