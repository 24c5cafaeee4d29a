"""SQLCipher engine: every connection is keyed before it is used, or it is not made at all.

The database key is a random 256-bit raw key (``PRAGMA key = "x'…'"``), so SQLCipher's per-
connection PBKDF2 is skipped (DESIGN.md §5). Each new connection:

1. silences SQLCipher's own stderr logging (errors reach the user as our messages instead);
2. sets the key, then ``cipher_memory_security = ON``;
3. reads ``sqlite_master`` at once, so a wrong key or a damaged first page fails here, clearly;
4. sets WAL, ``synchronous = FULL`` (a record a lawyer saved survives a power cut), foreign keys,
   in-memory temp store and a busy timeout for a second process.

Write transactions start with ``BEGIN IMMEDIATE`` so that two writers (two processes, or the GUI's
writer and a CLI run) queue on SQLite's lock instead of failing half-way; readers use ``BEGIN``.

Memory security: the one exception, the demo's bulk load, is made per process by
:func:`legalaid_desktop.store.bulk_load.without_memory_security`; every other connection turns
``cipher_memory_security`` ON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool
from sqlcipher3 import dbapi2

from legalaid_desktop.domain.errors import StoreCorrupted, StoreError, StoreLocked
from legalaid_desktop.i18n import _
from legalaid_desktop.store import bulk_load, failures

BUSY_TIMEOUT_MS = 15_000
KEY_BYTES = 32
CACHE_KIB = 64 * 1024
"""Page cache of each connection, in KiB (allocated only as pages are read). A year of HQ
consultations in ``consultation_figures`` is more than 32 MiB: with 32 every figure over them
decrypted the whole range again (120 ms a scan at 100,000 clients, 27 ms with 64)."""


class WrongStoreKey(StoreError):
    """The key does not open this data store."""


def _key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("the store key must be 32 bytes")
    return "PRAGMA key = \"x'" + key.hex() + "'\""


def store_busy(root: Path) -> StoreLocked:
    """The translated "busy in another program" error for the store folder ``root``."""
    return StoreLocked(
        _("The data store {path} is busy in another program. Try again in a moment.").format(
            path=root
        )
    )


def connect_raw(path: Path, key: bytes) -> Any:
    """Open one keyed DB-API connection to the store at ``path``.

    Raises:
        WrongStoreKey: the key does not decrypt the first page.
        StoreCorrupted: the first page is damaged.
        StoreDiskFull, StoreReadOnly, StoreIOError: see :mod:`legalaid_desktop.store.failures`.
    """
    try:
        conn = dbapi2.connect(str(path), isolation_level=None, check_same_thread=False, timeout=0)
    except dbapi2.Error as exc:
        failure = failures.from_sqlite(exc, path.parent)
        if failure is not None:
            raise failure from None
        raise
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_key_pragma(key))
        if not bulk_load.memory_security_off():
            conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except dbapi2.DatabaseError as exc:
            text = str(exc)
            failure = failures.from_sqlite(exc, path.parent)
            if failure is not None:  # a full disk or a read-only folder is no damage
                raise failure from None
            if "not a database" in text:
                raise WrongStoreKey(
                    _("The key does not open the data store {path}.").format(path=path)
                ) from None
            if "locked" in text or "busy" in text:
                raise store_busy(path.parent) from None
            raise StoreCorrupted(
                _("The data store {path} is damaged: {detail}.").format(path=path, detail=text)
            ) from None
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        except dbapi2.OperationalError as exc:
            # Another connection is loading in bulk with a rollback journal (the demo, see
            # Store.bulk_session) and holds the write lock longer than the busy timeout.
            if "locked" in str(exc) or "busy" in str(exc):
                raise store_busy(path.parent) from None
            raise
        if mode is None or str(mode[0]).lower() != "wal":
            raise StoreError(_("The data store could not switch to write-ahead logging."))
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        # Decrypted pages kept per connection (the build's default is 8 MiB): at HQ scale the
        # dashboard's and the lists' indexes need more, or every call decrypts them again.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except dbapi2.Error as exc:
        conn.close()
        failure = failures.from_sqlite(exc, path.parent)
        if failure is not None:
            raise failure from None
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def create_store_engine(path: Path, key: bytes, *, pool_size: int = 4) -> Engine:
    """An SQLAlchemy engine over the SQLCipher store at ``path``.

    Connections are pooled only while the engine lives; :meth:`Engine.dispose` (called when the
    program locks or closes) closes all of them. No connection exists without its key.
    """
    key_copy = bytes(key)

    def creator() -> Any:
        return connect_raw(path, key_copy)

    engine = create_engine(
        "sqlite+pysqlite://",
        module=dbapi2,
        creator=creator,
        poolclass=QueuePool,
        pool_size=pool_size,
        max_overflow=8,
        # the connection given back last is taken first: its page cache holds what the last
        # read decrypted (a year of HQ's figures table is 30-60 MiB), where the pool's order
        # would pass each read to the connection with the coldest cache
        pool_use_lifo=True,
        pool_pre_ping=False,
        # SQLAlchemy's error text would otherwise quote every value of the failed statement
        # (a client's name, a lawyer's notes) to stderr, logs and the GUI's error details.
        hide_parameters=True,
    )

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
