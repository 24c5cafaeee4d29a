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
from legalaid_desktop.store import backups, migrate
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
        # One backup first, named for the revision it keeps, and holding the store as it was.
        [folder] = set(StorePaths(data_dir).backups.glob("*")) - backups_before
        keys = backups.BackupKeys.load(folder / backups.KEY_FILE)
        assert (keys.reason, keys.made_by) == (f"before-upgrade-{first}", ADMIN)
        assert folder.name.endswith(f"-before-upgrade-{first}")
        opener = backups.opener_for_password(folder, ADMIN, ADMIN_PASSWORD)
        conn = backups.connect_backup(folder / "legalaid.db", backups.backup_key(folder, opener))
        try:
            kept = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            names = {r[0] for r in conn.execute("SELECT username FROM users").fetchall()}
        finally:
            conn.close()
        assert kept == [(first,)] and "kamran" in names


def test_an_older_store_gets_client_numbers_in_order_with_its_data(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    """Before client numbers: every client gets one at upgrade, per center, in the order they
    were recorded; the counter goes on from there and nothing else changes."""
    from legalaid_desktop.domain.cases import ClientInput, ConsentInput
    from legalaid_desktop.i18n.dates import today

    made = []
    for name in ("Əliyeva Günel Rauf qızı", "Quliyev Orxan Fuad oğlu", "Həsənova Aygün Tofiq qızı"):
        made.append(
            admin_session.clients.register(
                ClientInput(full_name=name, gender="female", birth_year=1980, region="AZ-GA"),
                ConsentInput(given_on=today(), purposes=("store_process",)),
            ).id
        )
    store = admin_session.ws.store
    with store.engine.execution_options(write=True).begin() as conn:
        from alembic import command

        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        command.downgrade(migrate.alembic_config(conn), "3d5e8f1a2b7c")
        # Recorded in another order than their ids, and one of them held for another center.
        conn.execute(
            text("UPDATE clients SET created_at = :at WHERE id = :id"),
            [
                {"id": made[0], "at": "2026-03-01T09:00:00.000Z"},
                {"id": made[1], "at": "2026-01-01T09:00:00.000Z"},
                {"id": made[2], "at": "2026-02-01T09:00:00.000Z"},
            ],
        )
        conn.execute(text("UPDATE clients SET node_code = 'QBA' WHERE id = :id"), {"id": made[2]})
        columns = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(clients)")]
    assert "number" not in columns
    admin_session.close()

    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)  # opening upgrades to head
    try:
        assert migrate.current_revision(session.ws.store.engine) == migrate.head_revision()
        got = {i: session.clients.get(i) for i in made}
        assert got[made[1]].number == "GNJ-C-00001"  # recorded first at GNJ
        assert got[made[0]].number == "GNJ-C-00002"
        assert got[made[2]].number == "QBA-C-00001"
        assert got[made[0]].full_name == "Əliyeva Günel Rauf qızı"
        assert got[made[1]].consents and got[made[1]].consents[0].purposes == ("store_process",)
        # The next client follows the last number; no number is given twice.
        new = session.clients.register(
            ClientInput(full_name="Babayeva Səbinə", gender="female", region="AZ-GA"),
            ConsentInput(given_on=today(), purposes=("store_process",)),
        )
        assert new.number == "GNJ-C-00003"
        assert session.maintenance.verify().ok
    finally:
        session.close()
