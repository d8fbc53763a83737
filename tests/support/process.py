"""The bot as a separate process, for tests that kill it with SIGKILL mid-work."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from bot.dev.localsynapse import LocalSynapse

ROOT = Path(__file__).resolve().parents[2]
# A bot start under CI load (3 workers, their Synapses, 2 cores) took up to ~35 s; with other sessions' tests
# beside it (load average 12-17) starts of 58-79 s were measured (test_kill9_retro, 2026-12-08).
START_SECONDS = 120
T = TypeVar("T")


def write_config(
    path: Path,
    *,
    homeserver: str,
    user_id: str,
    password_file: Path,
    data_dir: Path,
    database_url: str | None = None,
    log_level: str = "INFO",
    coordinators: Sequence[str] = (),
) -> Path:
    """A minimal config.toml for a bot subprocess (the subprocess cannot take a ``Config`` object)."""
    db = f'database_url = "{database_url}"\n' if database_url else ""
    coord = "".join(f'"{c}", ' for c in coordinators)
    path.write_text(
        f'[matrix]\nhomeserver = "{homeserver}"\nuser_id = "{user_id}"\npassword_file = "{password_file}"\n'
        f'[bot]\ndata_dir = "{data_dir}"\n{db}log_level = "{log_level}"\n'
        f"[coordinators]\nusers = [{coord}]\n"
    )
    return path


def bot_password(localpart: str = "lotsenbot") -> str:
    """The password :func:`bot_account` registers, for callers that create the account earlier."""
    return f"{localpart}-password"


async def bot_account(
    hs: LocalSynapse,
    work: Path,
    *,
    database_url: str | None,
    coordinators: Sequence[str] = (),
    localpart: str = "lotsenbot",
    log_level: str = "INFO",
) -> tuple[str, Path]:
    """Register the bot's account on ``hs`` and write its password file and config into ``work``."""
    password = bot_password(localpart)
    bot_id = await hs.register_user(localpart, password)
    (work / "pw").write_text(password)
    config = write_config(
        work / "config.toml",
        homeserver=hs.url,
        user_id=bot_id,
        password_file=work / "pw",
        data_dir=work / "bot",
        database_url=database_url,
        log_level=log_level,
        coordinators=coordinators,
    )
    return bot_id, config


