"""The file-level helpers of the backups (:mod:`.backups`, :mod:`.backup_file`, :mod:`.restore`):
a full disk, an fsync, a keyed connection to a copy, and the copy itself."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2

from legalaid_desktop.domain.errors import StoreCorrupted
from legalaid_desktop.i18n import _
from legalaid_desktop.store.engine import WrongStoreKey


def is_disk_full(exc: BaseException) -> bool:
    """True for "no space left" from the OS or SQLite's "database or disk is full"."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return "disk is full" in text or "no space left" in text


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def connect_backup(path: Path, key: bytes) -> Any:
    """One keyed connection to a backup's database (rollback journal, memory security on).

    Raises:
        WrongStoreKey: the key does not open it.
    """
    conn = dbapi2.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA key = \"x'" + key.hex() + "'\"")
        conn.execute("PRAGMA cipher_memory_security = ON")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except dbapi2.DatabaseError as exc:
            if "not a database" in str(exc):
                raise WrongStoreKey(
                    _("The key does not open the backup {path}.").format(path=path)
                ) from None
            raise StoreCorrupted(
                _("The backup {path} is damaged: {detail}.").format(path=path, detail=exc)
            ) from None
    except BaseException:
        conn.close()
        raise
    return conn


def fast_target(source: Any) -> None:
    """No journal and no syncs for the copy attached as ``backup``: it is a new file, fsynced
    once whole and renamed into place only then (a crash leaves a partial file nobody uses).
    With SQLite's syncs every page spill waited for the disk: ten times slower."""
    source.execute("PRAGMA backup.journal_mode = OFF").fetchall()
    source.execute("PRAGMA backup.synchronous = OFF")


def export_copy(source: Any, target: Path, key: bytes) -> None:
    """Copy the database open on ``source`` into the new file ``target`` under ``key``."""
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    source.execute("ATTACH DATABASE ? AS backup KEY ?", (str(target), "x'" + key.hex() + "'"))
    try:
        fast_target(source)
        source.execute("SELECT sqlcipher_export('backup')").fetchall()
    finally:
        source.execute("DETACH DATABASE backup")
    _fsync_path(target)
