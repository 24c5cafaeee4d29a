"""Node keys: serialization, strict public-key parsing, fingerprints, the recovery key pair."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from legalaid_desktop.domain.errors import BundleRejected, KeysRejected, SyncError
from legalaid_desktop.sync.keys import (
    ENCRYPTION_KEY_SIZE,
    NodeKeys,
    NodePublicKeys,
    RecoveryKey,
    decode_b64,
    hybrid_public_key,
    new_recovery_secret,
    recovery_keypair,
)

SUITE = Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)

# Fixed private serialization: Ed25519 key 00..1f, ML-KEM seed 20..5f, X25519 key 60..7f.
FIXED = b"LANK\x01\x03GNJ" + bytes(range(32)) + bytes(range(32, 96)) + bytes(range(96, 128))
FIXED_FINGERPRINT = "81601 90908 96136 69905 99413 37388"


@pytest.fixture(scope="module")
def keys() -> NodeKeys:
    return NodeKeys.generate("GNJ")


def test_generate_and_public(keys: NodeKeys) -> None:
    public = keys.public()
    assert public.node_code == "GNJ"
    assert len(public.signing_key) == 32
    assert len(public.encryption_key) == ENCRYPTION_KEY_SIZE == 1216
    signature = keys.signing_key.sign(b"message")
    public.verify_key.verify(signature, b"message")
    sealed = SUITE.encrypt(b"secret", public.hpke_key, info=b"i")
    assert SUITE.decrypt(sealed, keys.encryption_key, info=b"i") == b"secret"


def test_private_serialization_roundtrip(keys: NodeKeys) -> None:
    data = keys.to_bytes()
    assert data.startswith(b"LANK\x01")
    again = NodeKeys.from_bytes(data)
    assert again.node_code == "GNJ"
    assert again.public() == keys.public()
    assert again.to_bytes() == data
    sealed = SUITE.encrypt(b"secret", keys.public().hpke_key)
    assert SUITE.decrypt(sealed, again.encryption_key) == b"secret"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"LANK",
        FIXED[:-1],
        FIXED + b"\x00",
        b"XANK" + FIXED[4:],
        FIXED[:4] + b"\x02" + FIXED[5:],  # unknown version
        FIXED[:5] + b"\x04" + FIXED[6:],  # code length does not match
        FIXED[:6] + b"G/J" + FIXED[9:],  # invalid node code
        FIXED[:6] + b"G\xffJ" + FIXED[9:],
    ],
)
def test_private_serialization_refuses_garbage(data: bytes) -> None:
    with pytest.raises(SyncError) as info:
        NodeKeys.from_bytes(data)
    assert not isinstance(info.value, BundleRejected)  # a store problem, not a refused bundle


def test_generate_refuses_bad_node_code() -> None:
    for code in ("", "a/b", "x" * 65, "GNJ\n", "Gəncə"):
        with pytest.raises(KeysRejected):
            NodeKeys.generate(code)


def test_repr_does_not_leak_private_keys(keys: NodeKeys) -> None:
    assert repr(keys) == "NodeKeys(node_code='GNJ')"
    assert "fingerprint" in repr(keys.public())
    assert len(repr(keys.public())) < 120


# --- public keys as a dict ---------------------------------------------------------------------


def test_public_dict_roundtrip(keys: NodeKeys) -> None:
    data = keys.public().to_dict()
    assert set(data) == {"version", "node_code", "signing_key", "encryption_key"}
    assert NodePublicKeys.from_dict(data) == keys.public()


def _mutations(good: dict[str, Any]) -> list[Any]:
    sig, enc = good["signing_key"], good["encryption_key"]
    return [
        None,
        [],
        "text",
        {k: v for k, v in good.items() if k != "version"},
        {**good, "extra": 1},
        {**good, "version": 2},
        {**good, "version": True},
        {**good, "version": "1"},
        {**good, "node_code": "a b"},
        {**good, "node_code": 5},
        {**good, "signing_key": sig.rstrip("=")},  # padding removed
        {**good, "signing_key": " " + sig},
        {**good, "signing_key": sig[:-2] + "\n="},
        {**good, "signing_key": base64.urlsafe_b64encode(b"\xfb\xff" * 16).decode()},
        {**good, "signing_key": base64.b64encode(b"\x00" * 31).decode()},
        {**good, "signing_key": base64.b64encode(b"\x00" * 33).decode()},
        {**good, "signing_key": sig[:-2] + "B="},  # non-canonical trailing bits
        {**good, "encryption_key": enc[:-4]},
        {**good, "encryption_key": base64.b64encode(b"\xff" * ENCRYPTION_KEY_SIZE).decode()},
        {**good, "encryption_key": 1234},
        {**good, "signing_key": "é" * 44},
    ]


def test_public_dict_is_strict(keys: NodeKeys) -> None:
    good = keys.public().to_dict()
    for bad in _mutations(good):
        with pytest.raises(KeysRejected):
            NodePublicKeys.from_dict(bad)


def test_keys_rejected_is_a_bundle_rejection() -> None:
    assert issubclass(KeysRejected, BundleRejected)


def test_small_order_x25519_key_is_refused(keys: NodeKeys) -> None:
    mlkem_part = keys.public().encryption_key[:1184]
    for point in (b"\x00" * 32, b"\x01" + b"\x00" * 31):
        with pytest.raises(KeysRejected):
            hybrid_public_key(mlkem_part + point)


def test_invalid_mlkem_key_is_refused(keys: NodeKeys) -> None:
    with pytest.raises(KeysRejected):
        hybrid_public_key(b"\xff" * 1184 + keys.public().encryption_key[1184:])


def test_public_keys_validate_on_construction(keys: NodeKeys) -> None:
    public = keys.public()
    with pytest.raises(KeysRejected):
        NodePublicKeys("GNJ", public.signing_key[:31], public.encryption_key)
    with pytest.raises(KeysRejected):
        NodePublicKeys("GNJ", public.signing_key, public.encryption_key + b"\x00")
    with pytest.raises(KeysRejected):
        NodePublicKeys("", public.signing_key, public.encryption_key)


def test_decode_b64_exact() -> None:
    assert decode_b64("AAEC", size=3) == b"\x00\x01\x02"
    for bad in ("AAE", "AAF=", "AAEC\n", "AA EC", "AAEC====", 7):
        with pytest.raises(KeysRejected):
            decode_b64(bad)
    with pytest.raises(KeysRejected):
        decode_b64("AAEC", size=2)


# --- fingerprint -------------------------------------------------------------------------------


def test_fingerprint_format_and_known_answer() -> None:
    public = NodeKeys.from_bytes(FIXED).public()
    fingerprint = public.fingerprint()
    assert re.fullmatch(r"[0-9]{5}( [0-9]{5}){5}", fingerprint)
    assert fingerprint == FIXED_FINGERPRINT  # stable across versions and machines
    assert NodePublicKeys.from_dict(public.to_dict()).fingerprint() == FIXED_FINGERPRINT


def test_fingerprint_differs_per_key(keys: NodeKeys) -> None:
    public = keys.public()
    other = NodeKeys.generate("GNJ").public()
    assert public.fingerprint() == keys.public().fingerprint()
    variants = {
        public.fingerprint(),
        other.fingerprint(),
        NodePublicKeys("BAK", public.signing_key, public.encryption_key).fingerprint(),
        NodePublicKeys("GNJ", other.signing_key, public.encryption_key).fingerprint(),
        NodePublicKeys("GNJ", public.signing_key, other.encryption_key).fingerprint(),
    }
    assert len(variants) == 5


# --- recovery key ------------------------------------------------------------------------------


def test_recovery_keypair_is_deterministic() -> None:
    secret = bytes(range(32))
    first, second = recovery_keypair(secret), recovery_keypair(secret)
    assert first.public_bytes == second.public_bytes
    assert len(first.public_bytes) == ENCRYPTION_KEY_SIZE
    assert recovery_keypair(bytes(range(1, 33))).public_bytes != first.public_bytes
    sealed = SUITE.encrypt(b"content key", hybrid_public_key(first.public_bytes))
    assert SUITE.decrypt(sealed, second.encryption_key) == b"content key"


def test_recovery_keypair_label_and_secret() -> None:
    secret = new_recovery_secret()
    assert len(secret) == 32
    recovery = recovery_keypair(secret)
    assert isinstance(recovery, RecoveryKey)
    assert recovery.label == recovery.stanza_label == "recovery:hq"
    assert recovery.recipient() == ("recovery:hq", recovery.public_bytes)
    assert recovery_keypair(secret, label="recovery:hq-2027").label == "recovery:hq-2027"
    assert "recovery:hq" in repr(recovery)
    for bad_secret in (b"", b"\x00" * 31, b"\x00" * 33):
        with pytest.raises(ValueError):
            recovery_keypair(bad_secret)
    for bad_label in ("HQ", "recovery:", "recovery:a/b", "backup:hq"):
        with pytest.raises(KeysRejected):
            recovery_keypair(secret, label=bad_label)
