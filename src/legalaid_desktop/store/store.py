"""The encrypted store of one node: database + vault in a data directory.

Files in the data directory (created owner-only)::

    legalaid.db            SQLCipher database (and -wal, -shm while open)
    vault.json             keyslots (see vault.py)
    login-attempts.json    failure counts and attempts made while locked (no client data)
    backups/<stamp>-<why>/ copies made before a migration or on request, under a backup key of
                           their own that only administrators and the recovery key open
                           (see backups.py)
    .legalaid.lock         a lock file serializing open / rotate / vault writes across processes

Opening (:meth:`Store.unlock`): wait out the growing delay, unwrap the database key with the
user's password, open the database, compare the state counter kept inside the database with the
authenticated one in the vault (an older database means the file was replaced by an old copy),
upgrade the schema after a backup, raise both counters, and move pending login attempts into the
audit log.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import Engine, event, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlcipher3 import dbapi2

from legalaid_desktop.domain.errors import (
    AuthenticationError,
    StoreAlreadyExists,
    StoreCorrupted,
    StoreError,
    StoreKeyChanged,
    StoreNotFound,
    StoreRolledBack,
)
from legalaid_desktop.i18n import _
from legalaid_desktop.store import backups, failures, migrate, rotation
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.engine import (
    WrongStoreKey,
    connect_raw,
    create_store_engine,
    store_busy,
)
from legalaid_desktop.store.models import Meta
from legalaid_desktop.store.throttle import LoginThrottle, audit_attempts
from legalaid_desktop.store.vault import FLOOR, KdfParams, Unlocked, Vault, VaultError

COUNTER_KEY = "state_counter"
KDF_KEY = "kdf_params"
LOCK_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class StorePaths:
    """Where each file of a store lives."""

    root: Path

    @property
    def db(self) -> Path:
        return self.root / "legalaid.db"

    @property
    def vault(self) -> Path:
        return self.root / "vault.json"

    @property
    def attempts(self) -> Path:
        return self.root / "login-attempts.json"

    @property
    def lock(self) -> Path:
        return self.root / ".legalaid.lock"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def sidecars(self) -> tuple[Path, Path]:
        """The database's write-ahead log and shared-memory files (present while it is open)."""
        return (self.db.with_name(self.db.name + "-wal"), self.db.with_name(self.db.name + "-shm"))

    def exists(self) -> bool:
        return self.db.exists() and self.vault.exists()


_LOCKS: dict[str, FileLock] = {}


@contextlib.contextmanager
def _locked(paths: StorePaths) -> Iterator[None]:
    """Hold the store's cross-process lock (re-entrant within this process)."""
    lock = _LOCKS.setdefault(str(paths.lock), FileLock(str(paths.lock)))
    try:
        lock.acquire(timeout=LOCK_TIMEOUT_SECONDS)
    except Timeout:
        raise store_busy(paths.root) from None
    except OSError as exc:  # a read-only folder, a full disk: the lock file cannot be opened
        failure = failures.from_os(exc, paths.root)
        if failure is None:
            raise
        raise failure from None
    try:
        yield
    finally:
        lock.release()


def key_changed_error() -> StoreKeyChanged:
    return StoreKeyChanged(
        _(
            "The database key was changed by another program (a user was revoked or the key "
            "was rotated). Nothing was written. Log in again; the data store is not damaged, "
            "do not restore a backup."
        )
    )


def _translate_errors(
    engine: Engine, paths: StorePaths, key_changed: Callable[[], bool] = lambda: False
) -> None:
    """Turn SQLite's errors into our readable ones, naming the store and never a value.

    A full disk, a read-only folder and an I/O error become :class:`StoreDiskFull`,
    :class:`StoreReadOnly` and :class:`StoreIOError` (:mod:`.failures`); damage becomes
    :class:`StoreCorrupted` (or :class:`StoreKeyChanged` when ``key_changed`` says another
    program gave the database a new key), a lock :class:`StoreLocked`. This is the one place
    where the engine's errors are translated: a statement's parameters never reach the message.
    """

    @event.listens_for(engine, "handle_error")
    def _handle(context: Any) -> None:
        failure = failures.from_sqlite(context.original_exception, paths.root)
        if failure is not None:
            raise failure from None
        text = str(context.original_exception)
        if "malformed" in text or "not a database" in text or "HMAC" in text:
            if key_changed():
                raise key_changed_error() from None
            raise StoreCorrupted(
                _(
                    "The data store {path} is damaged ({detail}). Nothing was written. "
                    "Run `legalaid db verify` and restore from a backup."
                ).format(path=paths.db, detail=text)
            ) from context.original_exception
        if "database is locked" in text or "database is busy" in text:
            raise store_busy(paths.root) from context.original_exception


