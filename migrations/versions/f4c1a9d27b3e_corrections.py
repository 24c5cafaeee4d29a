"""corrections: the history of every field corrected after it was entered (issue 19)

One synchronized table, ``corrections`` (store/models/cases.py ``Correction``,
services/corrections.py): a corrected field of a client, case, corruption details,
consultation, party or deadline, with the value before and after, who and when. Existing stores
start with an empty history: what was changed before this revision was not kept.

Revision ID: f4c1a9d27b3e
Revises: e6b2c4d8f0a1
Create Date: 2026-12-06 05:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f4c1a9d27b3e"
down_revision = "e6b2c4d8f0a1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("client_id", sa.String(length=36), nullable=True),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("record_kind", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.String(length=32), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("origin_node", sa.String(length=16), nullable=False),
        sa.Column("clocks", sa.JSON(), nullable=False),
        sa.Column("hlc", sa.String(length=40), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_hlc", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_corrections_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_corrections_client_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    op.create_index("ix_corrections_case", "corrections", ["case_id", "changed_at"])
    op.create_index("ix_corrections_client", "corrections", ["client_id", "changed_at"])
    op.create_index(op.f("ix_corrections_hlc"), "corrections", ["hlc"])


def downgrade() -> None:
    op.drop_table("corrections")
