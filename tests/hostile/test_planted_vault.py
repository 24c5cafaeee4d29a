"""A database planted behind real passwords, and every field of the vault tampered with.

The attacker here has the data folder (read and write) and nothing else: no password, no recovery
key, no database key. They make a store of their own (so they know its key), put its database in
place of the real one, and rewrite ``vault.json`` so that every slot's database-key wrap carries
*their* key: encryption to a slot's public key needs nothing secret, and the public keys are in the
file. If a lawyer's real password then opened that database, what they type next is the
attacker's. The wraps and the vault are authenticated, so the real password must be refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.cli.main import main
from legalaid_desktop.domain.errors import AuthenticationError, VaultError, VaultTampered
from legalaid_desktop.store.keywrap import mac_key_under_dek, wrap_dek
from legalaid_desktop.store.slots import LEGACY_VERSION, public_bytes, recovery_private
from legalaid_desktop.store.store import Store, StorePaths
from legalaid_desktop.store.vault import FLOOR, Vault, parse_recovery_key

ATTACKER_PASSWORD = "Attacker-pass-2026"

# --- what the attacker can compute from the file alone --------------------------------------------


def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def _canon(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _binding(slot: dict[str, Any], store_id: str) -> bytes:
    data: dict[str, Any] = {
        "slot": slot["id"],
        "kind": slot["kind"],
        "user": slot["user"],
        "store": store_id,
        "pub": slot["pub"],
        "kdf": slot.get("kdf"),
        "salt": slot.get("salt", ""),
    }
    if "v" in slot:
        data["v"] = slot["v"]
    return _canon(data)


def _forge_wrap(dek: bytes, slot: dict[str, Any], store_id: str, epoch: int) -> dict[str, str]:
    """The wrap anyone can make: ephemeral X25519 to the slot's public key, as the format says."""
    ephemeral = X25519PrivateKey.generate()
    public = X25519PublicKey.from_public_bytes(base64.b64decode(slot["pub"]))
    epk = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    info = b"legalaid-vault dek|" + _binding(slot, store_id) + b"|" + str(epoch).encode()
    key = _hkdf(ephemeral.exchange(public) + epk, info)
    nonce = secrets.token_bytes(12)
    wrap = {
        "epk": base64.b64encode(epk).decode(),
        "ct": base64.b64encode(nonce + AESGCM(key).encrypt(nonce, dek, info)).decode(),
    }
    if "mac" in slot["dek"]:
        # The MAC key is the slot holder's secret: the best the attacker can do is guess.
        wrap["mac"] = base64.b64encode(secrets.token_bytes(32)).decode()
        wrap["mk"] = base64.b64encode(secrets.token_bytes(60)).decode()
    return wrap


def _sign_as_attacker(data: dict[str, Any], dek: bytes) -> None:
    """Counter MAC and whole-vault MAC keyed with the attacker's own database key."""
    counter_key = _hkdf(dek, b"legalaid-vault counter")
    value = data["counter"]["value"]
    mac = hmac.new(counter_key, _canon([data["store_id"], data["epoch"], value]), hashlib.sha256)
    data["counter"]["mac"] = base64.b64encode(mac.digest()).decode()
    if "mac" in data:
        rest = {k: v for k, v in data.items() if k != "mac"}
        whole = hmac.new(_hkdf(dek, b"legalaid-vault whole"), _canon(rest), hashlib.sha256)
        data["mac"] = base64.b64encode(whole.digest()).decode()


def _attacker_store(tmp_path: Path) -> tuple[Path, bytes, int]:
    """A store of the attacker's own, with a lawyer of the same name; its folder, key, counter."""
    folder = tmp_path / "attacker"
    session, _recovery = app.create(
        folder,
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Saxta",
        admin_password=ATTACKER_PASSWORD,
        kdf=FLOOR,
    )
    session.users.add(LAWYER, "Saxta Leyla", "lawyer", ATTACKER_PASSWORD)
    session.close()
    dek = Vault.load(StorePaths(folder).vault).unlock(ADMIN, ATTACKER_PASSWORD).keys[0]
    counter = Vault.load(StorePaths(folder).vault).counter_value
    return folder, dek, counter