class BotProcess:
    def __init__(self, config_path: Path, log_path: Path) -> None:
        self.config_path = config_path
        self.log_path = log_path
        self.proc: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "-c",
            str(self.config_path),
            cwd=ROOT,
            stdout=log,
            stderr=log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        log.close()
        self.starts += 1

    async def kill9(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
            await self.proc.wait()
        self.proc = None

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 15)
            except TimeoutError:
                await self.kill9()
        self.proc = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    def rss_mb(self, field: str = "VmRSS") -> float:
        """Resident memory of the running bot in MB (Linux ``/proc``); ``VmHWM`` is its peak so far."""
        if self.proc is None:
            return float("nan")
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_seconds(self) -> float:
        """User + system CPU time the running bot has used so far (Linux ``/proc``), for the benchmarks."""
        if self.proc is None:
            return float("nan")
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Killer:
    """Kills the bot with SIGKILL at seeded random moments and starts it again at once.

    Two kinds of kill: ``start-up`` lands after the migrations (a kill inside a migration is the subject of
    ``test_kill9_migration.py``), while the bot logs in, makes its first sync, joins and greets;
    ``mid-work`` lands soon after the current process has visibly done something, i.e. when ``progress()``
    (e.g. the number of bot messages the test clients have seen) has grown since it was started.

    It also notes how long each start took (the first one, and from each kill until the new process logs
    that it runs), so that a test can give the bot time limits counted in the bot's own running time
    (:meth:`within_uptime`).
    """

    def __init__(self, bot: BotProcess, rng: random.Random, progress: Callable[[], int]) -> None:
        self.bot = bot
        self.rng = rng
        self.progress = progress
        self.kills: list[str] = []
        self._log_offset = 0
        self._progress_at_start = 0
        self._down: list[tuple[float, float]] = []  # (down since, running again at), monotonic
        self._watching: set[asyncio.Task[None]] = set()

    async def start(self, down_since: float | None = None) -> None:
        """Start the bot; until it logs that it runs it counts as down (since ``down_since``, its kill)."""
        self._log_offset = len(self.bot.log_text())
        self._progress_at_start = self.progress()
        down_since = time.monotonic() if down_since is None else down_since
        await self.bot.start()
        watch = asyncio.create_task(self._note_running(down_since, self._log_offset))
        self._watching.add(watch)
        watch.add_done_callback(self._watching.discard)

    async def _until(self, cond: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                return True
            await asyncio.sleep(0.02)
        return False

    async def _kill(self, kind: str) -> None:
        self.kills.append(kind)
        killed_at = time.monotonic()
        await self.bot.kill9()
        await self.start(down_since=killed_at)

    async def _note_running(self, since: float, offset: int) -> None:
        self._down.append((since, float("inf")))  # down until the new process runs
        index = len(self._down) - 1
        if await self._until(lambda: "Lotsenbot running" in self.bot.log_text()[offset:], timeout=600):
            self._down[index] = (since, time.monotonic())

    @property
    def start_seconds(self) -> list[float]:
        """Per start (the first, then one per kill): seconds until the process ran (inf: not yet)."""
        return [round(up - down, 1) for down, up in self._down]

    def downtime(self, since: float, until: float) -> float:
        """Seconds of ``[since, until]`` (monotonic) in which the bot was starting or killed and not yet
        running again."""
        return sum(max(0.0, min(up, until) - max(down, since)) for down, up in self._down)

    async def within_uptime(self, waiting: Callable[[float], Awaitable[T]], seconds: float) -> T:
        """Run ``waiting(timeout)`` (a test client's wait, raising on its timeout) until it succeeds within
        ``seconds`` of the bot's running time: its starts (and the restarts this killer forces) do not count.

        Under load a restart took 40-45 s on this machine (kill -9 to "Lotsenbot running"), and a mid-work
        kill lands right after the first answer of each new process, so a person whose message came in
        before two such kills waited more than 90 s of wall time although the bot was up for only ~10 s of
        it. The time limit is about the bot, not about how fast this machine starts a Python process.
        """
        started = time.monotonic()
        deadline = started + seconds
        while True:
            try:
                return await waiting(max(deadline - time.monotonic(), 1.0))
            except AssertionError as exc:  # the test clients' timeout
                if not str(exc).startswith("timed out"):
                    raise
                now = time.monotonic()
                deadline = started + seconds + self.downtime(started, now)
                if deadline <= now:
                    raise

    async def _wait_running(self) -> None:
        """Until the current process logs that it runs: only then can it do work worth a mid-work kill."""
        running = await self._until(
            lambda: "Lotsenbot running" in self.bot.log_text()[self._log_offset :], timeout=START_SECONDS
        )
        assert running, "the bot did not start"

    async def kill_during_start(self) -> None:
        await self._wait_running()
        await asyncio.sleep(self.rng.uniform(0.0, 0.5))
        await self._kill("start-up")

    async def run(self, kinds: Sequence[str], done: asyncio.Event, max_delay: float = 0.3) -> None:
        """Kill once per entry of ``kinds``; stops early once ``done`` is set (nothing left to hit).

        A mid-work kill waits up to 60 s of the new process's running time for its progress (not counting
        the start: under load one took 58 s, and the killer then gave up with kills left to do).
        """
        for kind in kinds:
            if done.is_set():
                return
            if kind == "start-up":
                await self.kill_during_start()
                continue
            await self._wait_running()
            if not await self._until(lambda: self.progress() > self._progress_at_start or done.is_set(), 60):
                return
            await asyncio.sleep(self.rng.uniform(0.0, max_delay))
            if done.is_set():
                return
            await self._kill(kind)
