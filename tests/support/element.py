"""A Matrix user on Element's own crypto stack, for the e2e tests.

Element Web runs matrix-js-sdk with its Rust crypto (matrix-sdk-crypto-wasm). ``tests/element/driver.mjs``
is such a client under node; this class starts it and talks JSON lines with it. Because it is the real
thing, the shields, decryption failures and key-sharing rules the tests see are the ones a Lotse sees in
Element — including "exclude insecure devices" (``OnlySignedDevicesIsolationMode``).

Where node or the npm packages are missing, the tests using it fail with a message that says what to run
(``npm ci --prefix tests/element``); they are not skipped, so CI cannot pass without the Element proof.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import os
import shutil
from pathlib import Path
from typing import Any

HARNESS = Path(__file__).resolve().parents[1] / "element"
DRIVER = HARNESS / "driver.mjs"
REPLY_TIMEOUT = 60.0


class ElementHarnessMissing(RuntimeError):
    """node or the npm packages are not installed; the message says how to fix it."""


def node_binary() -> str:
    """The node to run the driver with, or a clear error (never a silent skip)."""
    node = os.environ.get("LOTSENBOT_NODE") or shutil.which("node")
    if not node:
        raise ElementHarnessMissing(
            "node (>= 20) is not installed, but the Element-stack e2e tests need it: "
            "install node and npm, then run `npm ci --prefix tests/element` (./dev test does that)"
        )
    if not (HARNESS / "node_modules" / "matrix-js-sdk").is_dir():
        raise ElementHarnessMissing(
            "the Element-stack test harness is not installed: run `npm ci --prefix tests/element`"
        )
    return node


class DriverError(RuntimeError):
    """The driver answered a command with an error (its message carries the JS stack)."""


class ElementUser:
    """One user with one device, running matrix-js-sdk + Rust crypto in a node process."""

    def __init__(self, name: str, log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"element-{name}.log"
        self.user_id = ""
        self.device_id = ""
        self._proc: asyncio.subprocess.Process | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        node = node_binary()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self._proc = await asyncio.create_subprocess_exec(
            node,
            str(DRIVER),
            cwd=str(HARNESS),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=log,
            limit=2**24,
        )
        log.close()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        while line := await self._proc.stdout.readline():
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            future = self._pending.pop(answer.get("id"), None)
            if future is None or future.done():
                continue
            if answer.get("ok"):
                future.set_result(answer.get("result"))
            else:
                future.set_exception(DriverError(f"{self.name}: {answer.get('error')}"))
        for future in self._pending.values():
            if not future.done():
                future.set_exception(DriverError(f"{self.name}: driver exited; see {self.log_path}"))
        self._pending.clear()

    async def call(self, cmd: str, timeout: float = REPLY_TIMEOUT, **args: Any) -> Any:
        assert self._proc is not None and self._proc.stdin is not None, "start() first"
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self._proc.stdin.write(json.dumps({"id": request_id, "cmd": cmd, **args}).encode() + b"\n")
        await self._proc.stdin.drain()
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            self._pending.pop(request_id, None)
            raise DriverError(f"{self.name}: no answer to {cmd} within {timeout} s") from None

    # ------------------------------------------------------------------------------- commands

    async def login(self, homeserver: str, user_id: str, password: str) -> None:
        who = await self.call("login", homeserver=homeserver, user_id=user_id, password=password)
        self.user_id, self.device_id = who["user_id"], who["device_id"]

    async def bootstrap_cross_signing(self) -> dict[str, Any]:
        result: dict[str, Any] = await self.call("bootstrap_cross_signing")
        return result

    async def exclude_insecure_devices(self) -> None:
        await self.call("set_isolation", mode="only_signed")

    async def create_room(self, invite: list[str], name: str = "Team") -> str:
        room_id: str = await self.call("create_room", invite=invite, name=name)
        return room_id

    async def wait_member(self, room_id: str, user_id: str, membership: str = "join") -> None:
        await self.call(
            "wait_member", room_id=room_id, user_id=user_id, membership=membership, timeout_ms=45_000
        )

    async def mark(self) -> int:
        """A position in this client's timeline; ``wait_event(after=...)`` only looks past it."""
        position: int = await self.call("mark")
        return position

    async def send_text(self, room_id: str, body: str) -> str:
        event_id: str = await self.call("send_text", room_id=room_id, body=body)
        return event_id

    async def send_poll_response(self, room_id: str, poll_event_id: str, answer_ids: list[str]) -> str:
        event_id: str = await self.call(
            "send_poll_response", room_id=room_id, poll_event_id=poll_event_id, answer_ids=answer_ids
        )
        return event_id

    async def wait_event(self, room_id: str, *, after: int = 0, **query: Any) -> dict[str, Any]:
        """The first event past ``after`` that matches ``query`` (sender, type, body_contains,
        body_startswith, msgtype, reply_to), decrypted if possible; a decryption failure from that sender
        also counts, so a broken setup shows as what it is instead of as a timeout."""
        event: dict[str, Any] = await self.call(
            "wait_event", room_id=room_id, after=after, timeout_ms=45_000, **query
        )
        return event

    async def events(self, room_id: str, after: int = 0) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await self.call("events", room_id=room_id, after=after)
        return found

    async def download(self, file: dict[str, Any]) -> bytes:
        """Download and decrypt an encrypted attachment (``content.file``) as Element does."""
        return base64.b64decode(await self.call("download_attachment", file=file))

    async def close(self) -> None:
        if self._proc is None:
            return
        if self._proc.returncode is None:
            with_timeout = asyncio.wait_for(self._proc.wait(), 5)
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.close()
                await with_timeout
            except (TimeoutError, BrokenPipeError, ConnectionResetError):
                self._proc.kill()
                await self._proc.wait()
        if self._reader is not None:
            await self._reader
        self._proc = None
