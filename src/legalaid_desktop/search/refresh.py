"""One path for "a row changed": bring the search index up to date for the touched rows.

Every writer calls :func:`refresh_rows` with the rows it touched, by table, and the fields that
changed in each: the services after an edit, the importer after a bundle, conflict resolution
after keeping a value. It knows what depends on what, so no caller has to: a client renamed
re-indexes its cases (a case's entry carries its client's name), a case's corruption details
re-index the case, a tombstoned row leaves the index. Tables without a search entry are
ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from legalaid_desktop.search import index as search_index
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import Case, Client, Consultation, CorruptionDetails, Party

__all__ = ["REBUILD_FRACTION", "REBUILD_MIN_ROWS", "Touched", "refresh_rows"]

REBUILD_MIN_ROWS = 1000
"""A refresh of at least this many rows ..."""
REBUILD_FRACTION = 4
"""... and at least a quarter of the index rebuilds the whole index in batches instead."""

Touched = Mapping[str, Mapping[str, Iterable[str]]]
"""Table name → row id → the fields that changed (empty: "it changed", without detail)."""

_TABLES: dict[str, Table] = {
    "clients": Client.__table__,  # type: ignore[dict-item]
    "cases": Case.__table__,  # type: ignore[dict-item]
    "consultations": Consultation.__table__,  # type: ignore[dict-item]
    "parties": Party.__table__,  # type: ignore[dict-item]
    "corruption_details": CorruptionDetails.__table__,  # type: ignore[dict-item]
}


def refresh_rows(session: Session, touched: Touched) -> None:
    """Bring the search index up to date for the rows a write changed (same transaction).

    The rows are read back from the store (pending ORM changes are flushed first), so callers
    pass ids, not objects. The index functions run on the session's Core connection: they only
    execute SQL text, and skipping the ORM session's bookkeeping makes a large import faster.
    """
    session.flush()
    target: Any = session.connection()
    changed = sum(len(touched.get(name, {})) for name in _TABLES)
    if changed >= REBUILD_MIN_ROWS:
        entries = session.execute(text("SELECT count(*) FROM search_index_refs")).scalar() or 0
        if changed * REBUILD_FRACTION >= entries:
            search_index.rebuild(session)  # batched: cheaper than row by row for a bulk import
            return

    def rows(table_name: str, ids: Iterable[str]) -> list[Any]:
        table = _TABLES[table_name]
        found: list[Any] = []
        for batch in batches(sorted(set(ids))):
            found.extend(
                SimpleNamespace(**row)
                for row in session.execute(select(table).where(table.c.id.in_(batch))).mappings()
            )
        return found

    clients = touched.get("clients", {})
    names: dict[str, str] = {}
    for row in rows("clients", clients):
        search_index.index_client(target, row)
        names[row.id] = row.full_name
    renamed = [cid for cid, fields in clients.items() if "full_name" in set(fields)]
    case_ids = set(touched.get("cases", {}))
    cases_table = _TABLES["cases"]
    for batch in batches(renamed):
        case_ids.update(
            session.scalars(select(cases_table.c.id).where(cases_table.c.client_id.in_(batch)))
        )
    case_ids.update(
        row.case_id for row in rows("corruption_details", touched.get("corruption_details", {}))
    )
    if case_ids:
        case_rows = rows("cases", case_ids)
        missing = sorted({r.client_id for r in case_rows} - set(names))
        clients_table = _TABLES["clients"]
        for batch in batches(missing):
            for client_id, full_name in session.execute(
                select(clients_table.c.id, clients_table.c.full_name).where(
                    clients_table.c.id.in_(batch)
                )
            ):
                names[client_id] = full_name
        for row in case_rows:
            search_index.index_case(target, row, names.get(row.client_id, ""))
    for row in rows("consultations", touched.get("consultations", {})):
        search_index.index_consultation(target, row)
    for row in rows("parties", touched.get("parties", {})):
        search_index.index_party(target, row)
