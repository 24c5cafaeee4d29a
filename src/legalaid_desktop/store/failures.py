"""A full disk, a read-only folder and a disk's I/O error, told as what they are.

SQLite reports these as ``database or disk is full``, ``attempt to write a readonly database``,
``unable to open database file`` or ``disk I/O error``; the operating system as ``ENOSPC``,
``EROFS`` or ``EIO``. Left as they are, they reach the user as SQLAlchemy's exception (whose
text quotes the statement) with a traceback, or as "the data store is damaged", which invites
restoring an old backup. Here they become :class:`StoreDiskFull`, :class:`StoreReadOnly` and
:class:`StoreIOError`, whose message names only the data folder (never a value that was being
written) and says that nothing was changed: every caller raises them after its transaction
was rolled back.

Used by the engine's error hook (:func:`legalaid_desktop.store.store._translate_errors`), by
:func:`legalaid_desktop.store.engine.connect_raw`, by the store's lock, and (through
:func:`legalaid_desktop.services.failures.storage_failure`) by the CLI's last handler of
``OSError``.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from legalaid_desktop.domain.errors import StoreDiskFull, StoreError, StoreIOError, StoreReadOnly
from legalaid_desktop.i18n import _

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14

NEARLY_FULL_BYTES = 1024 * 1024
"""Below this much free space, an I/O error is taken for what it almost always is: a full disk
(SQLite says "disk I/O error" when it cannot grow its shared-memory file)."""


def disk_full(where: Path) -> StoreDiskFull:
    """The translated "disk is full" error for the folder ``where``."""
    return StoreDiskFull(
        _(
            "The disk is full; nothing was changed. Free some space on the disk that holds "
            "{path} and try again."
        ).format(path=where)
    )


def read_only(where: Path) -> StoreReadOnly:
    """The translated "read-only" error for the store in the folder ``where`` (the folder, the
    disk or the database file itself cannot be written)."""
    return StoreReadOnly(
        _(
            "The data store in {path} is read-only; nothing was changed. Check that this "
            "program may write to that folder and its files, and that the disk is not read-only."
        ).format(path=where)
    )


def io_error(where: Path) -> StoreIOError:
    """The translated "the disk reported an error" error for the folder ``where``."""
    return StoreIOError(
        _(
            "The disk that holds {path} reported a read or write error; nothing was changed. "
            "Check the disk, then run `legalaid db verify`."
        ).format(path=where)
    )


def _folder_read_only(where: Path) -> bool:
    """True if ``where`` is on a read-only file system or not writable by this process."""
    try:
        if os.statvfs(where).f_flag & os.ST_RDONLY:
            return True
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        pass
    return not os.access(where, os.W_OK)


def _nearly_full(where: Path) -> bool:
    try:
        return shutil.disk_usage(where).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def from_sqlite(exc: BaseException, where: Path) -> StoreError | None:
    """The error to raise for SQLite's ``exc`` on the store in folder ``where``, or None.

    None means ``exc`` is none of the three (a lock, a damaged page, a constraint...): the
    caller keeps its own handling.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary == SQLITE_FULL or "database or disk is full" in text:
        return disk_full(where)
    if primary == SQLITE_READONLY or "readonly database" in text:
        return read_only(where)
    if primary == SQLITE_CANTOPEN or "unable to open database file" in text:
        return read_only(where) if _folder_read_only(where) else None
    if primary == SQLITE_IOERR or "disk i/o error" in text:
        if _folder_read_only(where):
            return read_only(where)
        return disk_full(where) if _nearly_full(where) else io_error(where)
    return None


def from_os(exc: OSError, where: Path | None = None) -> StoreError | None:
    """The error to raise for the operating system's ``exc``, or None if it is another one.

    ``where`` defaults to the folder of the file the error names.
    """
    if where is None:
        name = exc.filename
        where = Path(os.fsdecode(name)).parent if isinstance(name, str | bytes) else Path()
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return disk_full(where)
    if exc.errno == errno.EROFS:
        return read_only(where)
    if exc.errno == errno.EIO:
        return io_error(where)
    return None
