"""Restoring a backup into a new data store, for the front ends.

Making a backup is a use case of a logged-in session
(:meth:`~legalaid_desktop.services.maintenance.MaintenanceService.backup`). Restoring needs no
session: the backup is opened with one of its administrators' passwords or with the recovery
key, and copied into a new store with a new database key
(:func:`legalaid_desktop.store.restore.restore`).
"""

from __future__ import annotations

from pathlib import Path

from legalaid_desktop.store import backups, restore

__all__ = ["restore_with_password", "restore_with_recovery_key"]


def restore_with_password(folder: Path, username: str, password: str, target: Path) -> Path:
    """Restore the backup in ``folder`` into the empty folder ``target``, opened by an
    administrator of the backup.

    Raises:
        AuthenticationError: the user has no slot in the backup or the password is wrong.
        StoreAlreadyExists: ``target`` already holds a store.
        StoreError: the disk is full (nothing is left in ``target``).
    """
    opener = backups.opener_for_password(folder, username, password)
    return restore.restore(folder, opener, target)


def restore_with_recovery_key(folder: Path, recovery_key: str, target: Path) -> Path:
    """Restore the backup in ``folder`` into the empty folder ``target``, opened by the
    recovery key (raises as :func:`restore_with_password`)."""
    opener = backups.opener_for_recovery(folder, recovery_key)
    return restore.restore(folder, opener, target)
