"""consent generation: a number the consents' triggers raise, for the anonymized figures (issue 18)

* ``consent_generation``: one row (``id`` 1) holding ``n``, raised by one on every insert,
  update and delete of a row of ``consents`` (three triggers), whoever writes it: a lawyer's
  screen, a bundle's merge, an import, raw SQL. The statistics keep the selection of the clients
  whose consent covers anonymized statistics for as long as ``n`` stays the same, instead of
  selecting them again for every figure (about 100 ms at HQ scale, docs/statistics.md "Speed").

Revision ID: b5d8e1f4a7c3
Revises: e9a2d7c4b8f6
Create Date: 2026-12-10 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "b5d8e1f4a7c3"
down_revision = "e9a2d7c4b8f6"
branch_labels = None
depends_on = None

TABLE = "consent_generation"

#: (name, event): the triggers that raise the number (their body is the same).
TRIGGERS: tuple[tuple[str, str], ...] = (
    ("consent_generation_insert", "AFTER INSERT ON consents"),
    ("consent_generation_update", "AFTER UPDATE ON consents"),
    ("consent_generation_delete", "AFTER DELETE ON consents"),
)
BODY = f"UPDATE {TABLE} SET n = n + 1 WHERE id = 1;"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_generation")),
    )
    op.execute(f"INSERT INTO {TABLE} (id, n) VALUES (1, 0)")
    for name, event in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {BODY} END")


def downgrade() -> None:
    for name, _event in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table(TABLE)
