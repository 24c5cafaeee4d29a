"""Benchmark of the statistics (issue 18, docs/statistics.md) at HQ scale.

Builds a real encrypted store with the demo generator (``--clients``, default 100,000: about
150,000 cases and 500,000 consultations, with consents, corruption details and campaigns), or
reuses one (``--store DIR``, made with ``--keep DIR``), then prints, for the period asked
(``--period``, default the current year):

* each measure by each single dimension (:meth:`StatisticsService.figures`, without the previous
  period), p50/p95 over ``--runs`` runs; target p95 ≤ 300 ms;
* two-way crosses (gender × age band, legal area × outcome, clients served anonymized);
  target ≤ 500 ms;
* beside each, the floor: the same aggregation as hand-written SQL ``GROUP BY`` on the same
  store (plain columns, no "not stated" folding, no first-consultation rule), and the ratio;
* an XLSX of every case as the case list's export writes it (``ExportService``);
  target ≤ 20 s;
* the donor report PDF of the period (every anonymized figure of it, laid out); target ≤ 5 s
  (``--donor-only`` skips the rest).

Run with ``python bench/bench_reports.py [--clients N] [--keep DIR] [--store DIR]
[--period 2026] [--runs 5] [--key-figures]`` (``--key-figures``: the table of
docs/statistics.md "Speed" and the donor report, without the floors).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text

from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.services.statistics_sql import period_params
from legalaid_desktop.statistics.definitions import Dimension, Measure, check_applies
from legalaid_desktop.statistics.periods import parse_period
from legalaid_desktop.statistics.query import FigureQuery
from legalaid_desktop.store.bulk_load import without_memory_security
from legalaid_desktop.store.vault import FLOOR

SINGLE_TARGET_MS = 300.0
CROSS_TARGET_MS = 500.0
XLSX_TARGET_S = 20.0
DONOR_TARGET_S = 5.0
PASSWORD = "Bench-qala-2026"

# The floor: hand-written GROUP BY over plain columns, the same base rows.
_CONSULT = (
    "FROM consultations co JOIN cases ca ON ca.id = co.case_id JOIN clients cl "
    "ON cl.id = ca.client_id LEFT JOIN corruption_details cd ON cd.case_id = ca.id "
    "WHERE co.deleted_hlc IS NULL AND co.held_on BETWEEN :start AND :end"
)
_CASES = (
    "FROM cases ca JOIN clients cl ON cl.id = ca.client_id LEFT JOIN corruption_details cd "
    "ON cd.case_id = ca.id WHERE ca.deleted_hlc IS NULL"
)
FLOOR_SOURCES: dict[Measure, tuple[str, str]] = {
    Measure.CONSULTATIONS: ("COUNT(*)", _CONSULT),
    Measure.CONSULTATION_MINUTES: ("SUM(co.minutes)", _CONSULT),
    Measure.CLIENTS_SERVED: ("COUNT(DISTINCT ca.client_id)", _CONSULT),
    Measure.CASES_OPENED: ("COUNT(*)", f"{_CASES} AND ca.opened_on BETWEEN :start AND :end"),
    Measure.CASES_CLOSED: ("COUNT(*)", f"{_CASES} AND ca.closed_on BETWEEN :start AND :end"),
    Measure.OPEN_CASES: (
        "COUNT(*)",
        f"{_CASES} AND ca.opened_on <= :end AND (ca.closed_on IS NULL OR ca.closed_on > :end)",
    ),
    Measure.NEW_CLIENTS: (
        "COUNT(*)",
        "FROM clients cl LEFT JOIN cases ca ON ca.id = (SELECT c2.id FROM cases c2 WHERE "
        "c2.client_id = cl.id ORDER BY c2.opened_on LIMIT 1) LEFT JOIN corruption_details cd "
        "ON cd.case_id = ca.id WHERE cl.deleted_hlc IS NULL AND cl.created_at >= :start_utc "
        "AND cl.created_at < :end_utc",
    ),
}
FLOOR_COLUMNS: dict[Dimension, str] = {
    Dimension.GENDER: "cl.gender",
    Dimension.AGE_BAND: "(:age_year - cl.birth_year) / 15",
    Dimension.REGION: "cl.region",
    Dimension.CENTER: "ca.owner_node",
    Dimension.LEGAL_AREA: "ca.legal_area",
    Dimension.CORRUPTION_SECTOR: "cd.sector",
    Dimension.CORRUPTION_CONDUCT: "cd.conduct",
    Dimension.INSTITUTION: "cd.institution",
    Dimension.OUTCOME: "ca.outcome",
    Dimension.DISPLACEMENT: "cl.displacement",
    Dimension.DISABILITY: "cl.disability",
    Dimension.CONSULTATION_MODE: "co.mode",
    Dimension.HEARD_FROM: "cl.referral_source",
    Dimension.CAMPAIGN: "ca.campaign_id",
    Dimension.LAWYER: "ca.assigned_lawyer",
    Dimension.SATISFACTION: "cd.satisfaction",
    Dimension.MONTH: "substr(ca.opened_on, 1, 7)",
    Dimension.QUARTER: "substr(ca.opened_on, 1, 4)",
    Dimension.YEAR: "substr(ca.opened_on, 1, 4)",
}
CROSSES: tuple[tuple[Measure, tuple[Dimension, Dimension], bool], ...] = (
    (Measure.CLIENTS_SERVED, (Dimension.GENDER, Dimension.AGE_BAND), False),
    (Measure.CONSULTATIONS, (Dimension.GENDER, Dimension.AGE_BAND), False),
    (Measure.CASES_CLOSED, (Dimension.LEGAL_AREA, Dimension.OUTCOME), False),
    (Measure.CLIENTS_SERVED, (Dimension.GENDER, Dimension.AGE_BAND), True),
)


KEY_FIGURES: tuple[tuple[Measure, tuple[Dimension, ...], bool], ...] = (
    (Measure.CONSULTATIONS, (Dimension.GENDER,), False),
    (Measure.CONSULTATIONS, (Dimension.REGION,), False),
    (Measure.CONSULTATION_MINUTES, (Dimension.LEGAL_AREA,), False),
    (Measure.CONSULTATIONS, (Dimension.INSTITUTION,), False),
    (Measure.CONSULTATIONS, (Dimension.LAWYER,), False),
    (Measure.CLIENTS_SERVED, (Dimension.GENDER,), False),
    (Measure.CLIENTS_SERVED, (Dimension.LAWYER,), False),
    (Measure.CLIENTS_SERVED, (Dimension.GENDER, Dimension.AGE_BAND), False),
    (Measure.CONSULTATIONS, (Dimension.GENDER, Dimension.AGE_BAND), False),
    (Measure.CLIENTS_SERVED, (Dimension.GENDER, Dimension.AGE_BAND), True),
)
"""The figures of the table in docs/statistics.md "Speed" (``--key-figures``: no floors, fast)."""


def key_figures(store: Path, period_code: str, runs: int) -> int:
    """Median and p95 of :data:`KEY_FIGURES`, then the donor report: a few minutes at HQ scale
    where the full matrix with its floors takes most of an hour."""
    session = app.login(store, "admin", PASSWORD)
    period = parse_period(period_code)
    try:
        print(f"period {period.code}, {runs} runs each (after one to warm), ms")
        for measure, dims, anonymized in KEY_FIGURES:
            query = FigureQuery(measure, period, dims, anonymized=anonymized, previous=False)
            got = _ms(lambda q=query: session.statistics.figures(q), runs)  # type: ignore[misc]
            label = "×".join(d.value for d in dims) + (" anon" if anonymized else "")
            print(
                f"{measure.value:22} {label:26} median {statistics.median(got):7.1f} "
                f"p95 {_p95(got):7.1f}"
            )
        return 0 if donor_report(session, period_code) else 1
    finally:
        session.close()


def _ms(function: Callable[[], Any], runs: int) -> list[float]:
    function()  # warm: the pages of the store in SQLCipher's cache
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


_CD = " LEFT JOIN corruption_details cd ON cd.case_id = ca.id"
_FIRST_CASE = (
    " LEFT JOIN cases ca ON ca.id = (SELECT c2.id FROM cases c2 WHERE "
    "c2.client_id = cl.id ORDER BY c2.opened_on LIMIT 1)"
)


_FIGURES_COLUMNS: dict[str, str] = {
    "cl.gender": "gender",
    "cl.region": "region",
    "cl.displacement": "displacement",
    "cl.disability": "disability",
    "cl.referral_source": "referral_source",
    "ca.owner_node": "owner_node",
    "ca.legal_area": "legal_area",
    "ca.outcome": "outcome",
    "ca.campaign_id": "campaign_id",
    "cd.sector": "sector",
    "cd.conduct": "conduct",
    "cd.institution": "institution",
    "cd.satisfaction": "satisfaction",
    "co.mode": "mode",
    "co.lawyer": "lawyer",
    "ca.assigned_lawyer": "lawyer",
    "co.held_on": "held_on",
    "ca.opened_on": "held_on",
    "co.minutes": "minutes",
    "cl.birth_year": "birth_year",
    "ca.client_id": "client_id",
}


def _table_floor_sql(measure: Measure, dims: tuple[Dimension, ...]) -> str | None:
    """For a measure over consultations, the plain GROUP BY on ``consultation_figures`` (the
    table the service reads): what SQLite itself takes to group the same rows."""
    if measure not in (
        Measure.CONSULTATIONS,
        Measure.CONSULTATION_MINUTES,
        Measure.CLIENTS_SERVED,
    ):
        return None
    sql = _floor_sql(measure, dims)
    select, _sep, rest = sql.partition(" FROM ")
    _body, _sep, group = rest.partition(" GROUP BY ")
    for old, new in sorted(_FIGURES_COLUMNS.items(), key=lambda kv: -len(kv[0])):
        select, group = select.replace(old, new), group.replace(old, new)
    return (
        f"{select} FROM consultation_figures WHERE held_on BETWEEN :start AND :end GROUP BY {group}"
    )


def _floor_sql(measure: Measure, dims: tuple[Dimension, ...]) -> str:
    """The plain GROUP BY, joining only what the dimensions read (as a person would write it)."""
    value, body = FLOOR_SOURCES[measure]
    columns = [FLOOR_COLUMNS[d] for d in dims]
    if not any(c.startswith("cd.") for c in columns):
        body = body.replace(_CD, "")
    if measure is Measure.NEW_CLIENTS and not any(c.startswith(("ca.", "cd.")) for c in columns):
        body = body.replace(_FIRST_CASE, "")
    if measure is Measure.NEW_CLIENTS:
        columns = [c.replace("ca.owner_node", "cl.node_code") for c in columns]
        columns = [c.replace("ca.opened_on", "cl.created_at") for c in columns]
    cols = columns
    if measure in (Measure.CONSULTATIONS, Measure.CONSULTATION_MINUTES, Measure.CLIENTS_SERVED):
        cols = [c.replace("ca.opened_on", "co.held_on") for c in cols]
        cols = [c.replace("ca.assigned_lawyer", "co.lawyer") for c in cols]
    return f"SELECT {', '.join([*cols, value])} {body} GROUP BY {', '.join(cols)}"


def build(clients: int, keep: Path | None) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="legalaid-bench-reports-"))
    store = tmp / "store"
    started = time.perf_counter()
    session, _recovery = app.create(
        store,
        node_code="GNJ",
        node_name="Gəncə mərkəzi",
        hq=False,
        admin_username="admin",
        admin_full_name="Bench Admin",
        admin_password=PASSWORD,
        kdf=FLOOR,
    )
    with without_memory_security():
        summary = generate_demo(session.ws, clients=clients, seed=18, lawyer_password=PASSWORD)
    session.close()
    print(
        f"built {summary.clients:,} clients, {summary.cases:,} cases, "
        f"{summary.consultations:,} consultations in {time.perf_counter() - started:.0f} s"
    )
    if keep is not None:
        shutil.copytree(store, keep, ignore=shutil.ignore_patterns("*.lock"))
    return store


def donor_report(session: app.AppSession, period_code: str) -> bool:
    """The donor report PDF of the period, as `legalaid report donor` makes it."""
    period = parse_period(period_code)
    started = time.perf_counter()
    doc = session.donor.document(period, lang="az")
    spent = time.perf_counter() - started
    ok = spent <= DONOR_TARGET_S
    print(
        f"donor report {period.code}: {spent:.1f} s, {doc.pages} pages, "
        f"{len(doc.data) / 1e3:.0f} kB (target ≤ {DONOR_TARGET_S:.0f} s) {'OK' if ok else 'OVER'}"
    )
    return ok


def run(store: Path, period_code: str, runs: int, donor_only: bool = False) -> int:
    session = app.login(store, "admin", PASSWORD)
    if donor_only:
        try:
            return 0 if donor_report(session, period_code) else 1
        finally:
            session.close()
    period = parse_period(period_code)
    params = period_params(period)
    failed = False
    try:
        with session.ws.read() as s:
            counts = [
                s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                for t in ("clients", "cases", "consultations")
            ]
        print(f"store: {counts[0]:,} clients, {counts[1]:,} cases, {counts[2]:,} consultations")
        print(f"period {period.code}, {runs} runs each, p95 in ms (floor: hand-written GROUP BY)")
        print("(table: the same GROUP BY on consultation_figures, for the consultation measures)")
        print(
            f"{'measure':22} {'by':20} {'p50':>7} {'p95':>7} {'floor':>7} {'ratio':>6} "
            f"{'table':>7} {'ratio':>6}"
        )
        worst = 0.0

        def floor_ms(sql: str) -> float:
            def q() -> None:
                with session.ws.read() as s:
                    s.execute(text(sql), params).all()

            return _p95(_ms(q, runs))

        def table_column(measure: Measure, dims: tuple[Dimension, ...], p95: float) -> str:
            sql = _table_floor_sql(measure, dims)
            if sql is None:
                return ""
            fl = floor_ms(sql)
            return f" {fl:7.1f} {p95 / max(fl, 0.01):6.1f}"

        for measure in Measure:
            times: list[float] = []
            for dim in Dimension:
                try:
                    check_applies(measure, (dim,))
                except Exception:
                    continue
                query = FigureQuery(measure, period, (dim,), previous=False)
                got = _ms(lambda q=query: session.statistics.figures(q), runs)  # type: ignore[misc]
                times += got
                fl = floor_ms(_floor_sql(measure, (dim,)))
                p95 = _p95(got)
                worst = max(worst, p95)
                print(
                    f"{measure.value:22} {dim.value:20} {statistics.median(got):7.1f} "
                    f"{p95:7.1f} {fl:7.1f} {p95 / max(fl, 0.01):6.1f}"
                    + table_column(measure, (dim,), p95)
                )
            print(f"{measure.value:22} {'(all dimensions)':20} {'':7} {_p95(times):7.1f}")
        ok = worst <= SINGLE_TARGET_MS
        failed |= not ok
        print(
            f"single dimension: worst p95 {worst:.1f} ms (target ≤ {SINGLE_TARGET_MS:.0f}) "
            f"{'OK' if ok else 'OVER'}"
        )
        for measure, dims, anonymized in CROSSES:
            query = FigureQuery(measure, period, dims, anonymized=anonymized, previous=False)
            got = _ms(lambda q=query: session.statistics.figures(q), runs)  # type: ignore[misc]
            fl = floor_ms(_floor_sql(measure, dims))
            p95 = _p95(got)
            ok = p95 <= CROSS_TARGET_MS
            failed |= not ok
            label = f"{dims[0].value}×{dims[1].value}" + (" anon" if anonymized else "")
            print(
                f"{measure.value:22} {label:20} {statistics.median(got):7.1f} {p95:7.1f} "
                f"{fl:7.1f} {p95 / max(fl, 0.01):6.1f}"
                + table_column(measure, dims, p95)
                + f"  (target ≤ {CROSS_TARGET_MS:.0f}) {'OK' if ok else 'OVER'}"
            )
        with_previous = FigureQuery(Measure.CLIENTS_SERVED, period, (Dimension.GENDER,))
        got = _ms(lambda: session.statistics.figures(with_previous), runs)
        print(f"clients_served by gender with the previous period: p95 {_p95(got):.1f} ms")
        failed |= not xlsx_of_cases(session)
        failed |= not donor_report(session, period_code)
    finally:
        session.close()
    return 1 if failed else 0


def xlsx_of_cases(session: app.AppSession) -> bool:
    """Every case to XLSX as the case list's "Export…" and ``legalaid export cases`` write it
    (services/exports.py: streamed from the store, labels, dates as dates, audited)."""
    with tempfile.TemporaryDirectory(prefix="legalaid-bench-xlsx-") as tmp:
        target = Path(tmp) / "cases.xlsx"
        started = time.perf_counter()
        result = session.exports.export("cases", target, "xlsx")
        spent = time.perf_counter() - started
        size = target.stat().st_size
    ok = spent <= XLSX_TARGET_S
    print(
        f"XLSX of {result.rows:,} cases: {spent:.1f} s, {size / 1e6:.1f} MB "
        f"(target ≤ {XLSX_TARGET_S:.0f} s) {'OK' if ok else 'OVER'}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="copy the built store to DIR")
    parser.add_argument("--store", type=Path, metavar="DIR", help="reuse a store made with --keep")
    parser.add_argument("--period", default=str(today().year))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--build-only", action="store_true", help="build (and --keep) only")
    parser.add_argument("--donor-only", action="store_true", help="time the donor report only")
    parser.add_argument(
        "--key-figures", action="store_true", help="the key figures and the donor report only"
    )
    args = parser.parse_args(argv)
    store = args.store or build(args.clients, args.keep)
    if args.build_only:
        shutil.rmtree(store.parent, ignore_errors=True)
        return 0
    try:
        if args.key_figures:
            return key_figures(store, args.period, args.runs)
        return run(store, args.period, args.runs, args.donor_only)
    finally:
        if args.store is None:
            shutil.rmtree(store.parent, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
