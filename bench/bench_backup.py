"""Backup and restore benchmark (issue 20): a backup file to a folder and back into a new store.

A store with demo data (``--clients`` clients, about 1.5 cases each, their consultations and
deadlines) is made once; then, each ``--runs`` times, median and MB/s:

- ``raw export``: the floor, a bare ``sqlcipher_export`` of the same database into a new file
  under a new key, without our journal/sync settings, checks or fsync (what SQLite alone costs);
- ``raw export, no syncs``: the same with the target's journal and syncs off (as we copy);
- ``backup -o``: :meth:`BackupService.write_outside`, the whole thing: export, hash, footer,
  fsync, the read back from the disk (page cache dropped) with the seal, hash, page MACs and
  ``quick_check``, the rename, the record and audit event;
- ``restore``: :func:`restore_backup` with the recovery key: the whole file read and checked,
  the copy under a new key, the restore mark, the vault.

Run: python bench/bench_backup.py [--clients N] [--runs R] [--folder DIR]
(``--folder``: where the backup files go, e.g. a mounted USB stick; default a temporary folder
on the same disk).
"""

from __future__ import annotations

import argparse
import json
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.services.backups import restore_backup
from legalaid_desktop.store.bulk_load import without_memory_security
from legalaid_desktop.store.engine import connect_raw
from legalaid_desktop.store.vault import FLOOR

PASSWORD = "Qala-tower-2026"


def _median(runs: int, work: Callable[[int], float]) -> float:
    return statistics.median(work(i) for i in range(runs))


def _raw_export(db: Path, key: bytes, target: Path, *, fast: bool) -> float:
    source = connect_raw(db, key)
    try:
        start = time.perf_counter()
        target.unlink(missing_ok=True)
        source.execute(
            "ATTACH DATABASE ? AS copy KEY ?",
            (str(target), "x'" + secrets.token_bytes(32).hex() + "'"),
        )
        if fast:
            source.execute("PRAGMA copy.journal_mode = OFF").fetchall()
            source.execute("PRAGMA copy.synchronous = OFF")
        source.execute("SELECT sqlcipher_export('copy')").fetchall()
        source.execute("DETACH DATABASE copy")
        return time.perf_counter() - start
    finally:
        source.close()


def make_store(root: Path, clients: int) -> str:
    """The store with demo data (run in a child process: the demo turns SQLCipher's memory
    security off for its whole process, and the figures must be those of a real login)."""
    session, recovery = app.create(
        root / "store",
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username="admin",
        admin_full_name="Admin",
        admin_password=PASSWORD,
        kdf=FLOOR,
    )
    with without_memory_security():
        generate_demo(session.ws, clients=clients, seed=1, lawyer_password=PASSWORD)
    session.close()
    return recovery


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = args.folder or root / "stick"
        folder.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        child = (
            "import json, sys; from pathlib import Path; sys.path.insert(0, 'bench');"
            "from bench_backup import make_store;"
            f"print(json.dumps(make_store(Path({str(root)!r}), {args.clients})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", child], capture_output=True, text=True, check=True
        ).stdout
        recovery = json.loads(out.strip().splitlines()[-1])
        db = root / "store" / "legalaid.db"
        size = db.stat().st_size
        print(
            f"store: {args.clients} clients, {size / 1e6:.1f} MB "
            f"(made in {time.perf_counter() - started:.1f} s)"
        )
        session = app.login(root / "store", "admin", PASSWORD)
        key = session.ws.store.key
        mb = size / 1e6

        raw = _median(args.runs, lambda i: _raw_export(db, key, root / "raw.db", fast=False))
        fast = _median(args.runs, lambda i: _raw_export(db, key, root / "raw.db", fast=True))
        files: list[Path] = []

        def backup(_i: int) -> float:
            start = time.perf_counter()
            item = session.maintenance.backups.write_outside(folder)
            files.append(Path(item.path))
            return time.perf_counter() - start

        made = _median(args.runs, backup)
        session.close()

        def restore(i: int) -> float:
            target = root / f"restored-{i}"
            start = time.perf_counter()
            restore_backup(files[-1], target, recovery_key=recovery)
            elapsed = time.perf_counter() - start
            shutil.rmtree(target)
            return elapsed

        back = _median(args.runs, restore)
        file_mb = files[-1].stat().st_size / 1e6
        for label, seconds in (
            ("raw export (floor)", raw),
            ("raw export, no syncs", fast),
            ("backup -o (checked)", made),
            ("restore (checked)", back),
        ):
            print(f"{label:<24} {seconds:7.2f} s  {mb / seconds:7.1f} MB/s")
        print(f"backup file: {file_mb:.1f} MB")
        if args.folder is not None:
            for file in files:
                file.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
