"""The vault: slots, tampering, rotation, recovery, crash safety."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, create_store
from legalaid_desktop import app
from legalaid_desktop.domain.errors import (
    AuthenticationError,
    InputRejected,
    StoreError,
    VaultTampered,
)
from legalaid_desktop.i18n import _, language
from legalaid_desktop.store.store import StorePaths
from legalaid_desktop.store.vault import FLOOR, KdfParams, Vault, parse_recovery_key


def _vault_json(data_dir: Path) -> dict:
    return json.loads(StorePaths(data_dir).vault.read_text())


def _write_vault(data_dir: Path, data: dict) -> None:
    StorePaths(data_dir).vault.write_text(json.dumps(data))


def _slot(data: dict, user: str) -> dict:
    return next(s for s in data["slots"] if s["user"] == user)


def _new_store(data_dir: Path) -> tuple[app.AppSession, str]:
    """A new store of its own (its own keys and recovery key), with one administrator."""
    return create_store(data_dir, "QBA", "Quba", "Admin")


def test_each_user_logs_in_with_their_own_password(store_with_lawyer: Path) -> None:
    session = app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    assert session.actor.username == LAWYER and session.actor.role == "lawyer"
    session.close()
    with pytest.raises(AuthenticationError):
        app.login(store_with_lawyer, LAWYER, ADMIN_PASSWORD)


@pytest.mark.parametrize("password", ["", "wrong-password"])
def test_wrong_or_empty_password_and_unknown_user(store_with_lawyer: Path, password: str) -> None:
    with pytest.raises(AuthenticationError, match="wrong|empty"):
        app.login(store_with_lawyer, ADMIN, password)
    with pytest.raises(AuthenticationError, match="wrong"):
        app.login(store_with_lawyer, "nobody", ADMIN_PASSWORD)


def test_parameters_below_the_floor_are_refused(store_with_lawyer: Path) -> None:
    data = _vault_json(store_with_lawyer)
    _slot(data, LAWYER)["kdf"] = {"m": 8, "t": 1, "p": 1}
    _write_vault(store_with_lawyer, data)
    with pytest.raises(VaultTampered, match="weakened"):
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)


def test_changed_parameters_do_not_open(store_with_lawyer: Path) -> None:
    data = _vault_json(store_with_lawyer)
    slot = _slot(data, LAWYER)
    assert slot["kdf"] == FLOOR.to_dict()
    slot["kdf"] = {"m": FLOOR.memory_kib, "t": FLOOR.iterations, "p": FLOOR.lanes}
    # The slot holds the floor already; any change to its parameters breaks its authentication.
    slot["kdf"]["t"] = FLOOR.iterations + 1
    _write_vault(store_with_lawyer, data)
    with pytest.raises(AuthenticationError):
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)


def test_slot_swapped_between_users_is_refused(store_with_lawyer: Path) -> None:
    data = _vault_json(store_with_lawyer)
    admin, lawyer = _slot(data, ADMIN), _slot(data, LAWYER)
    admin["user"], lawyer["user"] = LAWYER, ADMIN  # each user now "owns" the other's slot
    _write_vault(store_with_lawyer, data)
    for user, password in (
        (ADMIN, ADMIN_PASSWORD),
        (LAWYER, LAWYER_PASSWORD),
        (ADMIN, LAWYER_PASSWORD),
    ):
        with pytest.raises((AuthenticationError, VaultTampered)):
            app.login(store_with_lawyer, user, password)


def test_dek_wrap_copied_from_another_slot_is_refused(store_with_lawyer: Path) -> None:
    data = _vault_json(store_with_lawyer)
    _slot(data, LAWYER)["dek"] = _slot(data, ADMIN)["dek"]
    _write_vault(store_with_lawyer, data)
    with pytest.raises(VaultTampered):
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)


def test_edited_counter_is_refused(store_with_lawyer: Path) -> None:
    data = _vault_json(store_with_lawyer)
    data["counter"]["value"] += 7  # pretend the database is behind: hide a rollback
    _write_vault(store_with_lawyer, data)
    with pytest.raises(VaultTampered, match="counter|altered"):
        app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)


def test_revoked_users_old_vault_copy_opens_nothing(
    store_with_lawyer: Path, tmp_path: Path
) -> None:
    paths = StorePaths(store_with_lawyer)
    old_vault = tmp_path / "vault-before-revoke.json"
    shutil.copy2(paths.vault, old_vault)
    admin = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    admin.users.revoke(LAWYER)
    admin.close()
    with pytest.raises(AuthenticationError):
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    # The lawyer kept a copy of the vault from before: it unwraps the OLD key only.
    shutil.copy2(old_vault, paths.vault)
    with pytest.raises(StoreError, match="does not open the database") as refused:
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)
    assert str(refused.value) == (
        f"The key file opens, but its key does not open the database {paths.db}. The key file "
        "or the database was replaced by a copy from before a user was revoked; restore the "
        "pair from the same backup."
    )
    # The old key really does not open the database file.
    old_key = Vault.load(old_vault).unlock(LAWYER, LAWYER_PASSWORD).keys[0]
    from legalaid_desktop.store.engine import WrongStoreKey, connect_raw

    with pytest.raises(WrongStoreKey):
        connect_raw(paths.db, old_key)


def _revoke_lawyer_and_crash(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, bytes]:
    """Revoke the lawyer; the process dies after the database was rekeyed, before the key file
    was finished. Returns the old and the new database key."""
    admin = app.login(folder, ADMIN, ADMIN_PASSWORD)
    old_key = admin.ws.store.key
    seen: list[bytes] = []

    def crash(_vault: Vault, new_dek: bytes, _counter: int) -> None:
        seen.append(new_dek)
        raise KeyboardInterrupt  # the process dies here

    with monkeypatch.context() as patch:
        patch.setattr(Vault, "finish_rotation", crash)
        with pytest.raises(KeyboardInterrupt):
            admin.users.revoke(LAWYER)
    admin.ws.store.close()
    (new_key,) = seen
    return old_key, new_key


def test_interrupted_rotation_still_opens(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Crash after the database was rekeyed but before the vault was finished."""
    _revoke_lawyer_and_crash(store_with_lawyer, monkeypatch)
    assert _vault_json(store_with_lawyer)["pending"] is not None
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert _vault_json(store_with_lawyer)["pending"] is None
    assert session.maintenance.verify().ok
    session.close()


