"""Canonical JSON and JSON signatures against the examples and test vectors of the Matrix spec's appendix."""

from __future__ import annotations

import json

import pytest

from bot.crypto.canonical import (
    CanonicalJSONError,
    SigningKey,
    b64decode,
    b64encode,
    canonical_json,
    sign_json,
    verify_json,
)

# (input as written in the spec, the canonical JSON the spec expects)
SPEC_CANONICAL = [
    ("{}", "{}"),
    ('{\n    "one": 1,\n    "two": "Two"\n}', '{"one":1,"two":"Two"}'),
    ('{\n    "b": "2",\n    "a": "1"\n}', '{"a":"1","b":"2"}'),
    ('{"b":"2","a":"1"}', '{"a":"1","b":"2"}'),
    (
        """{"auth": {"success": true, "mxid": "@john.doe:example.com", "profile": {
            "display_name": "John Doe", "three_pids": [
              {"medium": "email", "address": "john.doe@example.org"},
              {"medium": "msisdn", "address": "123456789"}]}}}""",
        '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":'
        '[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},'
        '"success":true}}',
    ),
    ('{"a": "日本語"}', '{"a":"日本語"}'),
    ('{"本": 2, "日": 1}', '{"日":1,"本":2}'),
    ('{"a": "\\u65E5"}', '{"a":"日"}'),
    ('{"a": null}', '{"a":null}'),
]

# Appendix "Cryptographic test vectors": seed, signer "domain", key id "ed25519:1"
SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1"
SIG_EMPTY = "K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ"
SIG_ONE_TWO = "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw"


@pytest.mark.parametrize(("given", "expected"), SPEC_CANONICAL)
def test_canonical_json_matches_spec_examples(given: str, expected: str) -> None:
    assert canonical_json(json.loads(given)) == expected.encode("utf-8")


@pytest.mark.parametrize("bad", [{"a": 1.5}, {"a": 2**53}, {"a": -(2**53)}, {1: "x"}, {"a": {1, 2}}])
def test_canonical_json_refuses_what_the_grammar_excludes(bad: object) -> None:
    with pytest.raises(CanonicalJSONError):
        canonical_json(bad)


def test_integer_range_edges_are_allowed() -> None:
    assert (
        canonical_json({"a": 2**53 - 1, "b": -(2**53) + 1}) == b'{"a":9007199254740991,"b":-9007199254740991}'
    )


def test_unpadded_base64_spec_examples() -> None:
    examples = {"": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE"}
    for raw, encoded in examples.items():
        assert b64encode(raw.encode()) == encoded
        assert b64decode(encoded) == raw.encode()
        assert b64decode(encoded + "=" * (-len(encoded) % 4)) == raw.encode()  # padding accepted too
    with pytest.raises(ValueError):
        b64decode("Zm9v!")


def test_signing_matches_spec_test_vectors() -> None:
    key = SigningKey(b64decode(SEED))
    assert sign_json({}, key, "domain", "ed25519:1") == {"signatures": {"domain": {"ed25519:1": SIG_EMPTY}}}
    signed = sign_json({"one": 1, "two": "Two"}, key, "domain", "ed25519:1")
    assert signed == {"one": 1, "two": "Two", "signatures": {"domain": {"ed25519:1": SIG_ONE_TWO}}}


def test_signatures_and_unsigned_are_not_covered_and_kept() -> None:
    key = SigningKey(b64decode(SEED))
    obj = {"one": 1, "two": "Two", "unsigned": {"age_ts": 1}, "signatures": {"other": {"ed25519:x": "abc"}}}
    signed = sign_json(obj, key, "domain", "ed25519:1")
    assert signed["signatures"]["domain"]["ed25519:1"] == SIG_ONE_TWO
    assert signed["signatures"]["other"] == {"ed25519:x": "abc"}
    assert signed["unsigned"] == {"age_ts": 1}
    assert "signatures" in obj and "domain" not in obj["signatures"]  # the input is left alone


def test_verify_json_accepts_the_signer_and_rejects_tampering() -> None:
    key = SigningKey(b64decode(SEED))
    signed = sign_json({"one": 1, "two": "Two"}, key, "domain", "ed25519:1")
    assert verify_json(signed, "domain", "ed25519:1", key.public_key)
    assert verify_json({**signed, "unsigned": {"x": 1}}, "domain", "ed25519:1", key.public_key)
    assert not verify_json({**signed, "two": "Three"}, "domain", "ed25519:1", key.public_key)
    assert not verify_json(signed, "other", "ed25519:1", key.public_key)
    assert not verify_json(signed, "domain", "ed25519:2", key.public_key)
    other = SigningKey.generate()
    assert not verify_json(signed, "domain", "ed25519:1", other.public_key)
    assert not verify_json(signed, "domain", "ed25519:1", "not base64!")
    assert not verify_json(signed, "domain", "curve25519:1", key.public_key)


def test_generated_keys_roundtrip_through_their_seed() -> None:
    key = SigningKey.generate()
    again = SigningKey(key.seed)
    assert again.public_key == key.public_key
    signed = sign_json({"x": "y"}, again, "@bot:example.org", f"ed25519:{key.public_key}")
    assert verify_json(signed, "@bot:example.org", f"ed25519:{key.public_key}", key.public_key)
