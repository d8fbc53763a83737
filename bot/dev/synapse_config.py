"""What a throwaway Synapse is configured with (bot/dev/localsynapse.py writes it into its data dir).

Kept apart from the process handling: the homeserver.yaml, its relaxed rate limits, the log config and the
signing key are plain data, built without starting anything.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = [
    "DATABASE_NAME",
    "DEFAULT_RATE_LIMITS",
    "LOG_CONFIG_NAME",
    "LOOPBACK",
    "SIGNING_KEY_NAME",
    "deep_merge",
    "effective_rate_limits",
    "homeserver_config",
    "log_config",
    "postgres_database",
    "write_signing_key",
]

LOG_CONFIG_NAME = "log_config.yaml"
SIGNING_KEY_NAME = "signing.key"
DATABASE_NAME = "homeserver.db"
LOOPBACK = "127.0.0.1"


def _relaxed() -> dict[str, float]:
    """Return a fresh limit that tests never hit (fresh dicts keep YAML free of anchors)."""
    return {"per_second": 1000.0, "burst_count": 10000}


def _default_rate_limits() -> dict[str, Any]:
    """Return every Synapse `rc_*` limiter set to `_relaxed()`.

    Synapse's defaults (e.g. 0.2 messages/s, 0.016 room creations/s, 0.003 logins/s) are tuned against
    abuse and would make a test suite that logs in dozens of clients and creates many rooms flaky.
    """
    return {
        "rc_message": _relaxed(),
        "rc_registration": _relaxed(),
        "rc_registration_token_validity": _relaxed(),
        "rc_login": {"address": _relaxed(), "account": _relaxed(), "failed_attempts": _relaxed()},
        "rc_joins": {"local": _relaxed(), "remote": _relaxed()},
        "rc_joins_per_room": _relaxed(),
        "rc_invites": {"per_room": _relaxed(), "per_user": _relaxed(), "per_issuer": _relaxed()},
        "rc_third_party_invite": _relaxed(),
        "rc_3pid_validation": _relaxed(),
        "rc_admin_redaction": _relaxed(),
        "rc_key_requests": _relaxed(),
        "rc_media_create": _relaxed(),
        "rc_presence": {"per_user": _relaxed()},
        "rc_delayed_event_mgmt": _relaxed(),
        "rc_room_creation": _relaxed(),
        "rc_reports": _relaxed(),
        "rc_user_directory": _relaxed(),
        "rc_profile": _relaxed(),
    }


DEFAULT_RATE_LIMITS: dict[str, Any] = _default_rate_limits()
"""The relaxed limits written into homeserver.yaml on every start; `rate_limits` is deep-merged over them."""


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Merge `override` into a copy of `base`, so `{"rc_login": {"account": ...}}` keeps the other keys."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def write_signing_key(path: Path) -> None:
    """Write an ed25519 signing key in Synapse's `ed25519 <key id> <unpadded base64 seed>` format.

    Doing this ourselves instead of `synapse.app.homeserver --generate-keys` saves one whole Synapse
    start-up (about 2 s of imports) on every fresh data dir; any 32 random bytes are a valid seed.
    """
    seed = base64.b64encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")
    key_id = "a_" + secrets.token_hex(2)
    path.write_text(f"ed25519 {key_id} {seed}\n", encoding="ascii")
    path.chmod(0o600)


def log_config(log_file: str) -> dict[str, Any]:
    """Return a logging config that keeps Synapse quiet (WARNING) and out of the test output."""
    return {
        "version": 1,
        "formatters": {
            "precise": {
                "format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s"
            }
        },
        "handlers": {
            "file": {
                "class": "logging.FileHandler",
                "formatter": "precise",
                "filename": log_file,
                "encoding": "utf8",
            }
        },
        "loggers": {"synapse.storage.SQL": {"level": "WARNING"}},
        "root": {"level": "WARNING", "handlers": ["file"]},
        "disable_existing_loggers": False,
    }


def effective_rate_limits(rate_limits: dict[str, Any] | None) -> dict[str, Any]:
    """Return the relaxed defaults with the caller's `rate_limits` deep-merged over them."""
    return deep_merge(_default_rate_limits(), rate_limits or {})


def postgres_database(url: str) -> dict[str, Any]:
    """Return Synapse's ``database`` section for the PostgreSQL database at ``url``.

    ``url`` is ``postgresql://user:password@host:port/dbname`` (SQLAlchemy's ``postgresql+asyncpg://``
    is accepted too, so the test server's URL can be passed as it is). Production Synapse runs on
    PostgreSQL; SQLite serialises every write, which makes the local homeserver slower than a real one.
    """
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres") or not parts.path.strip("/"):
        raise ValueError(f"not a PostgreSQL URL with a database name: {url!r}")
    args: dict[str, Any] = {
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "dbname": parts.path.strip("/"),
        "host": parts.hostname or LOOPBACK,
        "port": parts.port or 5432,
        "cp_min": 5,
        "cp_max": 10,
    }
    return {"name": "psycopg2", "args": args}


def homeserver_config(
    server_name: str,
    url: str,
    port: int,
    rate_limits: dict[str, Any] | None,
    database_url: str | None = None,
) -> dict[str, Any]:
    """Build the homeserver.yaml contents; paths are relative because Synapse runs in data_dir.

    Relative paths keep a data dir relocatable (the demo's can be copied or moved). Without
    ``database_url`` Synapse uses an SQLite file in the data dir; with it, that PostgreSQL database.
    """
    config: dict[str, Any] = {
        "server_name": server_name,
        "public_baseurl": url + "/",
        "listeners": [
            {
                "port": port,
                "bind_addresses": [LOOPBACK],
                "type": "http",
                "tls": False,
                "x_forwarded": False,
                # Client API only: no federation listener, and no gzip so responses cost less CPU.
                "resources": [{"names": ["client"], "compress": False}],
            }
        ],
        "database": (
            postgres_database(database_url)
            if database_url
            else {"name": "sqlite3", "args": {"database": DATABASE_NAME}}
        ),
        "log_config": LOG_CONFIG_NAME,
        "media_store_path": "media_store",
        "signing_key_path": SIGNING_KEY_NAME,
        "registration_shared_secret": secrets.token_urlsafe(32),
        "macaroon_secret_key": secrets.token_urlsafe(32),
        "form_secret": secrets.token_urlsafe(32),
        "enable_registration": False,
        "report_stats": False,
        # Never talk to other servers: no federation, no key notaries, no URL previews.
        "federation_domain_whitelist": [],
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "url_preview_enabled": False,
        "presence": {"enabled": False},
        "enable_metrics": False,
        # bcrypt's default of 12 rounds costs ~0.25 s of CPU per registration and per password
        # login; 4 rounds is plenty for throwaway test accounts.
        "bcrypt_rounds": 4,
    }
    config.update(effective_rate_limits(rate_limits))
    return config
