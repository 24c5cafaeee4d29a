"""client numbers: a readable number per client (GNJ-C-00042), made at the client's center

Adds ``clients.number`` (unique index) and the ``client_counters`` table (the last number given
per center; numbers are never reused). Existing clients are numbered per center in the order
they were recorded (``created_at``, then id, deleted rows included so that every node holding the
same clients gives them the same numbers), and each center's counter starts after its last one.

Revision ID: 9b1c2d3e4f5a
Revises: 3d5e8f1a2b7c
Create Date: 2026-12-05 12:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9b1c2d3e4f5a"
down_revision = "3d5e8f1a2b7c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_counters",
        sa.Column("node_code", sa.String(length=16), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("node_code", name=op.f("pk_client_counters")),
    )
    # SQLite adds a NOT NULL column only with a default; every row gets its number below.
    op.add_column(
        "clients",
        sa.Column("number", sa.String(length=32), nullable=False, server_default=""),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, node_code FROM clients ORDER BY node_code, created_at, id")
    ).all()
    last: dict[str, int] = {}
    numbered = []
    for row_id, node in rows:
        last[node] = last.get(node, 0) + 1
        numbered.append({"id": row_id, "number": f"{node}-C-{last[node]:05d}"})
    if numbered:
        bind.execute(sa.text("UPDATE clients SET number = :number WHERE id = :id"), numbered)
    if last:
        bind.execute(
            sa.text("INSERT INTO client_counters (node_code, last_seq) VALUES (:node, :seq)"),
            [{"node": node, "seq": seq} for node, seq in last.items()],
        )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clients_number"), ["number"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clients_number"))
    op.execute("ALTER TABLE clients DROP COLUMN number")
    op.drop_table("client_counters")
