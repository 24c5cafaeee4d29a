"""A backup file whose seal is right around a database part that is not sound (issue 14).

The footer's seal and the database part's digest prove that the database part is the one that
was sealed. ``backup_file.check_database`` proves that what was sealed is a sound database of
this store: the MAC of every page, SQLite's structure check and the store's id. It is what
stands between a restore and a copy sealed over a fault (a page the disk gave back wrong while
the backup was made, a fault in the export), or a file remade by someone who still holds a wrap
of its backup key (an administrator dismissed since, with a copy of the stick).

Each file below is remade with a right seal and digest around a database part that fails one of
those checks alone, beside the same part remade unchanged, which restores.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlcipher3 import dbapi2

from conftest import ADMIN, ADMIN_PASSWORD, new_center_store
from legalaid_desktop import app
from legalaid_desktop.domain.errors import BackupRejected
from legalaid_desktop.services.backups import restore_backup
from legalaid_desktop.store import backup_file


@dataclasses.dataclass(frozen=True)
class Written:
    """The backup file as written, its key and sealed facts, and its database part."""

    file: Path
    bf: backup_file.BackupFile
    key: bytes
    facts: backup_file.FileFacts
    db: bytes


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Written]:
    folder = tmp_path_factory.mktemp("backup-database-part")
    session = new_center_store(folder / "store")
    stick = folder / "stick"
    stick.mkdir()
    try:
        file = Path(session.maintenance.backups.write_outside(stick).path)
    finally:
        session.close()
    bf = backup_file.read(file)
    key, facts = backup_file.unlock(bf, backup_file.opener_for_password(bf, ADMIN, ADMIN_PASSWORD))
    yield Written(file, bf, key, facts, file.read_bytes()[: bf.db_length])


def _connect(path: Path, key: bytes) -> dbapi2.Connection:
    conn = dbapi2.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA key = \"x'" + key.hex() + "'\"")
    return conn


def _edited(written: Written, folder: Path, *statements: str) -> bytes:
    """The database part after ``statements``, run on a copy of it with the backup key."""
    path = folder / "edited.db"
    path.write_bytes(written.db)
    conn = _connect(path, written.key)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()
    assert not path.with_name(path.name + "-journal").exists()
    return path.read_bytes()


def _remade(written: Written, db: bytes, path: Path) -> Path:
    """``written``'s file with ``db`` as its database part, sealed with the file's backup key
    (the digest and length in the seal those of ``db``), as its key's holder could remake it."""
    sealed = dataclasses.replace(
        written.facts, db_sha256=hashlib.sha256(db).hexdigest(), db_length=len(db)
    )
    path.write_bytes(db)
    backup_file._append_footer(path, written.key, written.bf.keys, sealed)
    return path


def _flipped(db: bytes, position: int) -> bytes:
    flipped = bytearray(db)
    flipped[position] ^= 0x01
    return bytes(flipped)


def _refused(file: Path, target: Path) -> None:
    with pytest.raises(BackupRejected) as refused:
        restore_backup(file, target, username=ADMIN, password=ADMIN_PASSWORD)
    assert str(refused.value) == (
        f"{file.name} is damaged or was altered (or is not a LegalAid backup); nothing was "
        "restored from it."
    )
    assert not target.exists()


def _restores(file: Path, target: Path, store_id: str) -> None:
    restore_backup(file, target, username=ADMIN, password=ADMIN_PASSWORD)
    session = app.login(target, ADMIN, ADMIN_PASSWORD)
    try:
        assert session.ws.store.meta("store_id") == store_id
    finally:
        session.close()


def _with_free_pages(written: Written, folder: Path) -> bytes:
    """The database part with ten free pages at its end (a table written and dropped): pages
    that SQLite's structure check never reads, so only their MAC can tell they are damaged."""
    db = _edited(
        written,
        folder,
        "CREATE TABLE scratch (x)",
        "INSERT INTO scratch VALUES (zeroblob(40000))",
        "DROP TABLE scratch",
    )
    assert len(db) > len(written.db)
    conn = _connect(folder / "edited.db", written.key)
    try:
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] >= 9
    finally:
        conn.close()
    return db


