"""user roster: the people of every node by (node, user name), synchronized (issue 19)

One synchronized table, ``user_roster`` (store/models/roster.py ``RosterEntry``): a person's
node, user name, full name, role and whether the account is active — never password material,
a key slot or a KDF parameter, which stay in the vault. The table starts empty: each node
writes its own users' entries from its ``users`` table when it next makes a bundle
(services/roster.py), and the entries of the other nodes arrive in bundles.

Revision ID: c5e1a7d3b9f2
Revises: a4c7e2f9b1d3
Create Date: 2026-12-08 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c5e1a7d3b9f2"
down_revision = "a4c7e2f9b1d3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_roster",
        sa.Column("node_code", sa.String(length=16), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("origin_node", sa.String(length=16), nullable=False),
        sa.Column("clocks", sa.JSON(), nullable=False),
        sa.Column("hlc", sa.String(length=40), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_hlc", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_roster")),
        sa.UniqueConstraint(
            "node_code", "username", name=op.f("uq_user_roster_node_code_username")
        ),
    )
    op.create_index(op.f("ix_user_roster_hlc"), "user_roster", ["hlc"])


def downgrade() -> None:
    op.drop_table("user_roster")
