"""Revocation and key rotation that finish, even after a kill, a power cut or a full disk.

A revocation is recorded *first*, in the same database transaction that marks the user revoked:
the meta row ``revocations_pending`` lists the user names whose revocation is not finished.
:func:`finish_revocations` then, holding the store's lock:

1. converts backups of the old format that the current key opens (before that key changes);
2. removes the users' slots and rotates the database key (``Vault.begin_rotation`` writes the new
   key's wraps as *pending*, ``PRAGMA rekey`` runs under a rollback journal so that a kill rolls
   it back, ``Vault.finish_rotation`` promotes the wraps);
3. gives every backup the revoked users could open (an administrator's slot copy, or a backup
   their own program made) a fresh backup key, or, when this login cannot open it, removes
   their slot copies from it and leaves the revocation listed as unfinished;
4. re-keys every backup file recorded outside the data folder (a USB stick) that the revoked
   users could open and that is reachable at its recorded path; the others are listed in the
   result (``outside_not_rekeyed``) and stay listed by :func:`outside_backups.still_open_to`;
5. clears the meta row and writes the ``key_rotated`` audit event.

Every step can run again: opening the store (any login, so also ``db status`` and ``db verify``)
calls :func:`finish_revocations` whenever the meta row or the vault's pending rotation says a
revocation stopped half-way, and a retried ``user revoke`` finishes it too. A full disk raises
:func:`disk_full` ("The disk is full; the revocation was not finished. ..."), never a key error.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlcipher3 import dbapi2

from legalaid_desktop.domain.errors import StoreError
from legalaid_desktop.i18n import _
from legalaid_desktop.store import backups, outside_backups
from legalaid_desktop.store.audit import append_event, utc_now_iso
from legalaid_desktop.store.engine import connect_raw, create_store_engine
from legalaid_desktop.store.models import Meta
from legalaid_desktop.store.slots import RECOVERY_SLOT, Slot

if TYPE_CHECKING:
    from legalaid_desktop.store.store import Store

PENDING_KEY = "revocations_pending"


def disk_full() -> StoreError:
    return StoreError(
        _(
            "The disk is full; the revocation was not finished. Free some space, then log in "
            "again: the revocation is finished then."
        )
    )


@dataclass(frozen=True)
class RevocationResult:
    """What :func:`finish_revocations` did."""

    users: tuple[str, ...]
    key_rotated: bool
    backups_rekeyed: int
    backups_not_rekeyed: tuple[str, ...]
    """Backups this login could not open: their slot copies were removed, the key not changed."""
    outside_rekeyed: tuple[str, ...] = ()
    """Backup files outside the data folder that got a new key (their paths)."""
    outside_not_rekeyed: tuple[str, ...] = ()
    """Backup files outside the data folder the revoked users may still open: not reachable at
    their recorded path, not opened by this login, or no room beside them for the new copy."""


def pending_in(session: Session) -> list[str]:
    row = session.get(Meta, PENDING_KEY)
    if row is None or not row.value:
        return []
    names = json.loads(row.value)
    return [str(n) for n in names] if isinstance(names, list) else []


def mark_revoked(session: Session, username: str) -> None:
    """Record (inside the caller's transaction) that ``username``'s revocation must be finished."""
    names = pending_in(session)
    if username not in names:
        names.append(username)
    row = session.get(Meta, PENDING_KEY)
    if row is None:
        session.add(Meta(key=PENDING_KEY, value=json.dumps(names)))
    else:
        row.value = json.dumps(names)


def pending_revocations(store: Store) -> list[str]:
    with store.session() as s:
        return pending_in(s)


def active_admins(store: Store) -> set[str]:
    """The user names of the active administrators (plain SQL: it runs before upgrades too)."""
    try:
        with store.session() as s:
            rows = s.execute(
                text("SELECT username FROM users WHERE role = 'admin' AND active")
            ).scalars()
            return {str(r) for r in rows}
    except Exception:  # an unexpected schema: the recovery key alone opens the backup
        return set()


def backup_slots(store: Store) -> list[Slot]:
    """The slots a new backup is wrapped to: the active administrators' and the recovery slot."""
    admins = active_admins(store)
    return [
        s
        for s in store.vault.slots
        if s.slot_id == RECOVERY_SLOT or (s.kind == "user" and s.username in admins)
    ]


def backup_mac_keys(store: Store) -> dict[str, bytes]:
    """The slots' wrap-MAC keys, for the backups to keep under their own keys (a restore)."""
    return store.vault.wrap_mac_keys(store.key)


def rotate_key(store: Store, remove: list[str]) -> None:
    """Remove ``remove``'s slots and give the database a new key (see the module docstring).

    The caller holds the store's lock.
    """
    import secrets

    new_key = secrets.token_bytes(32)
    for name in remove:
        store.vault.remove_user(name)
    store.vault.begin_rotation(new_key, store.key)
    store.engine.dispose()
    conn = connect_raw(store.paths.db, store.key)
    try:
        # A rollback journal makes the rekey one atomic transaction (a kill rolls it back);
        # if another program has the store open SQLite keeps the WAL, which is atomic too.
        with contextlib.suppress(Exception):
            conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        try:
            conn.execute("PRAGMA rekey = \"x'" + new_key.hex() + "'\"")
        except dbapi2.Error as exc:
            # SQLCipher reports every rekey failure with one generic text, a full disk too:
            # the rekey needs room for a journal as large as the database.
            if shutil.disk_usage(store.paths.root).free < store.paths.db.stat().st_size:
                raise disk_full() from None
            raise StoreError(
                _(
                    "The database could not be given its new key ({detail}); the revocation was "
                    "not finished. Log in again to finish it."
                ).format(detail=exc)
            ) from None
    finally:
        # No statement after a failed rekey on this connection: SQLCipher may have kept the
        # new key for writing, and switching the journal mode back would write page 1 under
        # it. The next connection (connect_raw) asks for the WAL again.
        conn.close()
    store.replace_engine(create_store_engine(store.paths.db, new_key), new_key)
    # When another program kept the WAL, old frames (under the old key) may be left in it.
    with contextlib.suppress(Exception):
        wal = connect_raw(store.paths.db, new_key)
        try:
            wal.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            wal.close()
    counter = store.read_counter()
    store.vault.finish_rotation(new_key, counter)


def _rekey_backups(store: Store, names: list[str], admins: set[str]) -> tuple[int, list[str]]:
    slots = backup_slots(store)
    rekeyed, unfinished = 0, []
    revoked = set(names)
    for folder in backups.backup_folders(store.paths.backups):
        if not (folder / backups.KEY_FILE).exists():
            if backups.convert_legacy(
                folder,
                store.key,
                store_id=store.vault.store_id,
                slots=slots,
                keep=admins,
                mac_keys=backup_mac_keys(store),
            ):
                rekeyed += 1
            continue
        keys = backups.BackupKeys.load(folder / backups.KEY_FILE)
        holders = {s.username for s in keys.slots if s.kind == "user"}
        if keys.pending is None and keys.made_by not in revoked and not holders & revoked:
            continue
        if keys.can_open(store.opener):
            assert store.opener is not None
            backups.rekey(folder, store.opener, slots, backup_mac_keys(store))
            rekeyed += 1
        else:
            backups.strip_slots(folder, admins)
            unfinished.append(folder.name)
    return rekeyed, unfinished


def _rekey_outside(store: Store, revoked: set[str]) -> outside_backups.RekeyOutcome:
    """Re-key the recorded backup files outside the data folder the revoked users may open."""
    with store.session() as s:
        items = outside_backups.records(s)
    if not any(item.opens_for(name) for item in items for name in revoked):
        return outside_backups.RekeyOutcome()
    updated, outcome = outside_backups.rekey_reachable(
        items, revoked, store.opener, backup_slots(store), backup_mac_keys(store), utc_now_iso()
    )
    if outcome.rekeyed:
        changed = {u.backup_id: u for u in updated if u.path in outcome.rekeyed}
        with store.session(write=True) as s:
            current = outside_backups.records(s)
            outside_backups.save(s, [changed.get(c.backup_id, c) for c in current])
    return outcome


def finish_revocations(store: Store) -> RevocationResult | None:
    """Finish every revocation recorded as pending (see the module docstring).

    Returns:
        What was done, or None when nothing was pending.

    Raises:
        StoreError: the disk is full (the revocation stays pending and is retried).
    """
    from legalaid_desktop.store.store import _locked

    with _locked(store.paths):
        store.reload_vault()
        names = pending_revocations(store)
        if not names and store.vault.pending is None:
            return None
        try:
            admins = active_admins(store) - set(names)
            slots = backup_slots(store)
            for folder in backups.backup_folders(store.paths.backups):
                if not (folder / backups.KEY_FILE).exists():
                    backups.convert_legacy(
                        folder,
                        store.key,
                        store_id=store.vault.store_id,
                        slots=slots,
                        keep=admins,
                        mac_keys=backup_mac_keys(store),
                    )
            rotated = store.vault.pending is not None or any(
                n in store.vault.usernames() for n in names
            )
            if rotated:
                rotate_key(store, names)
            rekeyed, unfinished = _rekey_backups(store, names, admins)
            outside = _rekey_outside(store, set(names))
            left = names if unfinished else []
            if not rotated and not rekeyed and left == names:
                # Nothing this login can do (backups only an administrator opens).
                return RevocationResult(
                    tuple(names),
                    False,
                    0,
                    tuple(unfinished),
                    tuple(outside.rekeyed),
                    tuple(outside.left),
                )
            with store.session(write=True) as s:
                row = s.get(Meta, PENDING_KEY)
                if row is not None:
                    row.value = json.dumps(left)
                append_event(
                    s,
                    actor=store.username or "recovery-key",
                    action="key_rotated",
                    entity_type="store",
                    details={
                        "users": names,
                        "epoch": store.vault.epoch,
                        "key_rotated": rotated,
                        "backups_rekeyed": rekeyed,
                        "backups_not_rekeyed": len(unfinished),
                        "outside_rekeyed": len(outside.rekeyed),
                        "outside_not_rekeyed": len(outside.left),
                    },
                )
        except Exception as exc:
            if backups.is_disk_full(exc) or backups.is_disk_full(
                getattr(exc, "__cause__", None) or exc
            ):
                raise disk_full() from None
            raise
        return RevocationResult(
            tuple(names),
            rotated,
            rekeyed,
            tuple(unfinished),
            tuple(outside.rekeyed),
            tuple(outside.left),
        )


def refresh_backups(store: Store, *, rekey_all: bool = False) -> int:
    """Bring the backups this login opens up to date with the administrators' slots.

    A backup that still holds the slot of someone who is no longer an active administrator gets
    a new key (as at a revocation); one whose administrators' slots changed (an administrator
    added, a password changed or reset) is wrapped to the current slots. Backups this login
    cannot open are left as they are. ``rekey_all`` gives every backup this login opens a new
    key (after the recovery key was replaced: the old one must open no backup either).

    Returns:
        How many backups were changed.
    """
    from legalaid_desktop.store.store import _locked

    if store.opener is None:
        return 0
    changed = 0
    with _locked(store.paths):
        store.reload_vault()
        slots = backup_slots(store)
        current = {s.slot_id for s in slots}
        admins = active_admins(store)
        for folder in backups.backup_folders(store.paths.backups):
            if not (folder / backups.KEY_FILE).exists():
                continue
            keys = backups.BackupKeys.load(folder / backups.KEY_FILE)
            if not keys.can_open(store.opener):
                continue
            holders = {s.username for s in keys.slots if s.kind == "user"}
            if rekey_all or keys.pending is not None or holders - admins:
                backups.rekey(folder, store.opener, slots, backup_mac_keys(store))
            elif {s.slot_id for s in keys.slots} != current:
                backups.rewrap(folder, store.opener, slots, backup_mac_keys(store))
            else:
                continue
            changed += 1
    return changed
