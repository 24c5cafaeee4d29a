"""Restoring a backup into a new data store (see :mod:`legalaid_desktop.store.backups`)."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from legalaid_desktop.domain.errors import StoreAlreadyExists, StoreError
from legalaid_desktop.i18n import _
from legalaid_desktop.store.backups import (
    DB_FILE,
    KEY_FILE,
    LEGACY_VAULT,
    BackupKeys,
    Opener,
    backup_key,
    connect_backup,
    export_copy,
    is_disk_full,
    open_mac_keys,
    slot_copy,
)
from legalaid_desktop.store.vault import Vault


def restore(folder: Path, opener: Opener, target: Path) -> Path:
    """Make a new live store in the empty folder ``target`` from the backup in ``folder``.

    The copy gets a new database key, wrapped to the backup's slots only (the administrators of
    the backup and the recovery key): the other users get a key slot again when an
    administrator or the recovery key resets their password. The backup itself is not changed.

    Raises:
        AuthenticationError: ``opener`` does not open the backup.
        StoreAlreadyExists: ``target`` already holds a store.
        StoreError: the disk is full (nothing is left in ``target``).
    """
    db, vault_path = target / DB_FILE, target / LEGACY_VAULT
    if db.exists() or vault_path.exists():
        raise StoreAlreadyExists(_("A data store already exists in {path}.").format(path=target))
    key = backup_key(folder, opener)
    keys = BackupKeys.load(folder / KEY_FILE)
    target.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(target, 0o700)
    partial = target / f".{DB_FILE}.partial"
    try:
        new_key = secrets.token_bytes(32)
        source = connect_backup(folder / DB_FILE, key)
        try:
            export_copy(source, partial, new_key)
        finally:
            source.close()
        copy = connect_backup(partial, new_key)
        try:
            row = copy.execute("SELECT value FROM meta WHERE key = 'state_counter'").fetchone()
        finally:
            copy.close()
        vault = Vault(
            path=vault_path,
            store_id=keys.store_id,
            epoch=keys.generation,
            slots=[slot_copy(s) for s in keys.slots],
        )
        mac_keys = open_mac_keys(keys, key)
        own = keys.slot(opener.slot_id)
        own_mac = own.mac_key(opener.private) if own is not None else None
        if own_mac is not None:
            mac_keys.setdefault(opener.slot_id, own_mac)
        vault.install_key(new_key, mac_keys, int(row[0]) if row else 1)
        partial.rename(db)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        vault_path.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise StoreError(
                _("The disk is full; the backup was not restored and nothing of it was left.")
            ) from None
        raise
    return target
