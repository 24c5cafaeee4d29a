"""Restoring a backup into a new data store: a backup file (:mod:`.backup_file`) or a backup
folder of the data folder (:mod:`.backups`).

The copy gets a new database key, wrapped to the backup's slots only (the administrators of the
backup and the recovery key). It keeps everything the database holds: the node's identity (its
id, code, signing and encryption keys), the sync channels and the bundle history, the audit log.
It is marked as restored (the ``meta`` row ``restored_from``: which backup, made when, restored
when, and the peers whose channels it held) and the audit log gets a ``store_restored`` event;
:mod:`legalaid_desktop.sync.restored` uses the mark so that the next bundle does not repeat a
sequence number the lost store had already sent (docs/sync.md §4).

A backup file is read whole and checked (footer, seal, SHA-256 of the database part) before
anything is written into the target; a failure half-way removes what was written.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool
from sqlcipher3 import dbapi2

from legalaid_desktop.domain.errors import BackupRejected, StoreAlreadyExists, StoreError
from legalaid_desktop.i18n import _
from legalaid_desktop.store import backup_file
from legalaid_desktop.store.audit import append_event, utc_now_iso
from legalaid_desktop.store.backup_io import connect_backup, export_copy, is_disk_full
from legalaid_desktop.store.backups import (
    DB_FILE,
    KEY_FILE,
    LEGACY_VAULT,
    BackupKeys,
    Opener,
    backup_key,
    open_mac_keys,
    slot_copy,
)
from legalaid_desktop.store.models import Meta, SyncChannel
from legalaid_desktop.store.vault import Vault

RESTORED_KEY = "restored_from"


@dataclass(frozen=True)
class Opened:
    """A backup (file or folder) opened with its key, ready to be copied."""

    source: Path
    keys: BackupKeys
    key: bytes
    opener: Opener
    facts: backup_file.FileFacts | None = None

    def connect(self) -> Any:
        if self.facts is not None:
            return backup_file.connect_file(self.source, self.key)
        return connect_backup(self.source / DB_FILE, self.key)


def open_backup(source: Path, opener: Opener) -> Opened:
    """Open a backup file or folder with ``opener``; a file is checked whole first.

    Raises:
        AuthenticationError: ``opener`` does not open it.
        BackupRejected: a file that is damaged, truncated or altered.
    """
    if source.is_dir():
        key = backup_key(source, opener)
        return Opened(source, BackupKeys.load(source / KEY_FILE), key, opener)
    bf = backup_file.read(source)
    key, facts = backup_file.unlock(bf, opener)
    backup_file.check_database(source, key, facts)
    return Opened(source, bf.keys, key, opener, facts)


def _session(path: Path, key: bytes) -> tuple[Session, Any]:
    engine = create_engine(
        "sqlite+pysqlite://",
        module=dbapi2,
        creator=lambda: connect_backup(path, key),
        poolclass=NullPool,
        hide_parameters=True,
    )
    return Session(bind=engine), engine


def _mark(path: Path, key: bytes, opened: Opened, restored_by: str) -> int:
    """Mark the copy at ``path`` as restored and audit it; returns its state counter."""
    session, engine = _session(path, key)
    try:
        now = utc_now_iso()
        peers = sorted(
            c.peer for c in session.scalars(select(SyncChannel)) if c.out_seq or c.in_seq
        )
        mark = {
            "backup_id": opened.keys.backup_id,
            "made_at": opened.keys.made_at,
            "restored_at": now,
            "file": opened.source.name,
            "peers": peers,
        }
        row = session.get(Meta, RESTORED_KEY)
        if row is None:
            session.add(Meta(key=RESTORED_KEY, value=json.dumps(mark, sort_keys=True)))
        else:
            row.value = json.dumps(mark, sort_keys=True)
        append_event(
            session,
            actor=restored_by,
            action="store_restored",
            entity_type="store",
            details={
                "backup_id": opened.keys.backup_id,
                "made_at": opened.keys.made_at,
                "file": opened.source.name,
                "peers_to_hear_from": peers,
            },
            at=now,
        )
        counter = session.get(Meta, "state_counter")
        session.commit()
        return int(counter.value) if counter is not None else 1
    finally:
        session.close()
        engine.dispose()


def _check_rules(path: Path, key: bytes, source: Path) -> None:
    """The copy's rows against its tables' rules (``CHECK``, ``NOT NULL``).

    SQLite's structure check tests those rules only on a database it may write: the backup
    file is opened read-only (``immutable``), so its check cannot; the new copy is writable.

    Raises:
        BackupRejected: a row breaks a rule of its table.
    """
    conn = connect_backup(path, key)
    try:
        found = [str(r[0]) for r in conn.execute("PRAGMA quick_check")]
    finally:
        conn.close()
    if found != ["ok"]:
        raise backup_file.damaged(source)


def restore(
    source: Path | Opened, opener: Opener | None, target: Path, restored_by: str = ""
) -> Path:
    """Make a new live store in ``target`` (which holds no store) from a backup.

    ``source`` is a backup file or folder (opened here with ``opener``), or one already
    :func:`open_backup`-ed. The backup itself is not changed.

    Raises:
        AuthenticationError: ``opener`` does not open the backup.
        BackupRejected: the backup file is damaged or altered (nothing is written).
        StoreAlreadyExists: ``target`` already holds a store.
        StoreError: the disk is full (nothing is left in ``target``).
    """
    db, vault_path = target / DB_FILE, target / LEGACY_VAULT
    if db.exists() or vault_path.exists():
        raise StoreAlreadyExists(_("A data store already exists in {path}.").format(path=target))
    if isinstance(source, Opened):
        opened = source
    else:
        assert opener is not None
        opened = open_backup(source, opener)
    keys = opened.keys
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(target, 0o700)
    partial = target / f".{DB_FILE}.partial"
    try:
        new_key = secrets.token_bytes(32)
        conn = opened.connect()
        try:
            export_copy(conn, partial, new_key)
        finally:
            conn.close()
        _check_rules(partial, new_key, opened.source)
        counter = _mark(partial, new_key, opened, restored_by or "recovery-key")
        vault = Vault(
            path=vault_path,
            store_id=keys.store_id,
            epoch=keys.generation,
            slots=[slot_copy(s) for s in keys.slots],
        )
        mac_keys = open_mac_keys(keys, opened.key)
        own = keys.slot(opened.opener.slot_id)
        own_mac = own.mac_key(opened.opener.private) if own is not None else None
        if own_mac is not None:
            mac_keys.setdefault(opened.opener.slot_id, own_mac)
        vault.install_key(new_key, mac_keys, counter)
        partial.rename(db)
    except BaseException as exc:
        for leftover in (partial, partial.with_name(partial.name + "-journal"), vault_path):
            leftover.unlink(missing_ok=True)
        if created:
            with contextlib.suppress(OSError):
                target.rmdir()
        if is_disk_full(exc):
            raise StoreError(
                _("The disk is full; the backup was not restored and nothing of it was left.")
            ) from None
        if isinstance(exc, dbapi2.DatabaseError) and opened.facts is not None:
            raise BackupRejected(
                _("{file} could not be read whole; nothing was restored from it.").format(
                    file=opened.source.name
                )
            ) from None
        raise
    return target
