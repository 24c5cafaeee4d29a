"""conflict decisions: the lawyer's decision on a strong or exact conflict-of-interest match

One synchronized table, ``conflict_decisions`` (see store/models/cases.py ``ConflictDecision`` and
services/conflict_decisions.py): *no conflict*, *waived* (with a reason) or *declined*, who
decided and when, linked to the client saved or to the case and party, and to the matched
record. Nothing else changes; existing stores start with no decisions.

Revision ID: 9c4d2e7f1a3b
Revises: b41f7c2e9d05
Create Date: 2026-12-05 12:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9c4d2e7f1a3b"
down_revision = "b41f7c2e9d05"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conflict_decisions",
        sa.Column("client_id", sa.String(length=36), nullable=True),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("party_id", sa.String(length=36), nullable=True),
        sa.Column("matched_kind", sa.String(length=16), nullable=False),
        sa.Column("matched_id", sa.String(length=36), nullable=False),
        sa.Column("matched_level", sa.String(length=16), nullable=False),
        sa.Column("matched_score", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("origin_node", sa.String(length=16), nullable=False),
        sa.Column("clocks", sa.JSON(), nullable=False),
        sa.Column("hlc", sa.String(length=40), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_hlc", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_conflict_decisions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_conflict_decisions_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_decisions")),
    )
    with op.batch_alter_table("conflict_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflict_decisions_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_conflict_decisions_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_conflict_decisions_hlc"), ["hlc"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conflict_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_decisions_hlc"))
        batch_op.drop_index(batch_op.f("ix_conflict_decisions_client_id"))
        batch_op.drop_index(batch_op.f("ix_conflict_decisions_case_id"))
    op.drop_table("conflict_decisions")
