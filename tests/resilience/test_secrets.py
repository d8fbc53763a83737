"""Secrets stay secret: the access token and password are not in the database or the logs."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path

import pytest

from bot.logs import Redact, setup_logging
from tests.conftest import E2E_DB, BotRunner, team_room


def test_redact_filter_scrubs_tokens() -> None:
    record = logging.LogRecord(
        "x",
        logging.INFO,
        __file__,
        1,
        "GET /sync?access_token=syt_secret123&since=1 Bearer syt_other456 %s",
        ('{"password": "hunter2"}',),
        None,
    )
    Redact().filter(record)
    message = record.getMessage()
    assert "syt_secret123" not in message and "syt_other456" not in message and "hunter2" not in message
    assert "access_token=***" in message


@pytest.mark.e2e
async def test_token_not_in_database_or_logs(lotsen, bot: BotRunner, capsys) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    setup_logging("DEBUG")  # what `lotsenbot run` installs, at its most verbose
    try:
        await _run_once(lotsen, bot)
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    logged = capsys.readouterr().err
    session_file = bot.tmp_path / "botdata" / "session.json"
    token = json.loads(session_file.read_text())["access_token"]
    assert stat.S_IMODE(session_file.stat().st_mode) == 0o600
    assert "DEBUG" in logged
    assert token not in logged and "bot-password" not in logged
    if E2E_DB == "sqlite":
        raw = Path(bot.db_url.split("///", 1)[1]).read_bytes()
        assert token.encode() not in raw and b"bot-password" not in raw


async def _run_once(lotsen, bot: BotRunner) -> None:
    await bot.start()
    coord = await lotsen("koordination")
    room = await team_room(coord, bot)
    assert (await coord.ask(room, "!ping")).startswith("pong")
    await bot.stop()
