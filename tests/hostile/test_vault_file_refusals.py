"""The key file as a thief or an insider may hand it over: each refusal, word for word.

``Vault.load`` reads the file's structure before anything is unlocked, and ``Vault.unlock``
checks a user's slot before the database key is tried. Each field is given the one wrong value
that a check exists for, with the value beside it that passes, and the message the user reads
(a broken check would let a forged file through; a broken message tells the user nothing or, for
a user name, tells a thief which names exist).
"""

from __future__ import annotations

import base64
import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from legalaid_desktop.domain.errors import AuthenticationError, VaultError, VaultTampered
from legalaid_desktop.i18n import language
from legalaid_desktop.store.keywrap import wrap_dek
from legalaid_desktop.store.vault import FLOOR, Vault

ADMIN, PASSWORD = "admin", "Qala-parol-2026"
DEK = os.urandom(32)
MALFORMED = "The key file is malformed."
ALTERED = "The key file has been altered and is refused."
WRONG = "The user name or password is wrong."


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The JSON of a new key file: one administrator and the recovery slot."""
    path = tmp_path_factory.mktemp("vault") / "vault.json"
    Vault.create(path, dek=DEK, admin_username=ADMIN, admin_password=PASSWORD, kdf=FLOOR)
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@pytest.fixture
def data(original: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(original)


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "vault.json"
    path.write_text(json.dumps(data), "utf-8")
    return path


def _load_refused(tmp_path: Path, data: Any, kind: type[Exception] = VaultTampered) -> str:
    with pytest.raises(kind) as refused:
        Vault.load(_write(tmp_path, data))
    assert type(refused.value) is kind
    return str(refused.value)


def _admin(data: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in data["slots"] if s["kind"] == "user")


# --- the file itself ---------------------------------------------------------------------------


def test_a_key_file_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "vault.json"
    folder.mkdir()
    with pytest.raises(VaultError) as refused:
        Vault.load(folder)
    assert str(refused.value) == f"The key file {folder} cannot be read: Is a directory."


@pytest.mark.parametrize("raw", [b"\xff\xfe{}", b'{"format": ', b""], ids=["utf16", "cut", "empty"])
def test_a_key_file_that_is_not_json_is_damaged(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "vault.json"
    path.write_bytes(raw)
    with pytest.raises(VaultTampered) as refused:
        Vault.load(path)
    assert str(refused.value) == f"The key file {path} is damaged."


@pytest.mark.parametrize(
    "value", [[1], {"format": "legalaid-store"}, {"version": 2}], ids=["list", "other", "none"]
)
def test_another_file_is_not_a_key_file(tmp_path: Path, value: Any) -> None:
    path = tmp_path / "vault.json"
    assert _load_refused(tmp_path, value) == f"{path} is not a LegalAid key file."


def test_a_newer_format_asks_for_a_newer_program(tmp_path: Path, data: dict[str, Any]) -> None:
    data["version"] = 3
    assert _load_refused(tmp_path, data, VaultError) == (
        "The key file was written by a newer version of LegalAid."
    )


@pytest.mark.parametrize("version", [True, False, 0, "2", None, 2.0], ids=str)
def test_a_version_that_is_no_format_is_malformed(
    tmp_path: Path, data: dict[str, Any], version: Any
) -> None:
    data["version"] = version
    assert _load_refused(tmp_path, data) == MALFORMED


def test_the_mac_goes_with_format_2_only(tmp_path: Path, data: dict[str, Any]) -> None:
    del data["mac"]
    assert _load_refused(tmp_path, data) == MALFORMED
    data["version"] = 1
    data["mac"] = "AAAA"
    assert _load_refused(tmp_path, data) == MALFORMED


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("store_id", 7),
        ("store_id", None),
        ("epoch", "1"),
        ("epoch", None),
        ("counter", [1]),
        ("counter", {"mac": ""}),
        ("counter", {"value": "1", "mac": ""}),
        ("slots", {"admin": {}}),
        ("slots", None),
        ("pending", []),
        ("pending", "rotation"),
    ],
    ids=str,
)
def test_a_field_of_the_wrong_kind_is_malformed(
    tmp_path: Path, data: dict[str, Any], field: str, value: Any
) -> None:
    data[field] = value
    assert _load_refused(tmp_path, data) == MALFORMED


def test_a_slot_twice_or_a_user_name_twice_is_malformed(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    lawyer = {**copy.deepcopy(_admin(data)), "id": "1" * 16, "user": "lawyer"}
    assert Vault.load(_write(tmp_path, {**data, "slots": [*data["slots"], lawyer]}))
    assert _load_refused(tmp_path, {**data, "slots": [*data["slots"], _admin(data)]}) == MALFORMED
    namesake = {**copy.deepcopy(_admin(data)), "id": "0" * 16}
    assert _load_refused(tmp_path, {**data, "slots": [*data["slots"], namesake]}) == MALFORMED
    same_id = {**copy.deepcopy(_admin(data)), "user": "lawyer"}
    assert _load_refused(tmp_path, {**data, "slots": [*data["slots"], same_id]}) == MALFORMED


def test_a_second_recovery_slot_is_not_a_second_user(tmp_path: Path, data: dict[str, Any]) -> None:
    """Only users' names must differ: the recovery slots' empty names are not compared."""
    recovery = next(s for s in data["slots"] if s["kind"] == "recovery")
    second = {**copy.deepcopy(recovery), "id": "recovery-2"}
    vault = Vault.load(_write(tmp_path, {**data, "slots": [*data["slots"], second]}))
    assert [s.slot_id for s in vault.slots] == ["recovery", _admin(data)["id"], "recovery-2"]


def test_a_format_1_file_holding_a_format_2_slot_is_altered(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    del data["mac"]
    data["version"] = 1
    assert _load_refused(tmp_path, data) == ALTERED
    with language("az"):  # VaultTampered's own default is this English sentence
        assert _load_refused(tmp_path, data) not in ("", ALTERED)


def test_what_load_reads_is_what_was_written(tmp_path: Path, data: dict[str, Any]) -> None:
    data["pending"] = {"epoch": 2, "wraps": {}}
    vault = Vault.load(_write(tmp_path, data))
    assert vault.store_id == data["store_id"]
    assert (vault.epoch, vault.version, vault.pending) == (1, 2, {"epoch": 2, "wraps": {}})
    assert vault.counter_value == 1
    assert vault.counter_mac == base64.b64decode(data["counter"]["mac"])
    assert vault.mac == base64.b64decode(data["mac"])
    assert [s.slot_id for s in vault.slots] == [s["id"] for s in data["slots"]]


def test_a_key_file_written_back_reads_the_same(tmp_path: Path, original: dict[str, Any]) -> None:
    path = _write(tmp_path, original)
    vault = Vault.load(path)
    assert json.loads(vault.to_json()) == original
    vault.unlock(ADMIN, PASSWORD)  # the MAC over what was read holds
    vault.set_counter(DEK, 5)
    vault.save(DEK)
    again = Vault.load(path)
    assert again.counter_value == 5 and again.verified_counter(DEK) == 5
    again.unlock(ADMIN, PASSWORD)
    saved = json.loads(path.read_text("utf-8"))
    assert sorted(saved) == [
        "counter",
        "epoch",
        "format",
        "mac",
        "pending",
        "slots",
        "store_id",
        "version",
    ]
    assert (saved["format"], saved["version"], saved["epoch"]) == ("legalaid-vault", 2, 1)
    assert saved["counter"]["value"] == 5
    assert saved["pending"] is None and saved["store_id"] == original["store_id"]


def test_a_counter_changed_by_hand_is_refused(tmp_path: Path, data: dict[str, Any]) -> None:
    data["counter"]["value"] = 2
    vault = Vault.load(_write(tmp_path, data))
    with pytest.raises(VaultTampered) as refused:
        vault.verified_counter(DEK)
    assert str(refused.value) == "The key file's state counter has been altered."


# --- a user's slot -------------------------------------------------------------------------------


def _unlock_refused(tmp_path: Path, data: dict[str, Any], user: str, password: str) -> Exception:
    vault = Vault.load(_write(tmp_path, data))
    with pytest.raises((AuthenticationError, VaultTampered)) as refused:
        vault.unlock(user, password)
    return refused.value


def test_an_empty_password_unknown_user_and_wrong_password(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    empty = _unlock_refused(tmp_path, data, ADMIN, "")
    assert type(empty) is AuthenticationError
    assert str(empty) == "The password must not be empty."
    unknown = _unlock_refused(tmp_path, data, "nobody", PASSWORD)
    wrong = _unlock_refused(tmp_path, data, ADMIN, PASSWORD + "!")
    # The same words either way: a thief learns nothing about which names exist.
    assert (type(unknown), str(unknown)) == (AuthenticationError, WRONG)
    assert (type(wrong), str(wrong)) == (AuthenticationError, WRONG)
    with language("az"):
        empty_az = _unlock_refused(tmp_path, data, ADMIN, "")
        unknown_az = _unlock_refused(tmp_path, data, "nobody", PASSWORD)
        wrong_az = _unlock_refused(tmp_path, data, ADMIN, "səhv")
    assert str(empty_az) not in ("", "The password must not be empty.")
    assert str(unknown_az) == str(wrong_az) != WRONG


def test_a_slot_with_weakened_key_derivation(tmp_path: Path, data: dict[str, Any]) -> None:
    _admin(data)["kdf"]["m"] = FLOOR.memory_kib // 2
    refused = _unlock_refused(tmp_path, data, ADMIN, PASSWORD)
    assert (type(refused), str(refused)) == (
        VaultTampered,
        "The key file has been altered: the slot of admin has weakened key derivation "
        "parameters and is refused.",
    )


def _b64_of_size(n: int) -> str:
    return base64.b64encode(b"\x01" * n).decode()


@pytest.mark.parametrize(
    ("field", "size"), [("salt", 15), ("priv", 59), ("priv", 61), ("priv", 0)], ids=str
)
def test_a_slot_of_the_wrong_sizes_is_malformed(
    tmp_path: Path, data: dict[str, Any], field: str, size: int
) -> None:
    _admin(data)[field] = _b64_of_size(size)
    refused = _unlock_refused(tmp_path, data, ADMIN, PASSWORD)
    assert (type(refused), str(refused)) == (VaultTampered, MALFORMED)


def test_a_slot_at_its_sizes_is_tried_with_the_password(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    """A 16-byte salt and a 60-byte private key pass the size check: the password decides."""
    _admin(data)["priv"] = _b64_of_size(60)
    refused = _unlock_refused(tmp_path, data, ADMIN, PASSWORD)
    assert (type(refused), str(refused)) == (AuthenticationError, WRONG)


def test_a_slot_whose_key_pair_does_not_match_is_altered(
    tmp_path: Path, data: dict[str, Any], original: dict[str, Any]
) -> None:
    """An insider who knows the password seals the slot's private key again beside another
    public key (the recovery slot's): the password opens it, the pair does not match."""
    vault = Vault.load(_write(tmp_path, data))
    slot = vault.user_slot(ADMIN)
    assert slot is not None and slot.kdf is not None
    key = slot.kdf.derive(PASSWORD, slot.salt)
    blob = slot.wrapped_private
    raw = AESGCM(key).decrypt(blob[:12], blob[12:], slot.binding(vault.store_id))
    recovery = next(s for s in original["slots"] if s["kind"] == "recovery")
    slot.public_key = base64.b64decode(recovery["pub"])
    nonce = os.urandom(12)
    sealed = nonce + AESGCM(key).encrypt(nonce, raw, slot.binding(vault.store_id))
    _admin(data)["pub"] = recovery["pub"]
    _admin(data)["priv"] = base64.b64encode(sealed).decode()
    refused = _unlock_refused(tmp_path, data, ADMIN, PASSWORD)
    assert (type(refused), str(refused)) == (VaultTampered, ALTERED)
    with language("az"):  # VaultTampered's own default is this English sentence
        assert str(_unlock_refused(tmp_path, data, ADMIN, PASSWORD)) not in ("", ALTERED)


def test_a_slot_without_its_database_key_is_malformed(tmp_path: Path, data: dict[str, Any]) -> None:
    _admin(data)["dek"] = None
    refused = _unlock_refused(tmp_path, data, ADMIN, PASSWORD)
    assert (type(refused), str(refused)) == (VaultTampered, MALFORMED)


@pytest.mark.parametrize("epoch", [1, 3, "2", None, True], ids=str)
def test_a_pending_wrap_for_another_rotation_is_malformed(
    tmp_path: Path, data: dict[str, Any], epoch: Any
) -> None:
    """A rotation wrap is for the next epoch only (the file is at epoch 1)."""
    data["pending"] = {"epoch": epoch, "wraps": {_admin(data)["id"]: _admin(data)["dek"]}}
    refused = _unlock_refused(tmp_path, data, ADMIN, PASSWORD)
    assert (type(refused), str(refused)) == (VaultTampered, MALFORMED)


def test_a_pending_wrap_planted_by_an_insider_is_refused(tmp_path: Path) -> None:
    """An administrator holds the database key, so they can write a key file whose whole-file
    MAC holds. A rotation wrap they plant for a lawyer's slot (a new database key of their
    choosing) is still refused: it does not carry the lawyer slot's own MAC."""
    path = tmp_path / "vault.json"
    vault, _recovery = Vault.create(
        path, dek=DEK, admin_username=ADMIN, admin_password=PASSWORD, kdf=FLOOR
    )
    vault.add_user("leyla", "Xazar-sea-2026", dek=DEK, kdf=FLOOR)
    vault.save(DEK)
    slot = vault.user_slot("leyla")
    assert slot is not None
    binding, epoch = slot.binding(vault.store_id), vault.epoch + 1
    planted = wrap_dek(os.urandom(32), slot.public_key, binding, epoch, os.urandom(32))
    vault.pending = {"epoch": epoch, "wraps": {slot.slot_id: planted.to_dict()}}
    vault.save(DEK)  # the whole-file MAC, made with the key the insider holds
    with pytest.raises(VaultTampered) as refused:
        Vault.load(path).unlock("leyla", "Xazar-sea-2026")
    assert str(refused.value) == (
        "The key file has been altered: the database key offered to this account was not "
        "written by this data store. Nothing was opened; tell your administrator."
    )
    assert Vault.load(path).unlock(ADMIN, PASSWORD).keys == (DEK,)  # no wrap planted there


def test_unlock_names_the_user_and_the_slot_that_opened(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    """The store opens the backups wrapped to the slot that unlocked (its id and private key)."""
    vault = Vault.load(_write(tmp_path, data))
    unlocked = vault.unlock(ADMIN, PASSWORD)
    assert (unlocked.username, unlocked.keys, unlocked.slot_id) == (
        ADMIN,
        (DEK,),
        _admin(data)["id"],
    )
    assert unlocked.private is not None
    public = unlocked.private.public_key().public_bytes_raw()
    assert base64.b64encode(public).decode() == _admin(data)["pub"]
