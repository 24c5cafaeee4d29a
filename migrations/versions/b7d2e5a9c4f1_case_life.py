"""the life of a case: satisfaction at closing, referrals, organizations, merged clients (issue 19)

* ``cases.satisfaction``: the citizen's satisfaction recorded when a case closes, for every case
  (a code of the ``satisfaction`` reference list: ``1`` to ``5`` on the ALAC scale, or
  ``unreachable``). Until now only a corruption case had one (``corruption_details
  .satisfaction``, 1 to 5); the upgrade copies it over as its code, so the figures keep what was
  recorded. Every node runs the same upgrade, so no stamp is made: the copies agree.
* ``clients.kind`` (``person``, ``organization``, ``initiative``), with an organization's
  ``registration``, ``contact_person`` and ``members``; existing clients are people.
* ``clients.merged_into``: a client merged into another by a manager is a tombstone pointing to
  the one kept.
* ``cases.transfer_to`` / ``transfer_reason``: a center's request that HQ transfer one of its
  cases to another center, with the reason; ``case_transfers.reason``: the reason HQ gave (it
  travels in the bundle's transfers part).
* ``referrals``: a case referred to an advocate, a state body or another organization, and the
  follow-up of the answer (synchronized, one row per referral).
* ``consultation_figures`` is made again with the case's satisfaction (text, was the corruption
  details' number) and the client's kind, and its triggers with them; the statistics' covering
  indexes of cases and clients hold the two new columns.

Revision ID: b7d2e5a9c4f1
Revises: f4c1a9d27b3e
Create Date: 2026-12-06 05:40:00.000000
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "b7d2e5a9c4f1"
down_revision = "f4c1a9d27b3e"
branch_labels = None
depends_on = None

TABLE = "consultation_figures"
LIVE = "deleted_hlc IS NULL"


def _key(column: str) -> str:
    """A UUID's 16 bytes (its text if it is not one: never NULL)."""
    return f"coalesce(unhex(replace({column}, '-', '')), CAST({column} AS BLOB))"


#: The rows of the figures table (store/consultation_figures.py SELECT holds the same text).
SELECT = (
    f"SELECT co.held_on, {_key('co.id')}, ca.client_id, co.lawyer, co.mode, "
    "co.minutes, ca.owner_node, ca.legal_area, ca.outcome, ca.campaign_id, "
    "cd.id IS NOT NULL, cd.sector, cd.conduct, cd.institution, ca.satisfaction, "
    "cl.gender, cl.birth_year, cl.region, cl.displacement, cl.disability, cl.referral_source, "
    "cl.kind, ca.grant_code "
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


#: (name, event, body): the triggers of revision e6b2c4d8f0a1, over the new columns.
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

_CASE = [
    "owner_node",
    "legal_area",
    "outcome",
    "assigned_lawyer",
    "campaign_id",
    "satisfaction",
    "grant_code",
]
_CLIENT = ["gender", "birth_year", "region", "displacement", "disability", "node_code", "kind"]
_OLD_CASE = _CASE[:-2]
_OLD_CLIENT = _CLIENT[:-1]


def _indexes(
    case: list[str], client: list[str]
) -> tuple[tuple[str, str, list[str], str | None], ...]:
    """The statistics' covering indexes of cases and clients (revision 5e8d1f3a7c20)."""
    return (
        (
            "ix_cases_stats",
            "cases",
            ["id", "client_id", *case, "opened_on", "closed_on", "deleted_hlc"],
            None,
        ),
        (
            "ix_cases_live_stats_opened",
            "cases",
            ["opened_on", "closed_on", "client_id", *case, "id", "deleted_hlc"],
            LIVE,
        ),
        (
            "ix_cases_live_stats_closed",
            "cases",
            ["closed_on", "client_id", *case, "opened_on", "id", "deleted_hlc"],
            f"{LIVE} AND closed_on IS NOT NULL",
        ),
        (
            "ix_clients_stats",
            "clients",
            ["id", *client, "created_at", "referral_source", "deleted_hlc"],
            None,
        ),
        (
            "ix_clients_live_stats_created",
            "clients",
            ["created_at", "id", *client, "referral_source", "deleted_hlc"],
            LIVE,
        ),
    )


def _figures_table(satisfaction: sa.types.TypeEngine[object], kind: bool) -> None:
    columns = [
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
        sa.Column("satisfaction", satisfaction, nullable=True),
        sa.Column("gender", sa.String(length=16), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=8), nullable=True),
        sa.Column("displacement", sa.String(length=24), nullable=True),
        sa.Column("disability", sa.String(length=16), nullable=True),
        sa.Column("referral_source", sa.String(length=200), nullable=True),
    ]
    if kind:
        columns.append(sa.Column("client_kind", sa.String(length=16), nullable=True))
        columns.append(sa.Column("grant_code", sa.String(length=64), nullable=True))
    op.create_table(
        TABLE, *columns, sa.PrimaryKeyConstraint("held_on", "id"), sqlite_with_rowid=False
    )


