"""Loading rows in bulk: the memory-security switch, and secondary indexes rebuilt after the load.

Both serve one caller today, the demo generator (``legalaid demo``), which writes synthetic data
only, into a new or demo-only store; they live here because they are the store's mechanics.

Memory security: ``cipher_memory_security`` makes SQLCipher lock and wipe every allocation,
which makes bulk writes 6-25 times slower. SQLCipher keeps it for the whole process once it is
ON (it cannot be turned off again), so the one exception is made per process:
:func:`without_memory_security` lets the connections opened inside it skip turning it ON
(:func:`legalaid_desktop.store.engine.connect_raw` asks :func:`memory_security_off`). Every
other code path turns it ON for every connection, and the default stays ON.

Indexes: :func:`indexes_rebuilt_after` drops the secondary indexes of the tables being loaded
and makes them again from their own ``CREATE INDEX`` text at the end, in the caller's
transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

__all__ = ["indexes_rebuilt_after", "memory_security_off", "without_memory_security"]

_memory_security_off = False
"""True only inside :func:`without_memory_security` (the demo command)."""


def memory_security_off() -> bool:
    """Whether a connection opened now should leave ``cipher_memory_security`` as it is."""
    return _memory_security_off


@contextmanager
def without_memory_security() -> Iterator[None]:
    """Connections opened inside this block do not turn ``cipher_memory_security`` ON.

    Only for the ``legalaid demo`` command, which writes synthetic data into a new or demo-only
    store (see the module docstring). SQLCipher's setting is process-wide and cannot be turned
    off once ON: if another connection of this process already turned it ON, it stays ON and
    this block only costs speed. Connections opened after the block turn it ON again.
    """
    global _memory_security_off
    previous = _memory_security_off
    _memory_security_off = True
    try:
        yield
    finally:
        _memory_security_off = previous


def _first_column(conn: Connection, index: str) -> str:
    row = conn.exec_driver_sql(f'PRAGMA index_info("{index}")').first()
    return "" if row is None else str(row[2])


@contextmanager
def indexes_rebuilt_after(
    session: Session, tables: Sequence[str], appended: Collection[str] = ()
) -> Iterator[None]:
    """Drop the secondary indexes of ``tables``, and make them again at the end.

    Building an index once from all rows (sorted) is many times faster than keeping it up to
    date through a million inserts in random key order. The indexes are made again from their
    own ``CREATE INDEX`` text in ``sqlite_master``, so they come back exactly as the migrations
    made them, with their planner statistics if there are any; unique constraints' indexes are
    never dropped. All of it happens in the caller's transaction: a rollback (a cancelled run, an
    error) brings the old indexes back too.

    Args:
        session: The session of the write transaction that loads the rows.
        tables: The tables being loaded.
        appended: Columns whose values only grow as the load writes rows (clock stamps, a
            parent's id): indexes that start with one are kept, since new entries go at their
            end, which costs less than sorting them again.
    """
    marks = ", ".join("?" * len(tables))
    conn = session.connection()
    indexes = [
        (name, sql)
        for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks}) ORDER BY name",
            tuple(tables),
        ).all()
        if _first_column(conn, name) not in appended
    ]
    # Dropping an index drops its planner statistics (if ANALYZE ever made any): keep them.
    stats: Sequence[Any] = ()
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        names = tuple(str(name) for name, _sql in indexes)
        stats = conn.exec_driver_sql(
            f"SELECT tbl, idx, stat FROM sqlite_stat1 WHERE idx IN ({', '.join('?' * len(names))})",
            names,
        ).all()
    for name, _sql in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    yield
    for _name, sql in indexes:
        conn.exec_driver_sql(sql)
    if stats:
        conn.exec_driver_sql(
            "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)",
            [tuple(row) for row in stats],
        )
