"""sync: channels, bundle history, conflict log, quarantine, case transfers

Tables only this node uses (none of them is synchronized): the state of each peer channel
(``sync_channels``), every bundle exported or imported (``sync_bundles``), concurrent edits for a
manager to review (``conflict_log``), incoming records set aside (``quarantine``) and the
explicit case transfers decided at HQ (``case_transfers``). See store/models/sync.py.

Revision ID: a8cead5e087b
Revises: 50cc90738508
Create Date: 2026-11-23 08:42:53.264646
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a8cead5e087b"
down_revision = "50cc90738508"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_transfers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("from_node", sa.String(length=16), nullable=False),
        sa.Column("to_node", sa.String(length=16), nullable=False),
        sa.Column("hlc", sa.String(length=40), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_transfers")),
    )
    with op.batch_alter_table("case_transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_transfers_case_id"), ["case_id"], unique=False)

    op.create_table(
        "conflict_log",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("table_name", sa.String(length=32), nullable=False),
        sa.Column("row_id", sa.String(length=36), nullable=False),
        sa.Column("field_group", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("local_value", sa.JSON(), nullable=True),
        sa.Column("remote_value", sa.JSON(), nullable=True),
        sa.Column("local_hlc", sa.String(length=40), nullable=True),
        sa.Column("remote_hlc", sa.String(length=40), nullable=True),
        sa.Column("winner", sa.String(length=8), nullable=False),
        sa.Column("peer", sa.String(length=16), nullable=False),
        sa.Column("detected_at", sa.String(length=32), nullable=False),
        sa.Column("resolved_at", sa.String(length=32), nullable=True),
        sa.Column("resolved_by", sa.String(length=64), nullable=True),
        sa.Column("resolution", sa.String(length=8), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_log")),
    )
    with op.batch_alter_table("conflict_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_log_resolved_at"), ["resolved_at"], unique=False
        )
        batch_op.create_index(
            "ix_conflict_log_table_name_row_id", ["table_name", "row_id"], unique=False
        )

    op.create_table(
        "quarantine",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("peer", sa.String(length=16), nullable=False),
        sa.Column("bundle_hash", sa.String(length=64), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quarantine")),
    )
    op.create_table(
        "sync_bundles",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("peer", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("bundle_hash", sa.String(length=64), nullable=False),
        sa.Column("created", sa.String(length=32), nullable=False),
        sa.Column("processed_at", sa.String(length=32), nullable=False),
        sa.Column("max_change_seq", sa.Integer(), nullable=True),
        sa.Column("max_hlc", sa.String(length=40), nullable=True),
        sa.Column("peer_import_hlc", sa.String(length=40), nullable=True),
        sa.Column("import_hlc", sa.String(length=40), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_bundles")),
    )
    with op.batch_alter_table("sync_bundles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_bundles_bundle_hash"), ["bundle_hash"], unique=False
        )
        batch_op.create_index(
            "ix_sync_bundles_peer_direction_seq", ["peer", "direction", "seq"], unique=False
        )

    op.create_table(
        "sync_channels",
        sa.Column("peer", sa.String(length=16), nullable=False),
        sa.Column("out_seq", sa.Integer(), nullable=False),
        sa.Column("out_last_hash", sa.String(length=64), nullable=True),
        sa.Column("out_acked_seq", sa.Integer(), nullable=False),
        sa.Column("in_seq", sa.Integer(), nullable=False),
        sa.Column("in_last_hash", sa.String(length=64), nullable=True),
        sa.Column("last_export_at", sa.String(length=32), nullable=True),
        sa.Column("last_import_at", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("peer", name=op.f("pk_sync_channels")),
    )


def downgrade() -> None:
    op.drop_table("sync_channels")
    with op.batch_alter_table("sync_bundles", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_bundles_peer_direction_seq")
        batch_op.drop_index(batch_op.f("ix_sync_bundles_bundle_hash"))

    op.drop_table("sync_bundles")
    op.drop_table("quarantine")
    with op.batch_alter_table("conflict_log", schema=None) as batch_op:
        batch_op.drop_index("ix_conflict_log_table_name_row_id")
        batch_op.drop_index(batch_op.f("ix_conflict_log_resolved_at"))

    op.drop_table("conflict_log")
    with op.batch_alter_table("case_transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_transfers_case_id"))

    op.drop_table("case_transfers")
