"""consultation figures: the consultations as the statistics count them, kept by triggers (issue 18)

A figure over consultations (consultations, minutes, clients served) read each consultation of
its period and looked its case and client up by id: 1 to 9 s per figure at HQ scale, against a
target of 300 ms (docs/statistics.md "Speed"). This revision adds ``consultation_figures``
(store/models/figures.py ``ConsultationFigure``): one row per live consultation of a live case of
a live client, with the consultation's, the case's, its corruption details' and the client's
dimension values, ordered by the day (``WITHOUT ROWID``, primary key ``(held_on, id)``), so that a
period is one contiguous range and needs no lookup. The consultation's id, which only orders
and identifies the row, is kept as its 16 bytes, not its 36 characters.

The table is derived. Triggers on ``consultations``, ``cases``, ``corruption_details`` and
``clients`` keep it equal to :data:`SELECT` after every insert, update of a column it reads,
and delete, whoever writes (the services, a bundle's merge, an import): each trigger deletes the
rows of what changed and inserts them again from :data:`SELECT`. The upgrade fills it from the
existing rows. A trigger finds the rows of a case or a client through the consultations'
index by case (``(held_on, id) IN (...)`` is a primary-key search), so the table needs no index
of its own.

It also adds ``ix_consents_stats``: the consent rule of the anonymized figures read every
consent row (0.7 s at 100,000 clients); the index holds the columns it reads.

Nothing else changes; the downgrade drops the triggers, the index and the table.

Revision ID: e6b2c4d8f0a1
Revises: d3a7f1c9e2b4
Create Date: 2026-12-06 01:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e6b2c4d8f0a1"
down_revision = "d3a7f1c9e2b4"
branch_labels = None
depends_on = None

TABLE = "consultation_figures"


def _key(column: str) -> str:
    """A UUID's 16 bytes (its text if it is not one: never NULL): 20 bytes less per id."""
    return f"coalesce(unhex(replace({column}, '-', '')), CAST({column} AS BLOB))"


#: The rows of the table: every live consultation of a live case of a live client. A trigger
#: adds ``AND`` a condition on what changed.
SELECT = (
    f"SELECT co.held_on, {_key('co.id')}, ca.client_id, co.lawyer, co.mode, "
    "co.minutes, ca.owner_node, ca.legal_area, ca.outcome, ca.campaign_id, "
    "cd.id IS NOT NULL, cd.sector, cd.conduct, cd.institution, cd.satisfaction, "
    "cl.gender, cl.birth_year, cl.region, cl.displacement, cl.disability, cl.referral_source "
    "FROM consultations co "
    "JOIN cases ca ON ca.id = co.case_id AND ca.deleted_hlc IS NULL "
    "JOIN clients cl ON cl.id = ca.client_id AND cl.deleted_hlc IS NULL "
    "LEFT JOIN corruption_details cd ON cd.case_id = ca.id AND cd.deleted_hlc IS NULL "
    "WHERE co.deleted_hlc IS NULL"
)

_OF_CONSULTATION = "id, case_id, held_on, lawyer, mode, minutes, deleted_hlc"
_OF_CASE = "id, client_id, owner_node, legal_area, outcome, campaign_id, deleted_hlc"
_OF_CORRUPTION = "id, case_id, sector, conduct, institution, satisfaction, deleted_hlc"
_OF_CLIENT = (
    "id, gender, birth_year, region, displacement, disability, referral_source, deleted_hlc"
)


def _delete_consultation(prefix: str) -> str:
    return f"DELETE FROM {TABLE} WHERE held_on = {prefix}.held_on AND id = {_key(prefix + '.id')};"


def _delete_of_case(case: str) -> str:
    """Delete the rows of a case's consultations (by the primary key: no scan)."""
    return (
        f"DELETE FROM {TABLE} WHERE (held_on, id) IN "
        f"(SELECT held_on, {_key('id')} FROM consultations WHERE case_id = {case});"
    )


def _delete_of_client(client: str) -> str:
    """Delete the rows of the consultations of a client's cases."""
    return (
        f"DELETE FROM {TABLE} WHERE (held_on, id) IN "
        f"(SELECT c.held_on, {_key('c.id')} FROM consultations c JOIN cases k "
        f"ON k.id = c.case_id WHERE k.client_id = {client});"
    )


