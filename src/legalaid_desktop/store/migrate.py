"""Schema migrations through Alembic, configured in code so they work from an installed package.

Opening a store upgrades it to the newest revision (after an encrypted backup copy, see
:mod:`legalaid_desktop.store.store`). Migrations are never run during a sync import.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from legalaid_desktop.paths import migrations_dir

FTS_TABLES = ("search_index",)


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Leave the FTS5 index (a virtual table and its shadow tables) out of autogenerate.

    It is created by raw SQL in its revision; Alembic cannot describe virtual tables.
    """
    if type_ == "table" and name is not None:
        return not name.startswith(FTS_TABLES)
    return True


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the shipped migrations, bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision the program knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def revisions_in_order() -> list[str]:
    """Every known revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at (``None`` for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def is_known_revision(revision: str) -> bool:
    return revision in revisions_in_order()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the store to ``revision`` in one transaction."""
    with engine.execution_options(write=True).begin() as conn:
        command.upgrade(alembic_config(conn), revision)