def _plant(victim: Path, tmp_path: Path, *, downgrade: bool = False) -> bytes:
    """Put the attacker's database behind the victim's vault; returns the planted file's bytes."""
    folder, dek, counter = _attacker_store(tmp_path)
    paths = StorePaths(victim)
    shutil.copy2(StorePaths(folder).db, paths.db)
    data = json.loads(paths.vault.read_text())
    if downgrade:  # pass everything off as the old format, without authentication
        data["version"] = 1
        data.pop("mac", None)
        for slot in data["slots"]:
            slot.pop("v", None)
            slot["dek"] = {"epk": slot["dek"]["epk"], "ct": slot["dek"]["ct"]}
    for slot in data["slots"]:
        slot["dek"] = _forge_wrap(dek, slot, data["store_id"], data["epoch"])
    data["counter"]["value"] = counter
    _sign_as_attacker(data, dek)
    paths.vault.write_text(json.dumps(data))
    return paths.db.read_bytes()


@pytest.fixture
def store_and_recovery(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "victim"
    session, recovery = app.create(
        folder,
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin",
        admin_password=ADMIN_PASSWORD,
        kdf=FLOOR,
    )
    session.users.add(LAWYER, "Hüseynova Leyla", "lawyer", LAWYER_PASSWORD)
    session.close()
    yield folder, recovery


@pytest.mark.parametrize("downgrade", [False, True], ids=["forged-wraps", "downgraded-to-v1"])
def test_planted_database_is_refused_to_the_real_password(
    store_and_recovery: tuple[Path, str], tmp_path: Path, downgrade: bool
) -> None:
    victim, recovery = store_and_recovery
    planted = _plant(victim, tmp_path, downgrade=downgrade)
    paths = StorePaths(victim)
    for user, password in ((LAWYER, LAWYER_PASSWORD), (ADMIN, ADMIN_PASSWORD)):
        with pytest.raises(VaultTampered, match="altered"):
            app.login(victim, user, password)
    with pytest.raises(VaultTampered, match="altered"):
        app.recover(victim, recovery)
    # Nothing was opened: the planted database is untouched and has no journal beside it.
    assert paths.db.read_bytes() == planted
    assert not paths.db.with_name(paths.db.name + "-wal").exists()


def test_a_forged_wrap_gives_a_clear_message(
    store_and_recovery: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    victim, _recovery = store_and_recovery
    _plant(victim, tmp_path)
    with pytest.raises(VaultTampered) as caught:
        Store.unlock(victim, LAWYER, LAWYER_PASSWORD)
    assert "was not written by this data store" in str(caught.value)
    assert "Nothing was opened" in str(caught.value)
    monkeypatch.setenv("LEGALAID_PASSWORD", LAWYER_PASSWORD)
    code = main(["--data-dir", str(victim), "--user", LAWYER, "db", "status"])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and err.count("\n") == 1
    assert err.startswith("legalaid: ") and "not written by this data store" in err


# --- every field of the vault -----------------------------------------------------------------


def _leaves(obj: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield from _leaves(value, (*path, index))
    else:
        yield path, obj


def _mutated(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return {"epoch": 99, "wraps": {}}
    if isinstance(value, int):
        return value + 1
    assert isinstance(value, str)
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raw = b""
    if raw:  # flip one bit of the bytes the text stands for
        return base64.b64encode(bytes([raw[0] ^ 1]) + raw[1:]).decode()
    return value + "x"


def _set(obj: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        obj = obj[step]
    obj[path[-1]] = value


def test_any_field_changed_is_refused(store_and_recovery: tuple[Path, str]) -> None:
    victim, _recovery = store_and_recovery
    paths = StorePaths(victim)
    original = json.loads(paths.vault.read_text())
    lawyer_index = next(i for i, s in enumerate(original["slots"]) if s["user"] == LAWYER)
    leaves = list(_leaves(original))
    assert len(leaves) > 30
    cases = [(path, _mutated(value)) for path, value in leaves] + [(("note",), "harmless?")]
    for path, value in cases:
        data = json.loads(json.dumps(original))
        _set(data, path, value)
        paths.vault.write_text(json.dumps(data))
        # The lawyer's own slot, or the store id it is bound to: a wrong-password refusal is
        # also a refusal (nothing tells a changed salt from a mistyped password).
        own = path[:2] == ("slots", lawyer_index) or path == ("store_id",)
        expected: tuple[type[Exception], ...] = (
            (VaultError, AuthenticationError) if own else (VaultTampered,)
        )
        if path == ("version",):
            expected = (VaultError,)
        with pytest.raises(expected):
            Vault.load(paths.vault).unlock(LAWYER, LAWYER_PASSWORD)
    paths.vault.write_text(json.dumps(original))
    app.login(victim, LAWYER, LAWYER_PASSWORD).close()


# --- stores made before the wraps were authenticated ------------------------------------------


def _downgrade_to_format_1(folder: Path, passwords: dict[str, str], recovery: str) -> None:
    """Rewrite a store's vault exactly as LegalAid wrote it before format 2 (same keys)."""
    paths = StorePaths(folder)
    vault = Vault.load(paths.vault)
    dek = vault.unlock(ADMIN, passwords[ADMIN]).keys[0]
    for slot in vault.slots:
        if slot.kind == "user":
            private, key = vault._user_private(slot, passwords[slot.username])
            slot.version = LEGACY_VERSION
            vault._seal_private(slot, private, key)
        else:
            secret = parse_recovery_key(recovery)
            slot.public_key = public_bytes(recovery_private(secret, LEGACY_VERSION))
            slot.version = LEGACY_VERSION
        slot.dek = wrap_dek(dek, slot.public_key, slot.binding(vault.store_id), vault.epoch, None)
    vault.version = LEGACY_VERSION
    paths.vault.write_bytes(vault.to_json())
    data = json.loads(paths.vault.read_text())
    assert set(data) == {"format", "version", "store_id", "epoch", "slots", "pending", "counter"}
    assert data["version"] == 1
    assert all("v" not in s and set(s["dek"]) == {"epk", "ct"} for s in data["slots"])


def _formats(folder: Path) -> dict[str, int]:
    data = json.loads(StorePaths(folder).vault.read_text())
    return {s["user"] or "(recovery)": s.get("v", 1) for s in data["slots"]} | {
        "(file)": data["version"]
    }


def test_format_1_store_opens_and_is_upgraded_slot_by_slot(
    store_and_recovery: tuple[Path, str], tmp_path: Path
) -> None:
    victim, recovery = store_and_recovery
    passwords = {ADMIN: ADMIN_PASSWORD, LAWYER: LAWYER_PASSWORD, "rauf": "Kapaz-hill-2026-x"}
    admin = app.login(victim, ADMIN, ADMIN_PASSWORD)
    admin.users.add("rauf", "Quliyev Rauf", "lawyer", passwords["rauf"])
    admin.close()
    _downgrade_to_format_1(victim, passwords, recovery)
    paths = StorePaths(victim)
    before = paths.vault.read_bytes()
    with pytest.raises(AuthenticationError):
        app.login(victim, LAWYER, "not-her-password")
    assert paths.vault.read_bytes() == before  # a failed login upgrades nothing

    # The first successful unlock writes format 2 (with its MAC) and binds the slot it opened.
    session = app.login(victim, LAWYER, LAWYER_PASSWORD)
    assert session.maintenance.status()["key_slots_to_renew"] == ["(recovery)", ADMIN, "rauf"]
    session.close()
    assert _formats(victim) == {"(file)": 2, LAWYER: 2, ADMIN: 1, "rauf": 1, "(recovery)": 1}
    copy = tmp_path / "copy"
    shutil.copytree(victim, copy)
    _plant(copy, tmp_path / "a")
    with pytest.raises(VaultTampered):
        app.login(copy, LAWYER, LAWYER_PASSWORD)

    # A revocation re-wraps the new key to slots of both formats.
    admin = app.login(victim, ADMIN, ADMIN_PASSWORD)
    admin.users.revoke("rauf")
    admin.close()
    assert _formats(victim) == {"(file)": 2, LAWYER: 2, ADMIN: 2, "(recovery)": 1}
    rescue = app.recover(victim, recovery)
    rescue.close()
    assert _formats(victim) == {"(file)": 2, LAWYER: 2, ADMIN: 2, "(recovery)": 2}
    session = app.login(victim, LAWYER, LAWYER_PASSWORD)
    assert session.maintenance.verify().ok
    # The lawyer's login renewed her pair; the admin's dates from before the revocation.
    assert session.maintenance.status()["key_slots_to_renew"] == [ADMIN]
    session.close()
    app.recover(victim, recovery).close()


def _plant_with_mac_keys(folder: Path, tmp_path: Path, mac_keys: dict[str, bytes]) -> bytes:
    """Plant as someone who knows some slots' wrap-MAC keys (read with an old database key)."""
    attacker, dek, counter = _attacker_store(tmp_path)
    paths = StorePaths(folder)
    shutil.copy2(StorePaths(attacker).db, paths.db)
    vault = Vault.load(paths.vault)
    for slot in vault.slots:
        mac_key = mac_keys.get(slot.slot_id)
        binding = slot.binding(vault.store_id)
        if mac_key is not None:
            slot.dek = wrap_dek(dek, slot.public_key, binding, vault.epoch, mac_key)
    vault.set_counter(dek, counter)
    vault.save(dek)
    return dek


def test_a_revoked_user_who_kept_the_old_key_cannot_plant_after_the_next_login(
    store_and_recovery: tuple[Path, str], tmp_path: Path
) -> None:
    """Rauf, still a user, reads every slot's MAC key (under the database key he can open), is
    revoked, and later plants a database for Leyla with those keys. Leyla's next login after the
    revocation gave her slot a new key pair, so the old MAC key is worth nothing."""
    victim, _recovery = store_and_recovery
    admin = app.login(victim, ADMIN, ADMIN_PASSWORD)
    admin.users.add("rauf", "Quliyev Rauf", "lawyer", "Kapaz-hill-2026-x")
    admin.close()
    paths = StorePaths(victim)
    stolen = Vault.load(paths.vault)
    old_dek = stolen.unlock("rauf", "Kapaz-hill-2026-x").keys[0]
    lawyer_slot = stolen.user_slot(LAWYER)
    assert lawyer_slot is not None and lawyer_slot.dek is not None
    binding = lawyer_slot.binding(stolen.store_id)
    mac_keys = {lawyer_slot.slot_id: mac_key_under_dek(lawyer_slot.dek, old_dek, binding, 1)}

    admin = app.login(victim, ADMIN, ADMIN_PASSWORD)
    admin.users.revoke("rauf")
    admin.close()
    # Until Leyla logs in, her slot still has the key pair Rauf's MAC key belongs to (the
    # documented window): planted on a copy, her password would open his database.
    window = tmp_path / "window"
    shutil.copytree(victim, window)
    planted_dek = _plant_with_mac_keys(window, tmp_path / "w", mac_keys)
    assert Vault.load(StorePaths(window).vault).unlock(LAWYER, LAWYER_PASSWORD).keys[0] == (
        planted_dek
    )

    app.login(victim, LAWYER, LAWYER_PASSWORD).close()  # her first login after the revocation
    _plant_with_mac_keys(victim, tmp_path / "a", mac_keys)
    with pytest.raises(VaultTampered, match="not written by this data store"):
        app.login(victim, LAWYER, LAWYER_PASSWORD)


def test_a_restore_keeps_format_1_slots_and_drops_format_2_slots_without_their_mac_key(
    store_and_recovery: tuple[Path, str],
) -> None:
    """What ``install_key`` gives the key file a restore writes, in a store of both formats.

    A format-1 slot never had a wrap-MAC key: it gets an unauthenticated wrap of the new key, as
    before (its holder's next login upgrades it). A format-2 slot whose MAC key the backup does
    not hold could never open an authenticated wrap: it is left out, and an administrator gives
    that user a password again.
    """
    victim, recovery = store_and_recovery
    passwords = {ADMIN: ADMIN_PASSWORD, LAWYER: LAWYER_PASSWORD}
    _downgrade_to_format_1(victim, passwords, recovery)
    app.login(victim, LAWYER, LAWYER_PASSWORD).close()  # her slot is now format 2
    assert _formats(victim) == {"(file)": 2, LAWYER: 2, ADMIN: 1, "(recovery)": 1}
    paths = StorePaths(victim)
    vault = Vault.load(paths.vault)
    dek = vault.unlock(ADMIN, ADMIN_PASSWORD).keys[0]
    lawyer_slot = vault.user_slot(LAWYER)
    assert lawyer_slot is not None
    mac_keys = vault.wrap_mac_keys(dek)
    assert set(mac_keys) == {lawyer_slot.slot_id}  # format-1 slots have none

    new_dek = secrets.token_bytes(32)
    vault.install_key(new_dek, mac_keys, 41)
    restored = Vault.load(paths.vault)
    assert restored.pending is None and restored.verified_counter(new_dek) == 41
    for username, password in passwords.items():
        assert restored.unlock(username, password).keys == (new_dek,)
    assert restored.unlock_recovery(recovery).keys == (new_dek,)

    vault = Vault.load(paths.vault)
    # Whatever order the key file lists the slots in: the lawyer's first here.
    vault.slots.sort(key=lambda slot: slot.username != LAWYER)
    vault.install_key(secrets.token_bytes(32), {}, 42)
    left = Vault.load(paths.vault)
    assert left.usernames() == [ADMIN]  # the lawyer's format-2 slot had no MAC key
    assert [s.slot_id for s in left.slots if s.kind == "recovery"]
