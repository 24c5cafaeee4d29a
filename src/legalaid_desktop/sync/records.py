"""Change records: what one synchronized row looks like inside a bundle, and how it is checked.

The ``changes`` part of a bundle is JSON Lines, one record per line, each the *full current
state* of one row::

    {"t": "cases", "id": "<uuid7>", "o": "GNJ", "u": "leyla",
     "x": {},                                            # columns outside the field groups
     "g": {"core": {"c": "<hlc>", "v": {"number": "GNJ-2026-0001", ...}}, ...},
     "d": null}                                          # or the tombstone's stamp

``t`` names a table from the allow-list (:func:`table_specs`, built from ``SYNCED_MODELS``),
``o`` is the node that created the row, ``u`` the last writer's user name, ``g`` every field
group with its stamp (``c``) and the value of *each* field of the group (``v``), ``d`` the
tombstone. An attachment's ``content`` is not inline: its value is the SHA-256 of the bytes,
which travel in the part ``att/<sha256>``.

:func:`check_record` refuses anything else with a
:class:`~legalaid_desktop.domain.errors.BundleContentInvalid`: an unknown table, group or
field, a missing field, a value of the wrong type or length, an id that is not a UUID v7, a
stamp that is not an HLC. Identifiers from a bundle are only ever compared with this
allow-list; they never reach SQL text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, LargeBinary, String, Table, Text

from legalaid_desktop.domain.errors import BundleContentInvalid
from legalaid_desktop.domain.hlc import HLC, NODE_PATTERN
from legalaid_desktop.domain.ids import is_uuid7
from legalaid_desktop.i18n import _
from legalaid_desktop.store.models import SYNCED_MODELS, Base

__all__ = [
    "DELETED_GROUP",
    "LOCAL_COLUMNS",
    "MAX_ATTACHMENT_SIZE",
    "Record",
    "StampCache",
    "TableSpec",
    "check_record",
    "record_from_row",
    "table_specs",
]

DELETED_GROUP = "_deleted"
"""The clock key a tombstone is stamped under (``Workspace.tombstone``)."""

SYNC_COLUMNS = frozenset({"id", "origin_node", "clocks", "hlc", "updated_by", "deleted_hlc"})
"""The sync metadata of every synchronized table (``SyncMixin``); carried in the record's frame."""

LOCAL_COLUMNS = frozenset({"needs_review", "name_sort"})
"""Columns each node keeps for itself: the review flag, and values derived from other fields."""

MAX_TEXT_LENGTH = 200_000
"""Longest value accepted for an unbounded text column."""

MAX_ATTACHMENT_SIZE = 32 * 1024 * 1024
"""Largest attachment accepted in a bundle."""

_RECORD_KEYS = frozenset({"t", "id", "o", "u", "x", "g", "d"})
_GROUP_KEYS = frozenset({"c", "v"})
_NODE_RE = re.compile(NODE_PATTERN)
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MAX_INT = 2**63 - 1


