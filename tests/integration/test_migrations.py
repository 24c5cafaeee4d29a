"""Migrations: models and revisions agree, the chain is linear, old stores upgrade intact."""

from __future__ import annotations

import secrets
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from conftest import ADMIN, ADMIN_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.store import migrate
from legalaid_desktop.store.engine import create_store_engine
from legalaid_desktop.store.models import Base
from legalaid_desktop.store.store import StorePaths


def test_models_and_migrations_agree(tmp_path: Path) -> None:
    engine = create_store_engine(tmp_path / "m.db", secrets.token_bytes(32))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": migrate.include_name})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"


def test_the_chain_is_linear() -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1
    for rev in script.walk_revisions():
        assert not isinstance(rev.down_revision, tuple | list), f"{rev.revision} is a merge"
        assert rev.doc, f"{rev.revision} has no description"


def test_store_from_the_first_revision_upgrades_with_its_data(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    revisions = migrate.revisions_in_order()
    first = revisions[0]
    store = admin_session.ws.store
    admin_session.users.add("kamran", "Əhmədov Kamran Rauf oğlu", "lawyer", "Sheki-silk-2026")
    # Take the schema back to the first revision (keeping the data of its tables).
    if len(revisions) > 1:
        with store.engine.execution_options(write=True).begin() as conn:
            from alembic import command

            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
            command.downgrade(migrate.alembic_config(conn), first)
    assert migrate.current_revision(store.engine) == first
    admin_session.close()
    backups_before = (
        set(StorePaths(data_dir).backups.glob("*"))
        if StorePaths(data_dir).backups.exists()
        else set()
    )

    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)  # opening upgrades to head
    assert migrate.current_revision(session.ws.store.engine) == migrate.head_revision()
    users = {u.username: u.full_name for u in session.users.list()}
    assert users["kamran"] == "Əhmədov Kamran Rauf oğlu"
    with session.ws.read() as s:
        assert s.execute(text("SELECT count(*) FROM audit_events")).scalar() >= 3
    assert session.maintenance.verify().ok
    session.close()
    if len(revisions) > 1:
        new_backups = set(StorePaths(data_dir).backups.glob("*")) - backups_before
        assert any(first in p.name for p in new_backups), "no backup before the upgrade"
