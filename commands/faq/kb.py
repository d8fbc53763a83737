"""Knowledge base: one Markdown file per FAQ entry, with YAML front matter.

Lotsen edit these files by hand, so loading never stops at the first mistake: every
problem is collected with file and line, and usable entries are still loaded.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SYNONYMS_FILE = "_synonyms.yaml"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
KNOWN_FIELDS = frozenset({"id", "question", "alternatives", "tags", "links", "synonyms"})
_FENCE = "---"


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    answer: str
    alternatives: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    path: Path | None = None
    #: synonym groups declared inside this entry; they apply to the whole KB
    synonyms: tuple[tuple[str, ...], ...] = ()

    @property
    def questions(self) -> tuple[str, ...]:
        """All phrasings the entry answers; retrieval treats them alike."""
        return (self.question, *self.alternatives)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class KnowledgeBase:
    entries: list[Entry] = field(default_factory=list)
    #: groups of equivalent terms (symmetric), from ``_synonyms.yaml`` and entries
    synonyms: list[tuple[str, ...]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    directory: Path | None = None

    def get(self, entry_id: str) -> Entry | None:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        return None

    @property
    def ids(self) -> set[str]:
        return {e.id for e in self.entries}


# --------------------------------------------------------------------------- parsing


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (yaml_text, body, body_first_line) or None when there is no closed front matter."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FENCE:
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() in (_FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None


def _key_lines(yaml_text: str) -> dict[str, int]:
    """Map top-level keys to their 0-based line inside the YAML block (for precise problem lines)."""
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _str_list(value: Any, name: str, line: int, path: Path, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        value = [value]
    if not isinstance(value, list):
        problems.append(Problem(path, line, f"'{name}' must be a list of texts"))
        return ()
    out: list[str] = []
    for item in value:
        if isinstance(item, str | int | float) and str(item).strip():
            out.append(str(item).strip())
        else:
            problems.append(Problem(path, line, f"'{name}' contains an empty or non-text item"))
    return tuple(out)


def _links(value: Any, line: int, path: Path, problems: list[Problem]) -> tuple[Link, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(Problem(path, line, "'links' must be a list"))
        return ()
    out: list[Link] = []
    for item in value:
        if isinstance(item, str) and item.strip():
            out.append(Link(title=item.strip(), url=item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("url"), str) and item["url"].strip():
            title = item.get("title")
            url = item["url"].strip()
            out.append(Link(title=str(title).strip() if title else url, url=url))
        else:
            problems.append(Problem(path, line, "each link needs a 'url' (or is a plain URL)"))
    return tuple(out)


def parse_entry(text: str, path: Path) -> tuple[Entry | None, list[Problem]]:
    """Parse one entry file; returns the entry (None if unusable) and all problems found."""
    entry, problems, _ = _parse_entry(text, path)
    return entry, problems


def _parse_entry(text: str, path: Path) -> tuple[Entry | None, list[Problem], dict[str, int]]:
    problems: list[Problem] = []
    parsed = _front_matter(text.removeprefix("\ufeff"), path)
    if isinstance(parsed, Problem):
        return None, [parsed], {}
    data, yaml_text, body, body_line = parsed
    key_line = {k: v + 2 for k, v in _key_lines(yaml_text).items()}

    def line_of(key: str) -> int:
        return key_line.get(key, 1)

    for key in data:
        if str(key) not in KNOWN_FIELDS:
            problems.append(Problem(path, line_of(str(key)), f"unknown field '{key}'"))

    raw_id = data.get("id")
    entry_id = str(raw_id).strip() if raw_id is not None else ""
    if not entry_id:
        problems.append(Problem(path, 1, "missing 'id'"))
    elif not ID_PATTERN.match(entry_id):
        problems.append(
            Problem(path, line_of("id"), f"id '{entry_id}' may only use a-z, 0-9, '-', '_' and '.'")
        )

    raw_q = data.get("question")
    question = str(raw_q).strip() if isinstance(raw_q, str | int | float) else ""
    if not question:
        problems.append(Problem(path, line_of("question"), "missing 'question'"))

    answer = body.strip()
    if not answer:
        problems.append(Problem(path, body_line, "missing answer: the text after the front matter is empty"))

    alternatives = _str_list(
        data.get("alternatives"), "alternatives", line_of("alternatives"), path, problems
    )
    tags = _str_list(data.get("tags"), "tags", line_of("tags"), path, problems)
    links = _links(data.get("links"), line_of("links"), path, problems)
    synonyms: list[tuple[str, ...]] = []
    if data.get("synonyms") is not None:
        line = line_of("synonyms")
        synonyms = _synonym_groups(data["synonyms"], {}, line, path, problems)

    if not (entry_id and question and answer):
        return None, problems, key_line
    entry = Entry(
        id=entry_id,
        question=question,
        answer=answer,
        alternatives=alternatives,
        tags=tags,
        links=links,
        path=path,
        synonyms=tuple(synonyms),
    )
    return entry, problems, key_line


def _front_matter(text: str, path: Path) -> tuple[dict[Any, Any], str, str, int] | Problem:
    """The front matter as a mapping, its YAML text, the body and the body's first line; or the problem."""
    split = _split_front_matter(text)
    if split is None:
        return Problem(path, 1, "missing front matter: the file must start with '---' and close it")
    yaml_text, body, body_line = split
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Problem(path, line, f"invalid YAML in front matter: {reason}")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return Problem(path, 2, "front matter must be a mapping of fields (id, question, ...)")
    return data, yaml_text, body, body_line


