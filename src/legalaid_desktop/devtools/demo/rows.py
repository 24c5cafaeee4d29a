"""The demo's rows as tuples: table specs, record ids and clock stamps, and the bulk insert.

Rows are prepared as tuples in column order (:class:`TableSpec`), with their clock stamps
(:class:`Stamper`), outbox (``change_log``) entries and JSON columns already encoded, and go in
with the DB-API's ``executemany`` on the session's connection, :data:`INSERT_BATCH` rows per
statement (:func:`write`): SQLAlchemy's per-row parameter processing cost more than SQLite
itself.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any, Final, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from legalaid_desktop.domain.hlc import COUNTER_MAX, HLC
from legalaid_desktop.store.models import (
    Campaign,
    Case,
    Client,
    Consent,
    Consultation,
    CorruptionDetails,
    Deadline,
    Party,
)
from legalaid_desktop.store.models.base import Base

INSERT_BATCH: Final = 5_000
"""Rows per bulk insert statement."""


class Stamper:
    """Record ids (UUIDv7) and clock stamps for many rows, without a call per row to the clock.

    Ids are version 7 UUIDs with the current time and a monotonic random field (RFC 9562 §6.2,
    method 2) drawn from their own generator; stamps continue the node's hybrid logical clock
    from ``start``, one per row, strictly increasing. The workspace clock is moved past
    :attr:`last` before the transaction ends.
    """

    _RANDOM_BITS: Final = 74

    def __init__(self, node: str, start: HLC, id_ms: int, rng: random.Random) -> None:
        self.node = node
        self._wall = start.wall_ms
        self._counter = start.counter - 1
        self._rng = rng
        self._id_ms = id_ms
        self._prefix = ""
        self._rand = rng.getrandbits(self._RANDOM_BITS - 1)

    def stamp(self) -> str:
        self._counter += 1
        if self._counter > COUNTER_MAX:
            self._wall += 1
            self._counter = 0
        return f"{self._wall:012x}{self._counter:04x}{self.node}"

    @property
    def last(self) -> HLC:
        return HLC(self._wall, max(self._counter, 0), self.node)

    def new_id(self) -> str:
        self._rand += 1 + self._rng.getrandbits(32)
        if self._rand >= 1 << self._RANDOM_BITS:
            self._id_ms += 1
            self._prefix = ""
            self._rand = self._rng.getrandbits(self._RANDOM_BITS - 1)
        if not self._prefix:
            ms = f"{self._id_ms:012x}"
            self._prefix = f"{ms[:8]}-{ms[8:]}-7"
        rand = self._rand
        rand_b = rand & 0x3FFF_FFFF_FFFF_FFFF  # low 62 bits; variant 0b10 above them
        return (
            f"{self._prefix}{rand >> 62:03x}-{0x8000 | rand_b >> 48:04x}-"
            f"{rand_b & 0xFFFF_FFFF_FFFF:012x}"
        )


class TableSpec:
    """How the rows of one synchronized table are written: column order, clocks, outbox groups.

    Rows are kept as tuples in :attr:`columns` order and written with the DB-API's
    ``executemany`` (no per-row work in SQLAlchemy). JSON columns are written as the text
    SQLAlchemy's JSON type would write (``json.dumps`` with its default separators).
    """

    def __init__(self, model: type[Base], columns: tuple[str, ...]) -> None:
        self.model = model
        self.name: str = model.__tablename__
        groups = list(getattr(model, "FIELD_GROUPS", {}))
        self.groups_json = json.dumps(groups)
        # '{"identity": "<stamp>", "contact": "<stamp>"}' split around the stamp, so that
        # stamp.join(parts) == json.dumps(dict.fromkeys(groups, stamp)).
        marker = "\x00"
        self.clock_parts = json.dumps(dict.fromkeys(groups, marker)).split(json.dumps(marker)[1:-1])
        self.columns = (*_SYNC_COLUMNS, *columns)
        names = ", ".join(self.columns)
        marks = ", ".join("?" * len(self.columns))
        self.sql = f"INSERT INTO {self.name} ({names}) VALUES ({marks})"

    def check(self) -> None:
        """Fail loudly if the table's columns are no longer the ones written here."""
        table = cast(Table, self.model.__table__)
        actual = {c.name for c in table.columns}
        if actual != set(self.columns):
            raise RuntimeError(
                f"demo data: the columns of {self.name} changed: "
                f"{sorted(actual ^ set(self.columns))}"
            )


