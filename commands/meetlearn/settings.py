"""``[features.meetlearn]`` in the config, validated here because the feature owns it.

Example::

    [features.meetlearn]
    jitsi_base = "https://meet.stadt.example/"   # the city's own Jitsi; without it no link is made up
    reminder_offsets_minutes = [10080, 1440, 15]   # 7 days, 1 day, 15 minutes before
    announce_ping = true       # default for rooms that did not choose with !meetlearn einstellungen
    dm_reminders = false       # also remind those who said yes by DM (with the last reminder)
    series_ahead = 3           # occurrences of a series that exist as rows (and can be edited)
    series_announce_days = 14  # a series occurrence is announced this long before it starts
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import Config, feature_settings, register_settings

if TYPE_CHECKING:
    from bot.context import Context

log = logging.getLogger(__name__)


@register_settings("meetlearn")
class MeetLearnSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # The city's own Jitsi. No public default: a meeting of the administration must not land on a public
    # server by accident. Without it (and without --link) the announcement says the link comes later.
    jitsi_base: str | None = None
    reminder_offsets_minutes: list[Annotated[float, Field(gt=0, le=60 * 24 * 60)]] = [10080, 1440, 15]
    # For tests and demos: seconds win over minutes when given.
    reminder_offsets_seconds: list[Annotated[float, Field(gt=0)]] | None = None
    announce_ping: bool = True
    dm_reminders: bool = False
    series_ahead: Annotated[int, Field(ge=1, le=12)] = 3
    series_announce_days: Annotated[float, Field(ge=0, le=90)] = 14
    default_duration_minutes: Annotated[int, Field(ge=5, le=600)] = 60

    @field_validator("jitsi_base")
    @classmethod
    def _base(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")) or any(ch.isspace() for ch in value):
            raise ValueError("must be a URL like https://meet.stadt.example/")
        return value if value.endswith("/") else value + "/"

    @property
    def offsets(self) -> list[timedelta]:
        """Reminder offsets, largest first, without duplicates."""
        if self.reminder_offsets_seconds is not None:
            values = {timedelta(seconds=s) for s in self.reminder_offsets_seconds}
        else:
            values = {timedelta(minutes=m) for m in self.reminder_offsets_minutes}
        return sorted(values, reverse=True)

    @property
    def announce_lead(self) -> timedelta:
        return timedelta(days=self.series_announce_days)


def settings(config: Config) -> MeetLearnSettings:
    return feature_settings(config, "meetlearn", MeetLearnSettings)


def cfg(ctx: Context) -> MeetLearnSettings:
    return settings(ctx.config)
