"""Merging incoming rows: field-group last-writer-wins, with concurrent edits surfaced.

For each field group of an incoming record, the remote stamp ``rc`` is compared with the local
stamp ``lc`` (DESIGN.md §6, research §2):

- no local row: the row is inserted as it is;
- ``rc == lc``: nothing to do;
- otherwise the higher stamp wins (the node code in the stamp breaks ties, so every node picks
  the same winner). The change is a **conflict**, logged with both values and the row flagged
  for review, when the two edits were *concurrent* and their values differ:

  - ``rc > lc``: the remote edit is a successor (no conflict) if the peer knew ``lc`` when it
    made ``rc``: ``lc`` was made by the peer, or came to us from the peer, or went to the peer in
    one of our bundles that it acknowledged having imported (``peer_import_hlc``) before ``rc``;
  - ``rc < lc``: the local edit is a successor if ``lc`` was made by the peer, or if ``rc`` is
    already known here (we had applied it before making ``lc``, and the peer simply sent its
    row again).

- An edit concurrent with a delete is an ``edit_delete`` conflict: the row stays deleted (no
  resurrection), the edited values are applied under the tombstone as usual (so both nodes hold
  the same row) and kept in the conflict log (no loss).

What "known here" means (:class:`~legalaid_desktop.sync.history.MergeHistory`): every stamp
a group of a row ever had on this node is in the change log (local edits by
``Workspace.touch``, imported ones by the importer, which records the peer as their origin); a
stamp that lost a merge is not, but it is in the conflict log, which is also checked so that a
conflict is logged once however often the peer resends its row.

Nothing here touches the database: :func:`merge_record` is a pure function of the incoming
record, the local row and the history the importer loaded for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.sync.history import MergeHistory
from legalaid_desktop.sync.records import DELETED_GROUP, Record
from legalaid_desktop.text.collation import sort_string

__all__ = ["MergeContext", "Outcome", "merge_record"]

EDIT_EDIT = "edit_edit"
EDIT_DELETE = "edit_delete"


class IncompleteRecord(Exception):
    """A new row arrived without all its field groups (it cannot be inserted)."""


@dataclass
class Outcome:
    """What merging one record does.

    Attributes:
        row: The full new row (insert) or the changed columns (update), or None for no change.
        insert: Whether ``row`` is a new row.
        applied: Remote stamp → the groups applied with it (they go to the change log).
        conflicts: ``conflict_log`` rows to add.
        deleted_now: The row became deleted by this record.
        changed_fields: The group fields that changed (for re-indexing).
    """

    row: dict[str, Any] | None = None
    insert: bool = False
    applied: dict[str, list[str]] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    deleted_now: bool = False
    changed_fields: set[str] = field(default_factory=set)


@dataclass
class MergeContext:
    """What the merge needs besides the two rows; plain values, no database.

    Attributes:
        history: The history of the bundle's rows between this node and the peer (the
            importer loads it with :meth:`MergeHistory.load`).
        detected_at: The time stamp for new conflict rows.
        attachments: Attachment contents of the bundle, by SHA-256.
    """

    history: MergeHistory
    detected_at: str
    attachments: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def peer(self) -> str:
        """The node the bundle comes from."""
        return self.history.peer

    def conflict(
        self,
        record: Record,
        group: str,
        kind: str,
        *,
        local_value: Any,
        remote_value: Any,
        local_hlc: str | None,
        remote_hlc: str,
        winner: str,
    ) -> dict[str, Any]:
        return {
            "id": new_id(),
            "table_name": record.spec.name,
            "row_id": record.id,
            "field_group": group,
            "kind": kind,
            "local_value": local_value,
            "remote_value": remote_value,
            "local_hlc": local_hlc,
            "remote_hlc": remote_hlc,
            "winner": winner,
            "peer": self.peer,
            "detected_at": self.detected_at,
            "resolved_at": None,
            "resolved_by": None,
            "resolution": None,
        }


def _for_log(record: Record, values: Mapping[str, Any]) -> dict[str, Any]:
    """Group values as they are logged (an attachment's bytes as their SHA-256)."""
    return dict(values)


def _local_values(
    record: Record, local: Mapping[str, Any], fields: tuple[str, ...]
) -> dict[str, Any]:
    columns = record.spec.columns
    values: dict[str, Any] = {}
    for name in fields:
        value = local[name]
        if columns[name].kind == "bytes":
            value = local["sha256"]
        values[name] = value
    return values


def _stored(record: Record, values: Mapping[str, Any], ctx: MergeContext) -> dict[str, Any]:
    """Incoming group values as they are stored (an attachment's SHA-256 as its bytes)."""
    columns = record.spec.columns
    result = dict(values)
    for name, value in values.items():
        if columns[name].kind == "bytes":
            result[name] = ctx.attachments[value]
    return result


def _derived(record: Record, values: dict[str, Any]) -> None:
    if record.spec.name == "clients" and "full_name" in values:
        values["name_sort"] = sort_string(values["full_name"])


def merge_record(record: Record, local: Mapping[str, Any] | None, ctx: MergeContext) -> Outcome:
    """Merge one incoming record with the local row (None if there is none).

    Raises:
        IncompleteRecord: A new row arrived without all its field groups.
    """
    spec = record.spec
    history = ctx.history
    out = Outcome()
    if local is None:
        if len(record.groups) != len(spec.groups):
            raise IncompleteRecord
        clocks = {group: stamp for group, (stamp, _v) in record.groups.items()}
        row: dict[str, Any] = {
            "id": record.id,
            "origin_node": record.origin,
            "updated_by": record.updated_by,
            "deleted_hlc": record.deleted,
            **record.extras,
        }
        for group, (stamp, values) in record.groups.items():
            row.update(_stored(record, values, ctx))
            out.applied.setdefault(stamp, []).append(group)
            out.changed_fields.update(values)
        if record.deleted is not None:
            clocks[DELETED_GROUP] = record.deleted
            out.applied.setdefault(record.deleted, []).append(DELETED_GROUP)
        row["clocks"] = clocks
        row["hlc"] = max(clocks.values())
        if "needs_review" in spec.table.c:
            row["needs_review"] = False
        _derived(record, row)
        out.row = row
        out.insert = True
        return out

    table, row_id = spec.name, record.id
    clocks = dict(local["clocks"] or {})
    changes: dict[str, Any] = {}
    local_deleted: str | None = local["deleted_hlc"]
    remote_deleted = record.deleted
    for group, (rc, values) in record.groups.items():
        lc = clocks.get(group)
        if lc == rc:
            continue
        fields = spec.groups[group]
        mine = _local_values(record, local, fields)
        differ = any(values[name] != mine[name] for name in fields)
        if lc is None or rc > lc:
            if differ and lc is not None:
                if local_deleted is not None:
                    # An edit the peer made without knowing of the deletion here.
                    concurrent = remote_deleted is None or not history.peer_knew(
                        table, row_id, local_deleted, rc
                    )
                    if (
                        concurrent
                        and not history.known(table, row_id, group, rc)
                        and not history.logged(table, row_id, group, local_deleted, rc)
                    ):
                        out.conflicts.append(
                            ctx.conflict(
                                record,
                                group,
                                EDIT_DELETE,
                                local_value=None,
                                remote_value=_for_log(record, values),
                                local_hlc=local_deleted,
                                remote_hlc=rc,
                                winner="local",
                            )
                        )
                elif not history.peer_knew(table, row_id, lc, rc) and not history.logged(
                    table, row_id, group, lc, rc
                ):
                    out.conflicts.append(
                        ctx.conflict(
                            record,
                            group,
                            EDIT_EDIT,
                            local_value=mine,
                            remote_value=_for_log(record, values),
                            local_hlc=lc,
                            remote_hlc=rc,
                            winner="remote",
                        )
                    )
            clocks[group] = rc
            out.applied.setdefault(rc, []).append(group)
            if differ:
                changes.update(_stored(record, values, ctx))
                out.changed_fields.update(name for name in fields if values[name] != mine[name])
            continue
        # rc < lc: the local value stays.
        if not differ:
            continue
        if remote_deleted is not None and local_deleted is None:
            # The peer deleted the row without having seen this local edit (its full state
            # still has the older value).
            if not history.logged(table, row_id, group, lc, remote_deleted):
                out.conflicts.append(
                    ctx.conflict(
                        record,
                        group,
                        EDIT_DELETE,
                        local_value=mine,
                        remote_value=None,
                        local_hlc=lc,
                        remote_hlc=remote_deleted,
                        winner="remote",
                    )
                )
        elif history.known(table, row_id, group, rc):
            continue  # the local edit was made after this value arrived here
        elif local_deleted is not None and remote_deleted is None:
            if not history.logged(table, row_id, group, local_deleted, rc):
                out.conflicts.append(
                    ctx.conflict(
                        record,
                        group,
                        EDIT_DELETE,
                        local_value=None,
                        remote_value=_for_log(record, values),
                        local_hlc=local_deleted,
                        remote_hlc=rc,
                        winner="local",
                    )
                )
        elif not history.made_by_peer(lc) and not history.logged(table, row_id, group, lc, rc):
            out.conflicts.append(
                ctx.conflict(
                    record,
                    group,
                    EDIT_EDIT,
                    local_value=mine,
                    remote_value=_for_log(record, values),
                    local_hlc=lc,
                    remote_hlc=rc,
                    winner="local",
                )
            )

    if remote_deleted is not None and (local_deleted is None or remote_deleted > local_deleted):
        if local_deleted is None:
            out.deleted_now = True
        changes["deleted_hlc"] = remote_deleted
        clocks[DELETED_GROUP] = remote_deleted
        out.applied.setdefault(remote_deleted, []).append(DELETED_GROUP)

    if not out.applied:
        return out
    changes["clocks"] = clocks
    changes["hlc"] = max(clocks.values())
    changes["updated_by"] = record.updated_by
    _derived(record, changes)
    out.row = changes
    return out
