"""``[features.retro]`` in the config, validated here because the feature owns it.

Example::

    [features.retro]
    min_group = 3   # categories and rating questions with answers from fewer people are not shown
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from bot.config import feature_settings, register_settings
from bot.context import Context


@register_settings("retro")
class RetroSettings(BaseModel):
    """``[features.retro]`` in the config."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_group: int = Field(3, ge=1, le=100)
    # `!retro start` also invites everyone of the room by DM (bot/fanout.py); `false` leaves it at the
    # announcement in the room.
    invite_by_dm: bool = True


def settings(ctx: Context) -> RetroSettings:
    return feature_settings(ctx.config, "retro", RetroSettings)
