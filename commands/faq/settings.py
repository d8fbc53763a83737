"""``[features.faq]``: where the knowledge base lives and where unanswered questions go.

``kb_dir`` is resolved against the working directory the bot was started in (with the systemd unit in
``docs/``: ``/var/lib/lotsenbot``). Without it the sample ``kb/`` of the source tree is used, read-only:
the chat commands that write entries then refuse, so neither a test run nor a forgotten setting can
change the shipped files. The escalation room may be a room id or an alias.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from bot.config import feature_settings, register_settings
from bot.context import Context

DEFAULT_KB_DIR = Path(__file__).resolve().parents[2] / "kb"


@register_settings("faq")
class FaqSettings(BaseModel):
    """``[features.faq]`` in the config file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kb_dir: str | None = None
    escalation_room: str | None = None

    @field_validator("escalation_room")
    @classmethod
    def _room(cls, value: str | None) -> str | None:
        if value is not None and not (value.startswith(("!", "#")) and ":" in value):
            raise ValueError("must be a room id (!abc:server) or alias (#name:server)")
        return value or None


def settings(ctx: Context) -> FaqSettings:
    return feature_settings(ctx.config, "faq", FaqSettings)


def kb_dir(ctx: Context) -> Path:
    configured = settings(ctx).kb_dir
    if not configured:
        return DEFAULT_KB_DIR
    path = Path(configured).expanduser()
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


def writable(ctx: Context) -> bool:
    """Only a configured KB is written to; the shipped sample stays as it is in git."""
    return bool(settings(ctx).kb_dir)
