"""`lotsenbot check-config`: every problem with its path and a hint; the example config is valid."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot import config
from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_is_valid_and_documents_every_key(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LOTSENBOT_PASSWORD", "secret")
    example = tmp_path / "config.toml"
    example.write_text((ROOT / "config.example.toml").read_text())
    assert main(["check-config", "-c", str(example)]) == 0
    text = (ROOT / "config.example.toml").read_text()
    for section, model in (
        ("matrix", config.MatrixSettings),
        ("bot", config.BotSettings),
        ("coordinators", config.CoordinatorSettings),
        ("invites", config.InviteSettings),
        ("scheduler", config.SchedulerSettings),
    ):
        assert f"[{section}]" in text
        for key in model.model_fields:
            assert key in text, f"config.example.toml does not document {section}.{key}"


def test_every_registered_feature_table_is_in_the_example_with_every_key() -> None:
    """Features register their settings model themselves; each such table is documented for operators."""
    from commands import load_all

    load_all()
    registered = config.registered_settings()
    assert {"polls", "meetlearn", "retro", "faq"} <= set(registered)
    text = (ROOT / "config.example.toml").read_text()
    for_tests_only = {("meetlearn", "reminder_offsets_seconds")}  # e2e tests and benchmarks: seconds
    for name, model in registered.items():
        section = text.split(f"[features.{name}]", 1)
        assert len(section) == 2, f"config.example.toml has no [features.{name}]"
        table = section[1].split("\n[", 1)[0]
        for key in set(model.model_fields) - {k for f, k in for_tests_only if f == name}:
            assert key in table, f"config.example.toml does not document features.{name}.{key}"


def test_a_second_model_for_one_feature_table_is_refused() -> None:
    from pydantic import BaseModel

    from commands import load_all

    load_all()
    with pytest.raises(ValueError, match=r"\[features\.polls\] is already validated by"):

        @config.register_settings("polls")
        class OtherPollSettings(BaseModel):
            create: str = "x"

    assert config.registered_settings()["polls"].__name__ == "PollSettings"


def test_bad_config_lists_every_problem_with_path_and_hint(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[matrix]\nhomeserver = "ftp://x"\nuser_id = "bot"\n[bot]\nlanguage = "fr"\ntimezone = "Mars/Base"\n'
        "[coordinators]\npower_level = 500\n[typo]\nx = 1\n"
    )
    assert main(["check-config", "-c", str(bad)]) == 1
    out = capsys.readouterr().out
    for path in (
        "matrix.homeserver",
        "matrix.user_id",
        "bot.language",
        "bot.timezone",
        "coordinators.power_level",
        "typo: unknown key",
    ):
        assert path in out
    assert out.count("hint:") == 6


def test_missing_secret_is_a_problem_and_loose_permissions_a_warning(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "c.toml"
    secret = tmp_path / "pw"
    secret.write_text("pw")
    os.chmod(secret, 0o644)
    cfg.write_text(
        '[matrix]\nhomeserver = "https://m.example"\nuser_id = "@b:example"\npassword_env = "NOPE_UNSET"\n'
        'access_token_env = "NOPE_UNSET2"\n'
    )
    assert main(["check-config", "-c", str(cfg)]) == 1
    assert "no password or access token" in capsys.readouterr().out
    cfg.write_text(
        f'[matrix]\nhomeserver = "https://m.example"\nuser_id = "@b:example"\npassword_file = "{secret}"\n'
    )
    assert main(["check-config", "-c", str(cfg)]) == 0
    assert "chmod 600" in capsys.readouterr().out


def test_broken_toml_is_reported_not_raised(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[matrix\nhomeserver = ")
    with pytest.raises(config.ConfigError) as exc:
        config.load(cfg)
    assert "not valid TOML" in exc.value.problems[0]


def test_database_defaults_to_sqlite_in_data_dir(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[matrix]\nhomeserver = "https://m.example"\nuser_id = "@b:example"\n[bot]\ndata_dir = "d"\n'
    )
    loaded = config.load(cfg)
    assert loaded.database_url == f"sqlite+aiosqlite:///{tmp_path / 'd' / 'lotsenbot.db'}"


def test_feature_tables_are_validated(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[matrix]\nhomeserver = "https://m.example"\nuser_id = "@b:example"\n'
        'password_file = "/etc/hostname"\n'
        '[features.polls]\ncreate = "alle"\n[features.retro]\nmin_grup = 3\n[features.umfragen]\nx = 1\n'
    )
    assert main(["check-config", "-c", str(cfg)]) == 1
    out = capsys.readouterr().out
    assert "features.polls.create" in out and "features.retro.min_grup: unknown key" in out
    assert "features.umfragen: unknown feature" in out


def test_readable_database_password_and_missing_rooms_are_warned_about(tmp_path: Path, capsys) -> None:
    secret = tmp_path / "pw"
    secret.write_text("pw")
    os.chmod(secret, 0o600)
    cfg = tmp_path / "c.toml"
    base = f'[matrix]\nhomeserver = "https://m.example"\nuser_id = "@b:example"\npassword_file = "{secret}"\n'
    cfg.write_text(base + '[bot]\ndatabase_url = "postgresql+asyncpg://bot:geheim@db/bot"\n')
    os.chmod(cfg, 0o644)
    assert main(["check-config", "-c", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "database password" in out and "chmod 640" in out
    assert "rooms: none configured" in out

    cfg.write_text('rooms = ["#lotsen:m.example"]\n' + base)
    os.chmod(cfg, 0o640)
    assert main(["check-config", "-c", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "database password" not in out and "rooms: none" not in out


def test_one_run_lists_core_and_feature_problems_together(tmp_path: Path, capsys) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[matrix]\nhomeserver = "https://m.example"\nuser_id = "kein-user"\n'
        '[features.polls]\ncreate = "alle"\n[features.umfragen]\nx = 1\n'
    )
    assert main(["check-config", "-c", str(cfg)]) == 1
    out = capsys.readouterr().out
    assert "matrix.user_id" in out and "features.polls.create" in out and "features.umfragen" in out


def test_every_room_id_form_of_the_spec_is_accepted(tmp_path: Path, capsys) -> None:
    """Room version 12 ids have no server part (Synapse's default room version now)."""
    secret = tmp_path / "pw"
    secret.write_text("pw")
    os.chmod(secret, 0o600)
    base = f'[matrix]\nhomeserver = "https://m.example"\nuser_id = "@b:example"\npassword_file = "{secret}"\n'
    cfg = tmp_path / "c.toml"
    v12 = "!Jc4pGNp1A0q0yIhRsTlkX0q9aFnI0R8wrXqLsRf3XqE"
    cfg.write_text(f'rooms = ["{v12}", "!abc:m.example", "#lotsen:m.example:8448"]\n' + base)
    os.chmod(cfg, 0o600)
    assert main(["check-config", "-c", str(cfg)]) == 0, capsys.readouterr().out
    for bad in ("!", "!abc:", "#lotsen", "! x", "lotsen"):
        cfg.write_text(f'rooms = ["{bad}"]\n' + base)
        assert main(["check-config", "-c", str(cfg)]) == 1, bad
        assert "rooms" in capsys.readouterr().out
