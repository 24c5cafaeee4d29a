"""Phase 2 of an import, before any write: what is here already, and may each record apply?

:class:`RecordChecks` loads the local rows a bundle touches (and the parents it refers to), then
checks each record against ownership (:mod:`~legalaid_desktop.sync.ownership`: a center changes
only what it owns, a case changes owner only by an HQ transfer and never changes its number, a
center's case names only a client it owns or was given) and against the unique columns. A
center's record that breaks a rule is refused alone (a security alert); HQ's bundle that breaks
one is refused whole. :class:`~legalaid_desktop.sync.importer` applies what passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from legalaid_desktop.domain.client_numbers import client_number_node
from legalaid_desktop.domain.errors import OwnershipViolation
from legalaid_desktop.domain.hlc import HLC
from legalaid_desktop.i18n import _
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import CaseTransfer
from legalaid_desktop.sync.inbound import ParsedBundle, Transfer, content_invalid
from legalaid_desktop.sync.ownership import case_number_node, given_by_transfer
from legalaid_desktop.sync.records import Record, TableSpec
from legalaid_desktop.sync.roster_checks import ROSTER, roster_refusal

if TYPE_CHECKING:
    from legalaid_desktop.sync.importer import ImportCounts

_OWNER_FIELD = {
    "clients": "node_code",
    "campaigns": "node_code",
    "cases": "owner_node",
    ROSTER: "node_code",  # a person's entry belongs to their node
}
_SET_ASIDE = "\x00set-aside"


class RecordChecks:
    """The local state one import's checks need, and the checks (the importer subclasses it)."""

    s: Session
    p: ParsedBundle
    peer: str
    me: str
    hq: bool
    clock_ok: Callable[[HLC], bool]
    specs: dict[str, TableSpec]
    local: dict[str, dict[str, Mapping[str, Any]]]
    owner: dict[str, dict[str, str | None]]
    exists: dict[str, set[str]]
    accepted: dict[str, set[str]]
    counts: ImportCounts
    transferred_from_peer: set[str]
    given: dict[str, set[str]]
    transfers_in: dict[str, Transfer]

    # -- loading ------------------------------------------------------------------------------

    def load_local(self) -> None:
        by_table: dict[str, list[str]] = {}
        for record in self.p.records:
            by_table.setdefault(record.spec.name, []).append(record.id)
        for name, ids in by_table.items():
            table = self.specs[name].table
            rows: dict[str, Mapping[str, Any]] = {}
            for batch in batches(ids):
                for mapping in self.s.execute(
                    select(table).where(table.c.id.in_(batch))
                ).mappings():
                    rows[mapping["id"]] = cast(Mapping[str, Any], mapping)
            self.local[name] = rows
            self.exists[name].update(rows)
            if name in _OWNER_FIELD:
                column = _OWNER_FIELD[name]
                for row_id, stored in rows.items():
                    self.owner[name][row_id] = stored[column]
        # Parents referred to from outside the bundle.
        wanted: dict[str, set[str]] = {}
        for record in self.p.records:
            local = self.local[record.spec.name].get(record.id)
            for column, target in record.spec.refs.items():
                for value in self._ref_values(record, local, column):
                    if value not in self.exists[target]:
                        wanted.setdefault(target, set()).add(value)
        for target, wanted_ids in wanted.items():
            table = self.specs[target].table
            owner_column = _OWNER_FIELD.get(target)
            columns = [table.c.id] + ([table.c[owner_column]] if owner_column else [])
            for batch in batches(sorted(wanted_ids)):
                for found in self.s.execute(select(*columns).where(table.c.id.in_(batch))):
                    self.exists[target].add(found[0])
                    if owner_column:
                        self.owner[target][found[0]] = found[1]
        if self.hq:
            self.transferred_from_peer = set(
                self.s.scalars(
                    select(CaseTransfer.case_id).where(CaseTransfer.from_node == self.peer)
                )
            )
            self.given = given_by_transfer(self.s, self.peer)

    @staticmethod
    def _ref_values(record: Record, local: Mapping[str, Any] | None, column: str) -> set[str]:
        values: set[str] = set()
        if record.has(column):
            value = record.value(column)
            if value:
                values.add(value)
        if local is not None and local[column]:
            values.add(local[column])
        return values

    # -- checks -------------------------------------------------------------------------------

    def _violation(self, record: Record, detail: str) -> OwnershipViolation:
        return OwnershipViolation(
            _(
                "The bundle from {node} changes a record it does not own ({table}, line {line}): "
                "{detail}. Nothing was imported."
            ).format(node=self.peer, table=record.spec.name, line=record.line, detail=detail)
        )

    def _parent_owner(self, table: str, row_id: str) -> str | None:
        """The owner of a parent row after this bundle, None if missing, or set aside."""
        if row_id in self.accepted[table]:
            return self.owner[table].get(row_id)
        if row_id in self.exists[table]:
            return self.owner[table].get(row_id) if table in _OWNER_FIELD else ""
        return None

    def refuse(self, record: Record, detail: str) -> str:
        """Refuse one record of a center (a security alert); returns the quarantine reason."""
        self.counts.refused.append(
            {"table": record.spec.name, "id": record.id, "line": record.line, "reason": detail}
        )
        return _("refused (security alert): {detail}").format(detail=detail)

    def check(self, record: Record, local: Mapping[str, Any] | None) -> str | None:
        """Check one record against ownership and references.

        From a center (this node is HQ), a record the center may not send is refused *alone*
        (:meth:`refuse`: set aside, counted, and audited as a security alert) and the rest of
        the bundle applies: one center's records can never block another's bundles.

        Returns:
            None to apply it, or the reason to set it aside.

        Raises:
            OwnershipViolation: HQ's bundle changes a case's owner without a transfer.
        """
        name = record.spec.name
        peer = self.peer
        center_sender = self.hq
        if name == ROSTER:
            refused = roster_refusal(record, local)
            if refused is not None:
                return self.refuse(record, refused)  # from HQ too: set aside, never blocking
        if name in _OWNER_FIELD:
            column = _OWNER_FIELD[name]
            new_owner = record.value(column) if record.has(column) else None
            old_owner = local[column] if local is not None else None
            if (
                name == "cases"
                and local is not None
                and record.has("number")
                and record.value("number") != local["number"]
            ):
                detail = _("the case number {old} would become {new}").format(
                    old=local["number"], new=record.value("number")
                )
                return self.refuse(record, detail)  # from HQ too: set aside, never blocking
            if name == "clients" and record.has("number"):
                refused = self._client_number(record, local)
                if refused is not None:
                    return self.refuse(record, refused)  # from HQ too, as for a case number
            if center_sender:
                if old_owner is not None and old_owner != peer:
                    if name == "cases" and record.id in self.transferred_from_peer:
                        return _("edited at {node} before the case was transferred away").format(
                            node=peer
                        )
                    return self.refuse(record, _("it belongs to {owner}").format(owner=old_owner))
                if new_owner is not None and new_owner != peer:
                    return self.refuse(
                        record, _("it would give it to {owner}").format(owner=new_owner)
                    )
                if name == "cases" and local is None:
                    number = str(record.value("number")) if record.has("number") else ""
                    if case_number_node(number) != peer or record.origin != peer:
                        return self.refuse(
                            record,
                            _("the new case {number} does not carry the code of {node}").format(
                                number=number, node=peer
                            ),
                        )
            elif (
                name == "cases"
                and local is not None
                and new_owner is not None
                and new_owner != old_owner
                and record.groups["ownership"][0] > (local["clocks"] or {}).get("ownership", "")
            ):
                transfer = self.transfers_in.get(record.id)
                if (
                    transfer is None
                    or transfer.to_node != new_owner
                    or transfer.hlc != record.groups["ownership"][0]
                ):
                    raise self._violation(record, _("its owner changes without a transfer from HQ"))
        for column, target in record.spec.refs.items():
            for value in self._ref_values(record, local, column):
                owner = self._parent_owner(target, value)
                if owner is None:
                    return _("it refers to a missing {table} row").format(table=target)
                if owner == _SET_ASIDE:
                    return _("its {table} row was set aside").format(table=target)
                if not center_sender or owner == peer:
                    continue
                if name == "cases" and value in self.given.get(target, ()):
                    continue  # a client (or campaign) HQ gave the center with a transferred case
                if target == "cases" and value in self.transferred_from_peer:
                    return _("edited at {node} before the case was transferred away").format(
                        node=peer
                    )
                return self.refuse(
                    record,
                    _("it refers to a {table} row of {owner}").format(table=target, owner=owner),
                )
        return None

    @staticmethod
    def _client_number(record: Record, local: Mapping[str, Any] | None) -> str | None:
        """Why a client record's number may not apply, or None.

        A client's number is made once, by its center, and never changes: an existing client
        keeps the number it has here, and a new one must carry its own center's code.
        """
        number = str(record.value("number"))
        if local is not None:
            if number != local["number"]:
                return _("the client number {old} would become {new}").format(
                    old=local["number"], new=number
                )
            return None
        if client_number_node(number) != record.value("node_code"):
            return _("the new client {number} does not carry the code of {node}").format(
                number=number, node=record.value("node_code")
            )
        return None

    def check_unique(self, records: list[Record]) -> dict[tuple[str, str], str]:
        """Refuse a bundle that would give two of its rows the same unique value.

        A row that would repeat the unique value of a row already here is refused alone when
        the sender is a center (whose number it is cannot be told from here, and another
        center's rows must keep importing); from HQ the whole bundle is refused.

        Returns:
            ``(table, id)`` → why, for each record to refuse.
        """
        clashes: dict[tuple[str, str], str] = {}
        for name, spec in self.specs.items():
            for column in spec.unique:
                values: dict[Any, str] = {}
                for record in records:
                    if record.spec is not spec or not record.has(column):
                        continue
                    value = record.value(column)
                    other = values.setdefault(value, record.id)
                    if other != record.id:
                        raise content_invalid(
                            _("two rows of {table} have the same {field}").format(
                                table=name, field=column
                            )
                        )
                if not values:
                    continue
                table = spec.table
                for batch in batches(list(values)):
                    for row_id, value in self.s.execute(
                        select(table.c.id, table.c[column]).where(table.c[column].in_(batch))
                    ):
                        if values.get(value) in (None, row_id):
                            continue
                        if not self.hq:
                            raise content_invalid(
                                _("a row of {table} would repeat the {field} of another").format(
                                    table=name, field=column
                                )
                            )
                        clashes[(name, values[value])] = _(
                            "its {field} is already used by another row of {table} here"
                        ).format(field=column, table=name)
        return clashes
