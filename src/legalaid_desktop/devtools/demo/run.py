"""One run of the demo generator: the checks, the one write transaction, the summary.

See the package docstring (:mod:`legalaid_desktop.devtools.demo`) for what the data looks like,
what is deterministic and how the run is made fast.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, replace
from typing import Any, Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from legalaid_desktop.devtools.demo import process_feed
from legalaid_desktop.devtools.demo.feed import FeedSpec, make_batches
from legalaid_desktop.devtools.demo.rows import TABLES, write
from legalaid_desktop.domain.errors import NotADemoStore, ValidationError
from legalaid_desktop.domain.roles import Permission, Role
from legalaid_desktop.i18n import _
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.search import index as search_index
from legalaid_desktop.services.users import UserService
from legalaid_desktop.services.workspace import Workspace
from legalaid_desktop.store import bulk_load, consultation_figures
from legalaid_desktop.store.models import (
    AuditEvent,
    Case,
    CaseCounter,
    Client,
    ClientCounter,
    User,
)

__all__ = ["DEMO_LAWYERS", "MAX_CLIENTS", "PARALLEL_FROM", "DemoSummary", "generate_demo"]

MAX_CLIENTS: Final = 1_000_000
"""The most clients one run may generate."""

DEMO_LAWYERS: Final[tuple[tuple[str, str, str], ...]] = (
    ("gunel.m", "Məmmədova Günel Rəşad qızı", Role.LAWYER.value),
    ("elvin.h", "Həsənov Elvin Vaqif oğlu", Role.LAWYER.value),
    ("sevinc.q", "Quliyeva Sevinc Arif qızı", Role.LAWYER.value),
    ("kamran.a", "Abbasov Kamran Elçin oğlu", Role.MANAGER.value),
)
"""The accounts :func:`generate_demo` adds when this center has nobody else to assign cases to."""


@dataclass(frozen=True)
class DemoSummary:
    """What one run of :func:`generate_demo` wrote.

    Attributes:
        clients: Clients added.
        consents: Consent records added (one per client).
        cases: Cases opened.
        consultations: Consultations recorded.
        parties: Case parties added.
        deadlines: Deadlines added.
        corruption_details: ALAC complaint details added (one per corruption case).
        campaigns: Advocacy campaigns created.
        lawyers_created: User accounts created for the demo.
        indexed: Records in the rebuilt full-text index.
        seconds: Wall time of the run.
        cancelled: True if the run was cancelled and nothing was written.
    """

    clients: int = 0
    consents: int = 0
    cases: int = 0
    consultations: int = 0
    parties: int = 0
    deadlines: int = 0
    corruption_details: int = 0
    campaigns: int = 0
    lawyers_created: int = 0
    indexed: int = 0
    seconds: float = 0.0
    cancelled: bool = False

    @property
    def rows(self) -> int:
        """Synchronized rows written (each has one outbox entry)."""
        return (
            self.clients
            + self.consents
            + self.cases
            + self.consultations
            + self.parties
            + self.deadlines
            + self.corruption_details
            + self.campaigns
        )

    def as_dict(self) -> dict[str, Any]:
        """The counts as a JSON-ready dictionary."""
        return asdict(self)


class _Cancelled(Exception):
    """Raised inside the write transaction to roll it back."""


_APPENDED: Final = frozenset(("hlc", "case_id", "client_id"))
"""Columns whose values only grow as the generator writes rows (see :func:`_bulk_indexes`)."""

_BULK_CACHE_KIB: Final = 1024 * 1024
"""Page cache of the writing connection during a run (then set back), taken only as the store
grows (the store reaches about 1.7 GB at 100,000 clients, so a run that big fills it). Pages that
stay in the cache until the commit are encrypted and written once."""

_BULK_FTS_HASHSIZE: Final = 512 * 1024 * 1024
"""FTS5's table of new terms during a run: at 100,000 clients all of them fit, so the index is
written as one segment and not merged afterwards (taken only as the terms need it)."""

PARALLEL_FROM: Final = 10_000
"""From this many clients, the rows are made in a second process (:mod:`.process_feed`) while
this one writes; below it, starting that process costs more than it saves."""


def _bulk_indexes(session: Session) -> AbstractContextManager[None]:
    """The secondary indexes of the tables written here, dropped for the load and made again.

    See :func:`legalaid_desktop.store.bulk_load.indexes_rebuilt_after`.
    """
    tables = [*(spec.name for spec in TABLES.values()), "change_log"]
    return bulk_load.indexes_rebuilt_after(session, tables, _APPENDED)


def _client_seq(session: Session, node: str) -> int:
    """The last client number ``node`` gave (0 before its first client)."""
    counter = session.get(ClientCounter, node)
    return counter.last_seq if counter is not None else 0


def _set_client_seq(session: Session, node: str, seq: int) -> None:
    """Remember the last client number the run gave, so that later clients follow it."""
    counter = session.get(ClientCounter, node)
    if counter is None:
        session.add(ClientCounter(node_code=node, last_seq=seq))
    elif counter.last_seq < seq:
        counter.last_seq = seq


def _check_demo_store(session: Session) -> None:
    """Refuse a store with clients the demo generator did not make (see :func:`generate_demo`).

    A store qualifies when it has no client rows at all (tombstones count), or no more than the
    ``demo_generated`` audit events say the generator wrote.
    """
    clients = session.scalar(select(func.count()).select_from(Client)) or 0
    if not clients:
        return
    made = session.scalar(
        select(
            func.coalesce(func.sum(func.json_extract(AuditEvent.details, "$.clients")), 0)
        ).where(AuditEvent.action == "demo_generated")
    )
    if clients > int(made or 0):
        raise NotADemoStore(
            _(
                "Demo data can only be added to a new data store or to one that holds only demo "
                "data: this store has {n} clients that the demo generator did not make."
            ).format(n=clients - int(made or 0))
        )


def _lawyers(session: Session, node: str) -> list[tuple[str, str]]:
    """Active users of this node who may be assigned cases: ``(username, role)``."""
    result = session.execute(
        select(User.username, User.role)
        .where(
            User.node_code == node,
            User.active.is_(True),
            User.deleted_hlc.is_(None),
            User.role.in_((Role.LAWYER.value, Role.MANAGER.value, Role.ADMIN.value)),
        )
        .order_by(User.username)
    ).all()
    return [(str(r[0]), str(r[1])) for r in result]


def _ensure_lawyers(ws: Workspace, password: str | None) -> int:
    """Create :data:`DEMO_LAWYERS` when the actor is the only one here who can take cases."""
    with ws.read() as s:
        people = _lawyers(s, ws.node_code)
        taken = set(s.scalars(select(User.username)).all())
    if password is None or len(people) > 1:
        return 0
    created = 0
    for username, full_name, role in DEMO_LAWYERS:
        if username in taken:
            continue
        UserService(ws).add(username, full_name, role, password)
        created += 1
    return created


_ROLE_LOAD: Final[dict[str, float]] = {
    Role.LAWYER.value: 5.0,
    Role.MANAGER.value: 2.0,
    Role.ADMIN.value: 1.0,
}


def generate_demo(
    ws: Workspace,
    *,
    clients: int = 300,
    seed: int = 1,
    lawyer_password: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    parallel: bool | None = None,
) -> DemoSummary:
    """Fill the store with realistic demonstration data for this center.

    Everything is written in one write transaction (with a rollback journal, see
    :meth:`Workspace.bulk_write`); the full-text index is rebuilt at the end, inside it. See the
    package docstring for what the data looks like and what is deterministic.

    Args:
        ws: The workspace of a logged-in manager or administrator.
        clients: How many clients to add (1 .. :data:`MAX_CLIENTS`); about 1.5 cases each.
        seed: Seed of the random generator: the same seed gives the same data.
        lawyer_password: If given, and nobody at this center but the user can take cases, the
            accounts in :data:`DEMO_LAWYERS` are created first (with this password, through
            :meth:`UserService.add`) and cases are spread over them. They stay if the generation
            is then cancelled. Without it, cases go to the center's existing users.
        progress: Called as ``progress(done, total)`` after every batch; the units are clients,
            and the index rebuild at the end counts as ``clients // 2`` more.
        cancelled: Checked between batches; when it returns true the transaction is rolled back
            and a summary with ``cancelled=True`` and no rows is returned.
        parallel: Make the rows in a second process while this one writes them
            (:mod:`.process_feed`); by default from :data:`PARALLEL_FROM` clients on a machine
            with more than one core. The data is the same either way.

    Returns:
        The counts of what was written.

    Raises:
        PermissionDenied: The user is neither a manager nor an administrator.
        ValidationError: ``clients`` is out of range.
        NotADemoStore: The store has clients the demo generator did not make: demo data is only
            added to a new store or to a demo store, never mixed with real records.
        BackgroundWorkFailed: The process making the rows died (nothing was written).
    """
    started = time.perf_counter()
    ws.require(Permission.MANAGE_USERS)
    ws.require(Permission.EDIT_CASES)
    if not 1 <= clients <= MAX_CLIENTS:
        raise ValidationError(
            _("The number of clients must be between 1 and {n}.").format(n=MAX_CLIENTS),
            field="clients",
        )
    for table in TABLES.values():
        table.check()
    with ws.read() as s:
        _check_demo_store(s)
    stop = cancelled or (lambda: False)
    if stop():
        return DemoSummary(cancelled=True, seconds=time.perf_counter() - started)
    lawyers_created = _ensure_lawyers(ws, lawyer_password)
    region_labels = {item.code: item.label("az") for item in ws.catalog()["regions"]}

    node = ws.node_code
    total_units = clients + clients // 2
    if parallel is None:
        parallel = clients >= PARALLEL_FROM and (os.cpu_count() or 1) > 1
    counts: dict[str, int] = {}
    try:
        with ws.bulk_write() as s:
            _check_demo_store(s)  # again, inside the transaction that writes
            people = _lawyers(s, node) or [(ws.actor.username, ws.actor.role.value)]
            spec = FeedSpec(
                seed=seed,
                clients=clients,
                node=node,
                actor=ws.actor.username,
                base=today(),
                lawyers=tuple((name, _ROLE_LOAD.get(role, 1.0)) for name, role in people),
                region_labels=region_labels,
                existing={
                    int(year): int(seq)
                    for year, seq in s.execute(
                        select(CaseCounter.year, CaseCounter.last_seq).where(
                            CaseCounter.node_code == node
                        )
                    ).all()
                },
                taken=frozenset(
                    s.scalars(select(Case.number).where(Case.number.like(f"{node}-%"))).all()
                ),
                start=ws.clock.now(),
                client_seq=_client_seq(s, node),
            )
            last_seq: dict[int, int] = {}
            last_stamp = spec.start
            # The feed starts first: it makes rows while the search index reads back the
            # records already in the store. The index is rebuilt around the load: the new
            # records are indexed from the entries made with their rows (not read back).
            with (
                process_feed.feed(make_batches, spec, in_process=not parallel) as batches,
                search_index.bulk_rebuild(
                    s, cache_kib=_BULK_CACHE_KIB, hashsize=_BULK_FTS_HASHSIZE
                ) as bulk,
                consultation_figures.rebuilt_after(s),  # after the indexes are back
                _bulk_indexes(s),
            ):
                for batch in batches:
                    write(s, batch.rows, counts)
                    for kind, entries in batch.entries:
                        bulk.add_entries(kind, entries)
                    if batch.last_seq is not None and batch.last_stamp is not None:
                        last_seq, last_stamp = batch.last_seq, batch.last_stamp
                    if progress is not None:
                        progress(batch.done, total_units)
                    if stop():
                        raise _Cancelled
            for year, seq in last_seq.items():
                counter = s.get(CaseCounter, (node, year))
                if counter is None:
                    s.add(CaseCounter(node_code=node, year=year, last_seq=seq))
                elif counter.last_seq < seq:
                    counter.last_seq = seq
            _set_client_seq(s, node, spec.client_seq + counts.get("clients", 0))
            ws.clock.observe(last_stamp)
            summary = DemoSummary(
                clients=counts.get("clients", 0),
                consents=counts.get("consents", 0),
                cases=counts.get("cases", 0),
                consultations=counts.get("consultations", 0),
                parties=counts.get("parties", 0),
                deadlines=counts.get("deadlines", 0),
                corruption_details=counts.get("corruption_details", 0),
                campaigns=counts.get("campaigns", 0),
                lawyers_created=lawyers_created,
                indexed=bulk.count,
            )
            details: dict[str, Any] = {
                k: v for k, v in summary.as_dict().items() if k not in ("seconds", "cancelled")
            }
            ws.audit(s, "demo_generated", details={**details, "seed": seed})
    except _Cancelled:
        return DemoSummary(
            lawyers_created=lawyers_created, cancelled=True, seconds=time.perf_counter() - started
        )
    if progress is not None:
        progress(total_units, total_units)
    return replace(summary, seconds=time.perf_counter() - started)
