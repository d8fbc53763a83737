"""Sync and send tuning shared by the parts of ``MatrixBot``."""

from __future__ import annotations

from datetime import timedelta

SYNC_TIMEOUT_MS = 30_000
TIMELINE_LIMIT = 50
BACKOFF_START, BACKOFF_MAX = 1.0, 15.0  # a recovered homeserver is noticed within 15 s
SEND_ATTEMPTS = 7
PARALLEL_ROOMS = 8  # rooms whose part of a sync batch is handled at the same time (PostgreSQL)
UNDECRYPTABLE_EVERY = timedelta(hours=1)
SYNC_FILTER = {
    "room": {
        "timeline": {"limit": TIMELINE_LIMIT},
        "state": {"lazy_load_members": False},
        "ephemeral": {"not_types": ["*"]},
    },
    "presence": {"not_types": ["*"]},
}
