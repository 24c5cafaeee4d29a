"""search index rebuilt: names as they are written (issue 17)

No schema change. What the search index holds for a name changed: titles and honorifics are left
out, a hyphenated name is also indexed whole (Бюль-Бюль as bulbul), the phonetic key drops the y
of English spellings through Russian after g or k (Gyunel = Günel), and the name signature keeps
the surname as written, so the conflict check can tell surnames that only sound alike
(Гасымов, Həşimov) from spellings of one surname. Entries written before would not match the
new keys, so the whole index is rebuilt from the tables (search/index.py ``rebuild``).

Revision ID: 9b4e2c7d1a05
Revises: 9c4d2e7f1a3b
Create Date: 2026-12-05 12:40:00.000000
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.orm import Session

revision = "9b4e2c7d1a05"
down_revision = "9c4d2e7f1a3b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from legalaid_desktop.search.index import rebuild  # the code of this version

    rebuild(Session(bind=op.get_bind()))


def downgrade() -> None:
    # The schema is unchanged. Older code cannot read the new name signatures (one more
    # field): after going back, rebuild the index with that code (search/index.py rebuild).
    pass
