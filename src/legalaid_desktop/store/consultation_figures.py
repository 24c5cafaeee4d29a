"""The derived table ``consultation_figures`` (store/models/figures.py): what it must hold, and
its rebuild after a bulk load.

Triggers (revision ``e9a2d7c4b8f6``) keep the table equal to :data:`SELECT` after every write.
A bulk load (the demo generator) drops the secondary indexes of the tables it fills, and with
them the ones the triggers look rows up by, so that each trigger would scan a table: it loads
inside :func:`rebuilt_after` instead, which takes the triggers away for the load and fills the
table once at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

__all__ = ["FIRST_REFERRAL", "SELECT", "TABLE", "differences", "key", "rebuild", "rebuilt_after"]

TABLE = "consultation_figures"


def key(column: str) -> str:
    """SQL for the 16 bytes of the UUID in ``column`` as the table keeps ids (its text if it
    is not a UUID, so never NULL). Byte order is the text's order for lowercase hex."""
    return f"coalesce(unhex(replace({column}, '-', '')), CAST({column} AS BLOB))"


FIRST_REFERRAL = (
    "(SELECT r.body FROM referrals r WHERE r.case_id = ca.id AND r.deleted_hlc IS NULL "
    "ORDER BY r.referred_on, r.id LIMIT 1)"
)
"""The body of a case's first live referral (``ca`` in scope; the earliest day, then the
smallest id, as ``services.referrals.referrals_of`` lists them), or NULL: the ``referred_to``
dimension (revision ``a4c7e2f9b1d3`` holds the same text)."""

SELECT = (
    f"SELECT co.held_on, {key('co.id')}, ca.client_id, co.lawyer, co.mode, "
    "co.minutes, ca.owner_node, ca.legal_area, ca.outcome, ca.campaign_id, "
    "cd.id IS NOT NULL, cd.sector, cd.conduct, cd.institution, ca.satisfaction, "
    "cl.gender, cl.birth_year, cl.region, cl.displacement, cl.disability, cl.referral_source, "
    f"cl.kind, ca.grant_code, {FIRST_REFERRAL}, co.origin_node "
    "FROM consultations co "
    "JOIN cases ca ON ca.id = co.case_id AND ca.deleted_hlc IS NULL "
    "JOIN clients cl ON cl.id = ca.client_id AND cl.deleted_hlc IS NULL "
    "LEFT JOIN corruption_details cd ON cd.case_id = ca.id AND cd.deleted_hlc IS NULL "
    "WHERE co.deleted_hlc IS NULL"
)
"""The table's rows, in its column order: every live consultation of a live case of a live
client, with the values a figure reads, last the node the consultation was given at (revision
``e9a2d7c4b8f6`` holds the same text)."""


@contextmanager
def rebuilt_after(session: Session) -> Iterator[None]:
    """Load rows without the table's triggers, then fill the table from :data:`SELECT`.

    The triggers are dropped and made again from their own ``CREATE TRIGGER`` text in
    ``sqlite_master``, in the caller's transaction: a rollback brings them back as they were.
    """
    conn = session.connection()
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, ?) = ? "
        "ORDER BY name",
        (len(TABLE) + 1, f"{TABLE}_"),
    ).all()
    for name, _sql in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    rebuild(session)
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)


def rebuild(session: Session) -> int:
    """Fill the table again from :data:`SELECT` (in the caller's write transaction); returns
    how many rows it holds."""
    conn = session.connection()
    conn.exec_driver_sql(f"DELETE FROM {TABLE}")
    conn.exec_driver_sql(f"INSERT INTO {TABLE} {SELECT}")
    return int(conn.exec_driver_sql(f"SELECT count(*) FROM {TABLE}").scalar_one())


def differences(session: Session) -> int:
    """How many rows the table and :data:`SELECT` do not share (0 when the table is right):
    for ``db verify`` and the tests."""
    conn = session.connection()
    row = conn.exec_driver_sql(
        f"SELECT (SELECT count(*) FROM (SELECT * FROM {TABLE} EXCEPT {SELECT})) + "
        f"(SELECT count(*) FROM ({SELECT} EXCEPT SELECT * FROM {TABLE}))"
    ).one()
    return int(row[0])
