"""What this node knows of a row's past, loaded in batch for one import's merge.

The merge rules (:mod:`~legalaid_desktop.sync.merge`) ask three questions about the history
between this node and the peer a bundle comes from:

- **known**: did a field group of the row have this stamp here at some time? (every stamp a
  group ever had is in the change log: local edits by ``Workspace.touch``, imported ones by the
  importer, with the peer as their origin);
- **logged**: is this conflict already in the conflict log? (so a conflict is logged once
  however often the peer resends its row);
- **peer knew**: had the peer our stamp when it made its own? (our stamp was made by the peer,
  or came to us from it, or went to it in one of our bundles it acknowledged having imported
  before it made its stamp).

:meth:`MergeHistory.load` answers them from the store with a few queries per batch of rows
instead of a few per field group; :class:`MergeHistory` itself holds plain values, so the merge
rules run, and are tested, without a database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import ChangeLog, ConflictEntry, SyncBundle

__all__ = ["AckedBundle", "ChangeEntry", "MergeHistory"]


@dataclass(frozen=True)
class ChangeEntry:
    """One change-log entry of a row: its sequence here, where it came from, its groups."""

    seq: int
    origin: str
    groups: frozenset[str]


@dataclass(frozen=True)
class AckedBundle:
    """One of our bundles to the peer that the peer acknowledged having imported.

    Attributes:
        max_change_seq: The highest change-log sequence it carried (``None`` if unknown).
        max_hlc: The highest stamp it carried (``None`` if unknown).
        peer_import_hlc: The peer's stamp when it imported the bundle.
    """

    max_change_seq: int | None
    max_hlc: str | None
    peer_import_hlc: str


@dataclass
class MergeHistory:
    """The history of some rows between this node and ``peer``, as plain values.

    Attributes:
        peer: The node the bundle comes from.
        changes: ``(table, row id, stamp)`` → the change-log entry with that stamp.
        conflicts: ``(table, row id, group, local stamp, remote stamp)`` of logged conflicts.
        acked: Our bundles to the peer that it acknowledged.
    """

    peer: str
    changes: dict[tuple[str, str, str], ChangeEntry] = field(default_factory=dict)
    conflicts: set[tuple[str, str, str, str | None, str | None]] = field(default_factory=set)
    acked: list[AckedBundle] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session, peer: str, rows: Mapping[str, Iterable[str]]) -> MergeHistory:
        """Load the change and conflict logs of ``rows`` (table → row ids) and the peer's
        acknowledgements, in batches."""
        history = cls(peer)
        for table, ids in rows.items():
            id_list = sorted(set(ids))
            for batch in batches(id_list):
                for row_id, stamp, seq, origin, groups in session.execute(
                    select(
                        ChangeLog.row_id,
                        ChangeLog.hlc,
                        ChangeLog.seq,
                        ChangeLog.origin_node,
                        ChangeLog.groups,
                    ).where(ChangeLog.table_name == table, ChangeLog.row_id.in_(batch))
                ):
                    history.changes[(table, row_id, stamp)] = ChangeEntry(
                        seq, origin, frozenset(groups or ())
                    )
                for row_id, group, local, remote in session.execute(
                    select(
                        ConflictEntry.row_id,
                        ConflictEntry.field_group,
                        ConflictEntry.local_hlc,
                        ConflictEntry.remote_hlc,
                    ).where(ConflictEntry.table_name == table, ConflictEntry.row_id.in_(batch))
                ):
                    history.conflicts.add((table, row_id, group, local, remote))
        acked = session.execute(
            select(SyncBundle.max_change_seq, SyncBundle.max_hlc, SyncBundle.peer_import_hlc).where(
                SyncBundle.direction == "out",
                SyncBundle.peer == peer,
                SyncBundle.peer_import_hlc.is_not(None),
            )
        )
        history.acked = [
            AckedBundle(seq, top, imported) for seq, top, imported in acked if imported is not None
        ]
        return history

    def made_by_peer(self, stamp: str) -> bool:
        """Whether the peer made ``stamp``."""
        return HLC.decode(stamp).node == self.peer

    def known(self, table: str, row_id: str, group: str, stamp: str) -> bool:
        """Whether ``group`` of the row had ``stamp`` on this node at some time."""
        entry = self.changes.get((table, row_id, stamp))
        return entry is not None and group in entry.groups

    def logged(self, table: str, row_id: str, group: str, local: str | None, remote: str) -> bool:
        """Whether this conflict is already in the conflict log (``local`` None: with any
        local stamp)."""
        if local is not None:
            return (table, row_id, group, local, remote) in self.conflicts
        return any(key[:3] == (table, row_id, group) and key[4] == remote for key in self.conflicts)

    def peer_knew(self, table: str, row_id: str, local: str, remote: str) -> bool:
        """Whether the peer had our stamp ``local`` when it made ``remote``."""
        if self.made_by_peer(local):
            return True
        entry = self.changes.get((table, row_id, local))
        if entry is not None and entry.origin == self.peer:
            return True
        if entry is not None:
            seq = entry.seq
            carried = [
                b.peer_import_hlc
                for b in self.acked
                if b.max_change_seq is not None and b.max_change_seq >= seq
            ]
        else:  # a stamp from before the change log (should not happen): fall back on stamps
            carried = [
                b.peer_import_hlc
                for b in self.acked
                if b.max_hlc is not None and b.max_hlc >= local
            ]
        return bool(carried) and min(carried) < remote