@contextlib.contextmanager
def _transaction(session: Session, *, commit: bool) -> Iterator[Session]:
    """``session`` for one block: committed at its end if ``commit``, rolled back on an error."""
    try:
        yield session
        if commit:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _create_private_file(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only (POSIX modes)."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _make_private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)


class Store:
    """An open, unlocked store. Use :meth:`session` for every database access."""

    def __init__(
        self,
        paths: StorePaths,
        engine: Engine,
        key: bytes,
        vault: Vault,
        *,
        username: str,
        opener: backups.Opener | None,
    ) -> None:
        self.paths = paths
        self._engine: Engine | None = engine
        self._key = bytearray(key)
        self.vault = vault
        self.username = username
        self.opener = opener
        """The slot that opened the store, which also opens backups wrapped to it."""
        self.finished_revocations: tuple[str, ...] = ()
        """Revocations that had stopped half-way and were finished when this store opened."""
        self._sessions = sessionmaker(expire_on_commit=False)
        _translate_errors(engine, paths, self._key_changed)

    @property
    def key(self) -> bytes:
        """The database key (for the store's own modules: rotation, backups)."""
        return bytes(self._key)

    def replace_engine(self, engine: Engine, key: bytes) -> None:
        """Use ``engine`` over the database under its new ``key`` (after a rekey)."""
        self._engine = engine
        _translate_errors(engine, self.paths, self._key_changed)
        self._key = bytearray(key)

    def read_counter(self) -> int:
        return _read_counter(self.engine)

    def reload_vault(self) -> None:
        self._reload_vault()

    def _key_changed(self) -> bool:
        """True if another program rotated the database key since this store opened."""
        try:
            current = Vault.load(self.paths.vault)
        except VaultError:
            return False
        if current.epoch != self.vault.epoch:
            return True
        return current.pending is not None and self.vault.pending is None

    # -- sessions -----------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise StoreError(_("The data store is closed."))
        return self._engine

    @contextlib.contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A session in one transaction, committed when the block ends without an error.

        Write sessions start with ``BEGIN IMMEDIATE``, so concurrent writers queue rather than
        fail; anything raised inside the block rolls everything back.
        """
        bind = self.engine.execution_options(write=True) if write else self.engine
        try:
            with _transaction(self._sessions(bind=bind), commit=write) as session:
                yield session
        except WrongStoreKey:
            # A new pooled connection no longer opens the file: another program rekeyed it.
            if self._key_changed():
                raise key_changed_error() from None
            raise

    @contextlib.contextmanager
    def bulk_session(self) -> Iterator[Session]:
        """A write session for a bulk load, with a rollback journal instead of the WAL.

        In write-ahead-log mode every page of a load goes to the ``-wal`` file first and is
        copied into the database at the checkpoint: written twice. With a rollback journal only
        the pages that existed before the load are saved first (for a new store, almost none)
        and the new ones are written once. The load is just as safe: if the program dies half
        way, the next open of the store plays the journal back and the store is exactly as
        before (see ``tests/hostile/test_demo_kill.py``).

        The switch needs the store to itself: this closes the engine's idle connections and
        asks for the rollback journal on the one it uses. When another connection (this
        program's or another's) has the store open, SQLite keeps the WAL and the load just
        runs in WAL mode, slower. The WAL is switched back on when the session ends, whatever
        happened; every new connection asks for it as well (:func:`connect_raw`).

        Yields:
            A session in one write transaction (``BEGIN IMMEDIATE``), committed when the block
            ends without an error, rolled back otherwise.
        """
        engine = self.engine
        engine.dispose()  # idle pooled connections would keep the store in WAL mode
        with engine.execution_options(write=True).connect() as conn:
            raw: Any = conn.connection.driver_connection  # no transaction begun yet
            try:
                raw.execute("PRAGMA journal_mode = DELETE").fetchone()
            except dbapi2.OperationalError:
                pass  # "database is locked": another connection has it open; WAL it is
            try:
                with _transaction(self._sessions(bind=conn), commit=True) as session:
                    yield session
            finally:
                with contextlib.suppress(Exception):
                    raw.execute("PRAGMA journal_mode = WAL").fetchone()

    def meta(self, key: str) -> str | None:
        with self.session() as s:
            row = s.get(Meta, key)
            return None if row is None else row.value

    def close(self) -> None:
        """Close every connection and forget the key (as far as Python allows)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        for i in range(len(self._key)):
            self._key[i] = 0

    @property
    def closed(self) -> bool:
        return self._engine is None

    # -- creation -----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        data_dir: Path,
        *,
        admin_username: str,
        admin_password: str,
        kdf: KdfParams,
        initialize: Callable[[Session, Vault], None],
    ) -> tuple[Store, str]:
        """Create a new store: database at the newest schema, vault, recovery key.

        ``initialize`` runs inside the first write transaction (the services use it to write the
        node, the first administrator and the first audit event).

        Returns:
            The open store and the recovery key to print once.
        """
        paths = StorePaths(data_dir)
        exists = StoreAlreadyExists(
            _("A data store already exists in {path}.").format(path=data_dir)
        )
        if paths.db.exists() or paths.vault.exists():
            raise exists
        _make_private_dir(data_dir)
        with _locked(paths):
            key = secrets.token_bytes(32)
            try:
                # SQLite gives its -wal, -shm, -journal the same mode. O_EXCL: an init that ran
                # meanwhile, or a link planted under the database's name, is not opened.
                _create_private_file(paths.db)
            except FileExistsError:
                raise exists from None
            engine = create_store_engine(paths.db, key)
            try:
                migrate.upgrade(engine)
                vault, recovery = Vault.create(
                    paths.vault,
                    dek=key,
                    admin_username=admin_username,
                    admin_password=admin_password,
                    kdf=kdf,
                )
                # One more derivation, so that this session opens the backups it makes.
                opened = vault.unlock(admin_username, admin_password)
                assert opened.private is not None
                store = cls(
                    paths,
                    engine,
                    key,
                    vault,
                    username=admin_username,
                    opener=backups.Opener(opened.slot_id, opened.private),
                )
                with store.session(write=True) as s:
                    s.add(Meta(key="store_id", value=vault.store_id))
                    s.add(Meta(key=COUNTER_KEY, value="1"))
                    s.add(Meta(key="created_at", value=utc_now_iso()))
                    s.add(Meta(key=KDF_KEY, value=json.dumps(kdf.to_dict())))
                    initialize(s, vault)
            except BaseException:
                engine.dispose()
                for path in (paths.db, paths.vault, *paths.sidecars):
                    path.unlink(missing_ok=True)
                raise
        return store, recovery

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def unlock(
        cls,
        data_dir: Path,
        username: str,
        password: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> Store:
        """Open the store with a user's password (waiting out the growing delay first).

        Raises:
            StoreNotFound: no store in ``data_dir``.
            AuthenticationError: unknown user, empty or wrong password.
            VaultTampered: the vault was altered.
            StoreRolledBack: the database is older than the vault.
            StoreCorrupted: the database is damaged.
        """
        paths = StorePaths(data_dir)
        if not paths.exists():
            raise StoreNotFound(
                _("No data store in {path}. Run `legalaid init` first.").format(path=data_dir)
            )
        throttle = LoginThrottle.load(paths.attempts, clock=clock)  # the vault's users beside it
        wait = throttle.wait_seconds(username)
        if wait > 0:
            sleep(wait)
        with _locked(paths):
            vault = Vault.load(paths.vault)
            try:
                unlocked = vault.unlock(username, password)
            except AuthenticationError:
                throttle.record(username, ok=False)
                raise
            store = cls._open(paths, vault, unlocked)
        try:
            store._flush_attempts(throttle, username)
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def unlock_with_recovery(cls, data_dir: Path, recovery_key: str) -> Store:
        """Open the store with the recovery key (to reset a password or add an administrator)."""
        paths = StorePaths(data_dir)
        if not paths.exists():
            raise StoreNotFound(
                _("No data store in {path}. Run `legalaid init` first.").format(path=data_dir)
            )
        with _locked(paths):
            vault = Vault.load(paths.vault)
            unlocked = vault.unlock_recovery(recovery_key)
            return cls._open(paths, vault, unlocked)

    @classmethod
    def _open(cls, paths: StorePaths, vault: Vault, unlocked: Unlocked) -> Store:
        """Open the database with the first key that works, then check and upgrade it."""
        # Stores made before the files were created owner-only: make them so.
        for path in (paths.db, *paths.sidecars):
            with contextlib.suppress(OSError):
                if path.stat().st_mode & 0o077:
                    os.chmod(path, 0o600)
        engine: Engine | None = None
        key = b""
        for index, candidate in enumerate(unlocked.keys):
            try:
                connect_raw(paths.db, candidate).close()
            except WrongStoreKey:
                continue
            key = candidate
            engine = create_store_engine(paths.db, candidate)
            if index > 0:
                # The database was rekeyed but the vault was not finished: finish it now.
                counter = _read_counter(engine)
                vault.finish_rotation(candidate, counter)
            break
        if engine is None:
            raise StoreError(
                _(
                    "The key file opens, but its key does not open the database {path}. "
                    "The key file or the database was replaced by a copy from before a user "
                    "was revoked; restore the pair from the same backup."
                ).format(path=paths.db)
            )
        opener = (
            backups.Opener(unlocked.slot_id, unlocked.private)
            if unlocked.private is not None
            else None
        )
        store = cls(paths, engine, key, vault, username=unlocked.username, opener=opener)
        try:
            store._check_counter()
            if vault.needs_upgrade:
                # A key file of format 1, or a key pair older than the last rotation: bind or
                # renew the slot just opened, and write the file (format 2, with its MAC).
                vault.upgrade(key)
                vault.save(key)
            store._upgrade_if_needed()
            store._raise_counter()
            store._resume_revocations()
        except BaseException:
            store.close()
            raise
        return store

    def _resume_revocations(self) -> None:
        """Finish a revocation that stopped half-way (killed, power cut, disk full)."""
        names = rotation.pending_revocations(self)
        if not names and self.vault.pending is None:
            return
        result = rotation.finish_revocations(self)
        if result is not None:
            self.finished_revocations = tuple(
                n for n in result.users if not result.backups_not_rekeyed
            )

    def _check_counter(self) -> None:
        in_db = _read_counter(self.engine)
        in_vault = self.vault.verified_counter(bytes(self._key))
        if in_db < in_vault:
            raise StoreRolledBack(
                _(
                    "The database {path} is older than its key file (state {db} < {vault}): it "
                    "may have been replaced by an old copy. It was not opened. Ask your "
                    "administrator or HQ before doing anything else."
                ).format(path=self.paths.db, db=in_db, vault=in_vault)
            )

    def _raise_counter(self) -> int:
        """Raise the database's counter, then the vault's (this order is crash-safe)."""
        with self.session(write=True) as s:
            row = s.get(Meta, COUNTER_KEY)
            if row is None:
                raise _no_counter()
            value = int(row.value) + 1
            row.value = str(value)
        with _locked(self.paths):
            self._reload_vault()
            if self.vault.verified_counter(bytes(self._key)) < value:
                self.vault.set_counter(bytes(self._key), value)
                self.vault.save(bytes(self._key))
        return value

    def _reload_vault(self) -> None:
        """Re-read the vault: another process may have changed it since this store opened.

        Under the same key epoch its MAC must check out with this store's key: nothing written by
        someone without the key is taken in (and signed again by the next save).
        """
        vault = Vault.load(self.paths.vault)
        if vault.epoch == self.vault.epoch:
            vault.verify_mac(bytes(self._key))
        self.vault = vault

    # -- key slots ----------------------------------------------------------------------------

    def kdf_params(self) -> KdfParams:
        """The Argon2id parameters new slots get (chosen at ``init``, never below the floor)."""
        stored = self.meta(KDF_KEY)
        params = KdfParams.from_dict(json.loads(stored)) if stored else FLOOR
        return FLOOR if params.below_floor() else params

    def add_key_slot(self, username: str, password: str) -> None:
        """Give ``username`` a slot opened by ``password`` (replacing any slot they had)."""
        with _locked(self.paths):
            self._reload_vault()
            self.vault.add_user(username, password, dek=bytes(self._key), kdf=self.kdf_params())
            self.vault.save(bytes(self._key))

    def revoke_key_slot(self, username: str) -> rotation.RevocationResult | None:
        """Finish the revocations recorded as pending (``username``'s among them).

        The caller has marked the user revoked with :func:`rotation.mark_revoked` in the same
        transaction; this removes the slots, rotates the key and re-keys the backups (see
        :mod:`legalaid_desktop.store.rotation`).
        """
        return rotation.finish_revocations(self)

    def rotate_recovery_key(self) -> str:
        """Replace the recovery slot with a new recovery key and rotate the database key.

        The rotation makes the old recovery key useless against an old copy of the vault too:
        whatever it unwraps is the old database key, which no longer opens the database.

        The key is rotated first and the recovery slot replaced second. A program stopped in
        between (or inside the rotation, which the next login finishes) leaves the old recovery
        key working; the other order would leave a store whose only recovery key was never
        shown to anyone.

        Returns:
            The new recovery key, to show once.
        """
        with _locked(self.paths):
            self._reload_vault()
            rotation.rotate_key(self, [])
            new_key = self.vault.replace_recovery(bytes(self._key))
            self.vault.save(bytes(self._key))
        rotation.refresh_backups(self, rekey_all=True)
        return new_key

    def _upgrade_if_needed(self) -> None:
        current = migrate.current_revision(self.engine)
        head = migrate.head_revision()
        if current == head:
            return
        if current is None or not migrate.is_known_revision(current):
            raise StoreError(
                _(
                    "The data store {path} was written by a newer version of LegalAid; "
                    "install the newer version to open it."
                ).format(path=self.paths.db)
            )
        self.backup(f"before-upgrade-{current}")
        migrate.upgrade(self.engine)

    def _flush_attempts(self, throttle: LoginThrottle, username: str) -> None:
        """Move the failed attempts recorded while the store was shut into the audit log (as
        unverified reports: see :mod:`~legalaid_desktop.store.throttle`) and reset the delay."""
        with self.session(write=True) as s:
            written = audit_attempts(s, throttle)
        throttle.forget_pending(written)
        throttle.record(username, ok=True)

    # -- maintenance --------------------------------------------------------------------------

    def backup(self, reason: str) -> Path:
        """A consistent copy of the database under a backup key of its own (see backups.py).

        Only the active administrators' passwords and the recovery key open it.

        Returns:
            The backup folder.

        Raises:
            StoreError: the disk is full (nothing of the backup is left behind).
        """
        with _locked(self.paths):
            self._reload_vault()
            slots = rotation.backup_slots(self)
            raw = connect_raw(self.paths.db, bytes(self._key))
            try:
                return backups.write_backup(
                    self.paths.backups,
                    raw,
                    store_id=self.vault.store_id,
                    slots=slots,
                    made_by=self.username,
                    reason=reason,
                    mac_keys=rotation.backup_mac_keys(self),
                )
            finally:
                raw.close()


def _read_counter(engine: Engine) -> int:
    try:
        with engine.connect() as conn:
            value = conn.execute(select(Meta.value).where(Meta.key == COUNTER_KEY)).scalar()
    except DBAPIError as exc:
        raise StoreCorrupted(
            _("The data store could not be read: {detail}.").format(detail=exc.orig)
        ) from None
    if value is None:
        raise _no_counter()
    return int(value)


def _no_counter() -> StoreCorrupted:
    return StoreCorrupted(_("The data store has no state counter."))