def _drop_figures() -> None:
    for name, _event, _body in reversed(TRIGGERS):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table(TABLE)


def _replace_indexes(
    old: tuple[tuple[str, str, list[str], str | None], ...],
    new: tuple[tuple[str, str, list[str], str | None], ...],
) -> None:
    for name, table, _columns, _condition in old:
        op.drop_index(name, table_name=table)
    for name, table, columns, condition in new:
        where = {"sqlite_where": sa.text(condition)} if condition else {}
        op.create_index(name, table, columns, unique=False, **where)


def upgrade() -> None:
    with op.batch_alter_table("cases", recreate="never") as batch:
        batch.add_column(sa.Column("satisfaction", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("transfer_to", sa.String(length=16), nullable=True))
        batch.add_column(
            sa.Column("transfer_reason", sa.String(length=500), nullable=False, server_default="")
        )
    with op.batch_alter_table("case_transfers", recreate="never") as batch:
        batch.add_column(
            sa.Column("reason", sa.String(length=500), nullable=False, server_default="")
        )
    op.execute(
        "UPDATE cases SET satisfaction = (SELECT CAST(cd.satisfaction AS TEXT) "
        "FROM corruption_details cd WHERE cd.case_id = cases.id "
        "AND cd.satisfaction BETWEEN 1 AND 5) "
        "WHERE satisfaction IS NULL"
    )
    with op.batch_alter_table("clients", recreate="never") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="person")
        )
        batch.add_column(
            sa.Column("registration", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("contact_person", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("members", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("merged_into", sa.String(length=36), nullable=True))
    op.create_table(
        "referrals",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("referred_on", sa.String(length=10), nullable=False),
        sa.Column("body", sa.String(length=32), nullable=False),
        sa.Column("to_whom", sa.String(length=300), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answered_on", sa.String(length=10), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("result", sa.String(length=32), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("origin_node", sa.String(length=16), nullable=False),
        sa.Column("clocks", sa.JSON(), nullable=False),
        sa.Column("hlc", sa.String(length=40), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("deleted_hlc", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_referrals_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index("ix_referrals_case", "referrals", ["case_id", "referred_on"])
    op.create_index(op.f("ix_referrals_hlc"), "referrals", ["hlc"])
    _drop_figures()
    _figures_table(sa.String(length=16), kind=True)
    op.execute(f"INSERT INTO {TABLE} {SELECT}")
    for name, event, body in TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")
    _replace_indexes(_indexes(_OLD_CASE, _OLD_CLIENT), _indexes(_CASE, _CLIENT))


def _revision_e6b2() -> Any:
    """Revision e6b2c4d8f0a1's module: its figures ``SELECT`` and triggers, for the downgrade."""
    path = Path(__file__).with_name("e6b2c4d8f0a1_consultation_figures.py")
    spec = importlib.util.spec_from_file_location("_revision_e6b2c4d8f0a1", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    _replace_indexes(_indexes(_CASE, _CLIENT), _indexes(_OLD_CASE, _OLD_CLIENT))
    _drop_figures()
    op.drop_table("referrals")
    for column in ("merged_into", "members", "contact_person", "registration", "kind"):
        op.execute(f"ALTER TABLE clients DROP COLUMN {column}")
    op.execute("ALTER TABLE cases DROP COLUMN satisfaction")
    op.execute("ALTER TABLE cases DROP COLUMN transfer_to")
    op.execute("ALTER TABLE cases DROP COLUMN transfer_reason")
    op.execute("ALTER TABLE case_transfers DROP COLUMN reason")
    before = _revision_e6b2()
    _figures_table(sa.Integer(), kind=False)
    op.execute(f"INSERT INTO {TABLE} {before.SELECT}")
    for name, event, body in before.TRIGGERS:
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")
