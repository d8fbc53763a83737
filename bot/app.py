"""Wiring: config → database (migrated) → Matrix client → scheduler → dispatcher → sync loop."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime

from bot.config import Config
from bot.dispatch import Dispatcher
from bot.fanout import FanoutWorker
from bot.framework import Registry, registry
from bot.leader import Leadership
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
        prepared = (reg or registry).prepared_jobs
        self.scheduler = Scheduler(self.db, clock, config.scheduler.misfire_grace, prepared=prepared)
        self.dispatcher = Dispatcher(
            config=config,
            registry=reg or registry,
            db=self.db,
            messenger=self.matrix,
            scheduler=self.scheduler,
            clock=clock,
        )
        self.fanout = FanoutWorker(self.db, self.matrix, clock)  # queued DMs (bot/fanout.py)
        self._task: asyncio.Task[None] | None = None
        self._freeze: asyncio.Task[None] | None = None
        self.metrics: MetricsServer | None = None
        self.leader = Leadership(config.database_url, config.matrix.user_id)
        self.stopping = asyncio.Event()  # set by SIGTERM/SIGINT; ends a standby's wait

    @property
    def active(self) -> bool:
        return self.leader.active

    async def start(self) -> bool:
        """Start acting once this process holds the database lock (``bot/leader.py``).

        On SQLite a second process is refused (:class:`bot.leader.AnotherInstance`). On PostgreSQL it waits
        here as a warm standby (``_standby``) and returns False if told to stop before it got the lock.
        """
        self.config.bot.data_dir.mkdir(parents=True, exist_ok=True)
        if not await self.leader.try_acquire() and not await self._standby():
            return False
        await self.db.migrate()
        await scrub(self.db.engine)  # a crash between an erasing commit and its scrub: finish it now
        if not self.matrix.client.logged_in:
            await self.matrix.login()
        await self.matrix.setup_crypto()
        await self.scheduler.start(self.dispatcher.run_job, ready=self.matrix.synced)
        await self.dispatcher.run_startup()
        self.fanout.start(ready=self.matrix.synced)
        self._task = asyncio.create_task(self.matrix.run(self.dispatcher), name="lotsenbot-sync")
        self._freeze = asyncio.create_task(self._freeze_start_up_objects(), name="lotsenbot-gc-freeze")
        await self._start_metrics()
        log.info("Lotsenbot running as %s", self.config.matrix.user_id)
        return True

    async def _freeze_start_up_objects(self) -> None:
        """Once the first sync is in, take what start-up made (modules, rooms, crypto state: ~150,000
        objects that live as long as the process) out of the garbage collector's view. Otherwise every
        full collection walks them all, which measured 0.6 s on this loaded machine, and one falling on a
        reminder's instant delays it by as much; after ``gc.freeze()`` a full collection is near zero."""
        await self.matrix.synced.wait()
        gc.collect()
        gc.freeze()

    async def _start_metrics(self) -> None:
        if self.config.bot.metrics_port and self.metrics is None:
            self.metrics = MetricsServer(self, self.config.bot.metrics_port)
            await self.metrics.start()

    async def _standby(self) -> bool:
        """Wait, ready, until the active instance's lock is free; True once it is ours.

        Ready means: database migrated, session restored (no new device), metrics served. It must NOT
        sync: both processes are one Matrix device, and to-device messages (the room keys other members
        send to that device) are delivered to whichever process syncs first and then deleted by the
        homeserver — a syncing standby would steal the keys the active needs to decrypt. Nor does it run
        jobs or touch rows. On takeover it reloads the crypto store the old active kept writing, and
        continues from the sync token the old active stored.
        """
        await self.db.migrate()
        session = (self.config.bot.data_dir / "session.json").exists() or self.config.access_token()
        if session:
            await self.matrix.login()
        await self._start_metrics()
        log.info(
            "standby: another Lotsenbot instance holds the database lock; waiting to take over "
            "(Bereitschaft: eine andere Instanz ist aktiv)"
        )
        if not await self.leader.wait_for_lock(self.stopping.is_set):
            return False
        log.info("standby: got the database lock, taking over (übernehme)")
        client = self.matrix.client
        if client.logged_in and client.store is not None:
            client.store, client.olm = None, None
            client.load_store()  # the old active's Olm sessions and one-time keys, as it left them
        return True

    async def wait_synced(self, seconds: float = 60) -> None:
        await asyncio.wait_for(self.matrix.synced.wait(), seconds)

    async def stop(self) -> None:
        try:
            if self.metrics is not None:
                await self.metrics.stop()
            self.matrix.stop()
            # finish the batch in hand (a long-poll in flight is simply cancelled) and running jobs
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.matrix.idle.wait(), 10)
            await self.scheduler.drain()
            self.scheduler.shutdown()
            await self.fanout.stop()
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):  # the log has any error
                    await self._task
            if self._freeze is not None:
                self._freeze.cancel()
                gc.unfreeze()  # a process running several bots (tests) gets their garbage collected again
            await self.matrix.close()
            await self.db.close()
        finally:
            await self.leader.release()  # last: nothing of ours acts any more when a standby takes over

    async def _fenced(self) -> None:
        """The lock connection is gone: stop acting now (no draining), then clean up what still answers."""
        self.matrix.stop()
        self.scheduler.shutdown()
        await self.fanout.stop(drain=False)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        for closing in (self.matrix.close(), self.db.close(), self.leader.release()):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(closing, 5)
        if self.metrics is not None:
            await self.metrics.stop()

    async def run_forever(self) -> int:
        """``lotsenbot run``; returns the exit code (1: lost the database lock, restart as a standby)."""
        setup_logging(self.config.bot.log_level, json_logs=self.config.bot.log_json)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stopping.set)
        if not await self.start():
            log.info("standby stopped before taking over")
            await self.stop()
            return 0
        assert self._task is not None
        await asyncio.wait(
            [
                asyncio.create_task(self.stopping.wait()),
                asyncio.create_task(self.leader.lost.wait()),
                self._task,
            ],
            return_when=asyncio.FIRST_COMPLETED,
        )
        if self.leader.lost.is_set():
            await self._fenced()
            return 1
        log.info("shutting down")
        await self.stop()
        return 0
