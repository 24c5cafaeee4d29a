"""The encrypted store: keys, pragmas, rollback detection, damage, backups, no plaintext on disk."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD, no_sleep
from legalaid_desktop import app
from legalaid_desktop.domain.errors import (
    StoreCorrupted,
    StoreError,
    StoreLocked,
    StoreNotFound,
    StoreRolledBack,
    VaultTampered,
)
from legalaid_desktop.store.engine import WrongStoreKey, connect_raw
from legalaid_desktop.store.store import Store, StorePaths


def test_connection_settings(admin_session: app.AppSession) -> None:
    with admin_session.ws.read() as s:
        values = {
            name: str(s.execute(text(f"PRAGMA {name}")).scalar())
            for name in ("cipher_memory_security", "journal_mode", "foreign_keys", "temp_store")
        }
        options = {row[0] for row in s.execute(text("PRAGMA compile_options"))}
    assert values == {
        "cipher_memory_security": "1",
        "journal_mode": "wal",
        "foreign_keys": "1",
        "temp_store": "2",
    }
    assert "ENABLE_FTS5" in options
    assert any(o.startswith("TEMP_STORE=") and int(o.split("=")[1]) >= 2 for o in options)


def test_wrong_key_fails_at_once(admin_session: app.AppSession, data_dir: Path) -> None:
    admin_session.close()
    with pytest.raises(WrongStoreKey, match="does not open"):
        connect_raw(StorePaths(data_dir).db, b"\x01" * 32)


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="legalaid init"):
        app.login(tmp_path / "nothing", ADMIN, ADMIN_PASSWORD)


def test_database_replaced_by_older_copy_is_detected(
    store_with_lawyer: Path, tmp_path: Path
) -> None:
    paths = StorePaths(store_with_lawyer)
    old = tmp_path / "old-copy.db"
    shutil.copy2(paths.db, old)
    # Work goes on: more sessions raise the state counter in the database and the vault.
    app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD).close()
    app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD).close()
    # Someone puts the old copy back.
    for sidecar in ("-wal", "-shm"):
        Path(str(paths.db) + sidecar).unlink(missing_ok=True)
    shutil.copy2(old, paths.db)
    before = paths.db.read_bytes()
    with pytest.raises(StoreRolledBack, match="older than its key file") as refused:
        app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert paths.db.read_bytes() == before, "a rolled-back store must not be written to"
    # The message names the file and both states: the two sessions since the copy raised the
    # key file's state by exactly one each, so an administrator can tell how much was lost.
    found = re.fullmatch(
        r"The database (.+) is older than its key file \(state (\d+) < (\d+)\): it may have "
        r"been replaced by an old copy\. It was not opened\. Ask your administrator or HQ "
        r"before doing anything else\.",
        str(refused.value),
    )
    assert found is not None, str(refused.value)
    assert found.group(1) == str(paths.db)
    assert int(found.group(3)) - int(found.group(2)) == 2


def test_every_session_raises_the_state_by_one_in_database_and_key_file(
    store_with_lawyer: Path,
) -> None:
    from legalaid_desktop.store.models import Meta
    from legalaid_desktop.store.store import COUNTER_KEY

    def states() -> tuple[int, int]:
        store = Store.unlock(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
        try:
            with store.session() as s:
                row = s.get(Meta, COUNTER_KEY)
                assert row is not None
                in_db = int(row.value)
            return in_db, store.vault.verified_counter(bytes(store._key))
        finally:
            store.close()

    first_db, first_vault = states()
    assert first_db == first_vault
    app.login(store_with_lawyer, LAWYER, LAWYER_PASSWORD).close()
    second_db, second_vault = states()
    # One login in between plus the opening by states() itself: two steps, in both places.
    assert (second_db, second_vault) == (first_db + 2, first_vault + 2)


def test_a_database_without_its_state_counter_is_refused(store_with_lawyer: Path) -> None:
    from legalaid_desktop.store.models import Meta
    from legalaid_desktop.store.store import COUNTER_KEY

    store = Store.unlock(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        with store.session(write=True) as s:
            row = s.get(Meta, COUNTER_KEY)
            assert row is not None
            s.delete(row)
    finally:
        store.close()
    with pytest.raises(StoreCorrupted) as refused:
        app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert str(refused.value) == "The data store has no state counter."


def test_a_database_whose_counter_cannot_be_read_is_refused_with_the_reason(
    store_with_lawyer: Path,
) -> None:
    store = Store.unlock(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        with store.session(write=True) as s:
            s.execute(text("ALTER TABLE meta RENAME TO meta_elsewhere"))
    finally:
        store.close()
    with pytest.raises(StoreCorrupted) as refused:
        app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert str(refused.value) == "The data store could not be read: no such table: meta."


def test_rows_of_a_session_stay_readable_after_its_commit(store_with_lawyer: Path) -> None:
    """Services return what they wrote or read after the block has ended: the commit must not
    expire the rows (reading an expired row outside its session fails)."""
    from legalaid_desktop.store.models import Meta

    store = Store.unlock(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        with store.session(write=True) as s:
            written = Meta(key="probe", value="written")
            s.add(written)
        with store.session() as s:
            read = s.get(Meta, "probe")
        assert read is not None
        assert (written.value, read.value) == ("written", "written")
    finally:
        store.close()


def test_closing_forgets_the_key_and_refuses_every_later_session(store_with_lawyer: Path) -> None:
    store = Store.unlock(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert not store.closed and len(store.key) == 32 and store.key != bytes(32)
    store.close()
    assert store.closed
    assert store.key == bytes(32)  # the bytes are overwritten, not only dropped
    with pytest.raises(StoreError, match="closed"):
        store.meta("store_id")
    store.close()  # closing again is harmless
    assert store.closed and store.key == bytes(32)


def test_a_key_file_changed_by_someone_without_the_key_is_not_signed_again(
    store_with_lawyer: Path,
) -> None:
    """An open program re-reads the key file before it changes it; what it re-reads must carry
    the MAC of its key, or a slot removed (or planted) by someone without the key would be
    signed by the program's next save."""
    store = Store.unlock(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        vault_file = StorePaths(store_with_lawyer).vault
        data = json.loads(vault_file.read_text())
        data["slots"] = [slot for slot in data["slots"] if slot["user"] != LAWYER]
        planted = json.dumps(data).encode()
        vault_file.write_bytes(planted)
        with pytest.raises(VaultTampered):
            store.add_key_slot("nicat", "Another-long-pass-2026")
        assert vault_file.read_bytes() == planted  # nothing was saved over it
    finally:
        store.close()


def _flip_byte_in_page(db: Path, page: int, offset: int = 200) -> None:
    data = bytearray(db.read_bytes())
    data[4096 * (page - 1) + offset] ^= 0x01
    db.write_bytes(bytes(data))


def test_flipped_byte_gives_integrity_error_naming_the_store(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    from legalaid_desktop.store.models import Meta

    with admin_session.ws.store.session(write=True) as s:
        for i in range(200):
            s.add(Meta(key=f"filler-{i:03d}", value="Qasımov İlkin " * 40))
    admin_session.close()
    paths = StorePaths(data_dir)
    # Fold the WAL into the database so that every page lives in legalaid.db.
    Store.unlock(data_dir, ADMIN, ADMIN_PASSWORD).close()
    conn = connect_raw(paths.db, _key_of(data_dir))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    assert pages >= 4
    _flip_byte_in_page(paths.db, pages - 1)
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD, sleep=no_sleep)
    try:
        report = session.maintenance.verify()
        assert not report.ok
        assert any(f"page {pages - 1}" in p for p in report.page_problems)
        snapshot = {p.name: p.read_bytes() for p in data_dir.glob("legalaid.db*")}
        with pytest.raises(StoreCorrupted, match=str(paths.db)):
            with session.ws.write() as s:
                s.execute(text("UPDATE meta SET value = value || 'x' WHERE key LIKE 'filler-%'"))
        after = {p.name: p.read_bytes() for p in data_dir.glob("legalaid.db*")}
        assert after == snapshot, "a failed write on a damaged store changed its files"
    finally:
        session.close()


def _key_of(data_dir: Path) -> bytes:
    from legalaid_desktop.store.vault import Vault

    vault = Vault.load(StorePaths(data_dir).vault)
    return vault.unlock(ADMIN, ADMIN_PASSWORD).keys[0]


def test_backup_is_encrypted_and_restores_with_an_administrators_password(
    admin_session: app.AppSession, data_dir: Path, tmp_path: Path
) -> None:
    from legalaid_desktop.store import backups, restore

    folder = admin_session.maintenance.backup()
    admin_session.close()
    assert (folder / "legalaid.db").exists() and (folder / backups.KEY_FILE).exists()
    assert not (folder / "vault.json").exists()  # not a second live store
    assert b"SQLite format 3" not in (folder / "legalaid.db").read_bytes()[:100]
    copy = tmp_path / "restored"
    opener = backups.opener_for_password(folder, ADMIN, ADMIN_PASSWORD)
    restore.restore(folder, opener, copy)
    restored = app.login(copy, ADMIN, ADMIN_PASSWORD)
    assert [u.username for u in restored.users.list()] == [ADMIN]
    restored.close()


def test_no_plaintext_of_names_anywhere_in_the_data_dir(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    names = ["Zeynalova Xatirə Rəhim qızı", "Quliyev Namiq Səfər oğlu", "PLAINTEXTMARKER Tural"]
    for i, name in enumerate(names):
        admin_session.users.add(f"u{i}", name, "lawyer", "Some-pass-2026")
    admin_session.maintenance.backup()
    # Leave the WAL and shared memory in place: they must be encrypted too.
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    needles = []
    for name in names:
        for word in name.split():
            if len(word) > 4:
                needles += [word.encode("utf-8"), word.encode("utf-16-le")]
    for path in files:
        blob = path.read_bytes()
        for needle in needles:
            assert needle not in blob, f"{needle!r} in plaintext in {path.name}"
    admin_session.close()


def _journal_mode(session: object) -> str:
    return str(session.execute(text("PRAGMA journal_mode")).scalar_one())  # type: ignore[attr-defined]


def test_a_bulk_session_uses_a_rollback_journal_then_the_wal_again(
    admin_session: app.AppSession,
) -> None:
    store = admin_session.ws.store
    with store.bulk_session() as s:
        assert _journal_mode(s) == "delete"
        s.execute(text("INSERT INTO meta (key, value) VALUES ('bulk-1', 'Şəki')"))
        assert store.paths.db.with_name("legalaid.db-journal").exists()
    with store.session() as s:
        assert _journal_mode(s) == "wal"
        assert s.execute(text("SELECT value FROM meta WHERE key = 'bulk-1'")).scalar() == "Şəki"
    # Rolled back on an error, like any write session.
    with pytest.raises(RuntimeError), store.bulk_session() as s:
        s.execute(text("INSERT INTO meta (key, value) VALUES ('bulk-2', 'x')"))
        raise RuntimeError("stop")
    with store.session() as s:
        assert s.execute(text("SELECT count(*) FROM meta WHERE key = 'bulk-2'")).scalar() == 0
        assert _journal_mode(s) == "wal"


def test_a_bulk_session_keeps_the_wal_while_another_connection_is_open(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    store = admin_session.ws.store
    other = app.login(data_dir, ADMIN, ADMIN_PASSWORD)  # another program on the same store
    try:
        with other.ws.read() as reader:
            reader.execute(text("SELECT count(*) FROM meta")).scalar()
            with store.bulk_session() as s:
                assert _journal_mode(s) == "wal"  # SQLite refused the switch: still safe
                s.execute(text("INSERT INTO meta (key, value) VALUES ('bulk-3', 'x')"))
        with other.ws.read() as reader:
            assert reader.execute(text("SELECT value FROM meta WHERE key = 'bulk-3'")).scalar()
    finally:
        other.close()


def test_a_write_blocked_by_another_program_says_the_store_is_busy(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    store = admin_session.ws.store
    other = connect_raw(store.paths.db, _key_of(data_dir))  # another program, holding the lock
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO meta (key, value) VALUES ('held', 'x')")
        with pytest.raises(StoreLocked) as caught, store.session() as s:
            s.execute(text("PRAGMA busy_timeout = 50"))
            s.execute(text("INSERT INTO meta (key, value) VALUES ('blocked', 'y')"))
        assert str(caught.value) == (
            f"The data store {store.paths.root} is busy in another program. Try again in a moment."
        )
        other.rollback()
    finally:
        other.close()
    with store.session() as s:  # nothing of the blocked write was kept
        assert s.execute(text("SELECT count(*) FROM meta WHERE key = 'blocked'")).scalar() == 0


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_database_its_journals_and_backups_are_owner_only(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    store = admin_session.ws.store
    with store.bulk_session() as s:  # makes a rollback journal
        s.execute(text("INSERT INTO meta (key, value) VALUES ('mode-1', 'x')"))
        journal = store.paths.db.with_name("legalaid.db-journal")
        assert journal.exists() and journal.stat().st_mode & 0o077 == 0
    with store.session(write=True) as s:  # and the WAL again
        s.execute(text("INSERT INTO meta (key, value) VALUES ('mode-2', 'x')"))
    folder = store.backup("test")
    files = [
        store.paths.db,
        *data_dir.glob("legalaid.db-*"),
        *folder.iterdir(),
    ]
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        assert path.stat().st_mode & 0o077 == 0, f"{path.name}: {oct(path.stat().st_mode)}"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_opening_an_older_store_makes_its_files_owner_only(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    admin_session.close()
    db = data_dir / "legalaid.db"
    os.chmod(db, 0o644)  # as stores made before were
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    session.close()
    assert db.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_opening_makes_a_left_write_ahead_log_owner_only(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    """The -wal and -shm files another session holds open (or a crashed one left), made
    readable by others as older versions did, are owner-only again after the next login."""
    with admin_session.ws.write() as s:
        s.execute(text("INSERT INTO meta (key, value) VALUES ('wal-mode', 'x')"))
    sidecars = StorePaths(data_dir).sidecars
    assert all(p.exists() for p in sidecars)
    for path in sidecars:
        os.chmod(path, 0o644)
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        assert [p.stat().st_mode & 0o777 for p in sidecars] == [0o600, 0o600]
    finally:
        session.close()


def test_a_missing_store_names_its_folder_for_every_way_in(tmp_path: Path) -> None:
    folder = tmp_path / "nothing"
    expected = f"No data store in {folder}. Run `legalaid init` first."
    with pytest.raises(StoreNotFound) as by_password:
        app.login(folder, ADMIN, ADMIN_PASSWORD)
    assert str(by_password.value) == expected
    with pytest.raises(StoreNotFound) as by_recovery_key:
        app.recover(folder, "ABCD-EFGH")
    assert str(by_recovery_key.value) == expected


@pytest.mark.parametrize("written_by", ["ffffffffffff", None])
def test_a_store_of_a_newer_version_is_refused_and_left_untouched(
    store_with_lawyer: Path, written_by: str | None
) -> None:
    """A revision this version does not know (a newer program wrote it), or none at all, is
    refused before anything is written: no upgrade, no pre-upgrade backup."""
    paths = StorePaths(store_with_lawyer)
    conn = connect_raw(paths.db, _key_of(store_with_lawyer))
    if written_by is None:
        conn.execute("DELETE FROM alembic_version")
    else:
        conn.execute("UPDATE alembic_version SET version_num = ?", (written_by,))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    backups_before = (
        sorted(p.name for p in paths.backups.glob("*")) if paths.backups.exists() else []
    )
    with pytest.raises(StoreError) as refused:
        app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    assert str(refused.value) == (
        f"The data store {paths.db} was written by a newer version of LegalAid; "
        "install the newer version to open it."
    )
    backups_after = (
        sorted(p.name for p in paths.backups.glob("*")) if paths.backups.exists() else []
    )
    assert backups_after == backups_before
    conn = connect_raw(paths.db, _key_of(store_with_lawyer))
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    finally:
        conn.close()
    assert rows == ([] if written_by is None else [(written_by,)])
