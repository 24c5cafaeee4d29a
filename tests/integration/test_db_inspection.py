"""`db verify` and `db status` on a real store: what they report, and that they change nothing.

`db verify` is how HQ and a center learn that a store is damaged; `db status` is what an
administrator reads before a revocation or a restore (who still holds a key, how many backups
there are). A report that calls a damaged store sound, or a status that counts the wrong key
holders, goes unnoticed until the day it matters. (Found by mutation testing: only the node
code and the schema revision of `db status` were checked; see docs/testing.md.)
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, func, select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.store import inspection, migrate
from legalaid_desktop.store.engine import connect_raw
from legalaid_desktop.store.inspection import IntegrityReport
from legalaid_desktop.store.models import AuditEvent, Meta
from legalaid_desktop.store.store import StorePaths
from legalaid_desktop.store.vault import Vault

STATUS_KEYS = {
    "data_dir",
    "store_id",
    "node_code",
    "schema_revision",
    "schema_head",
    "state_counter",
    "key_epoch",
    "users_with_keys",
    "key_slots_to_renew",
    "key_rotation_pending",
    "revocations_unfinished",
    "backups",
    "size_bytes",
    "created_at",
}


def _meta(session: app.AppSession) -> dict[str, str]:
    with session.ws.read() as s:
        return {row.key: row.value for row in s.execute(select(Meta)).scalars()}


def test_status_of_a_new_store(admin_session: app.AppSession, data_dir: Path) -> None:
    status = inspection.status(admin_session.ws.store)
    meta = _meta(admin_session)
    on_disk = json.loads(StorePaths(data_dir).vault.read_text("utf-8"))
    assert set(status) == STATUS_KEYS
    assert status["data_dir"] == str(data_dir)
    assert status["store_id"] == meta["store_id"] == on_disk["store_id"]
    assert status["node_code"] == "GNJ"
    assert status["schema_revision"] == status["schema_head"] == migrate.head_revision()
    assert status["state_counter"] == int(meta["state_counter"]) >= 1
    assert status["key_epoch"] == 1
    assert status["users_with_keys"] == [ADMIN]
    assert status["key_slots_to_renew"] == []
    assert status["key_rotation_pending"] is False
    assert status["revocations_unfinished"] == []
    assert status["backups"] == 0
    assert status["created_at"] == meta["created_at"]
    # The database and its write-ahead files, while the store is open: all that holds data.
    files = [p for p in data_dir.glob("legalaid.db*")]
    assert {p.name for p in files} == {"legalaid.db", "legalaid.db-wal", "legalaid.db-shm"}
    assert status["size_bytes"] == sum(p.stat().st_size for p in files)
    json.dumps(status)  # `db status --json` prints it as it is


def test_status_after_a_revocation_and_a_backup(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    admin_session.users.add(LAWYER, "Hüseynova Leyla Əli qızı", "lawyer", LAWYER_PASSWORD)
    admin_session.users.add("rauf", "Quliyev Rauf Elşən oğlu", "lawyer", LAWYER_PASSWORD)
    admin_session.users.revoke(LAWYER)
    admin_session.maintenance.backup()
    status = admin_session.maintenance.status()
    # The revoked lawyer holds no key any more; the others' slots await the new key pair.
    assert status["key_epoch"] == 2 == Vault.load(StorePaths(data_dir).vault).epoch
    assert status["users_with_keys"] == [ADMIN, "rauf"]
    assert status["key_slots_to_renew"] == [ADMIN, "rauf"]
    assert status["key_rotation_pending"] is False
    assert status["revocations_unfinished"] == []
    assert status["backups"] == 1


def test_status_names_an_unfinished_revocation(admin_session: app.AppSession) -> None:
    # What the next open finishes: recorded in the database before the key is changed.
    with admin_session.ws.store.session(write=True) as s:
        row = s.get(Meta, "revocations_pending")
        if row is None:
            s.add(Meta(key="revocations_pending", value=json.dumps([LAWYER])))
        else:
            row.value = json.dumps([LAWYER])
    assert inspection.status(admin_session.ws.store)["revocations_unfinished"] == [LAWYER]


def test_status_still_answers_when_the_state_counter_is_gone(
    admin_session: app.AppSession,
) -> None:
    # `db status` is what one runs on a store that looks wrong: it describes, it does not fail.
    # (Opening refuses a database without its counter; this one lost it while open.)
    with admin_session.ws.store.session(write=True) as s:
        s.execute(delete(Meta).where(Meta.key == "state_counter"))
    status = inspection.status(admin_session.ws.store)
    assert status["state_counter"] == 0 and status["node_code"] == "GNJ"


def test_status_counts_finished_backups_and_touches_no_leftover(
    admin_session: app.AppSession, data_dir: Path
) -> None:
    admin_session.maintenance.backup()
    backups = StorePaths(data_dir).backups
    # A backup that stopped half-way: only a holder of the store's lock may clean it up.
    leftover = backups / ".20260101T000000000000Z-manual.partial"
    leftover.mkdir()
    (leftover / "legalaid.db").write_bytes(b"half")
    status = inspection.status(admin_session.ws.store)
    assert status["backups"] == 1
    assert (leftover / "legalaid.db").read_bytes() == b"half"


def test_verify_of_a_sound_store(store_with_lawyer: Path) -> None:
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        with session.ws.read() as s:
            events = s.scalar(select(func.count()).select_from(AuditEvent))
        report = inspection.verify(session.ws.store)
    finally:
        session.close()
    assert events is not None and events >= 3
    assert report == IntegrityReport((), (), events, ())
    assert report.ok


def _break_an_index(data_dir: Path) -> None:
    """A table whose index no longer matches its rows, in pages whose MACs are all sound: what
    SQLite's own check finds and SQLCipher's cannot."""
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    key = session.ws.store.key
    session.close()
    raw = connect_raw(StorePaths(data_dir).db, key)
    try:
        raw.execute("CREATE TABLE probe (a TEXT, b TEXT)")
        raw.execute("CREATE INDEX probe_b ON probe (b)")
        raw.executemany("INSERT INTO probe VALUES (?, ?)", [(f"a{i}", f"b{i}") for i in range(9)])
        raw.commit()
        raw.execute("PRAGMA writable_schema = ON")
        raw.execute(
            "UPDATE sqlite_master SET sql = 'CREATE INDEX probe_b ON probe (a)' "
            "WHERE name = 'probe_b'"
        )
        raw.commit()
    finally:
        raw.close()


def test_verify_reports_a_broken_structure_and_leaves_the_chain_alone(
    store_with_lawyer: Path,
) -> None:
    _break_an_index(store_with_lawyer)
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        report = inspection.verify(session.ws.store)
    finally:
        session.close()
    assert not report.ok
    assert report.page_problems == ()
    assert report.structure_problems and all("probe_b" in p for p in report.structure_problems), (
        report.structure_problems
    )
    assert "ok" not in report.structure_problems
    # The chain is read only from a sound database: nothing is said of it here.
    assert (report.audit_events, report.audit_problems) == (0, ())


def _flip_a_byte_in_the_last_page(data_dir: Path) -> int:
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    with session.ws.store.session(write=True) as s:
        for i in range(60):
            s.add(Meta(key=f"filler-{i:03d}", value="Qasımov İlkin " * 40))
    key = session.ws.store.key
    session.close()
    db = StorePaths(data_dir).db
    raw = connect_raw(db, key)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = int(raw.execute("PRAGMA page_count").fetchone()[0])
    raw.close()
    data = bytearray(db.read_bytes())
    data[4096 * (pages - 1) + 200] ^= 0x01
    db.write_bytes(bytes(data))
    return pages


def test_verify_reports_a_damaged_page_and_leaves_the_chain_alone(store_with_lawyer: Path) -> None:
    pages = _flip_a_byte_in_the_last_page(store_with_lawyer)
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    try:
        report = inspection.verify(session.ws.store)
    finally:
        session.close()
    assert not report.ok
    assert report.page_problems and all(isinstance(p, str) for p in report.page_problems)
    assert any(f"page {pages}" in p for p in report.page_problems), report.page_problems
    # SQLite's own check meets the damaged page: its answer is the structure's one problem,
    # "malformed" when it stops there, or the tree's pages it could not read (SQLITE_CORRUPT,
    # code 11) when the page belongs to a tree it walks — which, depends on the tables' layout.
    (problem,) = report.structure_problems
    assert "malformed" in problem or "error code 11" in problem, problem
    assert (report.audit_events, report.audit_problems) == (0, ())


def test_any_one_kind_of_problem_makes_the_report_not_ok() -> None:
    assert IntegrityReport((), (), 5, ()).ok
    assert not IntegrityReport(("page 3: HMAC failed",), (), 0, ()).ok
    assert not IntegrityReport((), ("row 1 missing from index x",), 0, ()).ok
    assert not IntegrityReport((), (), 5, ("Audit event 2 has been altered.",)).ok
    assert not IntegrityReport((), (), 5, (), ("The statistics' table differs in 3 rows.",)).ok
