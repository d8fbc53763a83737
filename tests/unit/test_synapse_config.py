"""The local Synapse's database section: SQLite by default, PostgreSQL from a URL (benchmarks' flag)."""

from __future__ import annotations

import pytest

from bot.dev.synapse_config import DATABASE_NAME, homeserver_config, postgres_database


def test_sqlite_is_the_default() -> None:
    config = homeserver_config("localhost", "http://127.0.0.1:8008", 8008, None)
    assert config["database"] == {"name": "sqlite3", "args": {"database": DATABASE_NAME}}


def test_postgres_url_becomes_psycopg2_args() -> None:
    url = "postgresql+asyncpg://bench%20user:p%40ss@db.example:5433/synapse_1"
    config = homeserver_config("localhost", "http://127.0.0.1:8008", 8008, None, database_url=url)
    assert config["database"]["name"] == "psycopg2"
    args = config["database"]["args"]
    assert (args["user"], args["password"], args["dbname"]) == ("bench user", "p@ss", "synapse_1")
    assert (args["host"], args["port"]) == ("db.example", 5433)


def test_postgres_port_defaults_to_5432() -> None:
    assert postgres_database("postgresql://u:p@127.0.0.1/x")["args"]["port"] == 5432


@pytest.mark.parametrize("url", ["sqlite:///x.db", "postgresql://u:p@127.0.0.1:5432/"])
def test_a_url_without_postgres_database_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="PostgreSQL URL"):
        postgres_database(url)
