"""The case and client lists and the dashboard: the quick queries give the plain queries' answers.

The lists choose a page from an index and count separately (``count=False`` + ``count()``); the
dashboard counts over partial indexes of live rows and reads the agenda in one pass. Here a small
real store with demo data (some rows tombstoned, as after a sync) is read both ways, and the
query plans are checked to use those indexes (no scan of an encrypted table).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text

from legalaid_desktop import app
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import Case, Client, Consultation, Deadline

OPEN = ("open", "pending")


@pytest.fixture
def demo(admin_session: app.AppSession) -> app.AppSession:
    """Demo data for this center, with a few rows of each kind tombstoned."""
    generate_demo(admin_session.ws, clients=90, seed=7, lawyer_password="Lawyer-pass-2026")
    ws = admin_session.ws
    rng = random.Random(3)
    with ws.write() as s:
        for model in (Case, Client, Consultation, Deadline):
            rows = s.scalars(select(model).order_by(model.id)).all()
            for row in rng.sample(list(rows), k=min(6, len(rows))):
                ws.tombstone(s, row)
    return admin_session


def _all(session: app.AppSession, model: type[Any]) -> list[Any]:
    with session.ws.read() as s:
        rows = list(s.scalars(select(model)).all())
        s.expunge_all()
        return rows


def _pages(fetch: Any, size: int) -> tuple[list[Any], list[int]]:
    """All rows of a list read ``size`` at a time, and the ``total`` of each page."""
    rows: list[Any] = []
    totals: list[int] = []
    while True:
        page = fetch(offset=len(rows), limit=size)
        assert page.offset == len(rows)
        rows.extend(page.rows)
        totals.append(page.total)
        if len(page.rows) < size:
            return rows, totals


FILTERS: list[dict[str, str]] = [
    {},
    {"status": "open"},
    {"status": "closed"},
    {"lawyer": "gunel.m"},
    {"legal_area": "family"},
    {"status": "open", "lawyer": "elvin.h"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "all")
def test_case_pages_are_the_plain_query_in_order(
    demo: app.AppSession, filters: dict[str, str]
) -> None:
    cases, clients = _all(demo, Case), {c.id: c for c in _all(demo, Client)}
    wanted = sorted(
        (
            c
            for c in cases
            if c.deleted_hlc is None
            and all(
                getattr(c, {"lawyer": "assigned_lawyer"}.get(k, k)) == v for k, v in filters.items()
            )
        ),
        key=lambda c: (c.opened_on, c.number),
        reverse=True,
    )
    assert wanted, "the demo data should match every filter"
    expected = [(c.number, clients[c.client_id].full_name, c.status) for c in wanted]

    for count in (True, False):
        rows, totals = _pages(
            lambda offset, limit, count=count: demo.cases.list(
                **filters, offset=offset, limit=limit, count=count
            ),
            7,
        )
        assert [(r.number, r.client_name, r.status) for r in rows] == expected
        if count:
            assert set(totals) == {len(expected)}
        else:  # what is known from each page: the rows so far, plus one while more follow
            so_far = [min(7 * (i + 1), len(expected)) for i in range(len(totals))]
            assert totals == [n + (n < len(expected)) for n in so_far]
    assert demo.cases.count(**filters) == len(expected)
    whole = demo.cases.list(**filters, limit=len(expected) + 5)
    assert [r.number for r in whole.rows] == [c.number for c in wanted]


@pytest.mark.parametrize("filters", [{}, {"gender": "female"}, {"region": "AZ-GA"}])
def test_client_pages_are_the_plain_query_in_order(
    demo: app.AppSession, filters: dict[str, str]
) -> None:
    with demo.ws.read() as s:
        where = [text("deleted_hlc IS NULL")] + [
            getattr(Client, k) == v for k, v in filters.items()
        ]
        expected = [
            r[0]
            for r in s.execute(
                select(Client.id).where(*where).order_by(Client.name_sort, text("clients.rowid"))
            )
        ]
        open_cases = {
            client_id: n
            for client_id, n in s.execute(
                text(
                    "SELECT client_id, count(*) FROM cases WHERE status IN ('open', 'pending')"
                    " AND deleted_hlc IS NULL GROUP BY client_id"
                )
            )
        }
    assert expected
    for count in (True, False):
        rows, totals = _pages(
            lambda offset, limit, count=count: demo.clients.list(
                **filters, offset=offset, limit=limit, count=count
            ),
            11,
        )
        assert [r.id for r in rows] == expected  # no client repeated or skipped across pages
        assert [r.open_cases for r in rows] == [open_cases.get(i, 0) for i in expected]
        assert totals[-1] == len(expected)
    assert demo.clients.count(**filters) == len(expected)


@pytest.fixture
def lawyer_demo(demo: app.AppSession, data_dir: Path) -> Iterator[app.AppSession]:
    """The demo store as one of its lawyers, with deadlines of hers due, overdue and done."""
    demo.close()
    session = app.login(data_dir, "gunel.m", "Lawyer-pass-2026")
    day = today()
    mine = session.cases.list(lawyer="gunel.m", status="open", limit=3).rows
    for row, days in zip(mine, (2, -20, -3), strict=True):
        info = session.records.add_deadline(row.number, day + timedelta(days=days), "Ərizə")
    session.records.set_deadline_done(info.id)
    yield session
    session.close()


def test_dashboard_figures_are_the_plain_counts(lawyer_demo: app.AppSession) -> None:
    demo = lawyer_demo
    day = today()
    month = day.replace(day=1).isoformat()
    me = demo.actor.username
    cases = [c for c in _all(demo, Case) if c.deleted_hlc is None]
    clients = [c for c in _all(demo, Client) if c.deleted_hlc is None]
    consultations = [c for c in _all(demo, Consultation) if c.deleted_hlc is None]

    board = demo.agenda.dashboard()

    assert board.my_open_cases == sum(c.status in OPEN and c.assigned_lawyer == me for c in cases)
    assert board.open_cases == sum(c.status in OPEN for c in cases)
    assert board.month_new_clients == sum(c.created_at >= month for c in clients)
    assert board.month_new_cases == sum(c.opened_on >= month for c in cases)
    assert board.month_closed_cases == sum((c.closed_on or "") >= month for c in cases)
    assert board.month_consultations == sum(c.held_on >= month for c in consultations)
    assert board.open_cases > board.my_open_cases > 0
    assert board.month_new_cases > 0 and board.month_consultations > 0

    # the agenda as two separate calls of the calendar's query
    week = demo.agenda.items(day, day + timedelta(days=7), lawyer=me)
    overdue = demo.agenda.items(day - timedelta(days=365), day - timedelta(days=1), lawyer=me)
    assert list(board.due_this_week) == week
    assert list(board.overdue) == overdue
    assert week and overdue, "the demo data has deadlines due and overdue"

    # ... and that query against the rows themselves
    all_cases = {c.id: c for c in _all(demo, Case)}
    lo, hi = (day - timedelta(days=365)).isoformat(), (day + timedelta(days=7)).isoformat()
    deadlines = {
        d.id
        for d in _all(demo, Deadline)
        if d.deleted_hlc is None
        and not d.done
        and lo <= d.due_on <= hi
        and all_cases[d.case_id].assigned_lawyer == me
    }
    # a follow-up is open unless marked done or met by another consultation of its case held
    # on or after its day (docs/intake.md)
    held: dict[str, list[tuple[str, str]]] = {}
    for c in consultations:
        held.setdefault(c.case_id, []).append((c.id, c.held_on))
    follow_ups = {
        c.id
        for c in consultations
        if c.follow_up_on is not None
        and lo <= c.follow_up_on <= hi
        and c.lawyer == me
        and all_cases[c.case_id].status in OPEN
        and c.follow_up_done_at is None
        and not any(k != c.id and day_ >= c.follow_up_on for k, day_ in held[c.case_id])
    }
    assert follow_ups, "the demo data has open follow-ups"
    items = [*board.overdue, *board.due_this_week]
    assert {i.ref_id for i in items if i.kind == "deadline"} == deadlines
    assert {i.ref_id for i in items if i.kind == "follow_up"} == follow_ups


@pytest.fixture
def statements(demo: app.AppSession) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements the services run (with their parameters), while the test runs."""
    seen: list[tuple[str, Any]] = []
    engine = demo.ws.store.engine

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


