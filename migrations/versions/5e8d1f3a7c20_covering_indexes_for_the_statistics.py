"""covering indexes for the statistics at HQ scale (issue 18)

A figure over consultations reads every consultation of the period and looks up its case and
client by id. Without these indexes each of those rows came from the encrypted table rows, which
carry the notes, summaries and addresses (1.7 GB at 100,000 clients against a 32 MB page cache):
seconds to tens of seconds per figure. Each index here holds exactly the columns the statistics
read (services/statistics_sql.py, docs/statistics.md "Speed"), ``deleted_hlc`` included, so that
SQLite answers from the index alone:

* ``ix_consultations_live_stats``: the consultations of a period (held_on first) with their case,
  lawyer, mode, minutes and id;
* ``ix_cases_stats`` and ``ix_clients_stats``: a case's and a client's dimension values by id
  (every row, so that a join on the id can use them whatever the query filters);
* ``ix_cases_live_stats_opened`` / ``_closed``: the cases opened / closed in a period, and the
  open cases at its end;
* ``ix_cases_live_stats_first``: a client's first case (new clients by a case value);
* ``ix_clients_live_stats_created``: the clients registered in a period.

They supersede three single-column indexes of the dashboard (``ix_consultations_live_held``,
``ix_cases_live_closed``, ``ix_clients_live_created``): its counts of this month's consultations,
closures and new clients now come from the covering indexes, which hold ``deleted_hlc`` too and so
need no row at all; those three are dropped.

Only indexes are created and dropped (plain ``CREATE INDEX``: no table is rebuilt, no row
changes).

Revision ID: 5e8d1f3a7c20
Revises: 9b4e2c7d1a05
Create Date: 2026-12-05 16:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "5e8d1f3a7c20"
down_revision = "9b4e2c7d1a05"
branch_labels = None
depends_on = None

LIVE = "deleted_hlc IS NULL"
_CASE = ["owner_node", "legal_area", "outcome", "assigned_lawyer", "campaign_id"]
_CLIENT = ["gender", "birth_year", "region", "displacement", "disability", "node_code"]

#: (name, table, columns, condition or None for every row)
INDEXES: tuple[tuple[str, str, list[str], str | None], ...] = (
    (
        "ix_consultations_live_stats",
        "consultations",
        ["held_on", "case_id", "lawyer", "mode", "minutes", "id", "deleted_hlc"],
        LIVE,
    ),
    (
        "ix_cases_stats",
        "cases",
        ["id", "client_id", *_CASE, "opened_on", "closed_on", "deleted_hlc"],
        None,
    ),
    (
        "ix_cases_live_stats_opened",
        "cases",
        ["opened_on", "closed_on", "client_id", *_CASE, "id", "deleted_hlc"],
        LIVE,
    ),
    (
        "ix_cases_live_stats_closed",
        "cases",
        ["closed_on", "client_id", *_CASE, "opened_on", "id", "deleted_hlc"],
        f"{LIVE} AND closed_on IS NOT NULL",
    ),
    (
        "ix_cases_live_stats_first",
        "cases",
        ["client_id", "opened_on", "number", "id", "deleted_hlc"],
        LIVE,
    ),
    (
        "ix_clients_stats",
        "clients",
        ["id", *_CLIENT, "created_at", "referral_source", "deleted_hlc"],
        None,
    ),
    (
        "ix_clients_live_stats_created",
        "clients",
        ["created_at", "id", *_CLIENT, "referral_source", "deleted_hlc"],
        LIVE,
    ),
)


#: (name, table, column) of the dashboard's indexes the covering ones supersede
SUPERSEDED: tuple[tuple[str, str, str], ...] = (
    ("ix_consultations_live_held", "consultations", "held_on"),
    ("ix_cases_live_closed", "cases", "closed_on"),
    ("ix_clients_live_created", "clients", "created_at"),
)


def upgrade() -> None:
    for name, table, _column in SUPERSEDED:
        op.drop_index(name, table_name=table)
    for name, table, columns, condition in INDEXES:
        where = {"sqlite_where": sa.text(condition)} if condition else {}
        op.create_index(name, table, columns, unique=False, **where)


def downgrade() -> None:
    for name, table, _columns, _condition in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    for name, table, column in SUPERSEDED:
        op.create_index(name, table, [column], unique=False, sqlite_where=sa.text(LIVE))
