"""Backups that only administrators and the recovery key open (issue 13, docs/store-security.md).

A backup folder ``backups/<stamp>-<why>/`` holds two files:

``legalaid.db``
    An SQLCipher copy of the store (``sqlcipher_export``), encrypted with a **backup key** of its
    own: 256 random bits made for this backup, never the live database key. A revoked user's old
    database key therefore opens no backup.
``backup-key.json``
    The backup key wrapped (ephemeral X25519 + HKDF-SHA256 + AES-256-GCM, bound to the slot, the
    store and the key's generation) to the public key of every *active administrator's* slot and
    of the recovery slot, with copies of those slots (their password-wrapped private keys), so
    that the backup opens without the live store. It is not a ``vault.json``: ``--data-dir`` on a
    backup folder finds no store, and an ordinary user's password opens nothing in it.

Anyone who opens the live store can *make* a backup (only public keys are needed, as for the
upgrade copy a lawyer's login may make); only an administrator's password (of the time of the
backup, or of the last revocation, which re-wraps it) or the recovery key *opens* one.

**Revocation** (:func:`rekey`): every backup the revoking administrator (or the recovery key)
can open gets a fresh backup key (``PRAGMA rekey``) wrapped to the administrators left. Like the
vault, the new key's wraps are written as ``pending`` first, so a crash leaves a backup that
opens with one key or the other, and the next revocation step redoes the rekey.

Folders written by older versions (a database under the live key of their time beside a copy
of ``vault.json``) are converted when the live key opens them; otherwise every slot but the
active administrators' and the recovery slot is removed from their ``vault.json`` (see
:func:`convert_legacy`).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from legalaid_desktop.domain.errors import (
    AuthenticationError,
    StoreCorrupted,
    StoreError,
    VaultTampered,
)
from legalaid_desktop.fsutil import atomic_write
from legalaid_desktop.i18n import _
from legalaid_desktop.store.backup_io import (
    _fsync_path,
    connect_backup,
    export_copy,
    is_disk_full,
)
from legalaid_desktop.store.engine import WrongStoreKey, connect_raw
from legalaid_desktop.store.slots import RECOVERY_SLOT, Slot, recovery_private
from legalaid_desktop.store.vault import Vault, parse_recovery_key

KEY_FILE = "backup-key.json"
DB_FILE = "legalaid.db"
LEGACY_VAULT = "vault.json"
FORMAT = "legalaid-backup"
VERSION = 1


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise VaultTampered(_("The backup's key file is malformed."))
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise VaultTampered(_("The backup's key file is malformed.")) from None


def _info(slot: Slot, store_id: str, backup_id: str, generation: int) -> bytes:
    return (
        b"legalaid-backup key|"
        + slot.binding(store_id)
        + b"|"
        + backup_id.encode()
        + b"|"
        + str(generation).encode()
    )


def _wrap(
    secret: bytes, slot: Slot, store_id: str, backup_id: str, generation: int
) -> dict[str, str]:
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(slot.public_key))
    epk = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    info = _info(slot, store_id, backup_id, generation)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared + epk)
    nonce = secrets.token_bytes(12)
    return {"epk": _b64(epk), "ct": _b64(nonce + AESGCM(key).encrypt(nonce, secret, info))}


def _unwrap(
    wrap: object,
    private: X25519PrivateKey,
    slot: Slot,
    store_id: str,
    backup_id: str,
    generation: int,
) -> bytes:
    if not isinstance(wrap, dict):
        raise VaultTampered(_("The backup's key file is malformed."))
    epk, blob = _unb64(wrap.get("epk")), _unb64(wrap.get("ct"))
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(epk))
    except ValueError:
        raise VaultTampered(_("The backup's key file has been altered.")) from None
    info = _info(slot, store_id, backup_id, generation)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared + epk)
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], info)
    except (InvalidTag, ValueError):
        raise VaultTampered(_("The backup's key file has been altered.")) from None


def _mac_keys_aead(key: bytes) -> AESGCM:
    info = b"legalaid-backup wrap-mac keys"
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key))


def seal_mac_keys(
    key: bytes, backup_id: str, generation: int, mac_keys: Mapping[str, bytes], slots: list[Slot]
) -> str:
    """The wrap-MAC keys of ``slots`` (see :meth:`Vault.wrap_mac_keys`) sealed under the backup
    key ``key``: a restore needs them to give every copied slot an authenticated wrap."""
    chosen = {s.slot_id: _b64(mac_keys[s.slot_id]) for s in slots if s.slot_id in mac_keys}
    nonce = secrets.token_bytes(12)
    aad = f"{backup_id}|{generation}".encode()
    plain = json.dumps(chosen, sort_keys=True).encode()
    return _b64(nonce + _mac_keys_aead(key).encrypt(nonce, plain, aad))


def open_mac_keys(keys: BackupKeys, key: bytes) -> dict[str, bytes]:
    """The wrap-MAC keys sealed in ``keys`` (empty for a backup that holds none)."""
    if not keys.mac_keys:
        return {}
    blob = _unb64(keys.mac_keys)
    aad = f"{keys.backup_id}|{keys.generation}".encode()
    try:
        plain = _mac_keys_aead(key).decrypt(blob[:12], blob[12:], aad)
        data = json.loads(plain)
    except (InvalidTag, ValueError):
        raise VaultTampered(_("The backup's key file has been altered.")) from None
    if not isinstance(data, dict):
        raise VaultTampered(_("The backup's key file is malformed."))
    return {str(k): _unb64(v) for k, v in data.items()}


def slot_copy(slot: Slot) -> Slot:
    """A copy of ``slot`` without its database-key wrap (a backup never holds the live key)."""
    data = slot.to_dict()
    data["dek"] = None
    return Slot.from_dict(data)


@dataclass(frozen=True)
class Opener:
    """What opens a backup: the private key of one slot (an administrator's or the recovery's)."""

    slot_id: str
    private: X25519PrivateKey


@dataclass
class BackupKeys:
    """The ``backup-key.json`` of one backup folder."""

    path: Path
    store_id: str
    backup_id: str
    made_at: str
    made_by: str
    reason: str
    generation: int
    slots: list[Slot]
    wraps: dict[str, Any]
    pending: dict[str, Any] | None = None
    mac_keys: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> BackupKeys:
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            raise StoreError(
                _("{path} is not a LegalAid backup folder.").format(path=path.parent)
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raise VaultTampered(
                _("The backup's key file {path} is damaged.").format(path=path)
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise VaultTampered(_("The backup's key file {path} is damaged.").format(path=path))
        return cls.from_dict(data, path)

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path) -> BackupKeys:
        """The key part read from ``data`` (a key file's, or a backup file's footer)."""
        try:
            slots = [Slot.from_dict(s) for s in data["slots"]]
            keys = cls(
                path=path,
                store_id=str(data["store_id"]),
                backup_id=str(data["backup_id"]),
                made_at=str(data.get("made_at", "")),
                made_by=str(data.get("made_by", "")),
                reason=str(data.get("reason", "")),
                generation=int(data["generation"]),
                slots=slots,
                wraps=dict(data["wraps"]),
                pending=data.get("pending"),
                mac_keys=str(data.get("mac_keys", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise VaultTampered(_("The backup's key file is malformed.")) from None
        return keys

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "store_id": self.store_id,
            "backup_id": self.backup_id,
            "made_at": self.made_at,
            "made_by": self.made_by,
            "reason": self.reason,
            "generation": self.generation,
            "slots": [s.to_dict() for s in self.slots],
            "wraps": self.wraps,
            "pending": self.pending,
            "mac_keys": self.mac_keys,
        }

    def save(self) -> None:
        data = self.to_dict()
        atomic_write(self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))

    def wrap_for(self, secret: bytes, slots: Iterable[Slot], generation: int) -> dict[str, Any]:
        return {
            s.slot_id: _wrap(secret, s, self.store_id, self.backup_id, generation) for s in slots
        }

    def slot(self, slot_id: str) -> Slot | None:
        return next((s for s in self.slots if s.slot_id == slot_id), None)

    def open_keys(self, opener: Opener) -> list[bytes]:
        """The backup key(s) ``opener`` unwraps: current first, then a pending one."""
        keys: list[bytes] = []
        slot = self.slot(opener.slot_id)
        if slot is not None and opener.slot_id in self.wraps:
            keys.append(
                _unwrap(
                    self.wraps[opener.slot_id],
                    opener.private,
                    slot,
                    self.store_id,
                    self.backup_id,
                    self.generation,
                )
            )
        pending = self.pending or {}
        pending_wraps = pending.get("wraps") or {}
        pending_slots = {s["id"]: s for s in pending.get("slots") or [] if isinstance(s, dict)}
        if opener.slot_id in pending_wraps and opener.slot_id in pending_slots:
            target = Slot.from_dict(pending_slots[opener.slot_id])
            keys.append(
                _unwrap(
                    pending_wraps[opener.slot_id],
                    opener.private,
                    target,
                    self.store_id,
                    self.backup_id,
                    int(pending["generation"]),
                )
            )
        return keys

    def can_open(self, opener: Opener | None) -> bool:
        if opener is None:
            return False
        return opener.slot_id in self.wraps or opener.slot_id in (self.pending or {}).get(
            "wraps", {}
        )


# -- helpers -------------------------------------------------------------------------------------


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=False)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)


def backup_folders(backups: Path, *, clean: bool = True) -> list[Path]:
    """Every finished backup folder (new or old format), oldest first.

    With ``clean`` (only while holding the store's lock) the leftovers of a backup or a
    conversion that was interrupted are removed or put back.
    """
    if not backups.is_dir():
        return []
    found = []
    for path in sorted(backups.iterdir()):
        if not path.is_dir():
            continue
        if path.name.startswith(".") and not clean:
            continue
        if path.name.startswith(".") and path.name.endswith(".partial"):
            shutil.rmtree(path, ignore_errors=True)  # a backup that was never finished
            continue
        if path.name.startswith(".") and path.name.endswith(".old"):
            original = backups / path.name[1 : -len(".old")]
            if original.exists():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.rename(original)
                found.append(original)
            continue
        if (path / KEY_FILE).exists() or (path / LEGACY_VAULT).exists():
            found.append(path)
    return sorted(found)


# -- writing -------------------------------------------------------------------------------------


def write_backup(
    backups: Path,
    source: Any,
    *,
    store_id: str,
    slots: list[Slot],
    made_by: str,
    reason: str,
    mac_keys: Mapping[str, bytes] | None = None,
) -> Path:
    """A new backup of the database open on ``source``, readable by ``slots`` only.

    Written in a hidden ``.partial`` folder (database fsynced, key file atomic) that is renamed
    into place at the end; on any failure the partial folder is removed.

    Raises:
        StoreError: the disk is full, or the copy failed (nothing is left behind).
    """
    backups.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(backups, 0o700)
    name = f"{_stamp()}-{reason}"
    partial = backups / f".{name}.partial"
    try:
        _private_dir(partial)
        key = secrets.token_bytes(32)
        export_copy(source, partial / DB_FILE, key)
        keys = BackupKeys(
            path=partial / KEY_FILE,
            store_id=store_id,
            backup_id=secrets.token_hex(8),
            made_at=datetime.now(UTC).isoformat(timespec="seconds"),
            made_by=made_by,
            reason=reason,
            generation=1,
            slots=[slot_copy(s) for s in slots],
            wraps={},
        )
        keys.wraps = keys.wrap_for(key, keys.slots, 1)
        keys.mac_keys = seal_mac_keys(key, keys.backup_id, 1, mac_keys or {}, keys.slots)
        keys.save()
        folder = backups / name
        partial.rename(folder)
        _fsync_path(backups)
    except BaseException as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if is_disk_full(exc):
            raise StoreError(
                _("The disk is full; the backup was not written and nothing of it was left.")
            ) from None
        raise
    return folder


# -- opening -------------------------------------------------------------------------------------


def opener_for_password(folder: Path, username: str, password: str) -> Opener:
    """The opener of ``username``'s slot copy in a backup, unlocked with ``password``.

    Raises:
        AuthenticationError: not an administrator of this backup, or a wrong password.
    """
    return password_opener(BackupKeys.load(folder / KEY_FILE), username, password)


def not_for_this_backup() -> AuthenticationError:
    """The refusal of a password or recovery key that has no wrap in a backup."""
    return AuthenticationError(
        _(
            "This backup opens only with the password of an administrator it was made for, "
            "or with the recovery key."
        )
    )


def password_opener(keys: BackupKeys, username: str, password: str) -> Opener:
    """:func:`opener_for_password` for a key part already read (a folder's or a file's)."""
    slot = next((s for s in keys.slots if s.kind == "user" and s.username == username), None)
    if slot is None:
        raise not_for_this_backup()
    shell = Vault(path=keys.path, store_id=keys.store_id, epoch=0, slots=[slot])
    return Opener(slot.slot_id, shell._user_private(slot, password)[0])


def opener_for_recovery(folder: Path, recovery_key: str) -> Opener:
    """The opener of a backup's recovery slot (its key derivation follows the slot's format)."""
    return recovery_opener(BackupKeys.load(folder / KEY_FILE), recovery_key)


def recovery_opener(keys: BackupKeys, recovery_key: str) -> Opener:
    """:func:`opener_for_recovery` for a key part already read."""
    slot = keys.slot(RECOVERY_SLOT)
    secret = parse_recovery_key(recovery_key)
    if slot is None:
        return Opener(RECOVERY_SLOT, recovery_private(secret))
    return Opener(RECOVERY_SLOT, recovery_private(secret, slot.version))


def backup_key(folder: Path, opener: Opener) -> bytes:
    """The key that opens the backup's database now.

    Raises:
        AuthenticationError: ``opener`` has no wrap in this backup (or the wrong recovery key).
    """
    keys = BackupKeys.load(folder / KEY_FILE)
    if not keys.can_open(opener):
        raise not_for_this_backup()
    try:
        candidates = keys.open_keys(opener)
    except VaultTampered:
        if opener.slot_id == RECOVERY_SLOT:
            raise AuthenticationError(
                _("This recovery key does not belong to this data store.")
            ) from None
        raise
    for key in candidates:
        try:
            connect_backup(folder / DB_FILE, key).close()
        except WrongStoreKey:
            continue
        return key
    raise StoreCorrupted(
        _("The backup {path} does not open with its own key file.").format(path=folder)
    )


# -- revocation ----------------------------------------------------------------------------------


def rekey(
    folder: Path, opener: Opener, slots: list[Slot], mac_keys: Mapping[str, bytes] | None = None
) -> None:
    """Give a backup a fresh key wrapped to ``slots`` (crash-safe: pending wraps first)."""
    keys = BackupKeys.load(folder / KEY_FILE)
    old = backup_key(folder, opener)
    new = secrets.token_bytes(32)
    copies = [slot_copy(s) for s in slots]
    generation = keys.generation + 1
    keys.pending = {
        "generation": generation,
        "slots": [s.to_dict() for s in copies],
        "wraps": keys.wrap_for(new, copies, generation),
        "mac_keys": seal_mac_keys(new, keys.backup_id, generation, mac_keys or {}, copies),
    }
    keys.save()
    conn = connect_backup(folder / DB_FILE, old)
    try:
        conn.execute("PRAGMA rekey = \"x'" + new.hex() + "'\"")
    finally:
        conn.close()
    keys.slots = copies
    keys.wraps = keys.pending["wraps"]
    keys.mac_keys = str(keys.pending.get("mac_keys", ""))
    keys.generation = generation
    keys.pending = None
    keys.made_by = ""  # nobody but the wrapped slots has held this key
    keys.save()


def rewrap(
    folder: Path, opener: Opener, slots: list[Slot], mac_keys: Mapping[str, bytes] | None = None
) -> None:
    """Wrap a backup's key, unchanged, to ``slots`` instead (an administrator added or their
    password changed); nobody who could open it before loses anything they knew."""
    keys = BackupKeys.load(folder / KEY_FILE)
    key = backup_key(folder, opener)
    keys.slots = [slot_copy(s) for s in slots]
    keys.wraps = keys.wrap_for(key, keys.slots, keys.generation)
    keys.mac_keys = seal_mac_keys(key, keys.backup_id, keys.generation, mac_keys or {}, keys.slots)
    keys.save()


def strip_slots(folder: Path, keep: set[str]) -> bool:
    """Remove from a backup's key file every user slot whose name is not in ``keep``.

    Returns:
        Whether anything was removed.
    """
    keys = BackupKeys.load(folder / KEY_FILE)
    kept = [s for s in keys.slots if s.kind != "user" or s.username in keep]
    if len(kept) == len(keys.slots):
        return False
    gone = {s.slot_id for s in keys.slots} - {s.slot_id for s in kept}
    keys.slots = kept
    keys.wraps = {k: v for k, v in keys.wraps.items() if k not in gone}
    keys.save()
    return True


def convert_legacy(
    folder: Path,
    live_key: bytes,
    *,
    store_id: str,
    slots: list[Slot],
    keep: set[str],
    mac_keys: Mapping[str, bytes] | None = None,
) -> bool:
    """Bring a backup of the old format (live key + ``vault.json``) to the backup-key format.

    If the live key opens it, it is copied under a backup key of its own and the old folder is
    replaced. Otherwise its ``vault.json`` keeps only the slots of the users in ``keep`` (the
    active administrators) and the recovery slot.

    Returns:
        True if converted, False if only its slots were removed.
    """
    try:
        source = connect_backup(folder / DB_FILE, live_key)
    except WrongStoreKey:
        vault_path = folder / LEGACY_VAULT
        data = json.loads(vault_path.read_text("utf-8"))
        before = data.get("slots", [])
        data["slots"] = [s for s in before if s.get("kind") != "user" or s.get("user") in keep]
        if data["slots"] != before:
            atomic_write(vault_path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
        return False
    try:
        new = write_backup(
            folder.parent,
            source,
            store_id=store_id,
            slots=slots,
            made_by="",
            reason=folder.name.split("-", 1)[1] if "-" in folder.name else "converted",
            mac_keys=mac_keys,
        )
    finally:
        source.close()
    old = folder.parent / f".{folder.name}.old"
    folder.rename(old)
    new.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return True


def copy_live(db: Path, key: bytes) -> Any:
    """A connection to the live database for a backup copy (see :func:`write_backup`)."""
    return connect_raw(db, key)
