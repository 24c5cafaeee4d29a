"""Tables of the first revision: store metadata, nodes, users and the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from legalaid_desktop.store.models.base import Base, SyncMixin


class Meta(Base):
    """Key/value facts about this store (node code, store id, state counter, audit head)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Node(SyncMixin, Base):
    """A center or headquarters."""

    __tablename__ = "nodes"

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))  # center | hq
    address: Mapped[str] = mapped_column(String(300), default="")
    signing_key: Mapped[str | None] = mapped_column(Text, default=None)
    encryption_key: Mapped[str | None] = mapped_column(Text, default=None)
    enrollment: Mapped[str] = mapped_column(String(16), default="local")


class User(SyncMixin, Base):
    """A person who logs in. Secrets live in the vault, never here."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    node_code: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="az")


class AuditEvent(Base):
    """One hash-chained audit event. ``hash`` covers every other column and ``prev_hash``."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32), index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(48), index=True)
    entity_type: Mapped[str] = mapped_column(String(32), default="")
    entity_id: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
