"""The operator's side of the recovery key without a homeserver: check-config, the CLI's refusals."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.cli import main
from bot.crypto.ssss import encode_recovery_key


def _config(tmp_path: Path, extra: str = "") -> Path:
    pw = tmp_path / "pw"
    pw.write_text("pw")
    os.chmod(pw, 0o600)
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        f'[matrix]\nhomeserver = "https://m.example"\nuser_id = "@b:example"\npassword_file = "{pw}"\n'
        f'recovery_key_env = "NOPE_UNSET_RK"\n{extra}[bot]\ndata_dir = "{tmp_path / "data"}"\n'
    )
    return cfg


def test_check_config_says_where_the_recovery_key_is(tmp_path: Path, capsys) -> None:
    cfg = _config(tmp_path)
    assert main(["check-config", "-c", str(cfg)]) == 0
    assert "creates its identity and secret storage at its first start" in capsys.readouterr().out

    local = tmp_path / "data" / "crypto" / "recovery-key"
    local.parent.mkdir(parents=True)
    local.write_text(encode_recovery_key(bytes(range(32))) + "\n")
    os.chmod(local, 0o600)
    assert main(["check-config", "-c", str(cfg)]) == 0
    assert "and nowhere else" in capsys.readouterr().out

    target = tmp_path / "out" / "key"
    configured = _config(tmp_path, f'recovery_key_file = "{target}"\n')
    assert main(["check-config", "-c", str(configured)]) == 1  # pointed at, not written yet
    assert f"`lotsenbot crypto recovery-key --file {target}` writes it" in capsys.readouterr().out
    cfg = _config(tmp_path)
    assert main(["crypto", "recovery-key", "-c", str(cfg), "--file", str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text() == local.read_text()
    capsys.readouterr()
    assert main(["check-config", "-c", str(cfg)]) == 0
    assert "and nowhere else" not in capsys.readouterr().out  # handed out once

    configured = _config(tmp_path, f'recovery_key_file = "{target}"\n')
    assert main(["check-config", "-c", str(configured)]) == 0
    assert f"recovery key: configured ({target})" in capsys.readouterr().out


def test_mistyped_recovery_key_is_a_clear_problem(tmp_path: Path, capsys) -> None:
    key_file = tmp_path / "rk"
    text = encode_recovery_key(bytes(range(32))).replace(" ", "")
    key_file.write_text(text[:20] + ("2" if text[20] != "2" else "3") + text[21:])
    os.chmod(key_file, 0o600)
    cfg = _config(tmp_path, f'recovery_key_file = "{key_file}"\n')
    assert main(["check-config", "-c", str(cfg)]) == 1
    out = capsys.readouterr().out
    assert f"recovery key from {key_file}" in out and "mistyped" in out
    assert main(["crypto", "recovery-key", "-c", str(cfg)]) == 1


def test_reset_needs_yes_and_recovery_key_needs_a_first_start(tmp_path: Path, capsys) -> None:
    cfg = _config(tmp_path)
    assert main(["crypto", "reset", "-c", str(cfg)]) == 2
    assert "--yes" in capsys.readouterr().err
    assert main(["crypto", "recovery-key", "-c", str(cfg)]) == 1
    assert "start the bot once" in capsys.readouterr().out
