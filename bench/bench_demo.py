"""Benchmark of the demo data generator at HQ scale (DESIGN.md §9: measured here, not in tests).

Creates a real encrypted store in a temporary folder (Argon2id at the floor parameters, so that
creating it takes no time; everything else is the real code path: SQLCipher, migrations,
services), then times :func:`legalaid_desktop.services.demo.generate_demo` for ``--clients``
clients (default 100,000: about 150,000 cases and 500,000 consultations), including the rebuild
of the full-text index, and prints the time of each phase.

Target: under two minutes for 100,000 clients. Run with
``python bench/bench_demo.py [--clients N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from legalaid_desktop import app
from legalaid_desktop.services import demo
from legalaid_desktop.store.vault import FLOOR

TARGET_SECONDS = 120.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the demo data generator.")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    # Time the index rebuild separately (the generator calls it once, at the end).
    rebuild = demo.search_index.rebuild
    spent = {"index": 0.0}

    def timed_rebuild(session: Any) -> int:
        started = time.perf_counter()
        try:
            return rebuild(session)
        finally:
            spent["index"] += time.perf_counter() - started

    demo.search_index.rebuild = timed_rebuild
    shown = [-1]

    def progress(done: int, total: int) -> None:
        tenth = 10 * done // max(total, 1)
        if tenth != shown[0]:
            shown[0] = tenth
            print(f"  ... {10 * tenth}% ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="legalaid-bench-demo-") as tmp:
        session, _recovery = app.create(
            Path(tmp) / "store",
            node_code="GNJ",
            node_name="Gəncə hüquqi yardım mərkəzi",
            hq=False,
            admin_username="admin",
            admin_full_name="Məmmədov Elçin Vaqif oğlu",
            admin_password="Bench-admin-2026",
            kdf=FLOOR,
        )
        started = time.perf_counter()
        try:
            summary = demo.generate_demo(
                session, clients=args.clients, seed=args.seed, progress=progress
            )
            total = time.perf_counter() - started
        finally:
            session.close()
        size = sum(p.stat().st_size for p in (Path(tmp) / "store").glob("legalaid.db*"))
    demo.search_index.rebuild = rebuild

    rows = summary.rows
    index = spent["index"]
    print(f"demo data, {args.clients:,} clients (seed {args.seed}):")
    print(
        f"  clients {summary.clients:,}  cases {summary.cases:,}  "
        f"consultations {summary.consultations:,}  parties {summary.parties:,}  "
        f"deadlines {summary.deadlines:,}  ALAC {summary.corruption_details:,}"
    )
    print(f"  rows written      {rows:,} (+ {rows:,} outbox entries)")
    rate = rows / max(total - index, 1e-9)
    print(f"  generate + insert {total - index:8.1f} s  ({rate:,.0f} rows/s)")
    print(f"  search index      {index:8.1f} s  ({summary.indexed:,} entries)")
    print(f"  total             {total:8.1f} s  (target {TARGET_SECONDS:.0f} s)")
    print(f"  database size     {size / 1e6:8.1f} MB")
    return 0 if total <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
