"""What the "referred to" and "grant code" dimensions cost (issue 19, docs/statistics.md "Speed").

Builds a demo store (``--clients``, default 20,000) or reuses one (``--store``), refers a share
of its cases (``--share``, default 0.3; a third of those twice, the second dated first) by SQL,
then prints for each measure the median of ``--runs`` runs by ``outcome`` (a plain column of the
case, the reference), by ``referred_to`` (the case's first referral: a covering-index probe per
case, or the figures table's column for the measures over consultations) and by ``grant_code``,
in ms, with the ratio to ``outcome``.

Run with ``python bench/bench_referrals.py [--clients N] [--store DIR] [--keep DIR]
[--period 2026] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.domain.ids import new_id
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.statistics.definitions import Dimension, Measure
from legalaid_desktop.statistics.periods import parse_period
from legalaid_desktop.statistics.query import FigureQuery
from legalaid_desktop.store.vault import FLOOR

PASSWORD = "Bench-qala-2026"
BODIES = ("advocate", "prosecutor_anticorruption", "ombudsman", "ministry", "other_org")


def _build(folder: Path, clients: int) -> app.AppSession:
    session, _recovery = app.create(
        folder,
        node_code="BAK",
        node_name="Bakı",
        hq=True,
        admin_username="admin",
        admin_full_name="Məmmədov Elçin Vaqif oğlu",
        admin_password=PASSWORD,
        kdf=FLOOR,
    )
    started = time.perf_counter()
    generate_demo(session.ws, clients=clients, seed=11, lawyer_password=PASSWORD)
    print(f"built {clients} clients in {time.perf_counter() - started:.0f} s")
    return session


def _refer(session: app.AppSession, share: float) -> int:
    """Referrals for ``share`` of the cases, written by SQL (the triggers keep the figures)."""
    rng = random.Random(3)
    with session.ws.write() as s:
        if s.execute(text("SELECT count(*) FROM referrals")).scalar_one():
            return 0
        cases = s.execute(text("SELECT id, opened_on FROM cases WHERE deleted_hlc IS NULL")).all()
        chosen = [c for c in cases if rng.random() < share]
        rows = []
        for i, (case_id, opened) in enumerate(chosen):
            rows.append((case_id, opened, BODIES[i % len(BODIES)]))
            if i % 3 == 0:
                rows.append((case_id, opened, BODIES[(i + 2) % len(BODIES)]))
        started = time.perf_counter()
        for case_id, day, body in rows:
            s.execute(
                text(
                    "INSERT INTO referrals (id, case_id, referred_on, body, to_whom, request, "
                    "status, answer, origin_node, clocks, hlc, updated_by) VALUES (:id, :c, :d, "
                    ":b, '', '', 'pending', '', 'BAK', '{}', '', 'admin')"
                ),
                {"id": new_id(), "c": case_id, "d": day, "b": body},
            )
        took = time.perf_counter() - started
    print(f"{len(rows)} referrals of {len(chosen)} cases written in {took:.1f} s (triggers)")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--store", type=Path, metavar="DIR", help="reuse a store made with --keep")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="copy the built store to DIR")
    parser.add_argument("--share", type=float, default=0.3)
    parser.add_argument("--period", default=str(today().year))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="bench-referrals-"))
    try:
        if args.store is not None:
            session = app.login(args.store, "admin", PASSWORD)
        else:
            session = _build(scratch / "store", args.clients)
        _refer(session, args.share)
        if args.keep is not None and args.store is None:
            session.close()
            shutil.copytree(scratch / "store", args.keep)
            session = app.login(args.keep, "admin", PASSWORD)
        period = parse_period(args.period)
        print(f"period {args.period}; median of {args.runs} runs, ms")
        print(f"{'measure':<22}{'outcome':>10}{'referred_to':>13}{'ratio':>7}{'grant':>9}")
        for measure in Measure:
            times: dict[Dimension, float] = {}
            for dim in (Dimension.OUTCOME, Dimension.REFERRED_TO, Dimension.GRANT_CODE):
                query = FigureQuery(measure, period, (dim,), previous=False)
                session.statistics.figures(query)  # warm
                runs = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    session.statistics.figures(query)
                    runs.append((time.perf_counter() - started) * 1000)
                times[dim] = statistics.median(runs)
            base = times[Dimension.OUTCOME]
            ref = times[Dimension.REFERRED_TO]
            print(
                f"{measure.value:<22}{base:>10.0f}{ref:>13.0f}{ref / base:>7.2f}"
                f"{times[Dimension.GRANT_CODE]:>9.0f}"
            )
        session.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