def _invalid(line: int, detail: str) -> BundleContentInvalid:
    return BundleContentInvalid(
        _(
            "The bundle holds an invalid record (line {line}): {detail}. Nothing was imported."
        ).format(line=line, detail=detail)
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- table specifications ---------------------------------------------------------------------

Checker = Callable[[Any], bool]


@dataclass(frozen=True)
class ColumnSpec:
    """How one column's value is checked.

    Attributes:
        name: The column name.
        kind: ``str``, ``int``, ``bool``, ``json`` or ``bytes``.
        max_length: The longest string accepted (``str`` only).
        nullable: Whether ``None`` is accepted.
        is_date: The value is an ISO date ``YYYY-MM-DD``.
        is_ref: The value is the id of another row (a UUID v7).
    """

    name: str
    kind: str
    max_length: int | None
    nullable: bool
    is_date: bool
    is_ref: bool

    def check(self, value: Any) -> bool:
        """Tell whether ``value`` fits this column."""
        if value is None:
            return self.nullable
        kind = self.kind
        if kind == "str":
            if type(value) is not str:
                return False
            if self.max_length is not None and len(value) > self.max_length:
                return False
            if self.is_ref:
                return is_uuid7(value)
            if self.is_date:
                return _is_date(value)
            return True
        if kind == "int":
            return type(value) is int and -_MAX_INT - 1 <= value <= _MAX_INT
        if kind == "bool":
            return type(value) is bool
        if kind == "json":
            return type(value) in (list, dict)
        if kind == "bytes":  # carried as the SHA-256 of the attachment part
            return type(value) is str and _SHA256_RE.fullmatch(value) is not None
        return False  # pragma: no cover - every column kind is listed above


def _is_date(value: str) -> bool:
    if _DATE_RE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class TableSpec:
    """One synchronized table as sync sees it.

    Attributes:
        name: The table name (``clients``).
        model: The SQLAlchemy model.
        table: The SQLAlchemy table.
        order: Position in foreign-key order (parents first).
        groups: Field group → its fields.
        columns: Every group field's :class:`ColumnSpec`.
        extras: Columns outside the groups and the sync metadata (``created_at``), set once when
            the row is created.
        extra_columns: The :class:`ColumnSpec` of each extra column.
        group_of: Field → its group.
        unique: Columns (besides ``id``) whose values are unique across the table.
        refs: Field → the table its value points at (foreign keys).
    """

    name: str
    model: type[Any]
    table: Table
    order: int
    groups: Mapping[str, tuple[str, ...]]
    columns: Mapping[str, ColumnSpec]
    extras: tuple[str, ...]
    extra_columns: Mapping[str, ColumnSpec]
    group_of: Mapping[str, str] = field(default_factory=dict)
    unique: tuple[str, ...] = ()
    refs: Mapping[str, str] = field(default_factory=dict)


def _column_spec(column: Any) -> ColumnSpec:
    type_ = column.type
    if isinstance(type_, Boolean):
        kind, length = "bool", None
    elif isinstance(type_, Integer):
        kind, length = "int", None
    elif isinstance(type_, JSON):
        kind, length = "json", None
    elif isinstance(type_, LargeBinary):
        kind, length = "bytes", None
    elif isinstance(type_, Text):
        kind, length = "str", MAX_TEXT_LENGTH
    elif isinstance(type_, String):
        kind, length = "str", type_.length
    else:  # pragma: no cover - a new column type needs a rule here
        raise TypeError(f"no sync rule for column {column.table.name}.{column.name}: {type_!r}")
    name = column.name
    is_ref = bool(column.foreign_keys) or name.endswith("_id")
    is_date = name.endswith("_on") or name == "valid_until"
    return ColumnSpec(name, kind, length, bool(column.nullable), is_date, is_ref)


@lru_cache(maxsize=1)
def table_specs() -> dict[str, TableSpec]:
    """The allow-list of tables a bundle may change, by name, in foreign-key order."""
    synced: dict[str, Any] = {model.__tablename__: model for model in SYNCED_MODELS}  # type: ignore[attr-defined]
    ordered = [t for t in Base.metadata.sorted_tables if t.name in synced]
    specs: dict[str, TableSpec] = {}
    for order, table in enumerate(ordered):
        model = synced[table.name]
        groups: dict[str, tuple[str, ...]] = dict(model.FIELD_GROUPS)
        grouped = {f for fields in groups.values() for f in fields}
        columns = {name: _column_spec(table.c[name]) for name in grouped}
        extras = tuple(
            c.name
            for c in table.columns
            if c.name not in grouped and c.name not in SYNC_COLUMNS and c.name not in LOCAL_COLUMNS
        )
        specs[table.name] = TableSpec(
            name=table.name,
            model=model,
            table=table,
            order=order,
            groups=groups,
            columns=columns,
            extras=extras,
            extra_columns={name: _column_spec(table.c[name]) for name in extras},
            group_of={f: g for g, fields in groups.items() for f in fields},
            unique=tuple(c.name for c in table.columns if c.unique and c.name != "id"),
            refs={
                c.name: next(iter(c.foreign_keys)).column.table.name
                for c in table.columns
                if c.foreign_keys
            },
        )
    return specs


# --- records ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Record:
    """One checked change record.

    Attributes:
        line: Its line in the ``changes`` part (1-based), for messages.
        spec: Its table.
        id: The row id.
        origin: The node that created the row.
        updated_by: The last writer's user name.
        extras: The values of the columns outside the groups.
        groups: Group → ``(stamp, values)``.
        deleted: The tombstone's stamp, if the row is deleted.
        raw: The record as parsed (kept for the quarantine).
        stamps: Every stamp of the record, decoded.
    """

    line: int
    spec: TableSpec
    id: str
    origin: str
    updated_by: str
    extras: dict[str, Any]
    groups: dict[str, tuple[str, dict[str, Any]]]
    deleted: str | None
    raw: dict[str, Any]
    stamps: list[HLC]

    def value(self, name: str) -> Any:
        """The incoming value of a group field (KeyError if its group is absent)."""
        group = self.spec.group_of[name]
        return self.groups[group][1][name]

    def has(self, name: str) -> bool:
        """Whether the record carries the group of field ``name``."""
        return self.spec.group_of[name] in self.groups

    @property
    def max_stamp(self) -> str:
        """The newest stamp of the record (encoded)."""
        best = max(stamp for stamp, _values in self.groups.values())
        if self.deleted is not None and self.deleted > best:
            return self.deleted
        return best


class StampCache:
    """Decodes HLC stamps once per bundle (a record's groups usually share one stamp)."""

    def __init__(self) -> None:
        self._decoded: dict[str, HLC] = {}

    def decode(self, value: object, line: int) -> HLC:
        """The decoded stamp, or :class:`BundleContentInvalid`."""
        if type(value) is not str:
            raise _invalid(line, _("a clock stamp is not a string"))
        stamp = self._decoded.get(value)
        if stamp is None:
            try:
                stamp = HLC.decode(value)
            except ValueError:
                raise _invalid(
                    line, _("{value} is not a clock stamp").format(value=_short(value))
                ) from None
            self._decoded[value] = stamp
        return stamp


def check_record(obj: Any, line: int, stamps: StampCache) -> Record:
    """Check one parsed record completely.

    Args:
        obj: The parsed JSON value of one line of the ``changes`` part (untrusted).
        line: Its line number, for messages.
        stamps: The bundle's stamp cache.

    Returns:
        The checked record.

    Raises:
        BundleContentInvalid: Anything about the record is not exactly as specified.
    """
    if type(obj) is not dict or obj.keys() != _RECORD_KEYS:
        raise _invalid(line, _("a record does not have exactly the expected keys"))
    specs = table_specs()
    table = obj["t"]
    spec = specs.get(table) if type(table) is str else None
    if spec is None:
        raise _invalid(line, _("unknown table {table}").format(table=_short(table)))
    row_id = obj["id"]
    if type(row_id) is not str or not is_uuid7(row_id):
        raise _invalid(line, _("the row id {id} is not a UUID v7").format(id=_short(row_id)))
    origin = obj["o"]
    if type(origin) is not str or _NODE_RE.fullmatch(origin) is None or len(origin) > 16:
        raise _invalid(line, _("the origin node {node} is not valid").format(node=_short(origin)))
    updated_by = obj["u"]
    if type(updated_by) is not str or len(updated_by) > 64:
        raise _invalid(line, _("the last writer's name is not valid"))
    extras = obj["x"]
    if type(extras) is not dict or extras.keys() != set(spec.extras):
        raise _invalid(
            line, _("the extra columns of {table} are not as expected").format(table=table)
        )
    for name, value in extras.items():
        if not spec.extra_columns[name].check(value):
            raise _invalid(
                line,
                _("the value of {table}.{field} has the wrong type or size").format(
                    table=table, field=name
                ),
            )
    decoded: list[HLC] = []
    deleted = obj["d"]
    if deleted is not None:
        decoded.append(stamps.decode(deleted, line))
    groups_in = obj["g"]
    if type(groups_in) is not dict or not groups_in:
        raise _invalid(line, _("a record carries no field groups"))
    groups: dict[str, tuple[str, dict[str, Any]]] = {}
    for group, entry in groups_in.items():
        fields = spec.groups.get(group)
        if fields is None:
            raise _invalid(
                line,
                _("unknown field group {group} of {table}").format(
                    group=_short(group), table=table
                ),
            )
        if type(entry) is not dict or entry.keys() != _GROUP_KEYS:
            raise _invalid(line, _("a field group does not have exactly the keys c and v"))
        stamp = entry["c"]
        decoded.append(stamps.decode(stamp, line))
        values = entry["v"]
        if type(values) is not dict or len(values) != len(fields):
            raise _invalid(
                line,
                _("the group {group} of {table} does not carry exactly its fields").format(
                    group=group, table=table
                ),
            )
        columns = spec.columns
        for name in fields:
            if name not in values:
                raise _invalid(
                    line,
                    _("the group {group} of {table} does not carry exactly its fields").format(
                        group=group, table=table
                    ),
                )
            if not columns[name].check(values[name]):
                raise _invalid(
                    line,
                    _("the value of {table}.{field} has the wrong type or size").format(
                        table=table, field=name
                    ),
                )
        groups[group] = (stamp, values)
    return Record(
        line=line,
        spec=spec,
        id=row_id,
        origin=origin,
        updated_by=updated_by,
        extras=extras,
        groups=groups,
        deleted=deleted,
        raw=obj,
        stamps=decoded,
    )


def check_attachment(record: Record, parts: Mapping[str, bytes]) -> None:
    """Check that an attachment record's content part is there and matches it.

    Raises:
        BundleContentInvalid: The part is missing, or its size or hash differ from the record.
    """
    if "content" not in record.spec.columns or not record.has("content"):
        return
    digest = record.value("content")
    data = parts.get(f"att/{digest}")
    if data is None:
        raise _invalid(record.line, _("the content of an attachment is missing"))
    if record.value("sha256") != digest or record.value("size") != len(data):
        raise _invalid(record.line, _("an attachment does not match its content"))
    if len(data) > MAX_ATTACHMENT_SIZE:
        raise _invalid(record.line, _("an attachment is too large"))
    if hashlib.sha256(data).hexdigest() != digest:  # pragma: no cover - the container checked
        raise _invalid(record.line, _("an attachment does not match its content"))


def record_from_row(spec: TableSpec, row: Mapping[str, Any]) -> tuple[dict[str, Any], bytes | None]:
    """The record of a stored row, and the attachment bytes it refers to (if any).

    Groups that were never stamped are left out (a row always has every group stamped when a
    service creates it).

    Args:
        spec: The row's table.
        row: The row's columns.

    Returns:
        The record (ready for JSON) and the attachment content, or None.
    """
    clocks: Mapping[str, str] = row["clocks"] or {}
    groups: dict[str, Any] = {}
    content: bytes | None = None
    for group, fields in spec.groups.items():
        stamp = clocks.get(group)
        if stamp is None:
            continue
        values: dict[str, Any] = {}
        for name in fields:
            value = row[name]
            if spec.columns[name].kind == "bytes":
                content = bytes(value)
                value = hashlib.sha256(content).hexdigest()
            values[name] = value
        groups[group] = {"c": stamp, "v": values}
    record = {
        "t": spec.name,
        "id": row["id"],
        "o": row["origin_node"],
        "u": row["updated_by"] or "",
        "x": {name: row[name] for name in spec.extras},
        "g": groups,
        "d": row["deleted_hlc"],
    }
    return record, content
