"""Store benchmark (issue 2): unlock time, and the cost of encryption on a fixed mixed workload.

Prints:
- unlock: Argon2id key derivation with this machine's calibrated parameters + opening the store
  (the time a user waits after pressing "Log in"), median of several runs;
- the same workload (bulk inserts, indexed point reads, a full scan, small write transactions)
  on the same `sqlcipher3` build with a raw key (encrypted) and without a key (plain), and the
  encrypted/plain time ratio.

Run: python bench/bench_store.py [--rows N]
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from sqlcipher3 import dbapi2

from legalaid_desktop import app
from legalaid_desktop.store.vault import KdfParams

NAMES = ["Əliyev Rəşad", "Məmmədova Günel", "Hüseynov Elçin", "Quliyeva Aynur", "Cəfərov Anar"]


def workload(path: Path, key: bytes | None, rows: int) -> dict[str, float]:
    conn = dbapi2.connect(str(path), isolation_level=None)
    if key is not None:
        conn.execute("PRAGMA key = \"x'" + key.hex() + "'\"")
        conn.execute("PRAGMA cipher_memory_security = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -2000")
    conn.execute(
        "CREATE TABLE c (id INTEGER PRIMARY KEY, name TEXT, region TEXT, year INT, notes TEXT)"
    )
    conn.execute("CREATE INDEX ix_c_region_year ON c(region, year)")
    rng = random.Random(7)
    data = [
        (
            i,
            f"{rng.choice(NAMES)} {i}",
            f"AZ-{rng.randint(1, 78):02d}",
            rng.randint(1940, 2007),
            "Məsləhət verildi; sənədlər hazırlandı. " * 4,
        )
        for i in range(rows)
    ]
    timings: dict[str, float] = {}
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO c VALUES (?, ?, ?, ?, ?)", data)
    conn.execute("COMMIT")
    timings["insert"] = time.perf_counter() - start

    conn.close()  # cold caches for the reads
    conn = dbapi2.connect(str(path), isolation_level=None)
    if key is not None:
        conn.execute("PRAGMA key = \"x'" + key.hex() + "'\"")
    conn.execute("PRAGMA cache_size = -2000")
    ids = [rng.randrange(rows) for _ in range(2000)]
    start = time.perf_counter()
    for i in ids:
        conn.execute("SELECT name, notes FROM c WHERE id = ?", (i,)).fetchone()
    for _ in range(200):
        conn.execute(
            "SELECT count(*) FROM c WHERE region = ? AND year BETWEEN 1980 AND 1990",
            (f"AZ-{rng.randint(1, 78):02d}",),
        ).fetchone()
    timings["indexed reads"] = time.perf_counter() - start
    start = time.perf_counter()
    conn.execute(
        "SELECT count(*) FROM c WHERE notes LIKE '%hazırlandı%' AND name LIKE '%5%'"
    ).fetchone()
    timings["scan"] = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(300):
        conn.execute("BEGIN")
        conn.execute("UPDATE c SET year = year + 1 WHERE id = ?", (i,))
        conn.execute("COMMIT")
    timings["small writes"] = time.perf_counter() - start
    conn.close()
    timings["total"] = sum(timings.values())
    return timings


def bench_unlock(tmp: Path) -> tuple[float, KdfParams]:
    params = KdfParams.calibrate()
    session, _ = app.create(
        tmp / "unlock",
        node_code="GNJ",
        node_name="Bench",
        hq=False,
        admin_username="bench",
        admin_full_name="Bench",
        admin_password="Bench-pass-2026",
        kdf=params,
    )
    session.close()
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        app.login(tmp / "unlock", "bench", "Bench-pass-2026").close()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        unlock, params = bench_unlock(tmp)
        print(
            f"unlock (Argon2id m={params.memory_kib // 1024} MiB t={params.iterations} "
            f"p={params.lanes} + open store): {unlock * 1000:.0f} ms (median of 5)"
        )
        plain = workload(tmp / "plain.db", None, args.rows)
        encrypted = workload(tmp / "enc.db", secrets.token_bytes(32), args.rows)
        print(f"mixed workload, {args.rows} rows      plain      encrypted   ratio")
        for name in plain:
            ratio = encrypted[name] / plain[name] if plain[name] else float("nan")
            p_ms, e_ms = plain[name] * 1000, encrypted[name] * 1000
            print(f"  {name:<14}            {p_ms:8.1f} ms {e_ms:8.1f} ms  {ratio:5.2f}x")
        print(f"encrypted/plain ratio (whole workload): {encrypted['total'] / plain['total']:.2f}")


if __name__ == "__main__":
    main()
