"""follow-ups are tasks: a consultation's follow-up can be marked done (when, by whom)

Two nullable columns on ``consultations``, ``follow_up_done_at`` (UTC ISO) and
``follow_up_done_by`` (a user name), in the field group ``follow_up`` with the follow-up date
(they travel in bundles with it). The dashboard's index of a lawyer's follow-ups now leaves the
done ones out. No row is changed: a follow-up closed by a later consultation of its case is
worked out when the agenda is read (docs/intake.md), so the ones that piled up before the upgrade
are closed as well, at every node alike.

Revision ID: b41f7c2e9d05
Revises: 9b1c2d3e4f5a
Create Date: 2026-12-05 12:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b41f7c2e9d05"
down_revision = "9b1c2d3e4f5a"
branch_labels = None
depends_on = None

INDEX = "ix_consultations_live_lawyer_follow_up"
COLUMNS = ["lawyer", "follow_up_on", "case_id"]


def upgrade() -> None:
    op.add_column("consultations", sa.Column("follow_up_done_at", sa.String(32), nullable=True))
    op.add_column("consultations", sa.Column("follow_up_done_by", sa.String(64), nullable=True))
    op.drop_index(INDEX, table_name="consultations")
    op.create_index(
        INDEX,
        "consultations",
        COLUMNS,
        unique=False,
        sqlite_where=sa.text(
            "deleted_hlc IS NULL AND follow_up_on IS NOT NULL AND follow_up_done_at IS NULL"
        ),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="consultations")
    op.create_index(
        INDEX,
        "consultations",
        COLUMNS,
        unique=False,
        sqlite_where=sa.text("deleted_hlc IS NULL AND follow_up_on IS NOT NULL"),
    )
    with op.batch_alter_table("consultations") as batch:
        batch.drop_column("follow_up_done_by")
        batch.drop_column("follow_up_done_at")
