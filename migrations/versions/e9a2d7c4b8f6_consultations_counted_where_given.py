"""the node a consultation was given at, for the statistics (issue 19: transferred cases)

* ``consultation_figures.given_at``: the node that wrote the consultation (its
  ``origin_node``). Until now the table held only the case's ``owner_node``, so when HQ
  transferred a case from GNJ to QBA, the consultations GNJ's lawyers had given counted under
  QBA (center dimension and filter), and their lawyer was looked up among QBA's users. The
  figures over consultations (consultations, minutes, clients served) now count each
  consultation where it was given; the case measures keep the case's current center.
* The figures' triggers are made again over the new ``SELECT``, and the consultations' update
  trigger watches ``origin_node`` too.

The table is filled again (every row gets the new column; the same work as revision
``e6b2c4d8f0a1`` did when it made the table).

Revision ID: e9a2d7c4b8f6
Revises: c5e1a7d3b9f2
Create Date: 2026-12-09 09:00:00.000000
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from alembic import op

revision = "e9a2d7c4b8f6"
down_revision = "c5e1a7d3b9f2"
branch_labels = None
depends_on = None

TABLE = "consultation_figures"


def _revision_a4c7() -> Any:
    """Revision a4c7e2f9b1d3's module: the figures' ``SELECT`` and triggers before this one."""
    path = Path(__file__).with_name("a4c7e2f9b1d3_referred_to_in_the_figures.py")
    spec = importlib.util.spec_from_file_location("_revision_a4c7e2f9b1d3", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_BEFORE = _revision_a4c7()

#: The rows of the figures table (store/consultation_figures.py SELECT holds the same text): the
#: columns before, then where the consultation was given.
SELECT = _BEFORE.SELECT.replace(
    f"{_BEFORE.FIRST_REFERRAL} FROM consultations co ",
    f"{_BEFORE.FIRST_REFERRAL}, co.origin_node FROM consultations co ",
)
assert SELECT != _BEFORE.SELECT

#: The consultations' columns their update trigger watches: those before, and ``origin_node``.
_OF_CONSULTATION = _BEFORE._OF_CONSULTATION.replace("deleted_hlc", "origin_node, deleted_hlc")


def _now(event: str, body: str) -> tuple[str, str]:
    """A trigger of revision a4c7e2f9b1d3 over this revision's ``SELECT``."""
    assert _BEFORE.SELECT in body or "INSERT" not in body
    return (
        event.replace(_BEFORE._OF_CONSULTATION, _OF_CONSULTATION),
        body.replace(_BEFORE.SELECT, SELECT),
    )


#: (name, event, body): revision a4c7e2f9b1d3's triggers, each over the new ``SELECT``.
TRIGGERS: tuple[tuple[str, str, str], ...] = tuple(
    (name, *_now(event, body)) for name, event, body in _BEFORE.TRIGGERS
)


def _make(triggers: tuple[tuple[str, str, str], ...]) -> None:
    for name, event, body in triggers:
        op.execute(f"CREATE TRIGGER {name} {event} BEGIN {body} END")


def _drop(triggers: tuple[tuple[str, str, str], ...]) -> None:
    for name, _event, _body in reversed(triggers):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    _drop(_BEFORE.TRIGGERS)
    op.execute(f"ALTER TABLE {TABLE} ADD COLUMN given_at VARCHAR(16)")
    op.execute(f"DELETE FROM {TABLE}")
    op.execute(f"INSERT INTO {TABLE} {SELECT}")
    _make(TRIGGERS)


def downgrade() -> None:
    _drop(TRIGGERS)
    op.execute(f"ALTER TABLE {TABLE} DROP COLUMN given_at")
    _make(_BEFORE.TRIGGERS)
