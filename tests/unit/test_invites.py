"""Who may invite the bot into a room (others are declined with a reason; the e2e test shows the decline)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.matrix import MatrixBot
from storage.db import Database
from tests.support.fake import make_config


def bot(tmp_path: Path, **sections: dict[str, Any]) -> MatrixBot:
    config = make_config(tmp_path, matrix={"user_id": "@lotsenbot:stadt.example"}, **sections)
    return MatrixBot(config, Database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"))


@pytest.mark.parametrize(
    ("sections", "allowed", "refused"),
    [
        # nothing configured: people on the bot's own homeserver
        ({}, ["@koordination:stadt.example"], ["@fremd:anderswo.example"]),
        # a server list: exactly those servers
        (
            {"invites": {"allowed_servers": ["lotsen.bw.example"]}},
            ["@lotse:lotsen.bw.example"],
            ["@koordination:stadt.example", "@x:evil.example"],
        ),
        # a user list alone: exactly those users (and the coordinators)
        (
            {
                "invites": {"allowed_users": ["@it-service:stadt.example"]},
                "coordinators": {"users": ["@koordination:stadt.example"]},
            },
            ["@it-service:stadt.example", "@koordination:stadt.example"],
            ["@lotse:stadt.example"],
        ),
    ],
)
def test_who_may_invite(
    tmp_path: Path, sections: dict[str, Any], allowed: list[str], refused: list[str]
) -> None:
    matrix = bot(tmp_path, **sections)
    assert [u for u in allowed if not matrix._may_invite(u)] == []
    assert [u for u in refused if matrix._may_invite(u)] == []
