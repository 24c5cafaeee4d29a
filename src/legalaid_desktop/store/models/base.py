"""Declarative base, naming conventions and the sync metadata every synchronized table carries.

Sync metadata (DESIGN.md §3, §6):

- ``id``: a UUIDv7 made on the node that created the row; never a shared autoincrement.
- ``origin_node``: code of that node.
- ``clocks``: the hybrid-logical-clock stamp of each field group (JSON object group → stamp),
  the unit of last-writer-wins merging.
- ``hlc``: the newest of those stamps (indexed: "what changed since").
- ``updated_by``: user name of the last writer.
- ``deleted_hlc``: a tombstone; rows are never hard-deleted.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import JSON, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, dict[str, str]: JSON}


class SyncMixin:
    """Columns of every synchronized table."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    origin_node: Mapped[str] = mapped_column(String(16))
    clocks: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    hlc: Mapped[str] = mapped_column(String(40), index=True)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    deleted_hlc: Mapped[str | None] = mapped_column(String(40), default=None)