_SYNC_COLUMNS: Final = ("id", "origin_node", "clocks", "hlc", "updated_by", "deleted_hlc")

TABLES: Final[dict[str, TableSpec]] = {
    spec.name: spec
    for spec in (
        TableSpec(Campaign, ("title", "node_code", "issue_area", "partners", "description")),
        TableSpec(
            Client,
            (
                "full_name", "name_sort", "gender", "birth_year", "region", "displacement",
                "disability", "phone", "address", "referral_source", "node_code", "number",
                "created_at", "needs_review", "kind", "registration", "contact_person",
                "members", "merged_into",
            ),
        ),
        TableSpec(
            Consent,
            ("client_id", "given_on", "purposes", "valid_until", "withdrawn_on", "attachment_id"),
        ),
        TableSpec(
            Case,
            (
                "number", "client_id", "legal_area", "summary", "status", "assigned_lawyer",
                "owner_node", "opened_on", "closed_on", "outcome", "referral", "grant_code",
                "campaign_id", "needs_review", "satisfaction", "transfer_to", "transfer_reason",
            ),
        ),
        TableSpec(
            CorruptionDetails,
            (
                "case_id", "sector", "conduct", "institution", "amount_requested", "reported_to",
                "satisfaction",
            ),
        ),
        TableSpec(
            Consultation,
            (
                "case_id", "held_on", "lawyer", "mode", "minutes", "notes", "advice",
                "next_steps", "follow_up_on", "follow_up_done_at", "follow_up_done_by",
            ),
        ),
        TableSpec(Party, ("case_id", "name", "role", "notes")),
        TableSpec(Deadline, ("case_id", "due_on", "description", "done")),
    )
}  # fmt: skip

CHANGE_SQL: Final = (
    "INSERT INTO change_log (table_name, row_id, hlc, groups, origin_node) VALUES (?, ?, ?, ?, ?)"
)

_JSON_LISTS: dict[tuple[str, ...], str] = {}


def json_list(items: list[str]) -> str:
    key = tuple(items)
    text = _JSON_LISTS.get(key)
    if text is None:
        text = _JSON_LISTS[key] = json.dumps(items)
    return text


@dataclass
class Rows:
    """One batch of rows, per table, ready for ``executemany``."""

    campaigns: list[tuple[Any, ...]] = field(default_factory=list)
    clients: list[tuple[Any, ...]] = field(default_factory=list)
    consents: list[tuple[Any, ...]] = field(default_factory=list)
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    corruption: list[tuple[Any, ...]] = field(default_factory=list)
    consultations: list[tuple[Any, ...]] = field(default_factory=list)
    parties: list[tuple[Any, ...]] = field(default_factory=list)
    deadlines: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def tables(self) -> list[tuple[str, list[tuple[Any, ...]]]]:
        """``(table, rows)`` in an order that satisfies the foreign keys."""
        return [
            ("campaigns", self.campaigns),
            ("clients", self.clients),
            ("consents", self.consents),
            ("cases", self.cases),
            ("corruption_details", self.corruption),
            ("consultations", self.consultations),
            ("parties", self.parties),
            ("deadlines", self.deadlines),
        ]


def write(session: Session, rows: Rows, counts: dict[str, int]) -> None:
    """Insert one batch: every table in foreign-key order, then the outbox entries."""
    conn = session.connection()
    for name, batch in rows.tables():
        sql = TABLES[name].sql
        for start in range(0, len(batch), INSERT_BATCH):
            conn.exec_driver_sql(sql, batch[start : start + INSERT_BATCH])
        counts[name] = counts.get(name, 0) + len(batch)
    for start in range(0, len(rows.changes), INSERT_BATCH):
        conn.exec_driver_sql(CHANGE_SQL, rows.changes[start : start + INSERT_BATCH])
