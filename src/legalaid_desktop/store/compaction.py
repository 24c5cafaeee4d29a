"""Removed content leaves the store file: secure delete, checkpoint, vacuum.

SQLite frees the space of a deleted or overwritten value without erasing it: the old bytes stay
in the page (or on a free page) until something else is written there, and in write-ahead-log
mode an older copy of the page may still sit in the ``-wal`` file. The database is encrypted,
so nobody without the key reads them, but the law's "destroyed" (docs/personal-data.md) means
more than "not shown": after an anonymization or an erasure the bytes must be gone.

Two steps:

1. :func:`secure_delete` around the write transaction that removes the content: SQLite then
   overwrites every deleted cell and freed page with zeros as it goes;
2. :func:`compact` after it: a checkpoint that copies the WAL into the database and truncates
   the WAL to nothing, then ``VACUUM`` (the file is rebuilt from the live rows only and the free
   pages are cut off), then a second truncating checkpoint. ``temp_store`` stays in memory (no
   plain temporary file), so the vacuum needs as much memory as the store is large.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session
from sqlcipher3 import dbapi2

from legalaid_desktop.store.store import Store

log = logging.getLogger(__name__)


@contextlib.contextmanager
def secure_delete(session: Session) -> Iterator[None]:
    """Within ``session``'s write transaction, overwrite deleted content with zeros.

    The pending ORM changes are flushed before the block ends, so every change made inside it
    is written with the setting on; the connection goes back to the default afterwards.
    """
    conn = session.connection()
    conn.exec_driver_sql("PRAGMA secure_delete = ON")
    try:
        yield
        session.flush()
    finally:
        conn.exec_driver_sql("PRAGMA secure_delete = OFF")


def compact(store: Store) -> bool:
    """Checkpoint, vacuum and checkpoint again, so that freed pages leave the file.

    Returns:
        True if the WAL was emptied at the end; False if another program was reading the store
        meanwhile (its snapshot keeps the WAL until it finishes; the next checkpoint empties
        it), or the store was too busy to vacuum now.
    """
    engine = store.engine
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection  # autocommit: no transaction is begun
        raw.execute("PRAGMA secure_delete = ON")
        try:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            raw.execute("VACUUM")
            busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except dbapi2.Error as exc:  # the removal itself is committed; compaction can wait
            log.warning("could not compact the store: %s", type(exc).__name__)
            return False
        finally:
            raw.execute("PRAGMA secure_delete = OFF")
    return busy is not None and int(busy[0]) == 0
