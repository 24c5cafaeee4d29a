"""The backup files written outside the data folder, as the store remembers them (issue 20).

Each backup file written to a chosen folder (``legalaid db backup -o``, File › Back up…) is
recorded in the ``meta`` row ``outside_backups``: a JSON list of :class:`OutsideBackup` (the
path, the backup id, when, the size, who made it and whose administrator slots it is wrapped
to). No client data. A revocation re-keys every recorded file it can reach
(:func:`rekey_reachable`); those it cannot reach, or cannot open, stay listed as still opening
with the revoked user's old password (:func:`still_open_to`) until a new backup is made and they
are destroyed (:func:`forget`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from legalaid_desktop.domain.errors import AuthenticationError, BackupRejected, StoreError
from legalaid_desktop.store import backup_file
from legalaid_desktop.store.models import Meta
from legalaid_desktop.store.slots import Slot

if TYPE_CHECKING:
    from legalaid_desktop.store.backups import Opener
    from legalaid_desktop.store.store import Store

RECORDS_KEY = "outside_backups"


@dataclass(frozen=True)
class OutsideBackup:
    """One backup file written outside the data folder."""

    backup_id: str
    path: str
    made_at: str
    size: int
    made_by: str
    holders: tuple[str, ...] = ()
    generation: int = 1
    rekeyed_at: str = ""

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    def opens_for(self, username: str) -> bool:
        """Whether ``username``'s password (or their program, which made it) may open it."""
        return username in self.holders or username == self.made_by


@dataclass
class RekeyOutcome:
    """What a revocation did to the recorded backup files."""

    rekeyed: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    """Paths of the files it could not re-key (not reachable, not openable, no room)."""


def records(session: Session) -> list[OutsideBackup]:
    row = session.get(Meta, RECORDS_KEY)
    if row is None or not row.value:
        return []
    try:
        data = json.loads(row.value)
    except ValueError:
        return []
    out = []
    for item in data if isinstance(data, list) else []:
        try:
            item["holders"] = tuple(item.get("holders") or ())
            out.append(OutsideBackup(**item))
        except (TypeError, AttributeError):
            continue
    return out


def save(session: Session, items: list[OutsideBackup]) -> None:
    value = json.dumps([asdict(i) for i in items], ensure_ascii=False, sort_keys=True)
    row = session.get(Meta, RECORDS_KEY)
    if row is None:
        session.add(Meta(key=RECORDS_KEY, value=value))
    else:
        row.value = value


def add(session: Session, item: OutsideBackup) -> None:
    save(session, [*records(session), item])


def last_made_at(session: Session) -> str | None:
    """When the newest recorded backup file was made (ISO 8601, UTC), None if never."""
    stamps = [r.made_at for r in records(session) if r.made_at]
    return max(stamps) if stamps else None


def still_open_to(session: Session, username: str) -> list[OutsideBackup]:
    """The recorded files ``username``'s old password (or program) may still open."""
    return [r for r in records(session) if r.opens_for(username)]


def forget(session: Session, backup_ids: set[str]) -> int:
    """Stop listing these files (they were destroyed); returns how many were dropped."""
    items = records(session)
    kept = [r for r in items if r.backup_id not in backup_ids]
    save(session, kept)
    return len(items) - len(kept)


def _reachable(item: OutsideBackup) -> backup_file.BackupFile | None:
    path = Path(item.path)
    try:
        if not path.is_file():
            return None
        bf = backup_file.read(path)
    except (OSError, BackupRejected):
        return None
    return bf if bf.keys.backup_id == item.backup_id else None


def rekey_reachable(
    items: list[OutsideBackup],
    revoked: set[str],
    opener: Opener | None,
    slots: list[Slot],
    mac_keys: Mapping[str, bytes],
    now: str,
) -> tuple[list[OutsideBackup], RekeyOutcome]:
    """Re-key each file in ``items`` that a user in ``revoked`` may open and that is reachable
    at its recorded path and opened by ``opener``.

    Returns:
        The records, updated (a re-keyed file is wrapped to ``slots`` and made by nobody), and
        what was done.
    """
    outcome = RekeyOutcome()
    updated: list[OutsideBackup] = []
    admins = tuple(sorted(s.username for s in slots if s.kind == "user"))
    for item in items:
        if not any(item.opens_for(name) for name in revoked):
            updated.append(item)
            continue
        bf = _reachable(item)
        if bf is None or opener is None or not bf.keys.can_open(opener):
            outcome.left.append(item.path)
            updated.append(item)
            continue
        try:
            written = backup_file.rekey(Path(item.path), opener, slots, mac_keys)
        except (AuthenticationError, BackupRejected, StoreError, OSError):
            outcome.left.append(item.path)
            updated.append(item)
            continue
        outcome.rekeyed.append(item.path)
        updated.append(
            replace(
                item,
                holders=admins,
                made_by="",
                size=written.size,
                generation=written.facts.generation,
                rekeyed_at=now,
            )
        )
    return updated, outcome


def node_facts(store: Store) -> dict[str, str]:
    """The node's id, code and name and the schema revision, for a backup file's sealed part."""
    from sqlalchemy import select

    from legalaid_desktop.store import migrate
    from legalaid_desktop.store.models import Node

    with store.session() as s:
        code = s.get(Meta, "node_code")
        node = s.scalar(select(Node).where(Node.code == (code.value if code else "")))
    return {
        "node_id": node.id if node is not None else "",
        "node_code": node.code if node is not None else "",
        "node_name": node.name if node is not None else "",
        "schema_revision": migrate.current_revision(store.engine) or "",
    }


def write_to(
    store: Store,
    folder: Path,
    *,
    report: backup_file.Report | None = None,
    cancelled: backup_file.Cancelled | None = None,
) -> backup_file.Written:
    """Write a backup file of ``store`` into ``folder`` (holding the store's lock, like
    :meth:`Store.backup`): wrapped to the active administrators and the recovery key.

    The caller records it (:func:`add`) with the audit event, in one transaction.
    """
    from datetime import UTC, datetime

    from legalaid_desktop.store.engine import connect_raw
    from legalaid_desktop.store.rotation import backup_mac_keys, backup_slots
    from legalaid_desktop.store.store import _locked

    facts = node_facts(store)
    with _locked(store.paths):
        store.reload_vault()
        name = backup_file.file_name(facts["node_code"] or "LA", datetime.now(UTC), folder)
        keys = backup_file.new_keys(
            path=folder / name,
            store_id=store.vault.store_id,
            slots=backup_slots(store),
            made_by=store.username,
        )
        raw = connect_raw(store.paths.db, store.key)
        try:
            return backup_file.write(
                folder,
                raw,
                name=name,
                keys=keys,
                mac_keys=backup_mac_keys(store),
                facts=facts,
                report=report,
                cancelled=cancelled,
            )
        finally:
            raw.close()