def _insert(where: str) -> str:
    return f"INSERT INTO {TABLE} {SELECT} AND {where};"


#: (name, event, body)
TRIGGERS: tuple[tuple[str, str, str], ...] = (
    (
        "consultation_figures_consultation_insert",
        "AFTER INSERT ON consultations",
        _delete_consultation("NEW") + _insert("co.id = NEW.id"),
    ),
    (
        "consultation_figures_consultation_update",
        f"AFTER UPDATE OF {_OF_CONSULTATION} ON consultations",
        _delete_consultation("OLD") + _delete_consultation("NEW") + _insert("co.id = NEW.id"),
    ),
    (
        "consultation_figures_consultation_delete",
        "AFTER DELETE ON consultations",
        _delete_consultation("OLD"),
    ),
    (
        "consultation_figures_case_insert",
        "AFTER INSERT ON cases",
        _delete_of_case("NEW.id") + _insert("co.case_id = NEW.id"),
    ),
    (
        "consultation_figures_case_update",
        f"AFTER UPDATE OF {_OF_CASE} ON cases",
        _delete_of_case("OLD.id") + _delete_of_case("NEW.id") + _insert("co.case_id = NEW.id"),
    ),
    (
        "consultation_figures_case_delete",
        "AFTER DELETE ON cases",
        _delete_of_case("OLD.id"),
    ),
    (
        "consultation_figures_corruption_insert",
        "AFTER INSERT ON corruption_details",
        _delete_of_case("NEW.case_id") + _insert("co.case_id = NEW.case_id"),
    ),
    (
        "consultation_figures_corruption_update",
        f"AFTER UPDATE OF {_OF_CORRUPTION} ON corruption_details",
        _delete_of_case("OLD.case_id")
        + _insert("co.case_id = OLD.case_id")
        + _delete_of_case("NEW.case_id")
        + _insert("co.case_id = NEW.case_id"),
    ),
    (
        "consultation_figures_corruption_delete",
        "AFTER DELETE ON corruption_details",
        _delete_of_case("OLD.case_id") + _insert("co.case_id = OLD.case_id"),
    ),
    (
        "consultation_figures_client_insert",
        "AFTER INSERT ON clients",
        _delete_of_client("NEW.id") + _insert("ca.client_id = NEW.id"),
    ),
    (
        "consultation_figures_client_update",
        f"AFTER UPDATE OF {_OF_CLIENT} ON clients",
        _delete_of_client("OLD.id")
        + _delete_of_client("NEW.id")
        + _insert("ca.client_id = NEW.id"),
    ),
    (
        "consultation_figures_client_delete",
        "AFTER DELETE ON clients",
        _delete_of_client("OLD.id"),
    ),
)

#: The consents as the anonymized statistics read them (who agreed, to what, from when to when):
#: read whole from this index of the live consents, never from the rows.
CONSENTS_INDEX = (
    "ix_consents_stats",
    ["client_id", "given_on", "valid_until", "withdrawn_on", "purposes", "deleted_hlc"],
)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("held_on", sa.String(length=10), nullable=False),
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("lawyer", sa.String(length=64), nullable=True),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("owner_node", sa.String(length=16), nullable=True),
        sa.Column("legal_area", sa.String(length=32), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("campaign_id", sa.String(length=36), nullable=True),
        sa.Column("corruption", sa.Boolean(), nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=True),
        sa.Column("conduct", sa.String(length=32), nullable=True),
        sa.Column("institution", sa.String(length=300), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(length=16), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=8), nullable=True),
        sa.Column("displacement", sa.String(length=24), nullable=True),
        sa.Column("disability", sa.String(length=16), nullable=True),
        sa.Column("referral_source", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("held_on", "id"),
        sqlite_with_rowid=False,
    )
    op.execute(f"INSERT INTO {TABLE} {SELECT}")
    op.create_index(
        CONSENTS_INDEX[0],
        "consents",
        CONSENTS_INDEX[1],
        unique=False,
        sqlite_where=sa.text("deleted_hlc IS NULL"),
    )
    for name, event, body in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")


def downgrade() -> None:
    for name, _event, _body in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER {name}")
    op.drop_index(CONSENTS_INDEX[0], table_name="consents")
    op.drop_table(TABLE)
