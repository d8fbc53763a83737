"""Operations: ``lotsenbot status``, ``export`` and ``import``.

Export/import work on the schema itself (every table the features registered), so a new feature is
covered without touching this file. The dump is plain JSON: one list of rows per table, timestamps ISO-8601.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import DateTime, LargeBinary, func, insert, select, text

import storage.all_models  # noqa: F401  (every table)
from bot.config import Config
from storage.db import Database
from storage.models import Base, BotRoom, KeyValue, ProcessedEvent, ScheduledJob, UTCDateTime

log = logging.getLogger(__name__)

FORMAT = "lotsenbot-export/1"


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    return value


async def export_data(db: Database) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    async with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            rows = (await session.execute(select(table))).mappings().all()
            tables[table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    return {"format": FORMAT, "exported_at": datetime.now(UTC).isoformat(), "tables": tables}


async def import_data(db: Database, dump: dict[str, Any]) -> dict[str, int]:
    """Load a dump into a freshly migrated, empty database (refuses to merge into existing data)."""
    if dump.get("format") != FORMAT:
        raise ValueError(f"not a Lotsenbot export (format {dump.get('format')!r}, expected {FORMAT!r})")
    counts: dict[str, int] = {}
    async with db.transaction() as session:
        for table in Base.metadata.sorted_tables:
            existing = await session.scalar(select(func.count()).select_from(table))
            if existing:
                raise ValueError(f"table {table.name} is not empty; import only into a new database")
        for table in Base.metadata.sorted_tables:  # parents before children
            rows = dump["tables"].get(table.name, [])
            decoded = []
            for row in rows:
                values = {}
                for column in table.columns:
                    if column.name not in row:
                        continue
                    value = row[column.name]
                    if value is not None and isinstance(column.type, DateTime | UTCDateTime):
                        value = datetime.fromisoformat(value)
                    elif isinstance(value, dict) and "$b64" in value and isinstance(column.type, LargeBinary):
                        value = base64.b64decode(value["$b64"])
                    values[column.name] = value
                decoded.append(values)
            if decoded:
                await session.execute(insert(table), decoded)
            counts[table.name] = len(decoded)
        if db.engine.dialect.name == "postgresql":  # keep serial columns ahead of imported ids
            for table in Base.metadata.sorted_tables:
                for column in table.primary_key.columns:
                    if column.autoincrement is True or (
                        column.autoincrement == "auto" and column.type.python_type is int
                    ):
                        await session.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                                f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                            )
                        )
    return counts


async def status(config: Config) -> tuple[bool, list[str]]:
    """A human-readable health report; ok is False if the bot could not work right now."""
    db_ok, lines = await _database_lines(config)
    hs_ok, hs_lines = await _homeserver_lines(config)
    lines += hs_lines
    lines.append(_session_line(config))
    return db_ok and hs_ok, lines


async def _database_lines(config: Config) -> tuple[bool, list[str]]:
    """Schema, rooms, events and scheduled jobs, key backup and leadership, as the database has them."""
    lines: list[str] = []
    ok = True
    db = Database(config.database_url)
    try:
        async with db.transaction() as session:
            now = datetime.now(UTC)
            pending = await session.scalar(
                select(func.count()).select_from(ScheduledJob).where(ScheduledJob.status == "pending")
            )
            next_due = await session.scalar(
                select(func.min(ScheduledJob.due_at)).where(ScheduledJob.status == "pending")
            )
            overdue = await session.scalar(
                select(func.count())
                .select_from(ScheduledJob)
                .where(ScheduledJob.status == "pending", ScheduledJob.due_at < now)
            )
            failed = await session.scalar(
                select(func.count())
                .select_from(ScheduledJob)
                .where(ScheduledJob.status == "failed", ScheduledJob.finished_at > now - timedelta(days=7))
            )
            handled = await session.scalar(select(func.count()).select_from(ProcessedEvent))
            last = await session.scalar(select(func.max(ProcessedEvent.handled_at)))
            rooms = await session.scalar(select(func.count()).select_from(BotRoom).where(BotRoom.joined))
            revisions = (
                (await session.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
            )
            backup_row = await session.get(KeyValue, "key_backup")
        lines.append(f"database: ok ({db.engine.dialect.name}), schema {', '.join(sorted(revisions))}")
        lines.append(f"rooms joined: {rooms}")
        lines.append(f"events handled: {handled}" + (f", last at {last.isoformat()}" if last else ""))
        lines.append(
            f"scheduled jobs pending: {pending}"
            + (f", next due {next_due.isoformat()}" if next_due else "")
            + (f", OVERDUE: {overdue}" if overdue else "")
        )
        if failed:
            lines.append(
                f"scheduled jobs given up after a day of failures (last 7 days): {failed} — see the log"
            )
        lines.append(_backup_line(json.loads(backup_row.value) if backup_row else None))
        from bot.leader import describe

        lines.append(await describe(config.database_url, config.matrix.user_id))
    except Exception as exc:  # report, don't crash: this is the command people run when things are wrong
        ok = False
        lines.append(f"database: ERROR {exc.__class__.__name__}: {exc}")
    finally:
        await db.close()
    return ok, lines


async def _homeserver_lines(config: Config) -> tuple[bool, list[str]]:
    """Whether the homeserver answers, and then what it says about the bot's identity."""
    lines: list[str] = []
    ok = True
    url = config.matrix.homeserver + "/_matrix/client/versions"
    reachable = False
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(url, timeout=aiohttp.ClientTimeout(total=10)) as r,
        ):
            lines.append(
                f"homeserver: {'ok' if r.status == 200 else f'HTTP {r.status}'} ({config.matrix.homeserver})"
            )
            ok = ok and r.status == 200
            reachable = r.status == 200
    except (aiohttp.ClientError, TimeoutError) as exc:
        ok = False
        lines.append(f"homeserver: UNREACHABLE ({exc.__class__.__name__})")
    if reachable:  # ask the homeserver about the bot's identity
        from bot.crypto.cli import status_lines

        crypto_ok, crypto_lines = await status_lines(config)
        ok = ok and crypto_ok
        lines += crypto_lines
    return ok, lines


def _session_line(config: Config) -> str:
    session_file = config.bot.data_dir / "session.json"
    if session_file.exists():
        device = json.loads(session_file.read_text(encoding="utf-8")).get("device_id")
        return f"session: device {device} (from {session_file})"
    return "session: none stored yet (first start will log in)"


def _backup_line(state: dict[str, Any] | None) -> str:
    """What the bot recorded about the server-side key backup at its last start."""
    if state is None:
        return "key backup: not set up yet (the bot sets it up when it starts)"
    version = state.get("version")
    if state.get("state") == "active":
        where = state.get("key_source") or "?"
        return f"key backup: active (version {version}, key in {where}); room keys are backed up"
    if state.get("state") == "key_missing":
        return (
            f"key backup: KEY MISSING — the account has backup version {version}, but the bot lacks its key, "
            "so room keys are not backed up (restore the key or delete that backup version; see README)"
        )
    return "key backup: NOT WORKING at the last start — see the log"


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
