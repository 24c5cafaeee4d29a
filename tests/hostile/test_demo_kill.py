"""``legalaid demo`` killed half way leaves the store exactly as it was, and in WAL mode again.

The demo's bulk load runs with a rollback journal instead of the WAL
(:meth:`~legalaid_desktop.store.store.Store.bulk_session`). These tests kill the real command
(``SIGKILL``, in its own process group) while it writes, at two points, and check that the next
login plays the journal back: the same rows as before the run, the store verified and back in
WAL mode, and no process of the run left behind (the rows are made in a second process).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import ADMIN, ADMIN_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.devtools.demo.run import PARALLEL_FROM

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL and process groups"),
]

CLI = "from legalaid_desktop.cli.main import main; raise SystemExit(main())"
TABLES = (
    "clients", "consents", "cases", "consultations", "parties", "deadlines", "change_log",
    "search_index_refs", "audit_events", "case_counters",
)  # fmt: skip


def _snapshot(data_dir: Path) -> dict[str, object]:
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        with session.ws.read() as s:
            counts: dict[str, object] = {
                t: s.scalar(text(f"SELECT count(*) FROM {t}"))
                for t in TABLES
                if t != "audit_events"  # each login adds its own events
            }
            counts["names"] = s.scalars(text("SELECT full_name FROM clients ORDER BY id")).all()
            counts["counters"] = s.execute(text("SELECT * FROM case_counters ORDER BY year")).all()
            counts["journal_mode"] = s.scalar(text("PRAGMA journal_mode"))
        report = session.maintenance.verify()
        assert report.ok, report
        return counts
    finally:
        session.close()


def _group_gone(pgid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("after_journal_seconds", [0.3, 3.0])
def test_a_killed_demo_run_leaves_the_store_as_it_was(
    admin_session: app.AppSession, data_dir: Path, after_journal_seconds: float
) -> None:
    session = admin_session
    generate_demo(session.ws, clients=40, seed=3)
    session.close()
    before = _snapshot(data_dir)
    assert before["journal_mode"] == "wal"

    journal = data_dir / "legalaid.db-journal"
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "--data-dir", str(data_dir), "--user", ADMIN, "demo",
         "--clients", str(PARALLEL_FROM + 2_000), "--seed", "5"],
        env={**os.environ, "LEGALAID_PASSWORD": ADMIN_PASSWORD},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not journal.exists():
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the demo never started writing"
            time.sleep(0.02)
        time.sleep(after_journal_seconds)
        assert proc.poll() is None, "the demo finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        assert proc.returncode == -signal.SIGKILL
        # The process making the rows notices the writer is gone and exits too.
        assert _group_gone(proc.pid, 20), "a process of the killed run is still running"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
        if proc.stderr:
            proc.stderr.close()
    assert journal.exists()  # a hot journal: the run was killed inside its transaction

    assert _snapshot(data_dir) == before
    assert not journal.exists()

    # And the store takes the demo data afterwards.
    session = app.login(data_dir, ADMIN, ADMIN_PASSWORD)
    try:
        summary = generate_demo(session.ws, clients=30, seed=5)
        assert summary.clients == 30
    finally:
        session.close()
    after = _snapshot(data_dir)
    assert after["journal_mode"] == "wal"
    assert len(after["names"]) == len(before["names"]) + 30  # type: ignore[arg-type]
