"""Saved report definitions: what a user asks the Reports screen for every month.

Per node and not synchronized (like the sync bookkeeping tables): a definition holds no client
data, only a measure, dimensions, a period and filters (codes), and it belongs to the user who
saved it on this computer (services/report_definitions.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from legalaid_desktop.store.models.base import Base


class ReportDefinition(Base):
    """One saved choice of the Reports screen, under a name unique for its owner."""

    __tablename__ = "report_definitions"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    saved_at: Mapped[str] = mapped_column(String(32))
