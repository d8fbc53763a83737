"""A scheduled job kind for tests that need the scheduler without a feature."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.context import Context
from bot.framework import job, registry

if "test.remind" not in registry.job_handlers:

    @job("test.remind")
    async def remind(ctx: Context, payload: dict[str, Any]) -> None:
        await ctx.say(f"Erinnerung: {payload['text']}{ctx.late_note()}")


if "test.prepared" not in registry.job_handlers:

    @job("test.prepared", prepare_ahead=True)
    async def prepared(ctx: Context, payload: dict[str, Any]) -> None:
        """Notes when it read (loop time) and what time it believed it was, then posts."""
        payload["seen"].append((asyncio.get_running_loop().time(), ctx.now()))
        await ctx.say(f"Pünktlich: {payload['text']}")
