"""Configuration: one TOML file, validated by pydantic, secrets from the environment or a file.

``check()`` turns pydantic's errors into lines a non-developer can act on: the dotted field path, what is
wrong, and a hint how to write it right.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tomllib
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

USER_ID = re.compile(r"^@[^:\s]+:[^\s]+$")
# Room ids: `!opaque:server` up to room version 11, `!` + the create event's hash (no server) since 12;
# aliases always name their server. The spec caps both at 255 bytes.
ROOM_REF = re.compile(r"^(?:![^:\s]+(?::[^:\s][^\s]*)?|#[^:\s]+:[^\s]+)$")


def _user_ids(value: list[str]) -> list[str]:
    bad = [u for u in value if not USER_ID.match(u)]
    if bad:
        raise ValueError(f"not a Matrix user id: {', '.join(bad)}")
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MatrixSettings(Strict):
    homeserver: str = Field(description="Base URL of the homeserver, e.g. https://matrix.stadt.example")
    user_id: str
    device_name: str = "Lotsenbot"
    # Secrets never have to live in the TOML: name an environment variable or a file instead.
    password_env: str | None = "LOTSENBOT_PASSWORD"
    password_file: Path | None = None
    access_token_env: str | None = "LOTSENBOT_ACCESS_TOKEN"
    access_token_file: Path | None = None
    device_id: str | None = None
    # The recovery key opens the bot's secret storage (its cross-signing keys, the key backup's key).
    # Unset, the bot keeps the key it made at first start in <data_dir>/crypto/recovery-key (mode 600).
    recovery_key_env: str | None = "LOTSENBOT_RECOVERY_KEY"
    recovery_key_file: Path | None = None
    # Whose messages the bot acts on and whose devices get its room keys: "cross-signed" (devices their
    # owner signed, as Element's "exclude insecure devices"), or "all" for clients without cross-signing.
    trust: Literal["cross-signed", "all"] = "cross-signed"

    @field_validator("homeserver")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must start with https:// (or http:// for a local test server)")
        return value.rstrip("/")

    @field_validator("user_id")
    @classmethod
    def _user(cls, value: str) -> str:
        if not USER_ID.match(value):
            raise ValueError("must look like @lotsenbot:example.org")
        return value


class BotSettings(Strict):
    data_dir: Path = Path("data")
    database_url: str | None = None
    language: Literal["de", "de-Sie", "en"] = "de"  # "de-Sie": formal German (bot/i18n.py)
    timezone: str = "Europe/Berlin"
    command_prefix: str = "!"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = False
    # Serve GET /health and GET /metrics (Prometheus text format) on 127.0.0.1:<port>; off when unset.
    metrics_port: Annotated[int, Field(ge=1, le=65535)] | None = None
    # A guided dialog (``!umfrage`` typed alone) ends after this much silence; nothing is created then.
    dialog_timeout_minutes: Annotated[float, Field(gt=0, le=24 * 60)] = 30
    # Where the German user guide (docs/anleitung.md) can be read, linked from !hilfe; unset: `!hilfe
    # anleitung` sends the file.
    guide_url: str | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown time zone; use an IANA name like Europe/Berlin") from exc
        return value

    @field_validator("command_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not value or len(value) > 3 or any(ch.isspace() or ch.isalnum() for ch in value):
            raise ValueError("must be 1-3 punctuation characters such as ! or .")
        return value

    @field_validator("database_url")
    @classmethod
    def _db(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value


class CoordinatorSettings(Strict):
    power_level: Annotated[int, Field(ge=0, le=100)] = 50
    users: list[str] = []

    _users = field_validator("users")(lambda value: _user_ids(value))


class InviteSettings(Strict):
    allowed_users: list[str] = []
    allowed_servers: list[str] = []

    _users = field_validator("allowed_users")(lambda value: _user_ids(value))


class SchedulerSettings(Strict):
    misfire_grace_minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60)] = 60

    @property
    def misfire_grace(self) -> timedelta:
        return timedelta(minutes=self.misfire_grace_minutes)


class Config(Strict):
    matrix: MatrixSettings
    bot: BotSettings = BotSettings()
    rooms: list[str] = []
    coordinators: CoordinatorSettings = CoordinatorSettings()
    invites: InviteSettings = InviteSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    # Feature sections are kept as plain tables here and validated by the feature that owns them.
    features: dict[str, dict[str, object]] = {}

    @field_validator("rooms")
    @classmethod
    def _rooms(cls, value: list[str]) -> list[str]:
        bad = [r for r in value if not ROOM_REF.match(r) or len(r.encode()) > 255]
        if bad:
            raise ValueError(f"not a room id or alias: {', '.join(bad)}")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.bot.timezone)

    @property
    def database_url(self) -> str:
        if self.bot.database_url:
            return self.bot.database_url
        return f"sqlite+aiosqlite:///{(self.bot.data_dir / 'lotsenbot.db').resolve()}"

    def password(self) -> str | None:
        return _secret(self.matrix.password_env, self.matrix.password_file)

    def access_token(self) -> str | None:
        return _secret(self.matrix.access_token_env, self.matrix.access_token_file)

    def recovery_key(self) -> str | None:
        return _secret(self.matrix.recovery_key_env, self.matrix.recovery_key_file)


def _secret(env: str | None, file: Path | None) -> str | None:
    if file is not None and file.exists():
        return file.read_text(encoding="utf-8").strip() or None
    if env:
        return os.environ.get(env) or None
    return None


HINTS: dict[str, str] = {
    "matrix": "add a [matrix] table with homeserver and user_id",
    "matrix.homeserver": 'write e.g. homeserver = "https://matrix.stadt.example"',
    "matrix.user_id": 'write e.g. user_id = "@lotsenbot:stadt.example"',
    "bot.language": 'use language = "de" (du), "de-Sie" (formal: Sie) or "en"',
    "bot.timezone": 'use an IANA zone, e.g. timezone = "Europe/Berlin"',
    "bot.command_prefix": 'e.g. command_prefix = "!"',
    "bot.database_url": "leave it out for SQLite in the data dir, or use postgresql+asyncpg://user:pw@host/db",
    "coordinators.power_level": "a number from 0 to 100; 50 is a moderator in Element",
    "rooms": 'list room ids or aliases, e.g. rooms = ["#lotsen:stadt.example", "!Jc…XqE"]',
}


class ConfigError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _hint(path: str) -> str:
    for key in (path, path.split(".")[0]):
        if key in HINTS:
            return HINTS[key]
    return "see config.example.toml for this key"


def parse(text: str, *, source: str = "config") -> Config:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{source}: not valid TOML: {exc}"]) from exc
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            path = ".".join(str(p) for p in err["loc"]) or "(top level)"
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key (typo?)"
            problems.append(f"{path}: {msg} — hint: {_hint(path)}")
        raise ConfigError(problems) from exc


def load(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror}"]) from exc
    config = parse(text, source=str(path))
    if not config.bot.data_dir.is_absolute():
        bot = config.bot.model_copy(update={"data_dir": (path.parent / config.bot.data_dir).resolve()})
        config = config.model_copy(update={"bot": bot})
    return config


M = TypeVar("M", bound=BaseModel)
_feature_cache: dict[tuple[int, str], tuple[Config, BaseModel]] = {}
log = logging.getLogger(__name__)

# ``[features.<name>]`` table → the pydantic model that validates it, filled by ``register_settings`` when a
# feature's ``settings.py`` is imported (the entry points load every feature before checking a config).
_FEATURE_MODELS: dict[str, type[BaseModel]] = {}


def register_settings(name: str) -> Callable[[type[M]], type[M]]:
    """Class decorator on a feature's settings model: it validates ``[features.<name>]``.

    Registering here, next to the model, keeps ``check-config`` complete without a hand-kept list in the
    core; two different models under one name are a programming error and raise at import.
    """

    def register(model: type[M]) -> type[M]:
        known = _FEATURE_MODELS.get(name)
        if known is not None and (known.__module__, known.__qualname__) != (
            model.__module__,
            model.__qualname__,
        ):
            raise ValueError(
                f"[features.{name}] is already validated by {known.__module__}.{known.__qualname__}"
            )
        _FEATURE_MODELS[name] = model
        return model

    return register


def registered_settings() -> Mapping[str, type[BaseModel]]:
    """Every registered ``[features.<name>]`` model (read-only view)."""
    return MappingProxyType(_FEATURE_MODELS)


def feature_settings(config: Config, name: str, model: type[M]) -> M:
    """A feature's ``[features.<name>]`` table, validated once per config.

    An invalid table is logged (once) and replaced by the defaults: a typo must not take a feature's
    commands down. ``check-config`` reports the same problems before a start.
    """
    key = (id(config), name)
    hit = _feature_cache.get(key)
    if hit is not None and hit[0] is config:
        return hit[1]  # type: ignore[return-value]
    try:
        parsed = model.model_validate(config.features.get(name, {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        log.error("ignoring invalid [features.%s] (%s); using the defaults", name, problems)
        parsed = model()
    _feature_cache[key] = (config, parsed)
    return parsed


def _check_features(features: dict[str, object]) -> list[str]:
    if features and not _FEATURE_MODELS:
        raise RuntimeError("no feature settings registered: load the features before checking a config")
    problems = []
    for name, table in features.items():
        model = _FEATURE_MODELS.get(name)
        if model is None:
            problems.append(
                f"features.{name}: unknown feature — hint: known are {', '.join(sorted(_FEATURE_MODELS))}"
            )
            continue
        try:
            model.model_validate(table)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(str(p) for p in err["loc"])
                msg = "unknown key (typo?)" if err["type"] == "extra_forbidden" else err["msg"]
                problems.append(
                    f"features.{name}.{where}: {msg} — hint: see [features.{name}] in config.example.toml"
                )
    return problems


def _check_recovery_key(config: Config) -> list[str]:
    from bot.crypto.ssss import RecoveryKeyError, decode_recovery_key

    text = config.recovery_key()
    if text is None:
        return []
    try:
        decode_recovery_key(text)
    except RecoveryKeyError as exc:
        where = config.matrix.recovery_key_file or f"${config.matrix.recovery_key_env}"
        return [f"matrix: recovery key from {where}: {exc}"]
    return []


def check(path: Path) -> tuple[list[str], list[str]]:
    """Problems (fatal) and warnings for ``lotsenbot check-config``.

    The feature tables are checked against the registered models: load the features first
    (``commands.load_all()``, as the CLI does).
    """
    try:
        config = load(path)
    except ConfigError as exc:
        # The feature tables are checked on their own, so one run lists every problem there is.
        try:
            features = tomllib.loads(path.read_text(encoding="utf-8")).get("features", {})
        except (OSError, tomllib.TOMLDecodeError):
            features = {}
        extra = _check_features(features) if isinstance(features, dict) else []
        return exc.problems + [p for p in extra if p not in exc.problems], []
    problems: list[str] = []
    warnings: list[str] = []
    problems += _check_features(config.features)
    m = config.matrix
    if config.access_token() is None and config.password() is None:
        problems.append(
            "matrix: no password or access token found — hint: set the environment variable "
            f"{m.password_env or m.access_token_env or 'LOTSENBOT_PASSWORD'} or point password_file / "
            "access_token_file to a file that contains it"
        )
    if config.access_token() is not None and m.device_id is None:
        warnings.append("matrix.device_id: an access token works best with its device_id (keeps E2EE keys)")
    problems += _check_recovery_key(config)
    for secret_file in (m.password_file, m.access_token_file, m.recovery_key_file):
        if secret_file is not None:
            if not secret_file.exists():
                how = (
                    f"`lotsenbot crypto recovery-key --file {secret_file}` writes it"
                    if secret_file == m.recovery_key_file
                    else "create it (chmod 600)"
                )
                problems.append(f"matrix: secret file {secret_file} does not exist — hint: {how}")
            elif secret_file.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                warnings.append(f"{secret_file}: readable by other users — hint: chmod 600 {secret_file}")
    mode = path.stat().st_mode
    if mode & stat.S_IWOTH:
        warnings.append(f"{path}: writable by everyone — hint: chmod 640 {path}")
    elif mode & stat.S_IROTH and config.bot.database_url and "@" in config.bot.database_url.split("//")[-1]:
        warnings.append(
            f"{path}: contains a database password and is readable by everyone — hint: chmod 640 {path}"
        )
    if m.trust == "all":
        warnings.append(
            'matrix.trust = "all": the bot acts on messages from devices their owner never verified and '
            "shares its room keys with them — only for a private homeserver whose clients cannot cross-sign"
        )
    if not config.rooms:
        warnings.append(
            "rooms: none configured — every admin of any room the bot is invited to may edit the FAQ and "
            'see its open questions; hint: list your team rooms, e.g. rooms = ["#lotsen:stadt.example"]'
        )
    return problems, warnings
