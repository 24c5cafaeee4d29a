"""An anonymized or erased person stays removed on every node (docs/personal-data.md, "Sync").

The removal itself (``services/retention.py``) is ordinary sync data: emptied field groups
stamped like any edit, tombstones for what goes entirely, and the client's name replaced by the
marker :data:`~legalaid_desktop.domain.retention.ANONYMIZED_NAME` (anonymized) or emptied
(erased; a live client always has a name with a letter). Last-writer-wins alone would not keep
the person removed: an edit made elsewhere without knowing of the removal may carry a newer stamp,
a row the removal never reached (a child of a case transferred away) keeps its text, and sync's
own copies (the conflict log, the quarantine) keep values. This module is the rule, used at
every node by the importer and by the removal itself:

- :class:`Removals` — *before the merge*: the persons removed here or by the bundle, and the
  screening of the bundle's records. A removed field arriving with content is never applied:
  if the sender knew the removal when it made the edit (an attempt to "un-anonymize"), the
  record is **refused** (a security alert, like other refused records); otherwise it is a
  conflict resolved in favour of the removal, logged without the removed content (kind
  :data:`REMOVED`, already resolved). A record set aside in the quarantine for any reason is
  kept there without the removed values.
- :func:`purge_people` — *after the merge*: every row of the person held here gets the removed
  values (without a new stamp: every node does the same, so they agree), and
  :func:`forget_sync_copies` drops the conflict log's values and the quarantined records of the
  person. The caller refreshes the search index for the rows returned, merges the index (so the
  removed words leave its pages) and compacts the store after the transaction.

The caller runs all of this with ``PRAGMA secure_delete`` on, so that overwritten values are
zeroed in their pages.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from legalaid_desktop.domain.retention import ANONYMIZED_NAME, anonymized_birth_year
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import ConflictEntry, QuarantineEntry
from legalaid_desktop.sync.history import MergeHistory
from legalaid_desktop.sync.pseudonyms import ClientLinks
from legalaid_desktop.sync.records import Record, table_specs
from legalaid_desktop.text.collation import sort_string

__all__ = [
    "ANONYMIZED_FIELDS",
    "ATTACHMENT_BLANK",
    "EMPTY_SHA256",
    "ERASED_FIELDS",
    "REMOVED",
    "Removals",
    "forget_sync_copies",
    "purge_people",
    "removal_kind",
]

REMOVED = "removed"
"""The ``conflict_log.kind`` of an edit that lost to an anonymization or erasure."""

ANONYMIZED = "anonymized"
ERASED = "erased"

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
"""The checksum an emptied attachment keeps (its content is nothing: a bundle checks it)."""

ATTACHMENT_BLANK: Mapping[str, Any] = {
    "file_name": "",
    "media_type": "",
    "size": 0,
    "sha256": EMPTY_SHA256,
    "content": b"",
}
"""An attachment's file group after a removal (in the store; a record carries the content as
its SHA-256)."""

ANONYMIZED_FIELDS: Mapping[str, Mapping[str, Any]] = {
    "clients": {"phone": "", "address": "", "referral_source": "", "contact_person": ""},
    "consents": {"attachment_id": None},
    "cases": {"summary": "", "referral": "", "transfer_reason": ""},
    "corruption_details": {"institution": "", "reported_to": ""},
    "consultations": {"notes": "", "advice": "", "next_steps": ""},
    "parties": {"name": "", "notes": ""},
    "deadlines": {"description": ""},
    "conflict_decisions": {"reason": ""},
    "corrections": {"old_value": "", "new_value": ""},
    "referrals": {"to_whom": "", "request": "", "answer": ""},
    "attachments": ATTACHMENT_BLANK,
}
"""What an anonymization empties, by table (the client's name and birth year apart)."""

ERASED_FIELDS: Mapping[str, Mapping[str, Any]] = {
    **ANONYMIZED_FIELDS,
    "clients": {
        **ANONYMIZED_FIELDS["clients"],
        "full_name": "",
        "birth_year": None,
        "gender": "",
        "region": "",
        "displacement": "",
        "disability": "",
        "registration": "",
        "members": None,
    },
    "cases": {**ANONYMIZED_FIELDS["cases"], "grant_code": ""},
}
"""What an erasure empties, by table."""


def removal_kind(full_name: object) -> str | None:
    """``"anonymized"``, ``"erased"`` or None, from a client's ``full_name``."""
    if full_name == ANONYMIZED_NAME:
        return ANONYMIZED
    if full_name == "":
        return ERASED
    return None


def _blanks(kind: str, table: str) -> dict[str, Any]:
    """What the removal left in ``table``'s fields (an anonymized client's birth year becomes
    its cohort: no single blank; :meth:`Removals.screen` applies the cohort rule to it)."""
    blank = dict((ERASED_FIELDS if kind == ERASED else ANONYMIZED_FIELDS).get(table, {}))
    if table == "clients" and kind == ANONYMIZED:
        blank.update(full_name=ANONYMIZED_NAME, birth_year=None)
    return blank


def _offends(value: Any, blank: Any) -> bool:
    """Whether a value holds content where the removal left ``blank`` (an attachment's
    content travels as its SHA-256: the empty content's is blank too)."""
    return value != blank and value not in (None, "", b"", EMPTY_SHA256)


@dataclass
class Removals:
    """The persons removed here or by a bundle, and the screening of its records.

    Attributes:
        kinds: Client id → ``"anonymized"`` or ``"erased"``.
        stamps: Client id → the stamp of their removal (their identity group's).
        owner: ``(table, row id)`` → the client of each record of the bundle.
        arrived: The clients the bundle itself anonymizes or erases.
    """

    kinds: dict[str, str] = field(default_factory=dict)
    stamps: dict[str, str] = field(default_factory=dict)
    owner: dict[tuple[str, str], str] = field(default_factory=dict)
    arrived: set[str] = field(default_factory=set)

    @classmethod
    def find(
        cls,
        session: Session,
        records: list[Record],
        local: Mapping[str, Mapping[str, Mapping[str, Any]]],
    ) -> Removals:
        """The removed persons among the clients of ``records`` (as stored, or as the bundle
        makes them)."""
        out = cls()
        links = ClientLinks(session)
        for record in records:
            if record.spec.name == "cases" and record.has("client_id"):
                links.note_case(record.id, record.value("client_id"))
        links.prefetch_cases(
            _link(r, local.get(r.spec.name, {}).get(r.id)).get("case_id") for r in records
        )
        for record in records:
            row = local.get(record.spec.name, {}).get(record.id)
            client_id = links.client_of(record.spec.name, _link(record, row))
            if client_id:
                out.owner[(record.spec.name, record.id)] = client_id
        wanted = sorted(set(out.owner.values()))
        clients = table_specs()["clients"].table.c
        for batch in batches(wanted):
            for client_id, name, clocks in session.execute(
                select(clients.id, clients.full_name, clients.clocks).where(clients.id.in_(batch))
            ):
                kind = removal_kind(name)
                if kind is not None:
                    out.kinds[client_id] = kind
                    out.stamps[client_id] = (clocks or {}).get("identity", "")
        for record in records:  # a removal arriving with this bundle
            if record.spec.name != "clients" or "identity" not in record.groups:
                continue
            stamp, values = record.groups["identity"]
            kind = removal_kind(values["full_name"])
            if kind is not None and stamp > out.stamps.get(record.id, ""):
                out.kinds[record.id] = kind
                out.stamps[record.id] = stamp
                out.arrived.add(record.id)
        return out

    def client_of(self, record: Record) -> str | None:
        """The removed person ``record`` belongs to, or None."""
        client_id = self.owner.get((record.spec.name, record.id))
        return client_id if client_id in self.kinds else None

    def stripped_raw(self, record: Record) -> dict[str, Any]:
        """The record as the quarantine may keep it (removed values emptied)."""
        client_id = self.client_of(record)
        if client_id is None:
            return record.raw
        raw = copy.deepcopy(record.raw)
        blank = _blanks(self.kinds[client_id], record.spec.name)
        if "content" in blank:  # a record carries the content as its SHA-256
            blank["content"] = EMPTY_SHA256
        for group in (raw.get("g") or {}).values():
            values = group.get("v") if isinstance(group, dict) else None
            if isinstance(values, dict):
                for name, value in blank.items():
                    if name in values:
                        values[name] = value
        return raw

    def screen(
        self,
        record: Record,
        local: Mapping[str, Any] | None,
        history: MergeHistory,
        now: str,
    ) -> tuple[str, list[dict[str, Any]]]:
        """Screen one record of a removed person before the merge.

        Returns:
            ``("keep", conflicts)``: merge it (its removed values were replaced by the blanks;
            ``conflicts`` are the log rows to add); ``("drop", conflicts)``: leave it out (a new
            attachment of the person); ``("refuse", [])``: the sender knew of the removal and
            still sends content (a security alert).
        """
        client_id = self.client_of(record)
        if client_id is None:
            return "keep", []
        kind, removed_at = self.kinds[client_id], self.stamps[client_id]
        table = record.spec.name
        blank = _blanks(kind, table)
        conflicts: list[dict[str, Any]] = []
        drop = False
        for group, (stamp, values) in list(record.groups.items()):
            if table == "clients" and group == "identity" and stamp == removed_at:
                continue  # the removal itself
            hit = [n for n in values if n in blank and _offends(values[n], blank[n])]
            if table == "clients" and "birth_year" in hit and kind == ANONYMIZED:
                cohort = anonymized_birth_year(values["birth_year"])
                if "full_name" not in hit and cohort == values["birth_year"]:
                    hit.remove("birth_year")
            if not hit:
                continue
            knew = history.made_by_peer(removed_at) or history.peer_knew(
                "clients", client_id, removed_at, stamp
            )
            if knew and stamp > removed_at:
                return "refuse", []
            if table == "attachments":
                if local is None:
                    drop = True
                del record.groups[group]
            else:
                fixed = dict(values)
                for name in hit:
                    fixed[name] = blank[name]
                if table == "clients" and kind == ANONYMIZED and "birth_year" in hit:
                    fixed["birth_year"] = anonymized_birth_year(values["birth_year"])
                record.groups[group] = (stamp, fixed)
            if history.known(table, record.id, group, stamp) or history.logged(
                table, record.id, group, removed_at, stamp
            ):
                continue
            conflicts.append(
                {
                    "table_name": table,
                    "row_id": record.id,
                    "field_group": group,
                    "kind": REMOVED,
                    "local_value": None,
                    "remote_value": None,
                    "local_hlc": removed_at,
                    "remote_hlc": stamp,
                    "winner": "local",
                    "detected_at": now,
                    "resolved_at": now,
                    "resolution": "local",
                }
            )
        if drop or (not record.groups and record.deleted is None):
            return "drop", conflicts
        return "keep", conflicts


def _link(record: Record, local: Mapping[str, Any] | None) -> dict[str, Any]:
    values: dict[str, Any] = {"id": record.id}
    for column in ("client_id", "case_id"):
        if column in record.spec.columns:
            value = record.value(column) if record.has(column) else None
            if value is None and local is not None:
                value = local[column]
            values[column] = value
    return values


def _person_rows(session: Session, client_id: str) -> dict[str, list[str]]:
    """Every row of one person held here, by table."""
    specs = table_specs()
    found: dict[str, list[str]] = {"clients": [client_id]}
    for table in ("consents", "cases"):
        c = specs[table].table.c
        found[table] = list(session.scalars(select(c.id).where(c.client_id == client_id)))
    case_ids = found["cases"]
    for table in ("corruption_details", "consultations", "parties", "deadlines", "referrals"):
        c = specs[table].table.c
        found[table] = list(session.scalars(select(c.id).where(c.case_id.in_(case_ids))))
    for table in ("attachments", "conflict_decisions", "corrections"):
        a = specs[table].table.c
        found[table] = list(
            session.scalars(
                select(a.id).where((a.client_id == client_id) | a.case_id.in_(case_ids))
            )
        )
    return found


def purge_people(
    session: Session, kinds: Mapping[str, str], actor: str, keep_bundle: str | None = None
) -> dict[str, dict[str, set[str]]]:
    """Give every row of the removed persons ``kinds`` (client id → kind) held here the removed
    values, and drop sync's copies of them (:func:`forget_sync_copies`; the records of the
    bundle ``keep_bundle`` set aside are kept: they were stripped as they were set aside).

    No stamp is made: every node applies the same rule, so the rows agree without a new edit.

    Returns:
        The rows changed (table → row id → fields), for the search index refresh.
    """
    specs = table_specs()
    touched: dict[str, dict[str, set[str]]] = {}
    ids: dict[str, set[str]] = {}
    for client_id, kind in kinds.items():
        for table, row_ids in _person_rows(session, client_id).items():
            if not row_ids:
                continue
            ids.setdefault(table, set()).update(row_ids)
            t = specs[table].table
            blank_all = _blanks(kind, table)
            names = [n for n in blank_all if n not in ("full_name", "birth_year")]
            if table == "clients" and kind == ERASED:
                names += ["full_name", "birth_year"]
            if not names:
                continue
            for row in session.execute(
                select(t.c.id, *(t.c[n] for n in names)).where(t.c.id.in_(row_ids))
            ).mappings():
                changed = {n for n in names if _offends(row[n], blank_all[n])}
                if not changed:
                    continue
                values = {n: blank_all[n] for n in names}
                if table == "clients":
                    values["name_sort"] = sort_string(str(values.get("full_name", "")))
                    if kind == ANONYMIZED:
                        values.pop("name_sort")
                session.execute(update(t).where(t.c.id == row["id"]).values(values))
                touched.setdefault(table, {})[row["id"]] = changed
    forget_sync_copies(session, ids, actor, keep_bundle)
    return touched


def forget_sync_copies(
    session: Session,
    ids: Mapping[str, Iterable[str]],
    actor: str,
    keep_bundle: str | None = None,
) -> int:
    """Drop the values sync keeps of the rows ``ids`` (table → row ids): both sides of their
    logged conflicts (an open one is resolved in favour of the removal) and the records of
    them set aside in the quarantine, except those of the bundle ``keep_bundle`` (being
    imported: they were set aside without the removed values). Returns how many entries
    changed."""
    changed = 0
    wanted = {table: set(row_ids) for table, row_ids in ids.items()}
    for table, row_ids in wanted.items():
        id_list = sorted(row_ids)
        for batch in batches(id_list):
            for entry in session.scalars(
                select(ConflictEntry).where(
                    ConflictEntry.table_name == table, ConflictEntry.row_id.in_(batch)
                )
            ):
                if entry.local_value is None and entry.remote_value is None and entry.resolved_at:
                    continue
                entry.local_value = entry.remote_value = None
                if entry.resolved_at is None:
                    entry.resolved_at = utc_now_iso()
                    entry.resolved_by = actor
                    entry.resolution = "local"
                changed += 1
    for held in session.scalars(select(QuarantineEntry)):
        record = held.record if isinstance(held.record, dict) else {}
        if keep_bundle is not None and held.bundle_hash == keep_bundle:
            continue
        if record.get("id") in wanted.get(str(record.get("t")), set()):
            session.delete(held)
            changed += 1
    session.flush()
    return changed
