"""Known-answer tests of the keyslots in vault.json (store/slots.py).

A slot is written and read by the same code, so a label, a binding field or a key name changed
on both sides survives every round trip, while every vault written before the change stops
opening (or, worse, a slot moved to another user or store still opens). These values were
written by this version (2026-12) with fixed keys; each later version must produce and read
them the same, and refuse a slot whose shape is wrong. (Found by mutation testing:
docs/testing.md.)
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from legalaid_desktop.domain.errors import VaultTampered
from legalaid_desktop.i18n import language
from legalaid_desktop.store.kdf import FLOOR
from legalaid_desktop.store.keywrap import DekWrap
from legalaid_desktop.store.slots import (
    LEGACY_VERSION,
    RECOVERY_SLOT,
    VERSION,
    Slot,
    public_bytes,
    recovery_private,
    recovery_slot,
)

PRIVATE = X25519PrivateKey.from_private_bytes(bytes(range(32)))
PUB = "j0DFrbaPJWJK5bIU6nZ6bslNgp09e14a0bpvPiE4KF8="
SALT = bytes(range(16))
RECOVERY_SECRET = bytes(range(50, 82))
WRAP_2 = DekWrap(b"E" * 32, b"C" * 48, b"M" * 32, b"K" * 48)
WRAP_1 = DekWrap(b"E" * 32, b"C" * 48)

USER_2 = {
    "id": "u-1",
    "kind": "user",
    "user": "leyla.h",
    "pub": PUB,
    "dek": {
        "epk": "RUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUU=",
        "ct": "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND",
        "mac": "TU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU0=",
        "mk": "S0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tLS0tL",
    },
    "v": 2,
    "since": 3,
    "kdf": {"m": 65536, "t": 3, "p": 4},
    "salt": "AAECAwQFBgcICQoLDA0ODw==",
    "priv": "c2VhbGVkLXByaXZhdGUta2V5",
}
USER_1 = {
    "id": "u-1",
    "kind": "user",
    "user": "leyla.h",
    "pub": PUB,
    "dek": {
        "epk": "RUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUU=",
        "ct": "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0ND",
    },
    "kdf": {"m": 65536, "t": 3, "p": 4},
    "salt": "AAECAwQFBgcICQoLDA0ODw==",
    "priv": "c2VhbGVk",
}
RECOVERY_PUB_2 = "qiYmrJI9kpFtacPo+wc8dQUSmPBZ2BR8/tt1CsAzPjA="
RECOVERY_PUB_1 = "03t6Kw/yfnWVmcFCrLqV1qx7I+2lKe1x2yCLZ1reTwc="
RECOVERY_2 = {
    "id": "recovery",
    "kind": "recovery",
    "user": "",
    "pub": RECOVERY_PUB_2,
    "dek": None,
    "v": 2,
    "since": 0,
}

BINDING_USER = (
    b'{"kdf":{"m":65536,"p":4,"t":3},"kind":"user","pub":"' + PUB.encode() + b'",'
    b'"salt":"AAECAwQFBgcICQoLDA0ODw==","slot":"u-1","store":"store-7","user":"leyla.h"'
)
MAC_KEY_2 = "bf9c43f2b10a11ed6533a268a6c1bfc9cdcab01d975a9d9154b30a8acb9d0236"


def user_2() -> Slot:
    return Slot(
        "u-1",
        "user",
        "leyla.h",
        public_bytes(PRIVATE),
        FLOOR,
        SALT,
        b"sealed-private-key",
        WRAP_2,
        since=3,
    )


def user_1() -> Slot:
    return Slot(
        "u-1",
        "user",
        "leyla.h",
        public_bytes(PRIVATE),
        FLOOR,
        SALT,
        b"sealed",
        WRAP_1,
        version=LEGACY_VERSION,
    )


def test_a_format_2_user_slot_is_written_and_read_as_before() -> None:
    slot = user_2()
    assert slot.to_dict() == USER_2
    assert Slot.from_dict(copy.deepcopy(USER_2)) == slot
    assert slot.binding("store-7") == BINDING_USER + b',"v":2}'
    assert slot.binding("store-7", LEGACY_VERSION) == BINDING_USER + b"}"
    mac_key = slot.mac_key(PRIVATE)
    assert mac_key is not None and mac_key.hex() == MAC_KEY_2


def test_a_format_1_user_slot_is_written_and_read_as_before() -> None:
    slot = user_1()
    assert slot.to_dict() == USER_1
    assert Slot.from_dict(copy.deepcopy(USER_1)) == slot
    assert slot.binding("store-7") == BINDING_USER + b"}"
    assert slot.binding("store-7", VERSION) == BINDING_USER + b',"v":2}'
    assert slot.mac_key(PRIVATE) is None


def test_the_recovery_slot_is_derived_written_and_read_as_before() -> None:
    assert (
        base64.b64encode(public_bytes(recovery_private(RECOVERY_SECRET))).decode() == RECOVERY_PUB_2
    )
    legacy = recovery_private(RECOVERY_SECRET, LEGACY_VERSION)
    assert base64.b64encode(public_bytes(legacy)).decode() == RECOVERY_PUB_1
    slot = recovery_slot(RECOVERY_SECRET)
    assert (slot.slot_id, slot.kind, slot.username, slot.version) == (
        RECOVERY_SLOT,
        "recovery",
        "",
        VERSION,
    )
    assert slot.to_dict() == RECOVERY_2
    assert Slot.from_dict(copy.deepcopy(RECOVERY_2)) == slot
    assert slot.binding("store-7") == (
        b'{"kdf":null,"kind":"recovery","pub":"' + RECOVERY_PUB_2.encode() + b'","salt":"",'
        b'"slot":"recovery","store":"store-7","user":"","v":2}'
    )
    # Another store, another slot id, another user: another binding.
    assert slot.binding("store-8") != slot.binding("store-7")


def _changed(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    for key, value in changes.items():
        if value is _DROP:
            del data[key]
        else:
            data[key] = value
    return data


_DROP = object()

MALFORMED = [
    ("not an object", ["id", "kind"]),
    ("another kind", _changed(USER_2, kind="admin")),
    ("no kind", _changed(USER_2, kind=_DROP)),
    ("user not a string", _changed(USER_2, user=7)),
    ("no user", _changed(USER_2, user=_DROP)),
    ("id not a string", _changed(USER_2, id=1)),
    ("no id", _changed(USER_2, id=_DROP)),
    ("an unknown format", _changed(USER_2, v=3)),
    ("format 1 written out", _changed(USER_1, v=1)),
    ("format 2 with an unauthenticated wrap", _changed(USER_2, dek=USER_1["dek"])),
    ("format 1 with an authenticated wrap", _changed(USER_1, dek=USER_2["dek"])),
    ("format 2 without its epoch", _changed(USER_2, since=_DROP)),
    ("an epoch that is not a number", _changed(USER_2, since="3")),
    ("an epoch that is a boolean", _changed(USER_2, since=True)),
    ("a user slot without its parameters", _changed(USER_2, kdf=_DROP)),
]


@pytest.mark.parametrize(("why", "data"), MALFORMED, ids=[why for why, _data in MALFORMED])
def test_a_malformed_slot_is_refused(why: str, data: object) -> None:
    with language("en"), pytest.raises(VaultTampered) as refused:
        Slot.from_dict(data)
    assert str(refused.value) == "The key file is malformed."


def test_a_slot_without_a_wrap_is_read_without_one() -> None:
    slot = Slot.from_dict(_changed(USER_2, dek=None))
    assert slot.dek is None and slot.since == 3 and slot.kdf == FLOOR
    assert Slot.from_dict(_changed(USER_2, dek=_DROP)).dek is None
