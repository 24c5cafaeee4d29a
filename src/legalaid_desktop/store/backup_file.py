"""One-file backups for a folder outside the data folder, a USB stick (issue 20).

A backup file ``legalaid-<CENTER>-<UTC stamp>.labackup`` is three parts, one after the other::

    [0, D)           the database: an SQLCipher copy (sqlcipher_export) under the backup key
    [D, D + F)       the footer: UTF-8 JSON {"format", "version", "keys", "sealed"}
    [D + F, +64)     the trailer: magic (16 bytes) | D | F (unsigned 64-bit, big-endian)
                     | SHA-256 of the footer (32 bytes)

``keys`` is the key part of a backup folder's ``backup-key.json`` (:class:`BackupKeys`: the
backup key wrapped to the active administrators' slots and the recovery slot, copies of those
slots, their wrap-MAC keys sealed under the backup key). ``sealed`` is AES-256-GCM under a key
derived from the backup key, over the facts a restore checks (:class:`FileFacts`: the store id,
the node's id and code, the schema revision, when and by whom, and the SHA-256 and length of the
database part), with the SHA-256 of the key part as associated data: a changed byte anywhere is
found before anything is written. The trailer's unkeyed hash of the footer only tells a damaged
footer from a wrong password (anyone may recompute it; the sealed part is what is trusted).

Writing needs no double space: the export goes straight into a hidden ``.<name>.partial`` file
in the target folder, the footer is appended, the file fsynced, read back from the disk (the
page cache dropped first) and checked — footer, seal, hash, page MACs, ``quick_check``, store
id — and only then renamed into place. Cancel, a full stick or a failed check removes the
partial file: nothing is left half-written.

A re-key (a revocation) writes a new file beside the old one and replaces it atomically once
checked, so a crash leaves the old file or the new one, each whole (docs/store-security.md).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import struct
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlcipher3 import dbapi2

from legalaid_desktop.domain.errors import (
    AuthenticationError,
    BackupCancelled,
    BackupNoSpace,
    BackupRejected,
    VaultTampered,
)
from legalaid_desktop.i18n import _
from legalaid_desktop.store.backup_io import fast_target, is_disk_full
from legalaid_desktop.store.backups import (
    BackupKeys,
    Opener,
    not_for_this_backup,
    password_opener,
    recovery_opener,
    seal_mac_keys,
    slot_copy,
)
from legalaid_desktop.store.slots import RECOVERY_SLOT, Slot

SUFFIX = ".labackup"
FILE_FORMAT = "legalaid-backup-file"
FILE_VERSION = 1
MAGIC = b"LEGALAID-BACKUP\x01"
TRAILER = struct.Struct(">16sQQ32s")
MAX_FOOTER = 4 * 1024 * 1024
FOOTER_ROOM = 256 * 1024
"""Space kept for the footer and the trailer when the free space is checked."""
CHUNK = 1024 * 1024

Report = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class FileFacts:
    """What the sealed part of a backup file says (checked before a restore writes anything)."""

    store_id: str
    backup_id: str
    generation: int
    node_id: str
    node_code: str
    node_name: str
    schema_revision: str
    made_at: str
    made_by: str
    db_sha256: str
    db_length: int
    page_size: int


@dataclass(frozen=True)
class BackupFile:
    """A backup file whose trailer and footer were read (nothing opened yet)."""

    path: Path
    keys: BackupKeys
    db_length: int
    sealed: bytes


@dataclass(frozen=True)
class Written:
    """A backup file written and checked."""

    path: Path
    size: int
    facts: FileFacts
    holders: tuple[str, ...]
    """The user names of the administrators' slots it is wrapped to."""


def damaged(path: Path) -> BackupRejected:
    return BackupRejected(
        _(
            "{file} is damaged or was altered (or is not a LegalAid backup); nothing was "
            "restored from it."
        ).format(file=path.name)
    )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


def no_space(folder: Path, needed: int) -> BackupNoSpace:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = 0
    return BackupNoSpace(
        _(
            "There is not enough space in {folder}: {needed} MB needed, {free} MB free. "
            "Nothing of the backup was left there."
        ).format(folder=folder, needed=_mb(needed), free=_mb(free))
    )


# -- the sealed facts ----------------------------------------------------------------------------


def _facts_aead(key: bytes) -> AESGCM:
    info = b"legalaid-backup-file facts"
    return AESGCM(HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key))


