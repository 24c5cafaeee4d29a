"""Autogenerate an Alembic revision against a scratch encrypted store at the current head.

Usage: python scripts/make_migration.py "what the revision does"
(`make migration MSG="..."` runs this.) Review the generated file before committing it.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from pathlib import Path

from alembic import command

from legalaid_desktop.store.engine import create_store_engine
from legalaid_desktop.store.migrate import alembic_config


def main() -> None:
    message = sys.argv[1] if len(sys.argv) > 1 else "schema change"
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_store_engine(Path(tmp) / "scratch.db", secrets.token_bytes(32))
        with engine.execution_options(write=True).begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        with engine.execution_options(write=True).begin() as conn:
            command.revision(alembic_config(conn), message=message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    main()
