"""Storage failures as a front end's last error handler sees them.

The store turns SQLite's and the operating system's errors into :class:`StoreDiskFull`,
:class:`StoreReadOnly` and :class:`StoreIOError` where it meets them
(:mod:`legalaid_desktop.store.failures`). An :class:`OSError` that escapes a command anyway (a
file the user named, a backup folder) is asked here whether it is one of the three, so that the
front end says "the disk is full" and not the system's bare text.
"""

from __future__ import annotations

from legalaid_desktop.domain.errors import StoreError
from legalaid_desktop.store import failures

__all__ = ["storage_failure"]


def storage_failure(exc: OSError) -> StoreError | None:
    """The store error to report for ``exc`` (a full disk, a read-only folder, an I/O error in
    the folder of the file it names), or None if it is another error."""
    return failures.from_os(exc)
