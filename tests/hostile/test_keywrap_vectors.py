"""Known-answer tests of the key wraps in vault.json (store/keywrap.py).

Wrapping and unwrapping use the same helpers, so a change to a label, a derivation or the
encoding on both sides goes unnoticed by a round trip, and every store written before the change
stops opening. These wraps were written by this version (2026-12) with fixed keys; each later
version must open them, and must refuse them when any part is changed. (Found by mutation
testing: docs/testing.md.)
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from legalaid_desktop.domain.errors import VaultTampered
from legalaid_desktop.i18n import _, language
from legalaid_desktop.store import keywrap
from legalaid_desktop.store.keywrap import DekWrap

PRIVATE = X25519PrivateKey.from_private_bytes(bytes(range(32)))
DEK = bytes(range(100, 132))
MAC_KEY = bytes(range(200, 232))
BINDING = b"slot:leyla.h"
EPOCH = 3

FORMAT_2 = {
    "epk": "xUM5PtCvGXlZBsVWmtNdphlsi95paoL0KijApkBXlQk=",
    "ct": "oZhJZ08aONYBoDmE8C1MjS7tGSXjA3l2X6/sw9A9lxntLHnUr9oQ0KHwlZorrD/SyHP0aaOluksziDNL",
    "mac": "xkjUkWInA9urHGfZEK8rD3Jqrk5HUWVl1RWlDj5gQnE=",
    "mk": "QjqVtrHAidaD/IMIJHZOI+7K+WA6i9B9y+a9Z315pRscmXixmDkpHO6abJAaMCYnlNYGsVKqzF6nk+S/",
}
FORMAT_1 = {
    "epk": "b2R8IxzAierTOf83g2uLLO+LGCXhdm5O0UtGtMyQ/ms=",
    "ct": "H1FN/hdeC8fattC1yisRPUC6oJLS40RgalSTnJnJKxdvjOmKaWKpDz+xR8fIziQWDw7Mo/Y9rxHrjsZR",
}
VAULT_MAC = "d00a5a07d018b6c3687fcde75b9ba0e657a40cd219d9b6a2b8c29a50da64a795"

FORGED = (
    "The key file has been altered: the database key offered to this account was not written "
    "by this data store. Nothing was opened; tell your administrator."
)
ALTERED = "The key file has been altered and is refused."
MALFORMED = "The key file is malformed."


def test_a_format_2_wrap_written_before_still_opens() -> None:
    wrap = DekWrap.from_dict(FORMAT_2)
    assert wrap.to_dict() == FORMAT_2
    assert keywrap.unwrap_dek(wrap, PRIVATE, BINDING, EPOCH, MAC_KEY) == DEK
    assert keywrap.mac_key_under_dek(wrap, DEK, BINDING, EPOCH) == MAC_KEY


def test_a_format_1_wrap_written_before_still_opens() -> None:
    wrap = DekWrap.from_dict(FORMAT_1)
    assert not wrap.authenticated and wrap.to_dict() == FORMAT_1
    assert keywrap.unwrap_dek(wrap, PRIVATE, BINDING, EPOCH, None) == DEK


def test_the_vault_mac_of_a_canonical_vault_is_stable() -> None:
    canonical = keywrap.canon({"ə": "Gəncə", "a": [1, 2]})
    assert canonical == '{"a":[1,2],"ə":"Gəncə"}'.encode()
    assert keywrap.vault_mac(DEK, canonical).hex() == VAULT_MAC


def _flip(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("field", ["epk", "ct", "mac"])
def test_any_bit_changed_in_a_format_2_wrap_is_a_forgery(field: str) -> None:
    wrap = DekWrap.from_dict({**FORMAT_2, field: _flip(FORMAT_2[field])})
    with language("en"), pytest.raises(VaultTampered) as refused:
        keywrap.unwrap_dek(wrap, PRIVATE, BINDING, EPOCH, MAC_KEY)
    assert str(refused.value) == FORGED


@pytest.mark.parametrize(
    ("binding", "epoch", "mac_key"),
    [(b"slot:other", EPOCH, MAC_KEY), (BINDING, EPOCH + 1, MAC_KEY), (BINDING, EPOCH, DEK)],
)
def test_a_wrap_opens_only_for_its_slot_epoch_and_mac_key(
    binding: bytes, epoch: int, mac_key: bytes
) -> None:
    with language("en"), pytest.raises(VaultTampered) as refused:
        keywrap.unwrap_dek(DekWrap.from_dict(FORMAT_2), PRIVATE, binding, epoch, mac_key)
    assert str(refused.value) == FORGED


def test_a_changed_mk_opens_the_key_but_not_the_mac_key() -> None:
    wrap = DekWrap.from_dict({**FORMAT_2, "mk": _flip(FORMAT_2["mk"])})
    with language("en"), pytest.raises(VaultTampered) as refused:
        keywrap.mac_key_under_dek(wrap, DEK, BINDING, EPOCH)
    assert str(refused.value) == ALTERED
    with pytest.raises(VaultTampered):
        keywrap.unwrap_dek(wrap, PRIVATE, BINDING, EPOCH, MAC_KEY)


@pytest.mark.parametrize(
    ("binding", "epoch"), [(b"slot:other", EPOCH), (BINDING, EPOCH + 1), (BINDING, 30)]
)
def test_a_format_1_wrap_opens_only_for_its_slot_and_epoch(binding: bytes, epoch: int) -> None:
    with language("en"), pytest.raises(VaultTampered) as refused:
        keywrap.unwrap_dek(DekWrap.from_dict(FORMAT_1), PRIVATE, binding, epoch, None)
    assert str(refused.value) == ALTERED


def test_a_format_1_wrap_offered_where_format_2_is_required_is_a_forgery() -> None:
    with language("en"), pytest.raises(VaultTampered) as refused:
        keywrap.unwrap_dek(DekWrap.from_dict(FORMAT_1), PRIVATE, BINDING, EPOCH, MAC_KEY)
    assert str(refused.value) == FORGED
    with language("en"), pytest.raises(VaultTampered) as malformed:
        keywrap.mac_key_under_dek(DekWrap.from_dict(FORMAT_1), DEK, BINDING, EPOCH)
    assert str(malformed.value) == MALFORMED


@pytest.mark.parametrize(
    "data",
    [
        {"epk": FORMAT_1["epk"]},
        {**FORMAT_2, "x": "AA=="},
        {"epk": FORMAT_2["epk"], "ct": FORMAT_2["ct"], "mac": FORMAT_2["mac"]},
        {**FORMAT_2, "mac": base64.b64encode(bytes(31)).decode()},
        {**FORMAT_2, "mac": base64.b64encode(bytes(33)).decode()},
        {**FORMAT_1, "ct": 12},
        {**FORMAT_1, "ct": "not base64!"},
        {**FORMAT_1, "ct": FORMAT_1["ct"][:8] + "\n" + FORMAT_1["ct"][8:]},  # a line break inside
        {**FORMAT_2, "mk": "QQ"},  # unpadded
        [FORMAT_1["epk"], FORMAT_1["ct"]],
    ],
)
def test_a_malformed_wrap_is_a_damaged_key_file(data: Any) -> None:
    with language("en"), pytest.raises(VaultTampered) as refused:
        DekWrap.from_dict(data)
    assert str(refused.value) == MALFORMED


def test_a_wrap_written_now_carries_fresh_randomness_and_opens() -> None:
    public = PRIVATE.public_key().public_bytes_raw()  # the slot's public key
    first = keywrap.wrap_dek(DEK, public, BINDING, EPOCH, MAC_KEY)
    second = keywrap.wrap_dek(DEK, public, BINDING, EPOCH, MAC_KEY)
    assert first.ephemeral != second.ephemeral and first.ciphertext[:12] != second.ciphertext[:12]
    assert first.mk[:12] != second.mk[:12]
    assert len(first.mac) == keywrap.MAC_SIZE == 32
    for wrap in (first, second):
        assert keywrap.unwrap_dek(wrap, PRIVATE, BINDING, EPOCH, MAC_KEY) == DEK


def test_the_refusals_are_in_the_users_language() -> None:
    wrap = DekWrap.from_dict(FORMAT_1)
    with language("az"):
        expected = _("The key file has been altered and is refused.")
        with pytest.raises(VaultTampered) as refused:
            keywrap.unwrap_dek(wrap, PRIVATE, b"slot:other", EPOCH, None)
    assert expected != ALTERED and str(refused.value) == expected
