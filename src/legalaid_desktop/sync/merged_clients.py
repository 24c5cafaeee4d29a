"""Records that name a client merged into another land on the one kept (issue 19).

A manager merges a duplicate client (``services/client_merge.py``): the rows of the client merged
away move to the one kept, and it becomes a tombstone with ``merged_into``. A record made before
the merge was known (another node's case of that client, a consent, a document) may arrive later
naming the merged-away client; before the checks, the import points it at the kept client, as
the merge would have. A chain of merges is followed to its end.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.store.batches import batches
from legalaid_desktop.sync.records import Record, table_specs

__all__ = ["follow_merges"]

_MAX_CHAIN = 32  # a longer chain (or a loop) is a damaged store: stop following


def _merged(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """``merged_into`` of those of ``ids`` that were merged away, followed to the end."""
    clients = table_specs()["clients"].table.c
    found: dict[str, str] = {}
    wanted = sorted(set(ids))
    for _step in range(_MAX_CHAIN):
        if not wanted:
            break
        step: dict[str, str] = {}
        for batch in batches(wanted):
            for client_id, into in session.execute(
                select(clients.id, clients.merged_into).where(
                    clients.id.in_(batch), clients.merged_into.is_not(None)
                )
            ):
                step[client_id] = into
        found.update(step)
        wanted = sorted(set(step.values()) - set(found))
    resolved: dict[str, str] = {}
    for start_id in found:
        target, seen = found[start_id], {start_id}
        while target in found and target not in seen:
            seen.add(target)
            target = found[target]
        resolved[start_id] = target
    return resolved


def follow_merges(session: Session, records: list[Record]) -> int:
    """Point the ``client_id`` of each record at the kept client where it names a client
    merged away here; returns how many records changed."""
    naming: list[tuple[Record, str]] = []
    for record in records:
        if record.spec.name == "clients" or "client_id" not in record.spec.columns:
            continue
        if record.has("client_id") and record.value("client_id"):
            naming.append((record, record.value("client_id")))
    if not naming:
        return 0
    merged = _merged(session, (client_id for _record, client_id in naming))
    changed = 0
    for record, client_id in naming:
        kept = merged.get(client_id)
        if kept is None:
            continue
        group = record.spec.group_of["client_id"]
        stamp, values = record.groups[group]
        record.groups[group] = (stamp, {**values, "client_id": kept})
        changed += 1
    return changed
