"""Two processes on one store: both work (writers queue), the store stays intact.

The two processes are shown to overlap, not merely to run one after the other: both wait at a
file barrier once logged in (a login stretches a password, which takes long enough for one
process to finish before the other starts), and the second one tries to write while the first
holds the write lock: it must queue and get its turn.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import select

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app
from legalaid_desktop.store.models import AuditEvent

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from legalaid_desktop import app
    from legalaid_desktop.store.models import Meta
    data_dir, user, password, tag = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    signals = Path(sys.argv[5])
    other = "b" if tag == "a" else "a"

    def wait_for(name):
        deadline = time.monotonic() + 120  # a guard against a hang, not a measure
        while not (signals / name).exists():
            if time.monotonic() > deadline:
                sys.exit(f"{tag}: gave up waiting for {name}")
            time.sleep(0.002)

    session = app.login(data_dir, user, password)
    (signals / f"ready-{tag}").touch()
    wait_for(f"ready-{other}")  # the barrier: both are logged in and about to write
    if tag == "b":
        wait_for("a-holds-the-lock")
        (signals / "b-tries-to-write").touch()  # ... and now queues behind a
    for i in range(40):
        with session.ws.write() as s:
            s.add(Meta(key=f"{tag}-{i:03d}", value="Şəkili Aynur " * 20))
            session.ws.audit(s, "test_write", details={"i": i})
            if tag == "a" and i == 0:
                (signals / "a-holds-the-lock").touch()
                wait_for("b-tries-to-write")  # b is running while a's transaction is open
    session.close()
    print("done", tag)
    """
)


def test_two_processes_write_at_the_same_time(store_with_lawyer: Path, tmp_path: Path) -> None:
    signals = tmp_path / "signals"
    signals.mkdir()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(store_with_lawyer), user, password, tag, signals],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for user, password, tag in ((ADMIN, ADMIN_PASSWORD, "a"), (LAWYER, LAWYER_PASSWORD, "b"))
    ]
    results = [p.communicate(timeout=180) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.startswith("done")
    assert {p.name for p in signals.iterdir()} == {
        "ready-a",
        "ready-b",
        "a-holds-the-lock",
        "b-tries-to-write",
    }
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    report = session.maintenance.verify()
    from sqlalchemy import text

    with session.ws.read() as s:
        count = s.execute(
            text("SELECT count(*) FROM meta WHERE key LIKE 'a-%' OR key LIKE 'b-%'")
        ).scalar()
        writers = s.scalars(
            select(AuditEvent.actor)
            .where(AuditEvent.action == "test_write")
            .order_by(AuditEvent.seq)
        ).all()
    session.close()
    assert report.ok, report
    assert count == 80
    # a's first write was committed first: b, which tried during it, waited its turn.
    assert writers[0] == ADMIN and sorted(writers) == sorted([ADMIN] * 40 + [LAWYER] * 40)
