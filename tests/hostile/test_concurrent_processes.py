"""Two processes on one store: both work (writers queue), the store stays intact."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ADMIN, ADMIN_PASSWORD, LAWYER, LAWYER_PASSWORD
from legalaid_desktop import app

WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from legalaid_desktop import app
    from legalaid_desktop.store.models import Meta
    data_dir, user, password, tag = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    session = app.login(data_dir, user, password)
    for i in range(40):
        with session.ws.write() as s:
            s.add(Meta(key=f"{tag}-{i:03d}", value="Şəkili Aynur " * 20))
            session.ws.audit(s, "test_write", details={"i": i})
    session.close()
    print("done", tag)
    """
)


def test_two_processes_write_at_the_same_time(store_with_lawyer: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(store_with_lawyer), user, password, tag],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for user, password, tag in ((ADMIN, ADMIN_PASSWORD, "a"), (LAWYER, LAWYER_PASSWORD, "b"))
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert out.startswith("done")
    session = app.login(store_with_lawyer, ADMIN, ADMIN_PASSWORD)
    report = session.maintenance.verify()
    from sqlalchemy import text

    with session.ws.read() as s:
        count = s.execute(
            text("SELECT count(*) FROM meta WHERE key LIKE 'a-%' OR key LIKE 'b-%'")
        ).scalar()
    session.close()
    assert report.ok, report
    assert count == 80
