"""Logging setup: readable lines by default, one JSON object per line for log collectors.

Access tokens and passwords must never reach a log line; ``Redact`` scrubs anything that looks like a
bearer token or an ``access_token`` query parameter, whichever library logged it.
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

_SECRET = re.compile(r"(access_token=|Bearer\s+|\"(?:access_token|password)\":\s*\")[^\s&\"']+")


class Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = _SECRET.sub(r"\1***", message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str = "INFO", *, json_logs: bool = False, file: Path | None = None) -> None:
    """Log to stderr, or only to ``file`` (the demo: its console is for the conversation, not for
    library warnings); Python warnings go the same way."""
    handler: logging.Handler = (
        logging.StreamHandler() if file is None else logging.FileHandler(file, "a", "utf-8")
    )
    logging.captureWarnings(file is not None)
    handler.addFilter(Redact())
    if json_logs:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # nio and aiohttp are chatty at INFO about every request
    for noisy in (
        "nio",
        "aiohttp.access",
        "apscheduler.executors",
        "apscheduler.scheduler",
        "aiosqlite",
        "asyncio",
        "peewee",  # nio's crypto store: one line per query
        "markdown_it",
    ):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
