"""``GET /health`` and ``GET /metrics`` on loopback, for a monitoring system (off unless configured).

The figures are the counters the parts keep anyway (dispatcher, Matrix client, scheduler); this module
only reads them. The text format is Prometheus' exposition format, written by hand: a dozen lines do not
need a client library.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy import func, select

from storage.models import ScheduledJob

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

# Healthy means: a sync batch completed within this many seconds (the long-poll itself lasts 30 s).
SYNC_STALE_AFTER = 120.0


def _line(name: str, kind: str, help_text: str, value: float) -> str:
    return f"# HELP {name} {help_text}\n# TYPE {name} {kind}\n{name} {value:g}\n"


async def render(app: App) -> str:
    """The current figures in Prometheus' text format."""
    d, m, s = app.dispatcher, app.matrix, app.scheduler
    async with app.db.transaction() as session:
        pending = await session.scalar(
            select(func.count()).select_from(ScheduledJob).where(ScheduledJob.status == "pending")
        )
    parts = [
        _line(
            "lotsenbot_active",
            "gauge",
            "1: this process holds the database lock and acts; 0: warm standby (bot/leader.py).",
            1 if app.active else 0,
        ),
        _line(
            "lotsenbot_events_handled_total",
            "counter",
            "Matrix events handled (at most once each).",
            d.handled,
        ),
        _line(
            "lotsenbot_handle_seconds_total",
            "counter",
            "Time spent handling events, sends included.",
            d.handle_seconds,
        ),
        _line(
            "lotsenbot_internal_errors_total",
            "counter",
            "Events whose handler failed (see the log).",
            d.internal_errors,
        ),
        _line("lotsenbot_messages_sent_total", "counter", "Events the bot sent.", m.messages_sent),
        _line("lotsenbot_sync_batches_total", "counter", "Sync batches processed.", m.batches),
        _line(
            "lotsenbot_sync_processing_seconds_total",
            "counter",
            "Time spent processing sync batches.",
            m.batch_ms_total / 1000,
        ),
        _line(
            "lotsenbot_last_sync_timestamp_seconds",
            "gauge",
            "Unix time of the last completed sync batch (0: none yet).",
            m.last_sync_at or 0,
        ),
        _line("lotsenbot_rooms_joined", "gauge", "Rooms the bot is in.", len(m.client.rooms)),
        _line("lotsenbot_jobs_fired_total", "counter", "Scheduled jobs run.", s.fired),
        _line(
            "lotsenbot_jobs_failed_total", "counter", "Scheduled job runs that failed (retried).", s.failures
        ),
        _line(
            "lotsenbot_jobs_lag_seconds_total",
            "counter",
            "Sum over run jobs of due time to start (scheduler lag).",
            s.lag_seconds_total,
        ),
        _line("lotsenbot_jobs_pending", "gauge", "Scheduled jobs waiting in the database.", pending or 0),
    ]
    return "".join(parts)


def health(app: App) -> tuple[bool, str]:
    """A standby is healthy (200, detail ``standby: …``): it is doing its job, and a supervisor must not
    restart it for waiting. The ``role`` field and the ``lotsenbot_active`` gauge tell the two apart."""
    if not app.active:
        return True, "standby: waiting for the database lock"
    last = app.matrix.last_sync_at
    if last is None:
        return False, "no sync yet"
    age = time.time() - last
    if age > SYNC_STALE_AFTER:
        return False, f"last sync {age:.0f} s ago"
    return True, f"last sync {age:.0f} s ago"


class MetricsServer:
    def __init__(self, app: App, port: int, host: str = "127.0.0.1") -> None:
        self.app, self.port, self.host = app, port, host
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        web_app = web.Application()
        web_app.router.add_get("/metrics", self._metrics)
        web_app.router.add_get("/health", self._health)
        self._runner = web.AppRunner(web_app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        log.info("metrics and health on http://%s:%d/", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, _request: web.Request) -> web.Response:
        return web.Response(text=await render(self.app), content_type="text/plain", charset="utf-8")

    async def _health(self, _request: web.Request) -> web.Response:
        ok, detail = health(self.app)
        role = "active" if self.app.active else "standby"
        return web.json_response({"ok": ok, "role": role, "detail": detail}, status=200 if ok else 503)
