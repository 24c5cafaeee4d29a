"""Sync bookkeeping tables (DESIGN.md §6): channels, bundle history, conflicts, quarantine.

None of these tables is synchronized itself; each node keeps its own:

- ``sync_channels``: one row per peer: the sequence numbers and hash chain of both directions
  and the highest of our bundles the peer acknowledged.
- ``sync_bundles``: every bundle exported or imported (or rejected after it authenticated),
  with what the merge needs to decide whether two edits were concurrent.
- ``conflict_log``: concurrent edits of one field group (or an edit concurrent with a delete):
  both values, the deterministic winner, and the manager's resolution.
- ``quarantine``: records that were set aside instead of applied (a clock far in the future, an
  edit made by a center before its case was transferred away), kept for a person to look at.
- ``case_transfers``: explicit moves of a case from one node to another, decided at HQ.
- ``audit_anchors``: one row per peer: the head of the peer's audit log last accepted here, the
  head of our log the peer acknowledged, and how many anchor alerts the peer raised
  (``sync/audit_anchor.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from legalaid_desktop.store.models.base import Base


class SyncChannel(Base):
    """The state of the two channels between this node and one peer."""

    __tablename__ = "sync_channels"

    peer: Mapped[str] = mapped_column(String(16), primary_key=True)
    out_seq: Mapped[int] = mapped_column(Integer, default=0)
    out_last_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    out_acked_seq: Mapped[int] = mapped_column(Integer, default=0)
    in_seq: Mapped[int] = mapped_column(Integer, default=0)
    in_last_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    last_export_at: Mapped[str | None] = mapped_column(String(32), default=None)
    last_import_at: Mapped[str | None] = mapped_column(String(32), default=None)


class SyncBundle(Base):
    """One bundle exported to or imported from a peer."""

    __tablename__ = "sync_bundles"
    __table_args__ = (Index("ix_sync_bundles_peer_direction_seq", "peer", "direction", "seq"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    peer: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)
    bundle_hash: Mapped[str] = mapped_column(String(64), index=True)
    created: Mapped[str] = mapped_column(String(32))
    processed_at: Mapped[str] = mapped_column(String(32))
    max_change_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    max_hlc: Mapped[str | None] = mapped_column(String(40), default=None)
    peer_import_hlc: Mapped[str | None] = mapped_column(String(40), default=None)
    import_hlc: Mapped[str | None] = mapped_column(String(40), default=None)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16))  # exported | acknowledged | imported | rejected
    detail: Mapped[str] = mapped_column(Text, default="")


class ConflictEntry(Base):
    """Two concurrent edits of one field group, or an edit concurrent with a delete."""

    __tablename__ = "conflict_log"
    __table_args__ = (Index("ix_conflict_log_table_name_row_id", "table_name", "row_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[str] = mapped_column(String(36))
    field_group: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # edit_edit | edit_delete | removed
    local_value: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    remote_value: Mapped[Any] = mapped_column(JSON, nullable=True, default=None)
    local_hlc: Mapped[str | None] = mapped_column(String(40), default=None)
    remote_hlc: Mapped[str | None] = mapped_column(String(40), default=None)
    winner: Mapped[str] = mapped_column(String(8))  # local | remote
    peer: Mapped[str] = mapped_column(String(16))
    detected_at: Mapped[str] = mapped_column(String(32))
    resolved_at: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64), default=None)
    resolution: Mapped[str | None] = mapped_column(String(8), default=None)


class QuarantineEntry(Base):
    """An incoming record set aside instead of applied."""

    __tablename__ = "quarantine"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    peer: Mapped[str] = mapped_column(String(16))
    bundle_hash: Mapped[str] = mapped_column(String(64))
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[str] = mapped_column(String(32))


class CaseTransfer(Base):
    """A case moved from one node to another by HQ (the only way ownership changes)."""

    __tablename__ = "case_transfers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    number: Mapped[str] = mapped_column(String(24))
    from_node: Mapped[str] = mapped_column(String(16))
    to_node: Mapped[str] = mapped_column(String(16))
    hlc: Mapped[str] = mapped_column(String(40))
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    """Why HQ moved the case (given at HQ, sent with the transfer)."""


class AuditAnchorState(Base):
    """The audit heads exchanged with one peer (counts and hashes only, no event content)."""

    __tablename__ = "audit_anchors"

    peer: Mapped[str] = mapped_column(String(16), primary_key=True)
    peer_count: Mapped[int] = mapped_column(Integer, default=0)
    peer_head: Mapped[str] = mapped_column(String(64))
    peer_seen_at: Mapped[str | None] = mapped_column(String(32), default=None)
    acked_count: Mapped[int] = mapped_column(Integer, default=0)
    acked_head: Mapped[str] = mapped_column(String(64))
    alerts: Mapped[int] = mapped_column(Integer, default=0)
    last_alert_at: Mapped[str | None] = mapped_column(String(32), default=None)
