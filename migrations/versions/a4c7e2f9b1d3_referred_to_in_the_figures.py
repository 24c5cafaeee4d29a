"""where a case was referred, for the statistics (issue 19: the "referred to" dimension)

* ``consultation_figures.referred_to``: the body (a ``referral_bodies`` code) of the first live
  referral of the consultation's case (the earliest ``referred_on``, then the smallest id), or
  NULL when the case was not referred; so that the figures over consultations break down by it
  as by any other value of the case, without a lookup per consultation.
* ``ix_referrals_live_first``: the live referrals by case in that order, holding the body, so
  that a case's first referral is one covering probe (the case measures read it per case, the
  triggers per case written).
* The figures' triggers are made again over the new ``SELECT``, and three more keep the column
  right when a referral is added, changed (its case, day, body, tombstone) or deleted.

The column is added in place (not the table made again): only the consultations of referred
cases get a value, so the upgrade rewrites those rows and no others.

Revision ID: a4c7e2f9b1d3
Revises: b7d2e5a9c4f1
Create Date: 2026-12-07 09:00:00.000000
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "a4c7e2f9b1d3"
down_revision = "b7d2e5a9c4f1"
branch_labels = None
depends_on = None

TABLE = "consultation_figures"
INDEX = "ix_referrals_live_first"


def _key(column: str) -> str:
    """A UUID's 16 bytes (its text if it is not one: never NULL)."""
    return f"coalesce(unhex(replace({column}, '-', '')), CAST({column} AS BLOB))"


#: The body of a case's first live referral (``ca`` in scope), or NULL.
FIRST_REFERRAL = (
    "(SELECT r.body FROM referrals r WHERE r.case_id = ca.id AND r.deleted_hlc IS NULL "
    "ORDER BY r.referred_on, r.id LIMIT 1)"
)

#: The rows of the figures table (store/consultation_figures.py SELECT holds the same text).
SELECT = (
    f"SELECT co.held_on, {_key('co.id')}, ca.client_id, co.lawyer, co.mode, "
    "co.minutes, ca.owner_node, ca.legal_area, ca.outcome, ca.campaign_id, "
    "cd.id IS NOT NULL, cd.sector, cd.conduct, cd.institution, ca.satisfaction, "
    "cl.gender, cl.birth_year, cl.region, cl.displacement, cl.disability, cl.referral_source, "
    f"cl.kind, ca.grant_code, {FIRST_REFERRAL} "
    "FROM consultations co "
    "JOIN cases ca ON ca.id = co.case_id AND ca.deleted_hlc IS NULL "
    "JOIN clients cl ON cl.id = ca.client_id AND cl.deleted_hlc IS NULL "
    "LEFT JOIN corruption_details cd ON cd.case_id = ca.id AND cd.deleted_hlc IS NULL "
    "WHERE co.deleted_hlc IS NULL"
)

_OF_CONSULTATION = "id, case_id, held_on, lawyer, mode, minutes, deleted_hlc"
_OF_CASE = (
    "id, client_id, owner_node, legal_area, outcome, campaign_id, satisfaction, grant_code, "
    "deleted_hlc"
)
_OF_CORRUPTION = "id, case_id, sector, conduct, institution, deleted_hlc"
_OF_CLIENT = (
    "id, gender, birth_year, region, displacement, disability, referral_source, kind, deleted_hlc"
)
_OF_REFERRAL = "id, case_id, referred_on, body, deleted_hlc"


def _delete_consultation(prefix: str) -> str:
    return f"DELETE FROM {TABLE} WHERE held_on = {prefix}.held_on AND id = {_key(prefix + '.id')};"


def _delete_of_case(case: str) -> str:
    return (
        f"DELETE FROM {TABLE} WHERE (held_on, id) IN "
        f"(SELECT held_on, {_key('id')} FROM consultations WHERE case_id = {case});"
    )


def _delete_of_client(client: str) -> str:
    return (
        f"DELETE FROM {TABLE} WHERE (held_on, id) IN "
        f"(SELECT c.held_on, {_key('c.id')} FROM consultations c JOIN cases k "
        f"ON k.id = c.case_id WHERE k.client_id = {client});"
    )


def _insert(where: str) -> str:
    return f"INSERT INTO {TABLE} {SELECT} AND {where};"


def _again(case: str) -> str:
    """The rows of case ``case`` made again."""
    return _delete_of_case(case) + _insert(f"co.case_id = {case}")


#: (name, event, body): revision b7d2e5a9c4f1's triggers over the new SELECT, and the referrals'.
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
        _again("NEW.id"),
    ),
    (
        "consultation_figures_case_update",
        f"AFTER UPDATE OF {_OF_CASE} ON cases",
        _delete_of_case("OLD.id") + _again("NEW.id"),
    ),
    (
        "consultation_figures_case_delete",
        "AFTER DELETE ON cases",
        _delete_of_case("OLD.id"),
    ),
    (
        "consultation_figures_corruption_insert",
        "AFTER INSERT ON corruption_details",
        _again("NEW.case_id"),
    ),
    (
        "consultation_figures_corruption_update",
        f"AFTER UPDATE OF {_OF_CORRUPTION} ON corruption_details",
        _again("OLD.case_id") + _again("NEW.case_id"),
    ),
    (
        "consultation_figures_corruption_delete",
        "AFTER DELETE ON corruption_details",
        _again("OLD.case_id"),
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
    (
        "consultation_figures_referral_insert",
        "AFTER INSERT ON referrals",
        _again("NEW.case_id"),
    ),
    (
        "consultation_figures_referral_update",
        f"AFTER UPDATE OF {_OF_REFERRAL} ON referrals",
        _again("OLD.case_id") + _again("NEW.case_id"),
    ),
    (
        "consultation_figures_referral_delete",
        "AFTER DELETE ON referrals",
        _again("OLD.case_id"),
    ),
)

_INDEX_COLUMNS = ["case_id", "referred_on", "id", "body", "deleted_hlc"]


def _revision_b7d2() -> Any:
    """Revision b7d2e5a9c4f1's module: its figures ``SELECT`` and triggers, for the downgrade."""
    path = Path(__file__).with_name("b7d2e5a9c4f1_case_life.py")
    spec = importlib.util.spec_from_file_location("_revision_b7d2e5a9c4f1", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    before = _revision_b7d2()
    for name, _event, _body in reversed(before.TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.create_index(
        INDEX,
        "referrals",
        _INDEX_COLUMNS,
        unique=False,
        sqlite_where=sa.text("deleted_hlc IS NULL"),
    )
    op.execute(f"ALTER TABLE {TABLE} ADD COLUMN referred_to VARCHAR(32)")
    # only the consultations of a referred case have a value: make those rows again
    referred = "(SELECT case_id FROM referrals WHERE deleted_hlc IS NULL)"
    op.execute(
        f"DELETE FROM {TABLE} WHERE (held_on, id) IN (SELECT held_on, {_key('id')} "
        f"FROM consultations WHERE case_id IN {referred})"
    )
    op.execute(f"INSERT INTO {TABLE} {SELECT} AND co.case_id IN {referred}")
    for name, event, body in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")


def downgrade() -> None:
    for name, _event, _body in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN referred_to")
    op.drop_index(INDEX, table_name="referrals")
    before = _revision_b7d2()
    for name, event, body in before.TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")
