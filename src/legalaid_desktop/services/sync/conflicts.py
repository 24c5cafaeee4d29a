"""Conflict and quarantine use cases (DESIGN.md §6): review, settle, list what was set aside."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import InputRejected, NotFound
from legalaid_desktop.domain.roles import Permission
from legalaid_desktop.i18n import _
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services.sync.base import SyncBase
from legalaid_desktop.services.sync.results import ConflictInfo, QuarantineInfo
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.models import Case, Client, ConflictEntry, QuarantineEntry
from legalaid_desktop.sync.nodes import is_hq
from legalaid_desktop.sync.records import table_specs
from legalaid_desktop.text.collation import sort_string


class ConflictUseCases(SyncBase):
    """The conflicts imports found and the records they set aside."""

    def _label(self, s: Session, table: str, row_id: str) -> str:
        if table == "cases":
            number = s.scalar(select(Case.number).where(Case.id == row_id))
            if number:
                return str(number)
        if table == "clients":
            name = s.scalar(select(Client.full_name).where(Client.id == row_id))
            if name:
                return str(name)
        spec = table_specs().get(table)
        if spec is not None and "case_id" in spec.columns:
            case_id = s.scalar(select(spec.table.c.case_id).where(spec.table.c.id == row_id))
            number = s.scalar(select(Case.number).where(Case.id == case_id)) if case_id else None
            if number:
                return f"{number} / {table}"
        return f"{table} {row_id}"

    def _conflict_info(self, s: Session, c: ConflictEntry) -> ConflictInfo:
        return ConflictInfo(
            id=c.id,
            table_name=c.table_name,
            row_id=c.row_id,
            label=self._label(s, c.table_name, c.row_id),
            field_group=c.field_group,
            kind=c.kind,
            local_value=c.local_value,
            remote_value=c.remote_value,
            local_hlc=c.local_hlc,
            remote_hlc=c.remote_hlc,
            winner=c.winner,
            peer=c.peer,
            detected_at=c.detected_at,
            resolved_at=c.resolved_at,
            resolved_by=c.resolved_by,
            resolution=c.resolution,
        )

    def conflicts(self, unresolved_only: bool = True) -> list[ConflictInfo]:
        """Conflicts found by imports, oldest first."""
        self.ws.require(Permission.SYNC)
        with self.ws.read() as s:
            query = select(ConflictEntry).order_by(ConflictEntry.detected_at, ConflictEntry.id)
            if unresolved_only:
                query = query.where(ConflictEntry.resolved_at.is_(None))
            return [self._conflict_info(s, c) for c in s.scalars(query)]

    def _owner(self, s: Session, table: str, row: Any) -> str | None:
        if table in ("clients", "campaigns"):
            return str(row.node_code)
        if table == "cases":
            return str(row.owner_node)
        case_id = getattr(row, "case_id", None)
        if case_id:
            return s.scalar(select(Case.owner_node).where(Case.id == case_id))
        client_id = getattr(row, "client_id", None)
        if client_id:
            return s.scalar(select(Client.node_code).where(Client.id == client_id))
        return None

    def resolve_conflict(self, conflict_id: str, choose: str) -> ConflictInfo:
        """Settle a conflict by keeping the ``local`` or the ``remote`` value.

        The kept value is applied as a new edit of this node (so it syncs like any other) when
        it differs from the row's current value; the conflict is marked resolved, and the
        client's or case's review flag is cleared once no unresolved conflict is left on it.

        Raises:
            NotFound: No such conflict.
            InputRejected: ``choose`` is not local/remote, the conflict is already resolved, the
                kept value would restore a deleted record, or this center does not own the row.
        """
        self.ws.require(Permission.SYNC)
        if choose not in ("local", "remote"):
            raise InputRejected(_("Keep either the local or the remote value."))
        with self.ws.write() as s:
            c = s.get(ConflictEntry, conflict_id)
            if c is None:
                raise NotFound(_("There is no conflict {id}.").format(id=conflict_id))
            if c.resolved_at is not None:
                raise InputRejected(_("This conflict was already resolved."))
            spec = table_specs().get(c.table_name)
            row = s.get(spec.model, c.row_id) if spec is not None else None
            if spec is None or row is None:
                raise NotFound(_("The record of this conflict no longer exists."))
            chosen = c.local_value if choose == "local" else c.remote_value
            if chosen is not None:
                if row.deleted_hlc is not None:
                    raise InputRejected(
                        _(
                            "The record was deleted; a deletion is not undone through sync. The "
                            "edited values stay in the conflict log."
                        )
                    )
                owner = self._owner(s, c.table_name, row)
                if not is_hq(s) and owner != self.ws.node_code:
                    raise InputRejected(
                        _("Only {node}, which owns this record, can settle this conflict.").format(
                            node=owner
                        )
                    )
                self._apply_choice(s, spec, row, c.field_group, chosen)
            c.resolved_at = utc_now_iso()
            c.resolved_by = self.ws.actor.username
            c.resolution = choose
            s.flush()
            self._clear_review(s, c.table_name, row)
            self.ws.audit(
                s,
                "conflict_resolved",
                c.table_name,
                c.row_id,
                {"conflict": c.id, "group": c.field_group, "kept": choose},
            )
            return self._conflict_info(s, c)

    def _apply_choice(
        self, s: Session, spec: Any, row: Any, group: str, chosen: dict[str, Any]
    ) -> None:
        fields = spec.groups.get(group, ())
        current: dict[str, Any] = {}
        for name in fields:
            current[name] = row.sha256 if spec.columns[name].kind == "bytes" else getattr(row, name)
        if current == {name: chosen.get(name) for name in fields}:
            return
        for name in fields:
            if spec.columns[name].kind == "bytes":
                if chosen.get(name) != row.sha256:
                    raise InputRejected(_("The other version of this document is not stored here."))
                continue
            setattr(row, name, chosen.get(name))
        if spec.name == "clients":
            row.name_sort = sort_string(row.full_name)
        self.ws.touch(s, row, (group,))
        search_refresh.refresh_rows(s, {spec.name: {row.id: fields}})

    def _clear_review(self, s: Session, table: str, row: Any) -> None:
        targets: list[tuple[type[Any], str]] = []
        if table == "cases":
            targets.append((Case, row.id))
        elif table == "clients":
            targets.append((Client, row.id))
        else:
            if getattr(row, "case_id", None):
                targets.append((Case, row.case_id))
            elif getattr(row, "client_id", None):
                targets.append((Client, row.client_id))
        for model, target_id in targets:
            related = [(model.__tablename__, target_id)]
            for name, spec in table_specs().items():
                column = "case_id" if model is Case else "client_id"
                if column in spec.columns:
                    related.extend(
                        (name, rid)
                        for rid in s.scalars(
                            select(spec.table.c.id).where(spec.table.c[column] == target_id)
                        )
                    )
            open_left = 0
            for name, rid in related:
                open_left += (
                    s.scalar(
                        select(func.count()).where(
                            ConflictEntry.table_name == name,
                            ConflictEntry.row_id == rid,
                            ConflictEntry.resolved_at.is_(None),
                        )
                    )
                    or 0
                )
            if not open_left:
                target = s.get(model, target_id)
                if target is not None:
                    target.needs_review = False

    def quarantined(self) -> list[QuarantineInfo]:
        """Records imports set aside."""
        self.ws.require(Permission.SYNC)
        with self.ws.read() as s:
            rows = s.scalars(select(QuarantineEntry).order_by(QuarantineEntry.at)).all()
            return [
                QuarantineInfo(
                    r.id,
                    r.peer,
                    str((r.record or {}).get("t", "")),
                    str((r.record or {}).get("id", "")),
                    r.reason,
                    r.at,
                )
                for r in rows
            ]