BIG_TABLES = ("cases", "clients", "consultations", "deadlines")


def test_lists_and_dashboard_read_indexes_not_tables(
    demo: app.AppSession, statements: list[tuple[str, Any]]
) -> None:
    demo.agenda.dashboard()
    for filters in FILTERS:
        demo.cases.list(**filters, count=False)
        demo.cases.list(**filters, offset=40, count=False)
        demo.cases.count(**filters)
    demo.clients.list(count=False)
    demo.clients.list(region="AZ-GA", count=False)
    demo.clients.count()
    assert len(statements) > 20
    used: set[str] = set()
    raw = demo.ws.store.engine.raw_connection()
    try:
        for statement, params in statements:
            plan = [str(r[-1]) for r in raw.execute("EXPLAIN QUERY PLAN " + statement, params)]
            for step in plan:
                words = step.split()
                if words[:1] == ["SCAN"] and words[1] in BIG_TABLES:
                    assert "INDEX" in words, f"{step} in {statement}"
                used.update(w for w in words if w.startswith("ix_"))
    finally:
        raw.close()
    # the indexes made for these queries are the ones used
    assert {
        "ix_cases_live_opened",
        "ix_cases_live_status_opened",
        "ix_cases_live_lawyer_status",
        "ix_cases_live_area_opened",
        "ix_cases_live_stats_closed",
        "ix_clients_live_name",
        "ix_clients_live_region_name",
        "ix_clients_live_stats_created",
        "ix_consultations_live_stats",
        "ix_consultations_live_lawyer_follow_up",
        "ix_deadlines_live_open_due",
    } <= used, used
