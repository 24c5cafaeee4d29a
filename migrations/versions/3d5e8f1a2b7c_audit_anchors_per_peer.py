"""audit anchors: the head of each peer's audit log seen here, and ours it acknowledged

One table, ``audit_anchors`` (see store/models/sync.py and sync/audit_anchor.py): per peer, the
count and hash of the last event of its audit log accepted from its bundles, the count and hash of
our own log it acknowledged, and how many anchor alerts it raised. Counts and hashes only; no
event content. Nothing else changes; existing stores start with no anchor (the first bundle after
the upgrade sets it).

Revision ID: 3d5e8f1a2b7c
Revises: 6f73642f1619
Create Date: 2026-12-04 18:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "3d5e8f1a2b7c"
down_revision = "6f73642f1619"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_anchors",
        sa.Column("peer", sa.String(length=16), nullable=False),
        sa.Column("peer_count", sa.Integer(), nullable=False),
        sa.Column("peer_head", sa.String(length=64), nullable=False),
        sa.Column("peer_seen_at", sa.String(length=32), nullable=True),
        sa.Column("acked_count", sa.Integer(), nullable=False),
        sa.Column("acked_head", sa.String(length=64), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
        sa.Column("last_alert_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("peer", name=op.f("pk_audit_anchors")),
    )


def downgrade() -> None:
    op.drop_table("audit_anchors")