def test_the_part_remade_unchanged_restores(written: Written, tmp_path: Path) -> None:
    """The control: remade as below but unchanged, the file restores. The footer's pages that
    SQLite counts past the database part (it checks every page of the file) are not refused."""
    file = _remade(written, written.db, tmp_path / "same.labackup")
    _restores(file, tmp_path / "restored", written.facts.store_id)


def test_free_pages_sealed_sound_restore(written: Written, tmp_path: Path) -> None:
    file = _remade(written, _with_free_pages(written, tmp_path), tmp_path / "free.labackup")
    facts = backup_file.verify_file(file, written.key, written.facts.store_id)
    assert facts.db_length % facts.page_size == 0
    _restores(file, tmp_path / "restored", written.facts.store_id)


@pytest.mark.parametrize("page", ["last", "before last"])
def test_a_free_page_sealed_damaged_is_refused(written: Written, tmp_path: Path, page: str) -> None:
    """Only the page MACs see it: the last page of the database part (the edge between the
    database's pages and the footer's), and the one before."""
    db = _with_free_pages(written, tmp_path)
    back = written.facts.page_size // 2 if page == "last" else written.facts.page_size * 3 // 2
    file = _remade(written, _flipped(db, len(db) - back), tmp_path / "flipped.labackup")
    _refused(file, tmp_path / "restored")
    with pytest.raises(BackupRejected):
        backup_file.verify_file(file, written.key, written.facts.store_id)


@pytest.mark.parametrize("position", [40, 4096 * 5 + 700, -2048])
def test_a_page_in_use_sealed_damaged_is_refused(
    written: Written, tmp_path: Path, position: int
) -> None:
    db = _flipped(written.db, position % len(written.db))
    _refused(_remade(written, db, tmp_path / "flipped.labackup"), tmp_path / "restored")


def _rows_break_a_rule(written: Written, folder: Path) -> bytes:
    """Every page's MAC right, the store's id in place, the structure sound, and a rule of the
    meta table that its rows break."""
    return _edited(
        written,
        folder,
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = replace(sql, 'PRIMARY KEY (\"key\")', "
        "'PRIMARY KEY (\"key\"), CHECK (length(\"key\") < 3)') WHERE name = 'meta'",
    )


ALTERED: dict[str, Callable[[Written, Path], bytes]] = {
    # Every page's MAC right and the store's id in place: only SQLite's structure check sees
    # two tables sharing their pages.
    "its structure broken": lambda w, f: _edited(
        w,
        f,
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET rootpage = (SELECT rootpage FROM sqlite_master "
        "WHERE name = 'users') WHERE name = 'audit_events'",
    ),
    "another store's id": lambda w, f: _edited(
        w,
        f,
        "UPDATE meta SET value = 'ffffffff-0000-4000-8000-000000000000' WHERE key = 'store_id'",
    ),
    "no store id": lambda w, f: _edited(w, f, "DELETE FROM meta WHERE key = 'store_id'"),
    "no meta table": lambda w, f: _edited(w, f, "DROP TABLE meta"),
    "another key": lambda w, f: _edited(w, f, "PRAGMA rekey = \"x'" + "ab" * 32 + "'\""),
}


@pytest.mark.parametrize("altered", sorted(ALTERED))
def test_a_part_sealed_but_not_this_stores_sound_database_is_refused(
    written: Written, tmp_path: Path, altered: str
) -> None:
    db = ALTERED[altered](written, tmp_path)
    assert db != written.db
    file = _remade(written, db, tmp_path / "altered.labackup")
    _refused(file, tmp_path / "restored")
    with pytest.raises(BackupRejected):
        backup_file.verify_file(file, written.key, written.facts.store_id)


def test_rows_that_break_their_tables_rules_are_not_restored(
    written: Written, tmp_path: Path
) -> None:
    """SQLite tests a table's ``CHECK`` and ``NOT NULL`` rules only on a database it may write,
    which the backup file is not: the restore checks them on its new copy, and keeps nothing."""
    file = _remade(written, _rows_break_a_rule(written, tmp_path), tmp_path / "rule.labackup")
    backup_file.verify_file(file, written.key, written.facts.store_id)
    _refused(file, tmp_path / "restored")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edited.db", "rule.labackup"]