def _synonym_groups(
    data: Any, key_lines: dict[str, int], default_line: int, path: Path, problems: list[Problem]
) -> list[tuple[str, ...]]:
    groups: list[tuple[str, ...]] = []

    def add(terms: Iterable[Any]) -> None:
        group = tuple(dict.fromkeys(str(t).strip() for t in terms if str(t).strip()))
        if len(group) > 1:
            groups.append(group)

    if isinstance(data, dict):
        for key, value in data.items():
            line = key_lines.get(str(key), default_line)
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
                problems.append(Problem(path, line, f"synonyms for '{key}' must be a list of terms"))
                continue
            add([key, *values])
    elif isinstance(data, list):
        for i, value in enumerate(data):
            if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
                problems.append(Problem(path, default_line, f"synonym group {i + 1} must be a list of terms"))
                continue
            add(value)
    else:
        problems.append(
            Problem(path, default_line, "synonyms must be a mapping 'term: [terms]' or a list of groups")
        )
    return groups


def parse_synonyms(text: str, path: Path) -> tuple[list[tuple[str, ...]], list[Problem]]:
    """Synonyms: a mapping ``term: [equivalents]`` or a list of groups; both mean symmetric groups."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return [], [Problem(path, line, f"invalid YAML: {getattr(exc, 'problem', None) or exc}")]
    if data is None:
        return [], []
    problems: list[Problem] = []
    lines = {k: v + 1 for k, v in _key_lines(text).items()}
    return _synonym_groups(data, lines, 1, path, problems), problems


def _entry_files(directory: Path) -> list[Path]:
    files = []
    for p in sorted(directory.rglob("*.md")):
        rel = p.relative_to(directory)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if p.name.lower() == "readme.md":
            continue
        files.append(p)
    return files


def load_kb(directory: str | os.PathLike[str]) -> KnowledgeBase:
    """Load every entry below ``directory``; problems are collected, never raised."""
    root = Path(directory)
    kb = KnowledgeBase(directory=root)
    if not root.is_dir():
        kb.problems.append(Problem(root, 0, "knowledge base directory not found"))
        return kb
    first_seen: dict[str, Path] = {}
    for path in _entry_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            kb.problems.append(Problem(path, 1, f"cannot read file: {exc}"))
            continue
        entry, problems, key_lines = _parse_entry(text, path)
        kb.problems.extend(problems)
        if entry is None:
            continue
        if entry.id in first_seen:
            line = key_lines.get("id", 1)
            kb.problems.append(
                Problem(path, line, f"duplicate id '{entry.id}' (first defined in {first_seen[entry.id]})")
            )
            continue
        first_seen[entry.id] = path
        kb.entries.append(entry)
        kb.synonyms.extend(entry.synonyms)
    syn_path = root / SYNONYMS_FILE
    if syn_path.is_file():
        try:
            groups, problems = parse_synonyms(syn_path.read_text(encoding="utf-8"), syn_path)
        except (OSError, UnicodeDecodeError) as exc:
            groups, problems = [], [Problem(syn_path, 1, f"cannot read file: {exc}")]
        kb.synonyms.extend(groups)
        kb.problems.extend(problems)
    return kb


def validate(directory: str | os.PathLike[str]) -> list[Problem]:
    return load_kb(directory).problems


# --------------------------------------------------------------------------- writing


def suggest_id(question: str, taken: Iterable[str] = ()) -> str:
    """A readable, unique slug for a new entry, so the chat flow needs no id from the user."""
    text = unicodedata.normalize("NFKC", question).casefold()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    skip = {
        "wie",
        "was",
        "wo",
        "wer",
        "wann",
        "warum",
        "ich",
        "man",
        "der",
        "die",
        "das",
        "ein",
        "eine",
        "kann",
        "ist",
        "sind",
        "gibt",
        "es",
        "mit",
        "fuer",
        "im",
        "in",
        "zu",
        "den",
        "dem",
        "mein",
        "meine",
        "und",
        "oder",
        "auf",
        "an",
        "bei",
        "einen",
        "wird",
        "werden",
    }
    words = [w for w in re.findall(r"[a-z0-9]+", text) if w not in skip] or re.findall(r"[a-z0-9]+", text)
    base = "-".join(words[:5])[:60].strip("-") or "eintrag"
    taken = set(taken)
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def render_entry(
    entry_id: str,
    question: str,
    answer: str,
    tags: Sequence[str] = (),
    alternatives: Sequence[str] = (),
    links: Sequence[Link] = (),
) -> str:
    meta: dict[str, Any] = {"id": entry_id, "question": question.strip()}
    if alternatives:
        meta["alternatives"] = [a.strip() for a in alternatives if a.strip()]
    meta["tags"] = [t.strip() for t in tags if t.strip()]
    if links:
        meta["links"] = [{"title": link.title, "url": link.url} for link in links]
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"{_FENCE}\n{front}{_FENCE}\n{answer.strip()}\n"


def write_entry(
    directory: str | os.PathLike[str],
    entry_id: str,
    question: str,
    answer: str,
    tags: Sequence[str] = (),
    alternatives: Sequence[str] = (),
    links: Sequence[Link] = (),
) -> Path:
    """Save a new entry as ``<id>.md``; refuses to overwrite so a chat user cannot clobber curated answers.

    Raises ValueError for unusable input and FileExistsError if the id is taken.
    """
    root = Path(directory)
    if not ID_PATTERN.match(entry_id):
        raise ValueError(f"invalid id {entry_id!r}: use lower-case letters, digits, '-', '_' or '.'")
    if not question.strip():
        raise ValueError("question must not be empty")
    if not answer.strip():
        raise ValueError("answer must not be empty")
    root.mkdir(parents=True, exist_ok=True)
    if entry_id in load_kb(root).ids:
        raise FileExistsError(f"an entry with id {entry_id!r} already exists")
    target = root / f"{entry_id}.md"
    text = render_entry(entry_id, question, answer, tags, alternatives, links)
    # Round-trip check: what we write must load back cleanly.
    parsed, problems = parse_entry(text, target)
    if parsed is None or problems:
        raise ValueError("; ".join(p.message for p in problems) or "entry could not be rendered")
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".tmp-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        # os.link fails if the target exists, which closes the race between check and write.
        os.link(tmp, target)
    except FileExistsError:
        raise FileExistsError(f"file {target} already exists") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def update_entry(
    path: str | os.PathLike[str],
    *,
    answer: str | None = None,
    question: str | None = None,
    add_alternatives: Sequence[str] = (),
) -> Entry:
    """Change an entry file in place, keeping everything not asked to change.

    Only the answer: the front matter is kept byte for byte (comments included). A new question or
    alternatives: the front matter is re-dumped, keeping every field but losing YAML comments.
    The result must load back without problems, else nothing is written (ValueError).
    """
    target = Path(path)
    text = target.read_text(encoding="utf-8").removeprefix("\ufeff")
    split = _split_front_matter(text)
    if split is None:
        raise ValueError(f"{target}: no front matter")
    yaml_text, body, _ = split
    if answer is not None and not answer.strip():
        raise ValueError("answer must not be empty")
    new_body = answer.strip() if answer is not None else body.strip()
    if question is not None or add_alternatives:
        try:
            meta = yaml.safe_load(yaml_text) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{target}: invalid YAML in front matter") from exc
        if not isinstance(meta, dict):
            raise ValueError(f"{target}: front matter is not a mapping")
        if question is not None:
            if not question.strip():
                raise ValueError("question must not be empty")
            old = str(meta.get("question", "")).strip()
            meta["question"] = question.strip()
            add_alternatives = (
                [old, *add_alternatives] if old and old != question.strip() else add_alternatives
            )
        if add_alternatives:
            existing = meta.get("alternatives") or []
            if not isinstance(existing, list):
                existing = [existing]
            known = {str(a).strip().casefold() for a in existing} | {str(meta["question"]).casefold()}
            for alt in add_alternatives:
                if alt.strip() and alt.strip().casefold() not in known:
                    existing.append(alt.strip())
                    known.add(alt.strip().casefold())
            meta["alternatives"] = existing
        yaml_text = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000).rstrip("\n")
    new_text = f"{_FENCE}\n{yaml_text}\n{_FENCE}\n{new_body}\n"
    entry, problems = parse_entry(new_text, target)
    if entry is None or problems:
        raise ValueError("; ".join(p.message for p in problems) or "entry could not be rendered")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(new_text)
        os.replace(tmp, target)  # atomic: the bot never reads a half-written entry
    finally:
        Path(tmp).unlink(missing_ok=True)
    return entry
