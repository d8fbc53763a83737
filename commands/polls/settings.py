"""``[features.polls]`` in the config."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.config import feature_settings, register_settings
from bot.context import Context


@register_settings("polls")
class PollSettings(BaseModel):
    """``[features.polls]`` in the config: ``create = "everyone"`` lets every member start polls."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    create: Literal["coordinators", "everyone"] = "coordinators"


def settings(ctx: Context) -> PollSettings:
    return feature_settings(ctx.config, "polls", PollSettings)
