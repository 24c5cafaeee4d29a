"""report definitions: the Reports screen's saved choices (issue 18)

One table, ``report_definitions`` (store/models/reports.py ``ReportDefinition``,
services/report_definitions.py): a user's saved measure, dimensions, period (fixed or relative,
e.g. the last complete month) and filters under a name. Kept per node and not synchronized; it
holds codes only, no client data. Existing stores start with none.

Revision ID: d3a7f1c9e2b4
Revises: 5e8d1f3a7c20
Create Date: 2026-12-05 16:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "d3a7f1c9e2b4"
down_revision = "5e8d1f3a7c20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_definitions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_definitions")),
        sa.UniqueConstraint("owner", "name", name=op.f("uq_report_definitions_owner_name")),
    )


def downgrade() -> None:
    op.drop_table("report_definitions")