def _canonical(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _aad(keys: BackupKeys) -> bytes:
    return b"legalaid-backup-file|" + hashlib.sha256(_canonical(keys.to_dict())).digest()


def _seal(key: bytes, keys: BackupKeys, facts: FileFacts) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + _facts_aead(key).encrypt(nonce, _canonical(asdict(facts)), _aad(keys))


def open_facts(bf: BackupFile, key: bytes) -> FileFacts:
    """The sealed facts, if ``key`` is the file's backup key and nothing was changed.

    Raises:
        BackupRejected: the seal does not open (another key, or an altered footer).
    """
    try:
        plain = _facts_aead(key).decrypt(bf.sealed[:12], bf.sealed[12:], _aad(bf.keys))
        data = json.loads(plain)
        facts = FileFacts(**data)
    except (InvalidTag, ValueError, TypeError):
        raise damaged(bf.path) from None
    if facts.db_length != bf.db_length or facts.backup_id != bf.keys.backup_id:
        raise damaged(bf.path)
    return facts


# -- reading -------------------------------------------------------------------------------------


def _drop_cache(fd: int) -> None:
    """Ask the kernel to forget the file's cached pages, so the next read comes from the disk."""
    if hasattr(os, "posix_fadvise"):
        with contextlib.suppress(OSError):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)


