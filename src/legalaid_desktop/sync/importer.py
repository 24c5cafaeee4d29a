"""Importing a bundle (DESIGN.md §6): verify and parse everything, then apply it in one go.

**Phase 1, no writes**, is :func:`~legalaid_desktop.sync.inbound.verify_and_parse` (the same
step ``bundle inspect`` takes): the container is opened against the pinned keys, the schema and
the channel are checked, every part is parsed and every record checked.

**Phase 2, one write transaction.** The channel is checked again (another import may have run
meanwhile), ownership is enforced (a center may change only what it owns; a case changes owner
only by an explicit transfer from HQ and never changes its number; a center's case names only a
client it owns or was given with a transfer: :mod:`~legalaid_desktop.sync.ownership`), then
every record is merged
(:mod:`~legalaid_desktop.sync.merge`), the acknowledgements, roster, reference lists and
transfers are applied, the channel moves on, the sender's audit anchor is checked against the
head kept for it (:mod:`~legalaid_desktop.sync.anchor_store`: an alert is recorded, the import
goes on), the bundle is recorded and audited, the clock
observes the remote stamps, and the search index is updated. Whole or nothing: an error anywhere
rolls everything back, and a killed process leaves the store as it was.

Records whose clock is more than a day ahead of this computer's are **quarantined one by one**
(kept in ``quarantine``, not applied, the clock not advanced by them) and the rest of the bundle
is applied: one laptop with a wrong date must not block a center's sync. The same happens to an
edit a center made to a case before it learned that HQ had transferred the case away, and to a
row whose parent is missing here (for instance because the parent was quarantined). A center's
record that breaks the ownership rules is **refused alone** the same way, and counted in
:attr:`ImportCounts.refused` for a security alert: whatever one center sends, it can never make
another center's bundles unimportable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from legalaid_desktop.domain.hlc import HLC, HybridClock
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.domain.reference import ReferenceCatalog
from legalaid_desktop.i18n import _
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.search.index import purge_deleted
from legalaid_desktop.store import compaction
from legalaid_desktop.store.audit import utc_now_iso
from legalaid_desktop.store.batches import batches
from legalaid_desktop.store.models import (
    CaseTransfer,
    ChangeLog,
    ConflictEntry,
    QuarantineEntry,
    SyncBundle,
    SyncChannel,
)
from legalaid_desktop.sync import restored
from legalaid_desktop.sync.anchor_store import AnchorAlert, accept_anchor
from legalaid_desktop.sync.enrollment import Roster
from legalaid_desktop.sync.erasure import Removals, purge_people
from legalaid_desktop.sync.history import MergeHistory
from legalaid_desktop.sync.import_checks import (
    _OWNER_FIELD,
    _SET_ASIDE,
    RecordChecks,
)
from legalaid_desktop.sync.inbound import ParsedBundle, check_channel
from legalaid_desktop.sync.merge import IncompleteRecord, MergeContext, Outcome, merge_record
from legalaid_desktop.sync.merged_clients import follow_merges
from legalaid_desktop.sync.pseudonyms import (
    keep_real_values,
    replaces_real_values,
)
from legalaid_desktop.sync.records import (
    Record,
    TableSpec,
    table_specs,
)

__all__ = ["ImportCounts", "ImportEnv", "apply_bundle"]

Progress = Callable[[int, int], None]


# --- phase 2: ownership, merge, writes ----------------------------------------------------------


@dataclass
class ImportCounts:
    """What an import changed."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: int = 0
    quarantined: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)
    reference_updated: list[str] = field(default_factory=list)
    roster_changed: list[str] = field(default_factory=list)
    transfers: int = 0
    acks: int = 0
    audit_alert: AnchorAlert | None = None
    adopted_seq: int = 0
    """A restored store took the peer's acknowledgement as its own ``out_seq`` (sync/restored)."""
    compact: bool = False
    """Values an anonymization, an erasure or a withdrawal of "share with HQ" replaced were
    written over here: the store is compacted after the commit, so that the old bytes leave
    the database file and its WAL (store/compaction.py)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
            "quarantined": self.quarantined,
            "refused": len(self.refused),
            "tables": dict(self.tables),
            "reference_updated": list(self.reference_updated),
            "roster_changed": list(self.roster_changed),
            "transfers": self.transfers,
            "acks": self.acks,
        }


class _Apply(RecordChecks):
    """One import's phase 2 (inside the caller's write transaction)."""

    def __init__(
        self,
        session: Session,
        parsed: ParsedBundle,
        *,
        me: str,
        hq: bool,
        clock_ok: Callable[[HLC], bool],
        now: str,
    ) -> None:
        self.s = session
        self.p = parsed
        self.peer = parsed.peer
        self.me = me
        self.hq = hq
        self.clock_ok = clock_ok
        self.now = now
        self.specs = table_specs()
        # Table → row id → the row here, for every table the bundle's records are of (filled by
        # load_local before anything reads it: a record's table is always a key).
        self.local: dict[str, dict[str, Mapping[str, Any]]] = {}
        self.owner: dict[str, dict[str, str | None]] = {t: {} for t in _OWNER_FIELD}
        self.exists: dict[str, set[str]] = {t: set() for t in self.specs}
        self.accepted: dict[str, set[str]] = {t: set() for t in self.specs}
        self.quarantine: list[dict[str, Any]] = []
        self.counts = ImportCounts()
        self.transferred_from_peer: set[str] = set()
        self.given: dict[str, set[str]] = {"clients": set(), "campaigns": set()}
        self.transfers_in = {t.case_id: t for t in parsed.transfers}
        self.purge_index = False
        self.removals = Removals()
        self.removal_conflicts: list[dict[str, Any]] = []

    # -- the run ------------------------------------------------------------------------------

    def set_aside(self, record: Record, reason: str) -> None:
        self.quarantine.append(
            {
                "id": new_id(),
                "peer": self.peer,
                "bundle_hash": self.p.bundle_hash,
                "record": self.removals.stripped_raw(record),
                "reason": reason,
                "at": self.now,
            }
        )
        if record.spec.name in _OWNER_FIELD and record.id not in self.exists[record.spec.name]:
            self.owner[record.spec.name][record.id] = _SET_ASIDE
            self.accepted[record.spec.name].add(record.id)

    def run(self, progress: Progress | None) -> tuple[list[tuple[Record, Outcome]], list[HLC]]:
        records = sorted(self.p.records, key=lambda r: r.spec.order)
        follow_merges(self.s, records)  # a record naming a client merged away lands on the kept
        self.load_local()
        self.removals = Removals.find(self.s, records, self.local)
        live: list[Record] = []
        observed: list[HLC] = []
        for record in records:
            if all(self.clock_ok(stamp) for stamp in record.stamps):
                live.append(record)
            else:
                self.set_aside(
                    record,
                    _("its clock is more than a day ahead of this computer's"),
                )
        clashes = self.check_unique(live)
        if clashes:
            kept: list[Record] = []
            for record in live:
                detail = clashes.get((record.spec.name, record.id))
                if detail is None:
                    kept.append(record)
                else:
                    self.set_aside(record, self.refuse(record, detail))
            live = kept
        if not self.hq:  # HQ's placeholders never replace a center's real values
            live = keep_real_values(self.s, self.me, live, self.local)
        else:  # a withdrawn consent: the replaced words must leave the search index
            self.purge_index = replaces_real_values(live, self.local)
        rows: dict[str, list[str]] = {}
        for record in live:
            if record.id in self.local[record.spec.name]:
                rows.setdefault(record.spec.name, []).append(record.id)
        if self.removals.kinds:
            rows.setdefault("clients", []).extend(self.removals.kinds)
        history = MergeHistory.load(self.s, self.peer, rows)
        if self.removals.kinds:
            live = self.screen_removed(live, history)
        ctx = MergeContext(history, self.now, self.p.attachments)
        outcomes: list[tuple[Record, Outcome]] = []
        total = len(live)
        for done, record in enumerate(live, start=1):
            name = record.spec.name
            local = self.local[name].get(record.id)
            reason = None if _unchanged(record, local) else self.check(record, local)
            if reason is None:
                try:
                    outcome = merge_record(record, local, ctx)
                except IncompleteRecord:
                    reason = _("a new row arrived without all its fields")
            if reason is not None:
                self.set_aside(record, reason)
                continue
            self.accepted[name].add(record.id)
            # A row's owner after this bundle (load_local read the owner of each row here).
            if name in _OWNER_FIELD and record.has(_OWNER_FIELD[name]):
                self.owner[name][record.id] = record.value(_OWNER_FIELD[name])
            observed.extend(record.stamps)
            outcomes.append((record, outcome))
            if progress is not None and done % 1000 == 0:
                progress(done, total)
        return outcomes, observed

    def screen_removed(self, live: list[Record], history: MergeHistory) -> list[Record]:
        """Records of anonymized or erased persons never bring removed values back
        (:class:`~legalaid_desktop.sync.erasure.Removals`): an edit made without knowing of the
        removal loses (logged, without its content); one made knowing of it is refused."""
        kept: list[Record] = []
        for record in live:
            local = self.local[record.spec.name].get(record.id)
            verdict, conflicts = self.removals.screen(record, local, history, self.now)
            for conflict in conflicts:
                conflict.update(id=new_id(), peer=self.peer, resolved_by=self.peer)
            self.removal_conflicts.extend(conflicts)
            if verdict == "refuse":
                detail = _("it would restore the data of an anonymized or erased person")
                self.set_aside(record, self.refuse(record, detail))
            elif verdict == "keep":
                kept.append(record)
        return kept

    # -- writing ------------------------------------------------------------------------------

    def write(self, outcomes: list[tuple[Record, Outcome]]) -> dict[str, dict[str, set[str]]]:
        """Write the merged rows, change log, conflicts, review flags and quarantine."""
        inserts: dict[str, list[dict[str, Any]]] = {}
        updates: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        log: list[dict[str, Any]] = []
        conflicts: list[dict[str, Any]] = []
        review: dict[str, set[str]] = {"clients": set(), "cases": set()}
        touched: dict[str, dict[str, set[str]]] = {}
        counts = self.counts
        for record, outcome in outcomes:
            name = record.spec.name
            if outcome.conflicts:
                conflicts.extend(outcome.conflicts)
                self._flag(record, review)
            if outcome.row is None:
                counts.unchanged += 1
                continue
            if outcome.insert:
                inserts.setdefault(name, []).append(outcome.row)
                counts.inserted += 1
            else:
                updates.setdefault(name, []).append((record.id, outcome.row))
                counts.updated += 1
            if outcome.deleted_now:
                counts.deleted += 1
            counts.tables[name] = counts.tables.get(name, 0) + 1
            # The index reads each touched row back: a tombstone leaves it without a field named.
            touched.setdefault(name, {})[record.id] = set(outcome.changed_fields)
            for stamp, groups in outcome.applied.items():
                log.append(
                    {
                        "table_name": name,
                        "row_id": record.id,
                        "hlc": stamp,
                        "groups": groups,
                        "origin_node": self.peer,
                    }
                )
        conflicts.extend(self.removal_conflicts)
        counts.conflicts = len(conflicts)
        counts.quarantined = len(self.quarantine)
        for name, spec in self.specs.items():
            rows = inserts.get(name)
            if rows:
                self.s.execute(insert(spec.table), rows)
            changed = updates.get(name)
            if changed:
                self._update(spec, changed)
        if log:  # Core inserts (the ORM's bulk path is several times slower here)
            self.s.execute(insert(_table(ChangeLog)).prefix_with("OR IGNORE"), log)
        if conflicts:
            self.s.execute(insert(_table(ConflictEntry)), conflicts)
        if self.quarantine:
            self.s.execute(insert(_table(QuarantineEntry)), self.quarantine)
        for name, ids in review.items():
            if not ids:
                continue
            table = self.specs[name].table
            for batch in batches(sorted(ids)):
                self.s.execute(update(table).where(table.c.id.in_(batch)).values(needs_review=True))
        return touched

    def _flag(self, record: Record, review: dict[str, set[str]]) -> None:
        """Flag the client or case a conflicting row belongs to."""
        name = record.spec.name
        if name in review:
            review[name].add(record.id)
            return
        local = self.local[name].get(record.id)
        for column, target in (("case_id", "cases"), ("client_id", "clients")):
            if column not in record.spec.columns:
                continue
            value = record.value(column) if record.has(column) else None
            if value is None and local is not None:
                value = local[column]
            if value:
                review[target].add(value)
                return

    def _update(self, spec: TableSpec, changed: list[tuple[str, dict[str, Any]]]) -> None:
        table = spec.table
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row_id, values in changed:
            shape = tuple(sorted(values))
            bound = {f"b_{key}": value for key, value in values.items()}
            bound["b__id"] = row_id
            by_shape.setdefault(shape, []).append(bound)
        for shape, params in by_shape.items():
            statement = (
                update(table)
                .where(table.c.id == bindparam("b__id"))
                # An untyped bind of the values clause takes its column's type (SQLAlchemy).
                .values({key: bindparam(f"b_{key}") for key in shape})
            )
            self.s.execute(statement, params)


def _table(model: type[Any]) -> Table:
    """The Core table of a model."""
    return cast(Table, model.__table__)


def _unchanged(record: Record, local: Mapping[str, Any] | None) -> bool:
    """Whether a record brings nothing new (a row the peer sent again)."""
    if local is None or record.deleted != local["deleted_hlc"]:
        return False
    clocks = local["clocks"] or {}
    return all(clocks.get(group) == stamp for group, (stamp, _v) in record.groups.items())


def _apply_acks(session: Session, parsed: ParsedBundle, me: str) -> int:
    """Mark our bundles the peer acknowledged; returns how many matched."""
    matched = 0
    channel = session.get(SyncChannel, parsed.peer)
    for ack in parsed.acks:
        if ack.node != me:
            continue
        bundle = session.scalar(
            select(SyncBundle).where(
                SyncBundle.direction == "out",
                SyncBundle.peer == parsed.peer,
                SyncBundle.seq == ack.seq,
                SyncBundle.bundle_hash == ack.hash,
            )
        )
        if bundle is None:
            continue
        bundle.status = "acknowledged"
        bundle.peer_import_hlc = ack.hlc
        if channel is not None and ack.seq > channel.out_acked_seq:
            channel.out_acked_seq = ack.seq
        matched += 1
    return matched


@dataclass(frozen=True)
class ImportEnv:
    """Where phase 2 runs: who imports, on which node, and what it needs from the layer above.

    Attributes:
        me: This node's code.
        hq: Whether this node is HQ.
        actor: The user importing (recorded on the transfers the bundle brings).
        clock: This node's clock: it checks each remote stamp (a stamp too far ahead is
            quarantined), observes the newest accepted one, and stamps the import.
        install_reference: Installs HQ's reference lists; returns the lists that changed.
        apply_roster: Applies HQ's roster; returns the nodes that changed.
    """

    me: str
    hq: bool
    actor: str
    clock: HybridClock
    install_reference: Callable[[Session, ReferenceCatalog], list[str]]
    apply_roster: Callable[[Session, Roster], list[str]]


def apply_bundle(
    session: Session, parsed: ParsedBundle, env: ImportEnv, progress: Progress | None = None
) -> ImportCounts:
    """Phase 2: apply a parsed bundle inside the caller's write transaction.

    Raises:
        AlreadyImported, ChannelViolation: The channel changed since phase 1.
        OwnershipViolation: HQ's bundle changes a case's owner without a transfer (a center's
            records that break the ownership rules are refused one by one instead).
        BundleContentInvalid: Two rows of the bundle share a unique value (or, from HQ, a row
            would repeat one already here).
    """
    check_channel(session, parsed.peer, parsed.seq, parsed.prev_hash, parsed.bundle_hash)
    now = utc_now_iso()
    me, hq, actor = env.me, env.hq, env.actor
    run = _Apply(session, parsed, me=me, hq=hq, clock_ok=env.clock.check, now=now)
    if not hq:
        for transfer in parsed.transfers:
            if session.get(CaseTransfer, transfer.id) is None:
                session.add(
                    CaseTransfer(
                        id=transfer.id,
                        case_id=transfer.case_id,
                        number=transfer.number,
                        from_node=transfer.from_node,
                        to_node=transfer.to_node,
                        hlc=transfer.hlc,
                        at=now,
                        actor=actor,
                        reason=transfer.reason,
                    )
                )
                run.counts.transfers += 1
        session.flush()
    # Acknowledgements first: they tell the merge which of our changes the peer had seen.
    run.counts.acks = _apply_acks(session, parsed, me)
    run.counts.adopted_seq = restored.adopt(session, parsed, me)
    session.flush()
    outcomes, observed = run.run(progress)
    with ExitStack() as removing:
        if run.removals.kinds:  # overwritten values are zeroed in their pages
            removing.enter_context(compaction.secure_delete(session))
        counts = _write(session, run, outcomes, parsed, env, observed, now)
    return counts


def _write(
    session: Session,
    run: _Apply,
    outcomes: list[tuple[Record, Outcome]],
    parsed: ParsedBundle,
    env: ImportEnv,
    observed: list[HLC],
    now: str,
) -> ImportCounts:
    """The writes of phase 2 (inside secure delete when a removed person is involved)."""
    hq = env.hq
    touched = run.write(outcomes)
    if run.removals.kinds:
        purged = purge_people(session, run.removals.kinds, env.actor, parsed.bundle_hash)
        for table, changed in purged.items():
            for row_id, fields in changed.items():
                touched.setdefault(table, {}).setdefault(row_id, set()).update(fields)
        # Rows emptied here, or the removal itself arriving: its records already carry the
        # emptied values, so the merge wrote over the old ones and nothing is left to empty.
        if run.removals.arrived or any(purged.values()):
            run.purge_index = True
    counts = run.counts
    if not hq and parsed.reference is not None:
        counts.reference_updated = env.install_reference(session, parsed.reference)
    if not hq and parsed.roster is not None:
        counts.roster_changed = env.apply_roster(session, parsed.roster)
    if observed:
        env.clock.observe(max(observed))
    import_hlc = env.clock.now().encode()
    channel = session.get(SyncChannel, parsed.peer)
    if channel is None:
        channel = SyncChannel(peer=parsed.peer, out_seq=0, out_acked_seq=0, in_seq=0)
        session.add(channel)
    channel.in_seq = parsed.seq
    channel.in_last_hash = parsed.bundle_hash
    channel.last_import_at = now
    # The sender's audit anchor: an alert does not stop the import (no data is lost).
    counts.audit_alert = accept_anchor(
        session, parsed.peer, parsed.audit, parsed.audit_hashes, now=now
    )
    session.add(
        SyncBundle(
            id=new_id(),
            direction="in",
            peer=parsed.peer,
            seq=parsed.seq,
            bundle_hash=parsed.bundle_hash,
            created=parsed.created,
            processed_at=now,
            import_hlc=import_hlc,
            counts=counts.as_dict(),
            status="imported",
            detail=counts.audit_alert.message if counts.audit_alert else "",
        )
    )
    search_refresh.refresh_rows(session, touched)
    if run.purge_index:
        purge_deleted(session)
        counts.compact = True
    session.flush()
    return counts
