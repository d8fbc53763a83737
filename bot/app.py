"""Wiring: config → database (migrated) → Matrix client → scheduler → dispatcher → sync loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime

from bot.config import Config
from bot.dispatch import Dispatcher
from bot.framework import Registry, registry
from bot.logs import setup_logging
from bot.matrix import MatrixBot
from bot.metrics import MetricsServer
from bot.scheduler import Scheduler
from storage.db import Database
from storage.erasure import scrub

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class App:
    """One running bot. Tests and the demo start it in-process; ``lotsenbot run`` wraps it with signals."""

    def __init__(
        self, config: Config, *, reg: Registry | None = None, clock: Callable[[], datetime] = utc_now
    ) -> None:
        from commands import load_all

        load_all()
        self.config = config
        self.db = Database(config.database_url)
        self.matrix = MatrixBot(config, self.db)
        self.scheduler = Scheduler(self.db, clock, config.scheduler.misfire_grace)
        self.dispatcher = Dispatcher(
            config=config,
            registry=reg or registry,
            db=self.db,
            messenger=self.matrix,
            scheduler=self.scheduler,
            clock=clock,
        )
        self._task: asyncio.Task[None] | None = None
        self.metrics: MetricsServer | None = None

    async def start(self) -> None:
        self.config.bot.data_dir.mkdir(parents=True, exist_ok=True)
        await self.db.migrate()
        await scrub(self.db.engine)  # a crash between an erasing commit and its scrub: finish it now
        await self.matrix.login()
        await self.matrix.setup_crypto()
        await self.scheduler.start(self.dispatcher.run_job, ready=self.matrix.synced)
        await self.dispatcher.run_startup()
        self._task = asyncio.create_task(self.matrix.run(self.dispatcher), name="lotsenbot-sync")
        if self.config.bot.metrics_port:
            self.metrics = MetricsServer(self, self.config.bot.metrics_port)
            await self.metrics.start()
        log.info("Lotsenbot running as %s", self.config.matrix.user_id)

    async def wait_synced(self, seconds: float = 60) -> None:
        await asyncio.wait_for(self.matrix.synced.wait(), seconds)

    async def stop(self) -> None:
        if self.metrics is not None:
            await self.metrics.stop()
        self.matrix.stop()
        # finish the batch in hand (a long-poll in flight is simply cancelled) and running jobs
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.matrix.idle.wait(), 10)
        await self.scheduler.drain()
        self.scheduler.shutdown()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):  # the log has any error already
                await self._task
        await self.matrix.close()
        await self.db.close()

    async def run_forever(self) -> None:
        setup_logging(self.config.bot.log_level, json_logs=self.config.bot.log_json)
        await self.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        assert self._task is not None
        await asyncio.wait(
            [asyncio.create_task(stop.wait()), self._task], return_when=asyncio.FIRST_COMPLETED
        )
        log.info("shutting down")
        await self.stop()
