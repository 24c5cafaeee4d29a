"""Making a store: never over another one, nothing left behind when it fails, what it records.

`legalaid init` (and the first-run dialog) call :meth:`Store.create`. A second init in a
center's folder must not replace the store holding its clients; an init that fails half-way
must leave a folder the next attempt can use; and the new database records what later opens
check (its id, the state counter, the key derivation). Found by mutation testing: the refusal's
words, the clean-up and the first rows could change without a test failing.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from conftest import ADMIN, ADMIN_PASSWORD, create_store
from legalaid_desktop import app
from legalaid_desktop.domain.errors import StoreAlreadyExists, StoreNotFound
from legalaid_desktop.i18n import language
from legalaid_desktop.store import backups
from legalaid_desktop.store.engine import connect_raw
from legalaid_desktop.store.kdf import FLOOR, KdfParams
from legalaid_desktop.store.models import Meta
from legalaid_desktop.store.store import Store, StorePaths
from legalaid_desktop.store.vault import Vault


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _meta(data_dir: Path) -> dict[str, str]:
    paths = StorePaths(data_dir)
    key = Vault.load(paths.vault).unlock(ADMIN, ADMIN_PASSWORD).keys[0]
    conn = connect_raw(paths.db, key)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


@pytest.mark.parametrize("left", ["both", "database", "key file"])
def test_a_second_init_never_replaces_a_store(data_dir: Path, left: str) -> None:
    """Refused when the database or the key file is there, even alone (the other lost or
    moved): either holds what cannot be made again."""
    session, _recovery = create_store(data_dir)
    session.close()
    paths = StorePaths(data_dir)
    if left == "database":
        paths.vault.unlink()
    elif left == "key file":
        paths.db.unlink()
    before = _digests(data_dir)
    with language("en"), pytest.raises(StoreAlreadyExists) as refused:
        create_store(data_dir, code="QBA")
    assert str(refused.value) == f"A data store already exists in {data_dir}."
    assert _digests(data_dir) == before


def test_a_store_half_made_is_not_a_store(data_dir: Path) -> None:
    """With the key file gone, the database alone does not open: the login says there is no
    store (the way in is a restore, not an init over it)."""
    session, _recovery = create_store(data_dir)
    session.close()
    StorePaths(data_dir).vault.unlink()
    with language("en"), pytest.raises(StoreNotFound) as refused:
        app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    assert str(refused.value) == f"No data store in {data_dir}. Run `legalaid init` first."


def test_an_init_that_fails_leaves_nothing_and_can_be_tried_again(tmp_path: Path) -> None:
    """The first transaction fails (here the node's rows cannot be written): the database, its
    journals and the key file are removed, so that the next init starts clean."""
    data_dir = tmp_path / "store"

    def failing(session: Session, vault: Vault) -> None:
        raise RuntimeError("the node could not be written")

    with pytest.raises(RuntimeError, match="could not be written"):
        Store.create(
            data_dir,
            admin_username=ADMIN,
            admin_password=ADMIN_PASSWORD,
            kdf=FLOOR,
            initialize=failing,
        )
    paths = StorePaths(data_dir)
    left = [p for p in (paths.db, paths.vault, *paths.sidecars) if p.exists()]
    assert left == []
    session, _recovery = create_store(data_dir)  # the same folder works the second time
    session.close()
    again = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    assert again.ws.node_code == "GNJ"
    again.close()


def test_a_new_store_records_its_id_state_time_and_key_derivation(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "store"
    kdf = KdfParams(memory_kib=FLOOR.memory_kib * 2, iterations=FLOOR.iterations, lanes=FLOOR.lanes)
    began = datetime.now(UTC)
    session, _recovery = app.create(
        data_dir,
        node_code="QBA",
        node_name="Quba mərkəzi",
        hq=False,
        admin_username=ADMIN,
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=ADMIN_PASSWORD,
        kdf=kdf,
    )
    session.close()
    ended = datetime.now(UTC)
    meta = _meta(data_dir)
    vault = Vault.load(StorePaths(data_dir).vault)
    assert meta["store_id"] == vault.store_id
    written = json.loads(meta["kdf_params"])
    assert written == {"m": kdf.memory_kib, "t": kdf.iterations, "p": kdf.lanes}
    assert meta["created_at"].endswith("Z")
    made = datetime.fromisoformat(meta["created_at"].replace("Z", "+00:00"))
    assert began - timedelta(milliseconds=1) <= made <= ended
    # The state counter starts at 1 and each session (the creating one is not a login) raises
    # it by one, in the database and, MAC'd, in the key file.
    key = vault.unlock(ADMIN, ADMIN_PASSWORD).keys[0]
    assert (meta["state_counter"], vault.verified_counter(key)) == ("1", 1)
    again = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    assert _meta(data_dir)["state_counter"] == "2"
    assert Vault.load(StorePaths(data_dir).vault).verified_counter(key) == 2
    # The derivation chosen at init is every later slot's, not the floor's.
    again.users.add("leyla", "Hüseynova Leyla Əli qızı", "lawyer", "Yeni-parol-2026-Quba")
    again.close()
    slots = Vault.load(StorePaths(data_dir).vault).slots
    assert {s.username: s.kdf for s in slots if s.kind == "user"} == {ADMIN: kdf, "leyla": kdf}
    if os.name == "posix":
        assert data_dir.stat().st_mode & 0o777 == 0o700


def test_the_session_that_made_the_store_signs_and_opens_its_backups(tmp_path: Path) -> None:
    """The first session (init's, or the first-run dialog's) is the administrator's: a backup
    it makes names them, and an administrator it adds next is given that backup too (which
    needs the session to open it)."""
    data_dir = tmp_path / "store"
    session, _recovery = create_store(data_dir)
    try:
        folder = session.ws.store.backup("first-day")
        assert backups.BackupKeys.load(folder / backups.KEY_FILE).made_by == ADMIN
        session.users.add("second", "İkinci Admin Əli oğlu", "admin", "Maple-tower-2026")
    finally:
        session.close()
    opener = backups.opener_for_password(folder, "second", "Maple-tower-2026")
    conn = backups.connect_backup(folder / "legalaid.db", backups.backup_key(folder, opener))
    try:
        assert conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0] == (
            Vault.load(StorePaths(data_dir).vault).store_id
        )
    finally:
        conn.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_new_stores_files_are_owner_only_from_the_start(tmp_path: Path) -> None:
    """Before any login could tighten them: the database is created owner-only, and SQLite
    gives its write-ahead log and shared memory the database's mode, even under a umask
    that would let everyone read new files."""
    data_dir = tmp_path / "store"
    old = os.umask(0)
    try:
        session, _recovery = create_store(data_dir)
    finally:
        os.umask(old)
    try:
        paths = StorePaths(data_dir)
        files = [paths.db, *(p for p in paths.sidecars if p.exists()), paths.vault]
        assert paths.db.with_name("legalaid.db-wal") in files
        assert {p.name: p.stat().st_mode & 0o777 for p in files} == {p.name: 0o600 for p in files}
    finally:
        session.close()


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_a_link_planted_where_the_database_goes_is_not_followed(tmp_path: Path) -> None:
    """Someone with write access to the folder plants a dangling link named like the database,
    pointing where they can read: init must not create the database at the link's target."""
    data_dir = tmp_path / "store"
    data_dir.mkdir(mode=0o700)
    target = tmp_path / "elsewhere" / "copy.db"
    target.parent.mkdir()
    (data_dir / "legalaid.db").symlink_to(target)
    with pytest.raises(StoreAlreadyExists, match="already exists"):
        create_store(data_dir)
    assert not target.exists()
    assert not StorePaths(data_dir).vault.exists()


@pytest.mark.parametrize("recorded", [None, {"m": 1024, "t": 1, "p": 1}])
def test_a_store_without_a_sound_recorded_key_derivation_gives_new_slots_the_floor(
    tmp_path: Path, recorded: dict[str, int] | None
) -> None:
    """A store made before the derivation was recorded, or one whose record an insider with
    the database key lowered to weaken the next slots: new slots get the floor, never less."""
    data_dir = tmp_path / "store"
    session, _recovery = create_store(data_dir)
    try:
        with session.ws.store.session(write=True) as s:
            row = s.get(Meta, "kdf_params")
            assert row is not None
            if recorded is None:
                s.delete(row)
            else:
                row.value = json.dumps(recorded)
        session.users.add("leyla", "Hüseynova Leyla Əli qızı", "lawyer", "Yeni-parol-2026-Quba")
    finally:
        session.close()
    slots = Vault.load(StorePaths(data_dir).vault).slots
    assert {s.username: s.kdf for s in slots if s.kind == "user"}["leyla"] == FLOOR
