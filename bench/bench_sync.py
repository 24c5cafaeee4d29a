"""Benchmark of sync export and import throughput (DESIGN.md §9: measured here, not in tests).

Two real encrypted stores (HQ BAK and the center GNJ, Argon2id at the floor parameters so that
creating them takes no time) are enrolled through the service. GNJ is filled with realistic demo
data (clients, consents, cases, consultations, parties, deadlines, ...) until it holds about
``--records`` synchronized rows, then:

1. **export**: ``SyncService.export(full=True)`` writes every row into one bundle;
2. **import**: ``SyncService.import_bundle`` verifies, parses, merges and applies it at HQ in one
   transaction, search index included; the time spent re-indexing is reported separately;
3. **raw**: the same rows are inserted into a third, empty store directly with ``sqlcipher3``
   ``executemany`` in one transaction (no checks, no change log, no index): the floor.

It prints records per second for each and the ratio import / raw. Target: import at least 1/4
of raw. Run with ``python bench/bench_sync.py [--records N]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from legalaid_desktop import app
from legalaid_desktop.devtools import demo
from legalaid_desktop.search import refresh as search_refresh
from legalaid_desktop.services.sync import SyncService
from legalaid_desktop.store.engine import connect_raw
from legalaid_desktop.store.vault import FLOOR
from legalaid_desktop.sync.records import table_specs

TARGET_RATIO = 0.25
PASSWORD = "Bench-admin-2026"


def _node(root: Path, code: str, hq: bool) -> app.AppSession:
    session, _recovery = app.create(
        root / code,
        node_code=code,
        node_name=f"{code} bench",
        hq=hq,
        admin_username="admin",
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=PASSWORD,
        kdf=FLOOR,
    )
    return session


def _enroll(hq: app.AppSession, center: app.AppSession, root: Path) -> None:
    request = SyncService(center.ws).enroll_request(root / "request.json")
    accepted = SyncService(hq.ws).enroll_accept(
        request.path, root / "response.json", request.fingerprint
    )
    SyncService(center.ws).enroll_complete(accepted.response_path, accepted.hq_fingerprint)


def _count(session: app.AppSession) -> int:
    with session.ws.read() as s:
        return sum(
            s.execute(text(f"SELECT count(*) FROM {name}")).scalar() or 0 for name in table_specs()
        )


def _raw_insert(source: app.AppSession, target_dir: Path, key: bytes) -> tuple[int, float]:
    """Copy every synced row of ``source`` into the store at ``target_dir`` with plain
    ``executemany`` in one transaction; returns (rows, seconds spent inserting)."""
    batches: list[tuple[str, list[tuple[Any, ...]]]] = []
    with source.ws.read() as s:
        for name in table_specs():
            result = s.execute(text(f"SELECT * FROM {name}"))
            columns = list(result.keys())
            rows = [tuple(r) for r in result]
            sql = (
                f"INSERT INTO {name} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            batches.append((sql, rows))
    conn = connect_raw(target_dir / "legalaid.db", key)
    try:
        conn.execute("BEGIN IMMEDIATE")
        started = time.perf_counter()
        for sql, rows in batches:
            conn.executemany(sql, rows)
        conn.execute("COMMIT")
        spent = time.perf_counter() - started
    finally:
        conn.close()
    return sum(len(rows) for _sql, rows in batches), spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time sync export and import.")
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    spent = {"index": 0.0}
    reindex = search_refresh.refresh_rows

    def timed_reindex(session: Any, touched: Any) -> None:
        started = time.perf_counter()
        try:
            reindex(session, touched)
        finally:
            spent["index"] += time.perf_counter() - started

    search_refresh.refresh_rows = timed_reindex

    with tempfile.TemporaryDirectory(prefix="legalaid-bench-sync-") as tmp:
        root = Path(tmp)
        hq = _node(root, "BAK", True)
        gnj = _node(root, "GNJ", False)
        _enroll(hq, gnj, root)
        # About 10.9 synchronized rows per demo client.
        clients = max(1, args.records * 10 // 109)
        started = time.perf_counter()
        demo.generate_demo(gnj.ws, clients=clients, seed=args.seed)
        rows = _count(gnj)
        print(
            f"demo data: {clients:,} clients, {rows:,} synced rows "
            f"({time.perf_counter() - started:.1f} s)"
        )

        started = time.perf_counter()
        exported = SyncService(gnj.ws).export(root / "full.bundle", full=True)
        export_s = time.perf_counter() - started
        print(
            f"export:  {exported.records:,} records, {exported.size / 1e6:.1f} MB in "
            f"{export_s:.2f} s = {exported.records / export_s:,.0f} records/s"
        )

        started = time.perf_counter()
        result = SyncService(hq.ws).import_bundle(exported.path)
        import_s = time.perf_counter() - started
        assert result.inserted == exported.records, result
        core_s = import_s - spent["index"]
        print(
            f"import:  {result.inserted:,} records in {import_s:.2f} s = "
            f"{result.inserted / import_s:,.0f} records/s "
            f"(search index {spent['index']:.2f} s; without it {core_s:.2f} s = "
            f"{result.inserted / core_s:,.0f} records/s)"
        )

        raw_session = _node(root, "RAW", False)
        key = bytes(raw_session.ws.store._key)
        raw_session.close()
        raw_rows, raw_s = _raw_insert(gnj, root / "RAW", key)
        print(f"raw:     {raw_rows:,} rows in {raw_s:.2f} s = {raw_rows / raw_s:,.0f} rows/s")

        ratio = (result.inserted / import_s) / (raw_rows / raw_s)
        core_ratio = (result.inserted / core_s) / (raw_rows / raw_s)
        print(
            f"ratio import/raw: {ratio:.3f} (without the search index: {core_ratio:.3f}); "
            f"target >= {TARGET_RATIO}"
        )
        hq.close()
        gnj.close()
        return 0 if ratio >= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
