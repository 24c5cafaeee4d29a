"""indexes for the lists and the dashboard at HQ scale

Partial indexes over the live rows (``WHERE deleted_hlc IS NULL``) for the case list (newest
first, with its status / lawyer / legal-area filters), the client list (alphabetical, by region)
and the dashboard's counts and agenda (open cases, this month's new clients, cases,
consultations and closures, a lawyer's open deadlines and follow-ups), so that at HQ scale
(150,000 cases, 500,000 consultations) each is answered from an index instead of a scan of the
encrypted table. ``ix_cases_lawyer_agenda`` and ``ix_cases_agenda`` let the agenda go from a
lawyer to the deadlines of their cases, and from a follow-up to its case, without reading case
rows. The two older case indexes are superseded by the partial ones
(every query on cases that filters by status or lawyer reads live rows only); keeping them would
only lead SQLite's planner (which has no statistics) to the slower plan.

Only indexes are created and dropped (plain ``CREATE INDEX``: no table is rebuilt).

Revision ID: 6f73642f1619
Revises: a8cead5e087b
Create Date: 2026-11-23 11:23:25.843373
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "6f73642f1619"
down_revision = "a8cead5e087b"
branch_labels = None
depends_on = None

LIVE = "deleted_hlc IS NULL"

#: (name, table, columns, extra condition besides LIVE, partial?)
INDEXES: tuple[tuple[str, str, list[str], str, bool], ...] = (
    ("ix_cases_live_opened", "cases", ["opened_on", "number"], "", True),
    ("ix_cases_live_status_opened", "cases", ["status", "opened_on", "number"], "", True),
    (
        "ix_cases_live_lawyer_status",
        "cases",
        ["assigned_lawyer", "status", "opened_on", "number"],
        "",
        True,
    ),
    ("ix_cases_live_area_opened", "cases", ["legal_area", "opened_on", "number"], "", True),
    ("ix_cases_live_closed", "cases", ["closed_on"], "", True),
    ("ix_cases_lawyer_agenda", "cases", ["assigned_lawyer", "id", "number"], "", False),
    ("ix_cases_agenda", "cases", ["id", "status", "number"], "", False),
    ("ix_clients_live_name", "clients", ["name_sort"], "", True),
    ("ix_clients_live_region_name", "clients", ["region", "name_sort"], "", True),
    ("ix_clients_live_created", "clients", ["created_at"], "", True),
    ("ix_consultations_live_held", "consultations", ["held_on"], "", True),
    (
        "ix_consultations_live_lawyer_follow_up",
        "consultations",
        ["lawyer", "follow_up_on", "case_id"],
        "follow_up_on IS NOT NULL",
        True,
    ),
    ("ix_deadlines_live_open_due", "deadlines", ["case_id", "due_on"], "done IS 0", True),
)


def upgrade() -> None:
    op.drop_index("ix_cases_lawyer_status", table_name="cases")
    op.drop_index("ix_cases_status_opened", table_name="cases")
    for name, table, columns, extra, partial in INDEXES:
        condition = f"{LIVE} AND {extra}" if extra else LIVE
        where = {"sqlite_where": sa.text(condition)} if partial else {}
        op.create_index(name, table, columns, unique=False, **where)


def downgrade() -> None:
    for name, table, _columns, _extra, _partial in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.create_index("ix_cases_status_opened", "cases", ["status", "opened_on"], unique=False)
    op.create_index("ix_cases_lawyer_status", "cases", ["assigned_lawyer", "status"], unique=False)
