"""Shared fixtures: one real Synapse per test session, Lotse accounts, and a bot runner.

The database backend for the bot under test is SQLite unless ``LOTSENBOT_E2E_DB=postgres`` is set (CI runs
the e2e suite a second time that way, against the PostgreSQL that ``.ci/postgres.sh`` started).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from bot.app import App
from bot.config import Config
from bot.dev.localsynapse import LocalSynapse
from tests.support.lotse import PASSWORD, Lotse
from tests.support.schedule import expected_seconds, longest_first
from tests.support.template_db import copy_migrated_sqlite, create_postgres_database

# Locally every run explores new random examples (and replays failures from .hypothesis/). CI runs a fixed
# seed per test (HYPOTHESIS_PROFILE=ci, set by .ci/run): a gate must not fail on a counterexample that a
# change did not cause, nor on a shared machine being slow for a moment (no deadline). Search wider with
# `./dev fuzz`.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, database=None, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

PG_URL = os.environ.get("LOTSENBOT_TEST_PG_URL")
E2E_DB = os.environ.get("LOTSENBOT_E2E_DB", "sqlite")


def pytest_report_header(config: pytest.Config) -> list[str]:
    pg = "PostgreSQL tests: " + (
        f"on ({PG_URL.split('@')[-1]})" if PG_URL else "SKIPPED (set LOTSENBOT_TEST_PG_URL)"
    )
    return [pg, f"e2e bot database: {E2E_DB}"]


@pytest.fixture(scope="session")
async def synapse(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalSynapse]:
    async with LocalSynapse(tmp_path_factory.mktemp("synapse")) as hs:
        yield hs


async def new_database_url(tmp_path: Path, backend: str, *, migrated: bool = False) -> str:
    """A fresh, empty database: an SQLite file, or a new PostgreSQL database on the CI server.

    ``migrated``: already at the newest revision, copied from a template this process migrated once
    (tests/support/template_db.py), so the bot's start-up migration finds nothing to do. For the tests whose
    subject is not the migration: on PostgreSQL, migrating costs each such test 2-4 s of waiting.
    """
    if backend == "sqlite":
        path = tmp_path / f"bot-{secrets.token_hex(3)}.db"
        if migrated:
            await copy_migrated_sqlite(path)
        return f"sqlite+aiosqlite:///{path}"
    if not PG_URL:
        pytest.skip("PostgreSQL not available: set LOTSENBOT_TEST_PG_URL (see .ci/postgres.sh)")
    return await create_postgres_database(PG_URL, f"lb_{secrets.token_hex(6)}", migrated=migrated)


@pytest.fixture
async def lotsen(synapse: LocalSynapse, tmp_path: Path) -> AsyncIterator[Callable[[str], Awaitable[Lotse]]]:
    """Factory for logged-in, syncing test users with unique names."""
    made: list[Lotse] = []

    async def make(role: str) -> Lotse:
        localpart = f"{role}-{secrets.token_hex(3)}"
        user_id = await synapse.register_user(localpart, PASSWORD)
        lotse = Lotse(synapse.url, user_id, tmp_path / "clients" / localpart)
        await lotse.login()
        await lotse.start()
        made.append(lotse)
        return lotse

    yield make
    for lotse in made:
        await lotse.close()


class BotRunner:
    """Starts the real bot in this event loop against the session's Synapse; restartable."""

    def __init__(self, synapse: LocalSynapse, tmp_path: Path) -> None:
        self.synapse = synapse
        self.tmp_path = tmp_path
        self.app: App | None = None
        self.user_id = ""
        self.overrides: dict[str, Any] = {}
        self.db_url = ""

    async def start(self, **overrides: Any) -> App:
        if not self.user_id:
            localpart = f"lotsenbot-{secrets.token_hex(3)}"
            self.user_id = await self.synapse.register_user(localpart, "bot-password")
            (self.tmp_path / "bot-password").write_text("bot-password")
            self.db_url = await new_database_url(self.tmp_path, E2E_DB, migrated=True)
        self.overrides = overrides or self.overrides
        self.app = App(self.config())
        await self.app.start()
        await self.app.wait_synced()
        return self.app

    def config(self) -> Config:
        raw: dict[str, Any] = {
            "matrix": {
                "homeserver": self.synapse.url,
                "user_id": self.user_id,
                "password_file": str(self.tmp_path / "bot-password"),
                "password_env": None,
                "access_token_env": None,
            },
            "bot": {"data_dir": str(self.tmp_path / "botdata"), "database_url": self.db_url},
        }
        for section, values in self.overrides.items():
            raw.setdefault(section, {})
            if isinstance(values, dict):
                raw[section].update(values)
            else:
                raw[section] = values
        return Config.model_validate(raw)

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
            self.app = None

    async def restart(self) -> App:
        await self.stop()
        return await self.start()


@pytest.fixture
async def bot(synapse: LocalSynapse, tmp_path: Path) -> AsyncIterator[BotRunner]:
    runner = BotRunner(synapse, tmp_path)
    yield runner
    await runner.stop()


async def team_room(coordinator: Lotse, bot: BotRunner, *members: Lotse, encrypted: bool = True) -> str:
    """The usual setup: a coordinator's (encrypted) room with the bot and some Lotsen, everyone joined."""
    room_id = await coordinator.create_room(
        invite=[bot.user_id, *(m.user_id for m in members)], encrypted=encrypted
    )
    await coordinator.wait_member(room_id, bot.user_id)
    for member in members:
        await member.wait_member(room_id, member.user_id)
        await member.wait_member(room_id, bot.user_id)
        await coordinator.wait_member(room_id, member.user_id)
    return room_id


# ./dev test's PostgreSQL rerun collects only these folders (importing the unit tests too cost every process
# of that run ~5 s of CPU); an end-to-end test anywhere else would silently miss that run.
E2E_DIRS = ("tests/e2e/", "tests/resilience/")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the long tests start first, spread over the workers (tests/support/schedule.py)."""
    stray = [it.nodeid for it in items if it.get_closest_marker("e2e") and not it.nodeid.startswith(E2E_DIRS)]
    if stray:
        raise pytest.UsageError(f"end-to-end tests belong in {' or '.join(E2E_DIRS)}: {stray}")
    workers = int(getattr(config, "workerinput", {}).get("workercount", 0))
    if workers < 2 or config.getoption("dist") != "worksteal":
        return
    seconds = {
        item.nodeid: expected_seconds(item.nodeid, item.get_closest_marker("e2e") is not None)
        for item in items
    }
    items[:] = longest_first(items, workers, lambda item: seconds[item.nodeid])
