"""Looking at an open store without changing it: ``db verify`` and ``db status``.

:func:`verify` checks SQLCipher's page MACs, SQLite's structure and the audit chain and returns
an :class:`IntegrityReport`; :func:`status` gathers the facts ``db status`` prints (no client
data). Both read only; recording that a verification was done is the maintenance service's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from legalaid_desktop.i18n import _
from legalaid_desktop.store import backups, consultation_figures, migrate, rotation
from legalaid_desktop.store.audit import verify_chain
from legalaid_desktop.store.engine import connect_raw
from legalaid_desktop.store.models import Meta
from legalaid_desktop.store.store import COUNTER_KEY, Store

__all__ = ["IntegrityReport", "status", "verify"]


@dataclass(frozen=True)
class IntegrityReport:
    """What ``db verify`` found: SQLCipher page MACs, SQLite structure, the audit chain, and
    whether the statistics' table of consultations is what the records make of it."""

    page_problems: tuple[str, ...]
    structure_problems: tuple[str, ...]
    audit_events: int
    audit_problems: tuple[str, ...]
    figures_problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not (
            self.page_problems
            or self.structure_problems
            or self.audit_problems
            or self.figures_problems
        )


def verify(store: Store) -> IntegrityReport:
    """Check SQLCipher's page MACs, SQLite's structure, the audit chain of ``store``, and
    ``consultation_figures`` against the records it is derived from.

    The audit chain and the figures are checked only when the pages and the structure are
    sound. The figures table is not covered by the audit chain: someone holding the store's key
    could change it to change every figure over consultations (the donor report's) without
    touching a record; the triggers never let it drift on their own.
    """
    raw = connect_raw(store.paths.db, store.key)
    try:
        pages = tuple(str(r[0]) for r in raw.execute("PRAGMA cipher_integrity_check"))
        try:
            structure = [str(r[0]) for r in raw.execute("PRAGMA integrity_check")]
        except Exception as exc:
            structure = [str(exc)]
    finally:
        raw.close()
    structure_problems = tuple(s for s in structure if s != "ok")
    if pages or structure_problems:
        return IntegrityReport(pages, structure_problems, 0, ())
    with store.session() as s:
        chain = verify_chain(s)
        differ = consultation_figures.differences(s)
    figures = (
        (
            _(
                "The statistics' table of consultations differs from the records in {n} rows: "
                "figures over consultations are wrong until it is rebuilt "
                "(legalaid db rebuild-figures)."
            ).format(n=differ),
        )
        if differ
        else ()
    )
    return IntegrityReport((), (), chain.events, chain.problems, figures)


def status(store: Store) -> dict[str, Any]:
    """Facts for ``db status`` (no client data)."""
    with store.session() as s:
        meta = {row.key: row.value for row in s.execute(select(Meta)).scalars()}
    paths = store.paths
    size = sum(p.stat().st_size for p in (paths.db, *paths.sidecars) if p.exists())
    vault = store.vault
    return {
        "data_dir": str(paths.root),
        "store_id": meta.get("store_id"),
        "node_code": meta.get("node_code"),
        "schema_revision": migrate.current_revision(store.engine),
        "schema_head": migrate.head_revision(),
        "state_counter": int(meta.get(COUNTER_KEY, "0")),
        "key_epoch": vault.epoch,
        "users_with_keys": vault.usernames(),
        "key_slots_to_renew": vault.slots_awaiting_new_keys(),
        "key_rotation_pending": vault.pending is not None,
        "revocations_unfinished": json.loads(meta.get(rotation.PENDING_KEY) or "[]"),
        "backups": len(backups.backup_folders(store.paths.backups, clean=False)),
        "size_bytes": size,
        "created_at": meta.get("created_at"),
    }
