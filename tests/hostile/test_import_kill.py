"""A killed import leaves the store exactly as before or exactly as after (research §4, item 25).

The import runs in a child process over a real HQ store and a bundle of a few thousand records;
the child is killed with SIGKILL at points spread over the import's duration. After every kill
the tables an import touches must equal either the snapshot taken before the import or the one
taken after a complete import, and the import must then run to completion.

The child is forked from the test process (no interpreter start-up per kill) and opens the
store with its raw key instead of a password (Argon2id would dominate the test's time);
everything after that is the real import path. POSIX only (fork, SIGKILL).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from legalaid_desktop.store.engine import connect_raw
from sync_support import (
    client_record,
    enroll,
    jsonl,
    make_node,
    node_keys,
    parts_with,
    pinned,
    write,
)

pytestmark = [
    pytest.mark.slow,  # 30-50 s: 15 kills over an import of 2,000 records, and 3 full runs
    pytest.mark.skipif(os.name != "posix", reason="needs fork and SIGKILL"),
]

RECORDS = 2000
KILLS = 15
COMMIT_KILLS = 10  # at most: stops once two kills landed inside the commit


def child_main(conn: Any, data_dir: str, key: bytes, bundle: str) -> None:
    """The import, in a forked child: open the store, say ready, wait for go, import."""
    from legalaid_desktop.domain.roles import Role
    from legalaid_desktop.domain.users import Actor
    from legalaid_desktop.services.sync import SyncService
    from legalaid_desktop.services.workspace import Workspace
    from legalaid_desktop.store.engine import create_store_engine
    from legalaid_desktop.store.store import Store, StorePaths
    from legalaid_desktop.store.vault import Vault

    paths = StorePaths(Path(data_dir))
    engine = create_store_engine(paths.db, key)
    store = Store(paths, engine, key, Vault.load(paths.vault), username="", opener=None)
    ws = Workspace(store, Actor("kill-test", "admin", "Admin", Role.ADMIN, "BAK"))
    service = SyncService(ws)
    _report_the_commit(store.engine, conn)
    conn.send("ready")
    conn.recv()
    result = service.import_bundle(Path(bundle))
    conn.send(f"DONE {result.inserted} {result.already_imported}")
    os._exit(0)  # no finalizers: the child must not touch anything the parent holds open


def _report_the_commit(engine: Any, conn: Any) -> None:
    """Tell the parent when the transaction that writes the clients starts committing
    ("commit-begin", just before the database commit) and when it has committed
    ("commit-end", after it returned)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    writing = {"clients": False}

    def on_execute(_c: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO CLIENTS"):
            writing["clients"] = True

    def on_commit(_connection: Any) -> None:
        if writing["clients"]:
            conn.send("commit-begin")

    def after_commit(_session: Any) -> None:
        if writing["clients"]:
            writing["clients"] = False
            conn.send("commit-end")

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    event.listen(Session, "after_commit", after_commit)


# Columns whose values differ between two runs of the same import (times, random ids).
VOLATILE = {
    "sync_bundles": {"id", "processed_at", "import_hlc", "counts"},
    "sync_channels": {"last_import_at"},
}
TABLES = (
    "clients",
    "consents",
    "cases",
    "consultations",
    "change_log",
    "sync_channels",
    "sync_bundles",
    "conflict_log",
    "quarantine",
    "search_index_refs",
)


def state(data_dir: Path, key: bytes) -> str:
    """A hash of every table an import changes (minus per-run values), and the search index."""
    conn = connect_raw(data_dir / "legalaid.db", key)
    try:
        digest = hashlib.sha256()
        for table in TABLES:
            cursor = conn.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            keep = [i for i, n in enumerate(names) if n not in VOLATILE.get(table, set())]
            rows = sorted(repr(tuple(r[i] for i in keep)) for r in cursor.fetchall())
            digest.update(f"{table}:{len(rows)}:".encode())
            for row in rows:
                digest.update(row.encode())
        fts = conn.execute("SELECT rowid FROM search_index ORDER BY rowid").fetchall()
        digest.update(repr(fts).encode())
        chain = conn.execute("SELECT count(*) FROM audit_events").fetchone()
        assert chain is not None
        return digest.hexdigest()
    finally:
        conn.close()


class Child:
    """A forked child that imports the bundle when told to."""

    def __init__(self, data_dir: Path, key: bytes, bundle: Path) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(
            target=child_main, args=(child_conn, str(data_dir), key, str(bundle))
        )
        self.process.start()
        assert self.conn.poll(60), "the child did not open the store"
        assert self.conn.recv() == "ready"

    def go(self) -> float:
        self.conn.send("go")
        return time.monotonic()

    def result(self) -> str:
        """The child's last message ("DONE ..."), once it ends; the commit reports before it
        are checked to have come, in order."""
        reports = []
        while True:
            assert self.conn.poll(120), "the import did not finish"
            out = str(self.conn.recv())
            if not out.startswith("commit-"):
                break
            reports.append(out)
        assert reports in ([], ["commit-begin", "commit-end"]), reports
        self.process.join(30)
        return out

    def kill_after_the_commit(self) -> None:
        """Kill the child as soon as the clients' commit has returned."""
        while True:
            assert self.conn.poll(120), "the import never committed"
            message = str(self.conn.recv())
            assert not message.startswith("DONE"), message
            if message == "commit-end":
                break
        self.kill()

    def kill_when_committing(self) -> bool:
        """Kill the child as soon as it starts committing the clients; whether the kill came
        before the commit returned (no "commit-end" was sent)."""
        while True:
            assert self.conn.poll(120), "the import never started committing"
            message = str(self.conn.recv())
            assert not message.startswith("DONE"), message
            if message == "commit-begin":
                break
        self.kill()
        later = []
        try:
            while self.conn.poll(0):
                later.append(str(self.conn.recv()))
        except EOFError:  # everything the child sent before it died has been read
            pass
        return "commit-end" not in later

    def kill(self) -> None:
        assert self.process.pid is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(30)


def run_to_end(data_dir: Path, key: bytes, bundle: Path) -> tuple[str, float]:
    child = Child(data_dir, key, bundle)
    began = child.go()
    out = child.result()
    return out, time.monotonic() - began


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("kill")
    hq = make_node(folder, "BAK", hq=True)
    gnj = make_node(folder, "GNJ")
    enroll(hq, gnj, folder)
    author = node_keys(gnj).private
    records = [client_record("GNJ", name=f"Müştəri Nömrə{i} Əli oğlu") for i in range(RECORDS)]
    bundle = write(
        folder / "big.bundle",
        author,
        pinned(gnj, "BAK"),
        parts_with(jsonl(records), "GNJ"),
        seq=1,
        prev_hash=None,
    )
    key = bytes(hq.ws.store._key)
    hq.close()
    gnj.close()
    pristine = folder / "pristine"
    shutil.copytree(folder / "bak", pristine)
    return {"folder": folder, "pristine": pristine, "key": key, "bundle": bundle}


def fresh(setup: dict[str, Any], name: str) -> Path:
    target = setup["folder"] / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(setup["pristine"], target)
    return target


def test_killed_import_leaves_before_or_after(setup: dict[str, Any]) -> None:
    key, bundle = setup["key"], setup["bundle"]
    before = state(setup["pristine"], key)
    reference = fresh(setup, "reference")
    out, duration = run_to_end(reference, key, bundle)
    assert out == f"DONE {RECORDS} False"
    after = state(reference, key)
    assert after != before

    outcomes = {"before": 0, "after": 0}
    for attempt in range(KILLS):
        target = fresh(setup, f"kill-{attempt}")
        child = Child(target, key, bundle)
        delay = duration * 1.1 * attempt / (KILLS - 1)
        began = child.go()
        time.sleep(max(0.0, began + delay - time.monotonic()))
        child.kill()
        now = state(target, key)
        assert now in (before, after), f"kill {attempt} after {delay:.2f}s left a mixed store"
        outcomes["before" if now == before else "after"] += 1
        if attempt in (KILLS // 2, KILLS - 1):
            out, _seconds = run_to_end(target, key, bundle)
            expected = f"DONE {RECORDS} False" if now == before else "DONE 0 True"
            assert out == expected
            assert state(target, key) == after
        shutil.rmtree(target)
    assert outcomes["before"] > 0, outcomes


def test_killed_during_the_commit_leaves_before_or_after(setup: dict[str, Any]) -> None:
    """Kills timed on the commit itself: each lands after the clients were written and before
    the commit returned, and the store is still exactly before or after."""
    key, bundle = setup["key"], setup["bundle"]
    before = state(setup["pristine"], key)
    reference = fresh(setup, "reference-commit")
    out, _seconds = run_to_end(reference, key, bundle)
    assert out == f"DONE {RECORDS} False"
    after = state(reference, key)
    during = 0
    for attempt in range(COMMIT_KILLS):
        target = fresh(setup, f"commit-kill-{attempt}")
        child = Child(target, key, bundle)
        child.go()
        landed = child.kill_when_committing()
        now = state(target, key)
        assert now in (before, after), f"a kill in the commit left a mixed store ({attempt})"
        during += landed
        out, _seconds = run_to_end(target, key, bundle)
        assert out == (f"DONE {RECORDS} False" if now == before else "DONE 0 True")
        assert state(target, key) == after
        shutil.rmtree(target)
        if during >= 2:
            break
    assert during > 0, "no kill landed during the commit"
    # Killed just after that commit returned: everything is there (one transaction, no part of
    # the import left for a later one).
    target = fresh(setup, "commit-kill-after")
    child = Child(target, key, bundle)
    child.go()
    child.kill_after_the_commit()
    assert state(target, key) == after
    assert run_to_end(target, key, bundle)[0] == "DONE 0 True"