def read(path: Path) -> BackupFile:
    """Read the trailer and the footer of the backup file ``path``.

    Raises:
        BackupRejected: not a backup file, truncated, or its footer damaged.
    """
    try:
        with path.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size < TRAILER.size:
                raise damaged(path)
            f.seek(size - TRAILER.size)
            magic, db_length, footer_length, digest = TRAILER.unpack(f.read(TRAILER.size))
            if magic != MAGIC or footer_length > MAX_FOOTER:
                raise damaged(path)
            if db_length + footer_length + TRAILER.size != size or db_length == 0:
                raise damaged(path)
            f.seek(db_length)
            footer = f.read(footer_length)
    except FileNotFoundError:
        raise BackupRejected(_("There is no file {path}.").format(path=path)) from None
    except IsADirectoryError:
        raise damaged(path) from None
    if hashlib.sha256(footer).digest() != digest:
        raise damaged(path)
    try:
        data = json.loads(footer.decode("utf-8"))
        if data.get("format") != FILE_FORMAT or data.get("version") != FILE_VERSION:
            raise damaged(path)
        keys = BackupKeys.from_dict(data["keys"], path)
        sealed = base64.b64decode(data["sealed"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError, VaultTampered):
        raise damaged(path) from None
    return BackupFile(path, keys, db_length, sealed)


def database_digest(path: Path, length: int) -> str:
    """SHA-256 of the first ``length`` bytes of ``path`` (read from the disk, not the cache)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        _drop_cache(f.fileno())
        left = length
        while left:
            block = f.read(min(CHUNK, left))
            if not block:
                break
            digest.update(block)
            left -= len(block)
    return digest.hexdigest()


def opener_for_password(bf: BackupFile, username: str, password: str) -> Opener:
    """See :func:`legalaid_desktop.store.backups.password_opener`."""
    return password_opener(bf.keys, username, password)


def opener_for_recovery(bf: BackupFile, recovery_key: str) -> Opener:
    return recovery_opener(bf.keys, recovery_key)


def unlock(bf: BackupFile, opener: Opener) -> tuple[bytes, FileFacts]:
    """The backup key ``opener`` unwraps and the facts it seals, once the database part was
    read back whole and its hash checked.

    Raises:
        AuthenticationError: ``opener`` has no wrap here (not an administrator of this backup,
            or another store's recovery key).
        BackupRejected: the file is damaged or was altered.
    """
    if not bf.keys.can_open(opener):
        raise not_for_this_backup()
    try:
        candidates = bf.keys.open_keys(opener)
    except VaultTampered:
        if opener.slot_id == RECOVERY_SLOT:
            raise AuthenticationError(
                _("This recovery key does not belong to this data store.")
            ) from None
        raise damaged(bf.path) from None
    for key in candidates:
        try:
            facts = open_facts(bf, key)
        except BackupRejected:
            continue
        if database_digest(bf.path, bf.db_length) != facts.db_sha256:
            raise damaged(bf.path)
        return key, facts
    raise damaged(bf.path)


def connect_file(path: Path, key: bytes) -> Any:
    """A connection to the database part of a backup file (never written: ``immutable``)."""
    uri = path.resolve().as_uri() + "?immutable=1"
    conn = dbapi2.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA key = \"x'" + key.hex() + "'\"")
        conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError:
        conn.close()
        raise damaged(path) from None
    return conn


def check_database(path: Path, key: bytes, facts: FileFacts) -> None:
    """Page MACs, ``quick_check`` and the store id of the database part of a backup file.

    SQLCipher checks every page of the *file*; the footer's pages past the database part are
    not database pages, so what it says of them is left out (the footer has its own checks).

    Raises:
        BackupRejected: a page, the structure or the store id is not what it should be.
    """
    conn = connect_file(path, key)
    try:
        last = facts.db_length // facts.page_size
        for (message,) in conn.execute("PRAGMA cipher_integrity_check"):
            found = re.search(r"page (\d+)", str(message))
            if found is None or int(found.group(1)) <= last:
                raise damaged(path)
        if [r[0] for r in conn.execute("PRAGMA quick_check")] != ["ok"]:
            raise damaged(path)
        row = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
        if row is None or row[0] != facts.store_id:
            raise damaged(path)
    except dbapi2.DatabaseError:
        raise damaged(path) from None
    finally:
        conn.close()


# -- writing -------------------------------------------------------------------------------------


def file_name(node_code: str, when: datetime, folder: Path) -> str:
    """``legalaid-<CENTER>-<UTC stamp>.labackup``, unused in ``folder`` (no client data)."""
    base = f"legalaid-{node_code}-{when.strftime('%Y%m%dT%H%M%SZ')}"
    name, n = base + SUFFIX, 1
    while (folder / name).exists() or (folder / f".{name}.partial").exists():
        n += 1
        name = f"{base}-{n}{SUFFIX}"
    return name


def estimate(source: Any) -> tuple[int, int]:
    """(bytes the copy of the database open on ``source`` will take, its page size)."""
    page_size = int(source.execute("PRAGMA page_size").fetchone()[0])
    pages = int(source.execute("PRAGMA page_count").fetchone()[0])
    free = int(source.execute("PRAGMA freelist_count").fetchone()[0])
    return (pages - free) * page_size, page_size


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # a folder on FAT or on Windows cannot be fsynced
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _export(
    source: Any,
    target: Path,
    key: bytes,
    total: int,
    report: Report | None,
    cancelled: Cancelled | None,
) -> None:
    """``sqlcipher_export`` of ``source`` into the new file ``target`` under ``key``.

    Progress is the size the target has reached against ``total`` (asked every few thousand
    SQLite steps, at most ten times a second); ``cancelled`` is asked as often and stops the
    copy (SQLite's progress handler returns non-zero: "interrupted").
    """
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    last = [0.0]

    def step() -> int:
        if cancelled is not None and cancelled():
            return 1
        now = time.monotonic()
        if report is not None and now - last[0] >= 0.1:
            last[0] = now
            with contextlib.suppress(OSError):
                report(min(target.stat().st_size, total), total)
        return 0

    source.execute("ATTACH DATABASE ? AS backup KEY ?", (str(target), "x'" + key.hex() + "'"))
    try:
        fast_target(source)
        source.set_progress_handler(step, 1000)
        source.execute("SELECT sqlcipher_export('backup')").fetchall()
    finally:
        source.set_progress_handler(None, 0)
        with contextlib.suppress(dbapi2.Error):
            source.execute("DETACH DATABASE backup")
    with target.open("rb+") as f:
        os.fsync(f.fileno())


def _append_footer(path: Path, key: bytes, keys: BackupKeys, facts: FileFacts) -> None:
    footer = json.dumps(
        {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "keys": keys.to_dict(),
            "sealed": base64.b64encode(_seal(key, keys, facts)).decode("ascii"),
        },
        sort_keys=True,
        ensure_ascii=False,
    ).encode("utf-8")
    trailer = TRAILER.pack(MAGIC, facts.db_length, len(footer), hashlib.sha256(footer).digest())
    with path.open("ab") as f:
        f.write(footer + trailer)
        f.flush()
        os.fsync(f.fileno())


def verify_file(path: Path, key: bytes, store_id: str) -> FileFacts:
    """Read a backup file back from the disk and check every part of it (see the module).

    Raises:
        BackupRejected: something read back is not what was written.
    """
    bf = read(path)
    facts = open_facts(bf, key)
    if facts.store_id != store_id or bf.keys.store_id != store_id:
        raise damaged(path)
    if database_digest(path, bf.db_length) != facts.db_sha256:
        raise damaged(path)
    check_database(path, key, facts)
    return facts


def _unwritten(folder: Path) -> BackupRejected:
    return BackupRejected(
        _(
            "The backup read back from {folder} was not what was written: the disk may be "
            "failing. Nothing of it was left there; try another disk or USB stick."
        ).format(folder=folder)
    )


def write(
    folder: Path,
    source: Any,
    *,
    name: str,
    keys: BackupKeys,
    mac_keys: Mapping[str, bytes],
    facts: dict[str, str],
    replace: Path | None = None,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> Written:
    """Write the database open on ``source`` as the backup file ``folder/name``.

    ``keys`` holds the slots: they are wrapped here to a new backup key, under which their
    ``mac_keys`` are sealed. ``facts`` holds the node's id, code and name and the schema
    revision (``node_id``, ``node_code``, ``node_name``, ``schema_revision``, as
    :func:`~legalaid_desktop.store.outside_backups.node_facts` gives them). With ``replace``,
    the checked file replaces that file instead (a re-key).

    Raises:
        BackupNoSpace: the free space is short, or the disk filled up during the copy.
        BackupCancelled: ``cancelled`` said so.
        BackupRejected: the file read back is not what was written.
        OSError: the folder cannot be written (read-only, gone).
    """
    total, page_size = estimate(source)
    needed = total + FOOTER_ROOM
    if shutil.disk_usage(folder).free < needed:
        raise no_space(folder, needed)
    partial = folder / f".{name}.partial"
    key = secrets.token_bytes(32)
    try:
        _export(source, partial, key, total, report, cancelled)
        length = partial.stat().st_size
        keys.wraps = keys.wrap_for(key, keys.slots, keys.generation)
        keys.mac_keys = seal_mac_keys(key, keys.backup_id, keys.generation, mac_keys, keys.slots)
        written = FileFacts(
            store_id=keys.store_id,
            backup_id=keys.backup_id,
            generation=keys.generation,
            node_id=facts["node_id"],
            node_code=facts["node_code"],
            node_name=facts["node_name"],
            schema_revision=facts["schema_revision"],
            made_at=keys.made_at,
            made_by=keys.made_by,
            db_sha256=database_digest(partial, length),
            db_length=length,
            page_size=page_size,
        )
        _append_footer(partial, key, keys, written)
        if report is not None:
            report(total, total)
        try:
            verify_file(partial, key, keys.store_id)
        except BackupRejected:
            raise _unwritten(folder) from None
        final = replace or folder / name
        if replace is not None:
            os.replace(partial, replace)
        elif final.exists():
            raise FileExistsError(str(final))
        else:
            partial.rename(final)
        _fsync(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        if is_disk_full(exc):
            raise no_space(folder, needed) from None
        if isinstance(exc, dbapi2.OperationalError) and "interrupted" in str(exc):
            raise BackupCancelled(
                _("The backup was cancelled; nothing of it was left in {folder}.").format(
                    folder=folder
                )
            ) from None
        raise
    holders = tuple(s.username for s in keys.slots if s.kind == "user")
    return Written(final, final.stat().st_size, written, holders)


def new_keys(
    *, path: Path, store_id: str, slots: list[Slot], made_by: str, reason: str = "outside"
) -> BackupKeys:
    """The key part of a new backup file, wrapped to ``slots`` (copies without their DEK)."""
    return BackupKeys(
        path=path,
        store_id=store_id,
        backup_id=secrets.token_hex(8),
        made_at=datetime.now(UTC).isoformat(timespec="seconds"),
        made_by=made_by,
        reason=reason,
        generation=1,
        slots=[slot_copy(s) for s in slots],
        wraps={},
    )


def rekey(path: Path, opener: Opener, slots: list[Slot], mac_keys: Mapping[str, bytes]) -> Written:
    """Give the backup file ``path`` a new backup key wrapped to ``slots`` (a revocation).

    The new file is written beside the old one (it needs as much free space) and replaces it
    only once read back and checked: a crash leaves one whole file, the old or the new.

    Raises:
        AuthenticationError: ``opener`` does not open it.
        BackupRejected: it is damaged.
        BackupNoSpace: the disk has no room for the new copy (the old file is unchanged).
    """
    bf = read(path)
    old, facts = unlock(bf, opener)
    keys = BackupKeys(
        path=path,
        store_id=bf.keys.store_id,
        backup_id=bf.keys.backup_id,
        made_at=bf.keys.made_at,
        made_by="",  # nobody but the wrapped slots has held the new key
        reason=bf.keys.reason,
        generation=bf.keys.generation + 1,
        slots=[slot_copy(s) for s in slots],
        wraps={},
    )
    name = f"{path.name}.rekey"
    with contextlib.suppress(OSError):
        (path.parent / f".{name}.partial").unlink()  # left by a re-key that was cut off
    source = connect_file(path, old)
    try:
        return write(
            path.parent,
            source,
            name=name,
            keys=keys,
            mac_keys=mac_keys,
            facts={
                "node_id": facts.node_id,
                "node_code": facts.node_code,
                "node_name": facts.node_name,
                "schema_revision": facts.schema_revision,
            },
            replace=path,
        )
    finally:
        source.close()
