"""Our secret storage and recovery key as Element reads them: matrix-js-sdk's own code checks both ways.

Runs ``tests/element/ssss_check.mjs`` under node with the Element-stack harness's packages (installed by
``npm ci --prefix tests/element``; missing, the test fails and says so, like the Element e2e tests).
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from bot.crypto import ssss
from bot.crypto.canonical import b64encode
from tests.support.element import HARNESS, node_binary


def run_sdk(payload: dict[str, object]) -> dict[str, object]:
    done = subprocess.run(
        [node_binary(), str(HARNESS / "ssss_check.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=HARNESS,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_element_opens_our_secret_storage_and_we_open_elements() -> None:
    key = os.urandom(32)
    recovery = ssss.encode_recovery_key(key)
    description = ssss.key_description(key)
    seeds = {name: b64encode(os.urandom(32)) for name in ("m.cross_signing.master", "m.megolm_backup.v1")}
    secrets = {name: ssss.encrypt(key, name, value).as_json() for name, value in seeds.items()}
    plain = {"m.cross_signing.self_signing": b64encode(os.urandom(32))}

    sdk = run_sdk(
        {"recovery_key": recovery, "key_description": description, "secrets": secrets, "plain": plain}
    )

    assert sdk["key_hex"] == key.hex()  # Element reads our recovery key ...
    assert sdk["reencoded"] == recovery  # ... and writes the very same text for the key
    assert sdk["key_check_matches"] is True  # our key description's iv/mac check passes in Element
    assert sdk["decrypted"] == seeds  # Element decrypts what the bot stored
    encrypted = sdk["encrypted"]
    assert isinstance(encrypted, dict)
    for name, value in plain.items():  # and the bot decrypts what Element stored
        assert ssss.decrypt(key, name, encrypted[name]) == value
    assert ssss.key_matches(key, description)


def test_a_recovery_key_typed_with_a_typo_fails_in_both() -> None:
    recovery = ssss.encode_recovery_key(bytes(range(32))).replace(" ", "")
    typo = recovery[:20] + ("2" if recovery[20] != "2" else "3") + recovery[21:]
    done = subprocess.run(
        [
            node_binary(),
            "-e",
            "import('matrix-js-sdk/lib/crypto-api/recovery-key.js')"
            f".then(m => m.decodeRecoveryKey('{typo}'))",
        ],
        capture_output=True,
        text=True,
        cwd=HARNESS,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0 and "parity" in done.stderr.lower()
    with pytest.raises(ssss.RecoveryKeyError, match="mistyped"):
        ssss.decode_recovery_key(typo)
