"""A scheduled job kind for tests that need the scheduler without a feature."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from bot.framework import job, registry

if "test.remind" not in registry.job_handlers:

    @job("test.remind")
    async def remind(ctx: Context, payload: dict[str, Any]) -> None:
        await ctx.say(f"Erinnerung: {payload['text']}{ctx.late_note()}")
