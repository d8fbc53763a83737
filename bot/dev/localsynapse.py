"""Run a throwaway Synapse on 127.0.0.1 for the test suite, the demo and the benchmarks.

Synapse runs as a child process rather than inside our event loop: it is built on Twisted, the bot on
asyncio, and a separate process lets a test stop and restart the homeserver (to exercise the bot's
reconnect logic) without touching the bot's own loop.

Only the Python standard library, PyYAML and aiohttp are used here, so importing this module never
requires Synapse; only `LocalSynapse.start()` does, and it runs Synapse with the current interpreter.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import hashlib
import hmac
import os
import secrets
import signal
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiohttp
import yaml

from bot.dev.synapse_config import (
    DEFAULT_RATE_LIMITS,
    LOG_CONFIG_NAME,
    LOOPBACK,
    SIGNING_KEY_NAME,
    effective_rate_limits,
    homeserver_config,
    log_config,
    postgres_database,
    write_signing_key,
)

__all__ = ["DEFAULT_RATE_LIMITS", "LocalSynapse", "LocalSynapseError"]

CONFIG_NAME = "homeserver.yaml"
SYNAPSE_LOG_NAME = "homeserver.log"
STDIO_LOG_NAME = "synapse-stdio.log"
PID_NAME = "localsynapse.pid"


class LocalSynapseError(RuntimeError):
    """Synapse could not be started or answered an admin request unexpectedly."""


def _port_is_free(port: int) -> bool:
    """Check whether we could listen on 127.0.0.1:`port` (SO_REUSEADDR as Twisted uses it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    """Ask the kernel for an unused loopback port (racy in theory, fine for a local test server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
    return port


def _pid_alive(pid: int) -> bool:
    """Tell whether a process with `pid` exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _make_die_with_parent() -> Callable[[], None] | None:
    """Return a pre-exec hook that makes the child get SIGTERM when we die (Linux only).

    Without it, a test run killed by a CI timeout or a crash would leave Synapse running and holding
    its port. The libc function is looked up here, in the parent, so the hook in the forked child does
    nothing but one system call. Linux sends the signal when the *thread* that started the child
    exits, so start Synapse from a thread that lives as long as Synapse should (the event loop's).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1

    def hook() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGTERM))

    return hook


_die_with_parent = _make_die_with_parent()


class LocalSynapse:
    """A Synapse homeserver in `data_dir`, listening on 127.0.0.1 only, for tests and the demo.

    Use it as `async with LocalSynapse(tmp_path) as hs:` or call `start()`/`stop()` yourself. The data
    dir keeps its config, signing key and SQLite database between runs, so the demo can be restarted
    without re-creating users and rooms.

    With `postgres` (a URL of any database on a PostgreSQL server whose user may create databases, e.g.
    `LOTSENBOT_TEST_PG_URL`) a new data dir gets a fresh database of its own on that server instead of
    SQLite — as production Synapse runs; `drop_database()` removes it after `stop()`.
    """

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        server_name: str = "localhost",
        rate_limits: dict[str, Any] | None = None,
        postgres: str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self._postgres = postgres
        self._database_url: str | None = None  # the PostgreSQL database made for this data dir
        self.server_name = server_name
        self._requested_port = port
        self._rate_limits = rate_limits
        self._port: int | None = port
        self._process: asyncio.subprocess.Process | None = None
        self._registration_secret: str | None = None

    # ------------------------------------------------------------------ properties

    @property
    def port(self) -> int:
        """The port Synapse listens on; known once `start()` has chosen it."""
        if self._port is None:
            raise LocalSynapseError("LocalSynapse has not been started yet")
        return self._port

    @property
    def url(self) -> str:
        """The client-server API base URL, e.g. `http://127.0.0.1:8448`."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def config_path(self) -> Path:
        """The homeserver.yaml this instance generated or reused."""
        return self.data_dir / CONFIG_NAME

    @property
    def log_path(self) -> Path:
        """Synapse's own log (WARNING and above)."""
        return self.data_dir / SYNAPSE_LOG_NAME

    @property
    def stdio_log_path(self) -> Path:
        """Where Synapse's stdout/stderr go; start-up crashes (e.g. bad config) end up here."""
        return self.data_dir / STDIO_LOG_NAME

    @property
    def running(self) -> bool:
        """Whether the Synapse child process is alive."""
        return self._process is not None and self._process.returncode is None

    @property
    def database_url(self) -> str | None:
        """The PostgreSQL database `start()` created for this data dir; None on SQLite."""
        return self._database_url

    @property
    def pid(self) -> int | None:
        """The Synapse process's id while it runs (the benchmarks read its CPU time from /proc)."""
        return self._process.pid if self.running and self._process is not None else None

    def user_id(self, localpart: str) -> str:
        """Return the full Matrix ID of `localpart` on this server."""
        return f"@{localpart}:{self.server_name}"

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self, startup_timeout: float = 60.0) -> None:
        """Write or reuse the config, launch Synapse and wait until `/health` answers 200."""
        if self.running:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._refuse_if_stale_instance_runs()
        if self._postgres and not self.config_path.exists():
            self._database_url = await _create_postgres_database(self._postgres)
        self._prepare_config()
        await self._spawn()
        try:
            await self._wait_healthy(startup_timeout)
        except BaseException:
            await self.stop()
            raise

    async def stop(self, grace_period: float = 10.0) -> None:
        """SIGTERM Synapse, give it `grace_period` seconds to shut down cleanly, then SIGKILL."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), grace_period)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
            except BaseException:
                # Cancelled mid-shutdown (e.g. Ctrl-C in teardown): never leave Synapse behind.
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                raise
        self._process = None
        (self.data_dir / PID_NAME).unlink(missing_ok=True)

    async def restart(self, startup_timeout: float = 60.0) -> None:
        """Stop and start again on the same port, so clients holding `url` can reconnect."""
        port = self._port
        await self.stop()
        self._requested_port = port
        await self.start(startup_timeout)

    async def drop_database(self) -> None:
        """Drop the PostgreSQL database `start()` created for this data dir (call after `stop()`)."""
        if self._database_url is None:
            return
        import asyncpg  # only PostgreSQL runs need it

        name = _plain_postgres_url(self._database_url).rpartition("/")[2]
        conn = await asyncpg.connect(_plain_postgres_url(self._postgres or ""))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await conn.close()
        self._database_url = None

    # ------------------------------------------------------------------ admin API

    async def register_user(self, localpart: str, password: str, admin: bool = False) -> str:
        """Create `localpart` via the shared-secret admin API and return its user ID.

        Registration is closed (`enable_registration: false`), so this is the only way in. An existing
        user is not an error: the demo reuses its data dir and registers the same users on every run.
        """
        if self._registration_secret is None:
            raise LocalSynapseError("LocalSynapse has not been started yet")
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        async with aiohttp.ClientSession() as session:
            async with session.get(endpoint) as response:
                if response.status != 200:
                    raise LocalSynapseError(f"GET {endpoint}: {response.status} {await response.text()}")
                nonce: str = (await response.json())["nonce"]
            mac = hmac.new(self._registration_secret.encode("utf-8"), digestmod=hashlib.sha1)
            for part in (nonce, localpart, password):
                mac.update(part.encode("utf-8"))
                mac.update(b"\x00")
            mac.update(b"admin" if admin else b"notadmin")
            body = {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
            }
            async with session.post(endpoint, json=body) as response:
                payload: dict[str, Any] = await response.json(content_type=None)
                if response.status == 200:
                    return str(payload["user_id"])
                if payload.get("errcode") == "M_USER_IN_USE":
                    return self.user_id(localpart)
                raise LocalSynapseError(f"POST {endpoint}: {response.status} {payload}")

    # ------------------------------------------------------------------ internals

    def _refuse_if_stale_instance_runs(self) -> None:
        """Fail clearly if an earlier, killed run left its Synapse running on this data dir.

        Two Synapses on one SQLite file corrupt each other's caches; we do not kill a process we did not
        start in this run, we tell the user which one it is.
        """
        pid_file = self.data_dir / PID_NAME
        try:
            pid = int(pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return
        cmdline = Path(f"/proc/{pid}/cmdline")
        try:
            is_synapse = b"synapse.app.homeserver" in cmdline.read_bytes()
        except OSError:
            is_synapse = _pid_alive(pid)
        if is_synapse and _pid_alive(pid):
            raise LocalSynapseError(
                f"a Synapse (pid {pid}) from an earlier run still uses {self.data_dir}; stop it first"
            )
        pid_file.unlink(missing_ok=True)

    def _choose_port(self, configured: int | None) -> int:
        """Prefer the explicit port, then the data dir's previous port if it is free, then any free one."""
        if self._requested_port is not None:
            return self._requested_port
        if configured is not None and _port_is_free(configured):
            return configured
        return _free_port()

    def _prepare_config(self) -> None:
        """Create homeserver.yaml (and key, log config) on first use; on reuse only patch what changed."""
        if not (self.data_dir / SIGNING_KEY_NAME).exists():
            write_signing_key(self.data_dir / SIGNING_KEY_NAME)
        log_config_path = self.data_dir / LOG_CONFIG_NAME
        if not log_config_path.exists():
            log_config_path.write_text(yaml.safe_dump(log_config(SYNAPSE_LOG_NAME), sort_keys=False))

        if self.config_path.exists():
            config: dict[str, Any] = yaml.safe_load(self.config_path.read_text()) or {}
            original = yaml.safe_dump(config, sort_keys=False)
            if config.get("server_name", self.server_name) != self.server_name:
                raise LocalSynapseError(
                    f"{self.config_path} is for server_name {config.get('server_name')!r}, "
                    f"not {self.server_name!r}; a server name cannot change once users exist"
                )
            listener = config["listeners"][0]
            self._port = self._choose_port(listener.get("port"))
            listener["port"] = self._port
            config["public_baseurl"] = self.url + "/"
            # Rate limits belong to the caller, not the data dir: a test's tight rc_message must not
            # leak into the next run that reuses the directory.
            config = {key: value for key, value in config.items() if not key.startswith("rc_")}
            config.update(self._effective_rate_limits())
            if yaml.safe_dump(config, sort_keys=False) != original:
                self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        else:
            self._port = self._choose_port(None)
            config = self._new_config()
            self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
            self.config_path.chmod(0o600)
        self._registration_secret = str(config["registration_shared_secret"])

    def _new_config(self) -> dict[str, Any]:
        """Build the homeserver.yaml contents (bot/dev/synapse_config.py)."""
        return homeserver_config(
            self.server_name, self.url, self.port, self._rate_limits, database_url=self._database_url
        )

    def _effective_rate_limits(self) -> dict[str, Any]:
        """Return the relaxed defaults with the caller's `rate_limits` deep-merged over them."""
        return effective_rate_limits(self._rate_limits)

    async def _spawn(self) -> None:
        """Start Synapse with this interpreter, logging stdout/stderr to a file in data_dir."""
        with self.stdio_log_path.open("ab") as stdio:
            stdio.write(f"\n==== LocalSynapse start {time.strftime('%Y-%m-%d %H:%M:%S')} ====\n".encode())
            stdio.flush()
            self._process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "synapse.app.homeserver",
                "-c",
                CONFIG_NAME,
                cwd=self.data_dir,
                stdin=asyncio.subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
                stdout=stdio,
                stderr=asyncio.subprocess.STDOUT,
            )
        (self.data_dir / PID_NAME).write_text(f"{self._process.pid}\n")

    async def _wait_healthy(self, startup_timeout: float) -> None:
        """Poll `/health` until it returns 200; fail early with the logs if Synapse exits."""
        assert self._process is not None
        deadline = time.monotonic() + startup_timeout
        health = f"{self.url}/health"
        client_timeout = aiohttp.ClientTimeout(total=2)
        async with aiohttp.ClientSession(timeout=client_timeout) as session:
            while True:
                if self._process.returncode is not None:
                    raise LocalSynapseError(
                        f"Synapse exited with code {self._process.returncode} during start-up\n"
                        + self._log_tail()
                    )
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.get(health) as response:
                        if response.status == 200:
                            return
                if time.monotonic() > deadline:
                    raise LocalSynapseError(
                        f"Synapse did not answer {health} within {startup_timeout:.0f} s\n" + self._log_tail()
                    )
                await asyncio.sleep(0.05)

    def _log_tail(self, lines: int = 40) -> str:
        """Return the last lines of both logs for an exception message."""
        parts: list[str] = []
        for path in (self.stdio_log_path, self.log_path):
            try:
                text = path.read_text(errors="replace").splitlines()[-lines:]
            except FileNotFoundError:
                continue
            parts.append(f"--- {path} (last {len(text)} lines) ---\n" + "\n".join(text))
        return "\n".join(parts) or "(no Synapse log written)"


def _plain_postgres_url(url: str) -> str:
    """`postgresql://…` for asyncpg, also from SQLAlchemy's `postgresql+asyncpg://…`."""
    return "postgresql://" + url.split("://", 1)[1]


async def _create_postgres_database(server_url: str) -> str:
    """Create an empty database for Synapse on the server of `server_url`; return its URL.

    Synapse refuses a database whose collation is not C (its text ordering would differ from SQLite's
    and from other servers'), so it is created from template0 with C collation and UTF-8.
    """
    import asyncpg  # only PostgreSQL runs need it

    postgres_database(server_url)  # fails early on a malformed URL
    plain = _plain_postgres_url(server_url)
    name = f"synapse_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(plain)
    try:
        await conn.execute(
            f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
        )
    finally:
        await conn.close()
    return f"{plain.rpartition('/')[0]}/{name}"