def test_wrap_mac_keys_are_found_with_either_key_while_a_rotation_is_pending(
    store_with_lawyer: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backup made while a rotation is unfinished keeps every slot's wrap-MAC key.

    After the crash the store may be opened with the old key or the new one (the database was
    rekeyed, the key file not finished): the old key opens the slots' current wraps, the new key
    only the pending ones. Either way each remaining slot's MAC key is found, and it is the same
    key the finished rotation gives.
    """
    old_key, new_key = _revoke_lawyer_and_crash(store_with_lawyer, monkeypatch)
    vault = Vault.load(StorePaths(store_with_lawyer).vault)
    assert vault.pending is not None
    slot_ids = {s.slot_id for s in vault.slots}
    assert len(slot_ids) == 2  # the administrator and the recovery key; the lawyer is gone
    with_old, with_new = vault.wrap_mac_keys(old_key), vault.wrap_mac_keys(new_key)
    assert set(with_old) == set(with_new) == slot_ids
    assert with_old == with_new
    assert vault.wrap_mac_keys(bytes(32)) == {}

    app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD).close()  # finishes the rotation
    finished = Vault.load(StorePaths(store_with_lawyer).vault)
    assert finished.pending is None
    assert finished.wrap_mac_keys(new_key) == with_new
    assert finished.wrap_mac_keys(old_key) == {}


def test_a_key_file_altered_without_the_database_key_is_refused_in_words(
    store_with_lawyer: Path,
) -> None:
    """Another user's slot moved to a later epoch (so that its key pair is not renewed): only
    the vault's MAC, keyed from the database key, tells. The message says what to do."""
    data = _vault_json(store_with_lawyer)
    _slot(data, LAWYER)["since"] += 1
    _write_vault(store_with_lawyer, data)
    expected = (
        "The key file has been altered by someone without the database key and is refused. "
        "Nothing was opened; tell your administrator."
    )
    with pytest.raises(VaultTampered) as refused:
        app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert str(refused.value) == expected
    with language("az"):
        translated = _(expected)
        with pytest.raises(VaultTampered) as in_azerbaijani:
            app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert translated != expected and str(in_azerbaijani.value) == translated


def test_recovery_key_resets_a_password(data_dir: Path) -> None:
    session, recovery = _new_store(data_dir)
    session.close()
    with pytest.raises(InputRejected, match="typing mistake"):
        app.recover(data_dir, recovery[:5] + ("A" if recovery[5] != "A" else "B") + recovery[6:])
    assert parse_recovery_key(recovery.lower().replace("-", " ")) == parse_recovery_key(recovery)
    rescue = app.recover(data_dir, recovery)
    rescue.users.reset_password(ADMIN, "Brand-new-pass-1")
    rescue.close()
    with pytest.raises(AuthenticationError):
        app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    app.login(data_dir, ADMIN, "Brand-new-pass-1").close()


def test_new_slots_never_go_below_the_floor(admin_session: app.AppSession) -> None:
    with pytest.raises(InputRejected):
        admin_session.ws.store.vault.add_user(
            "x", "pw-123456789", dek=b"\0" * 32, kdf=KdfParams(1024, 1, 1)
        )
    assert not KdfParams.calibrate(target_seconds=0.01).below_floor()


def test_killed_while_writing_the_vault_keeps_the_previous_one(store_with_lawyer: Path) -> None:
    before = StorePaths(store_with_lawyer).vault.read_bytes()
    script = textwrap.dedent(
        f"""
        import os, sys
        from pathlib import Path
        import legalaid_desktop.fsutil as f
        import legalaid_desktop.store.vault as v
        real_fdopen = os.fdopen
        class Dying:
            def __init__(self, handle): self.h = handle
            def __enter__(self): return self
            def __exit__(self, *a): return False
            def write(self, data):
                self.h.write(data[: len(data) // 2]); self.h.flush()
                os._exit(137)  # killed half-way through the write
        f.os.fdopen = lambda fd, mode: Dying(real_fdopen(fd, mode))
        vault = v.Vault.load(Path({str(StorePaths(store_with_lawyer).vault)!r}))
        vault.save(bytes(32))  # the process dies before this reaches the disk
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == 137, proc.stderr.decode()
    assert StorePaths(store_with_lawyer).vault.read_bytes() == before
    app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD).close()


_ONE_STEP_BELOW = [
    pytest.param({"m": FLOOR.memory_kib - 1}, id="memory"),
    pytest.param({"t": FLOOR.iterations - 1}, id="iterations"),
    pytest.param({"p": FLOOR.lanes - 1}, id="lanes"),
]


@pytest.mark.parametrize("lowered", _ONE_STEP_BELOW)
def test_one_parameter_one_step_below_the_floor_is_refused_at_login(
    store_with_lawyer: Path, lowered: dict[str, int]
) -> None:
    """Each parameter alone, the others at the floor: a weakened slot never opens."""
    data = _vault_json(store_with_lawyer)
    _slot(data, LAWYER)["kdf"] = {**FLOOR.to_dict(), **lowered}
    _write_vault(store_with_lawyer, data)
    with pytest.raises(VaultTampered, match="weakened"):
        app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD)


@pytest.mark.parametrize("lowered", _ONE_STEP_BELOW)
def test_one_parameter_one_step_below_the_floor_is_refused_for_a_new_slot(
    admin_session: app.AppSession, lowered: dict[str, int]
) -> None:
    vault = admin_session.ws.store.vault
    before = [s.username for s in vault.slots]
    params = KdfParams.from_dict({**FLOOR.to_dict(), **lowered})
    with pytest.raises(InputRejected, match="below the minimum"):
        vault.add_user("x", "pw-123456789", dek=b"\0" * 32, kdf=params)
    assert [s.username for s in vault.slots] == before
    assert not FLOOR.below_floor()  # the floor itself is allowed


def test_the_recovery_key_opens_the_store_as_its_own_slot(data_dir: Path) -> None:
    """What the recovery key unlocks: the database key (the same an administrator's password
    opens), no user name, and the recovery slot with its private key, which the recovery
    session opens the backups with (a revocation made then re-keys them)."""
    from legalaid_desktop.store import backups
    from legalaid_desktop.store.slots import public_bytes

    session, recovery = _new_store(data_dir)
    folder = session.maintenance.backup()
    session.close()
    vault = Vault.load(StorePaths(data_dir).vault)
    (slot,) = [s for s in vault.slots if s.kind == "recovery"]
    unlocked = vault.unlock_recovery(recovery)
    assert unlocked.username == ""
    assert unlocked.keys == vault.unlock(ADMIN, ADMIN_PASSWORD).keys
    assert unlocked.slot_id == slot.slot_id
    assert unlocked.private is not None and public_bytes(unlocked.private) == slot.public_key
    rescue = app.recover(data_dir, recovery)
    try:
        opener = rescue.ws.store.opener
        assert opener is not None and opener.slot_id == slot.slot_id
        expected = backups.backup_key(folder, backups.opener_for_recovery(folder, recovery))
        assert backups.backup_key(folder, opener) == expected
    finally:
        rescue.close()


def test_a_key_file_without_a_recovery_slot_or_another_stores_key(data_dir: Path) -> None:
    session, recovery = _new_store(data_dir)
    session.close()
    vault = Vault.load(StorePaths(data_dir).vault)
    dek = vault.unlock(ADMIN, ADMIN_PASSWORD).keys[0]
    other_key = Vault.load(StorePaths(data_dir).vault).replace_recovery(dek)
    with pytest.raises(
        AuthenticationError, match=r"^This recovery key does not belong to this data store\.$"
    ):
        vault.unlock_recovery(other_key)
    vault.unlock_recovery(recovery)  # the store's own still opens
    data = _vault_json(data_dir)
    data["slots"] = [s for s in data["slots"] if s.get("kind") != "recovery"]
    _write_vault(data_dir, data)
    with pytest.raises(VaultTampered, match=r"^The key file has no recovery slot\.$"):
        Vault.load(StorePaths(data_dir).vault).unlock_recovery(recovery)


def test_an_upgrade_with_nothing_to_upgrade_or_during_a_rotation_changes_nothing(
    store_with_lawyer: Path,
) -> None:
    paths = StorePaths(store_with_lawyer)
    vault = Vault.load(paths.vault)
    dek = vault.unlock(ADMIN, ADMIN_PASSWORD).keys[0]
    before = json.dumps([s.to_dict() for s in vault.slots], sort_keys=True)
    vault.upgrade(dek)  # nothing unlocked that needs it: a no-op
    assert json.dumps([s.to_dict() for s in vault.slots], sort_keys=True) == before
    # the lawyer's slot as a login leaves it when its key pair is older than the last
    # rotation, while another rotation is pending: it waits for the rotation to finish
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    (lawyer,) = [s for s in vault.slots if s.username == LAWYER]
    vault._upgrade = (lawyer.slot_id, X25519PrivateKey.generate(), bytes(32))
    vault.pending = {"epoch": vault.epoch + 1, "wraps": {}}
    vault.upgrade(dek)
    assert json.dumps([s.to_dict() for s in vault.slots], sort_keys=True) == before


def test_every_new_key_file_is_its_own_store(tmp_path: Path) -> None:
    """Slots are bound to their store's id: two stores made anywhere never share one (a slot
    copied from another store's key file must not fit), and it is a random UUID."""
    import uuid

    made = []
    for name in ("a", "b"):
        vault, _recovery = Vault.create(
            tmp_path / f"{name}.json",
            dek=bytes(32),
            admin_username=ADMIN,
            admin_password=ADMIN_PASSWORD,
            kdf=FLOOR,
        )
        assert str(uuid.UUID(vault.store_id)) == vault.store_id
        made.append(vault.store_id)
    assert made[0] != made[1]


def test_finishing_a_rotation_that_was_never_begun_is_refused(store_with_lawyer: Path) -> None:
    vault = Vault.load(StorePaths(store_with_lawyer).vault)
    with pytest.raises(StoreError, match=r"^No key rotation is in progress\.$"):
        vault.finish_rotation(bytes(32), 2)


def test_a_slot_added_after_a_rotation_is_of_that_key_and_refusals_say_why(
    store_with_lawyer: Path,
) -> None:
    """A user added after the database key was rotated holds a key pair of the new key's
    epoch: their first login must not count it as older than the rotation. And an empty
    password or weakened parameters are refused with their own words."""
    vault = Vault.load(StorePaths(store_with_lawyer).vault)
    dek = vault.unlock(ADMIN, ADMIN_PASSWORD).keys[0]
    new_dek = bytes(range(32))
    vault.begin_rotation(new_dek, dek)
    vault.finish_rotation(new_dek, 2)
    assert vault.epoch == 2
    vault.add_user("nigar", "Nigar-pass-2026", dek=new_dek, kdf=FLOOR)
    (slot,) = [s for s in vault.slots if s.username == "nigar"]
    assert slot.since == vault.epoch
    assert "nigar" not in vault.slots_awaiting_new_keys()
    assert {LAWYER, ADMIN} <= set(vault.slots_awaiting_new_keys())  # theirs are older
    with pytest.raises(InputRejected, match=r"^The password must not be empty\.$"):
        vault.add_user("elvin", "", dek=new_dek, kdf=FLOOR)
    weak = KdfParams(FLOOR.memory_kib // 2, FLOOR.iterations, FLOOR.lanes)
    with pytest.raises(
        InputRejected, match=r"^Key derivation parameters below the minimum are not allowed\.$"
    ):
        vault.add_user("elvin", "Elvin-pass-2026", dek=new_dek, kdf=weak)
    assert "elvin" not in vault.usernames()


def test_a_counter_edited_under_a_valid_mac_is_refused_by_its_own_mac(
    store_with_lawyer: Path,
) -> None:
    """The whole file's MAC catches an edited counter first (above); the counter's own MAC is
    what a key file without that MAC (format 1) has, and it says what was changed."""
    vault = Vault.load(StorePaths(store_with_lawyer).vault)
    dek = vault.unlock(ADMIN, ADMIN_PASSWORD).keys[0]
    assert vault.verified_counter(dek) == vault.counter_value
    vault.counter_value += 7
    with pytest.raises(VaultTampered, match=r"^The key file's state counter has been altered\.$"):
        vault.verified_counter(dek)
    vault.counter_value -= 7
    assert vault.verified_counter(dek) == vault.counter_value
    with pytest.raises(VaultTampered):
        vault.verified_counter(bytes(32))  # checked with another key: refused too


def test_the_counter_mac_is_the_documented_one(store_with_lawyer: Path) -> None:
    """The counter's MAC as docs/store-security.md describes it, computed here with the
    primitives themselves: HMAC-SHA256 under HKDF-SHA256(database key, no salt, info
    "legalaid-vault counter"), over the canonical JSON of [store id, epoch, value]. A change of
    label or input on both sides at once would keep every round trip working and make key files
    of other versions refuse each other."""
    import hashlib
    import hmac

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    vault = Vault.load(StorePaths(store_with_lawyer).vault)
    dek = vault.unlock(ADMIN, ADMIN_PASSWORD).keys[0]
    key = HKDF(hashes.SHA256(), 32, None, b"legalaid-vault counter").derive(dek)
    canon = json.dumps(
        [vault.store_id, vault.epoch, vault.counter_value], separators=(",", ":")
    ).encode()
    assert vault.counter_mac == hmac.new(key, canon, hashlib.sha256).digest()


def test_a_missing_key_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "vault.json"
    with pytest.raises(StoreError) as caught:
        Vault.load(missing)
    assert str(caught.value) == f"The key file {missing} is missing."
