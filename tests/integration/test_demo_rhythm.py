"""Demo data that looks like a network's life (issue 18): three years of it, with seasons, a
growing center, cases that last weeks to months, and follow-ups ahead rather than a pile of
overdue ones. Read back from a real store."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from conftest import new_center_store
from legalaid_desktop.devtools.demo import generate_demo
from legalaid_desktop.devtools.demo.rhythm import HISTORY_DAYS, HOLIDAYS
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.store.models import Case, Client, Consultation, Deadline

CLIENTS = 600
Rows = dict[str, list[Any]]


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rows]:
    """A Ganja center with 600 demo clients, its cases, consultations and deadlines."""
    session = new_center_store(tmp_path_factory.mktemp("rhythm") / "store")
    generate_demo(session.ws, clients=CLIENTS, seed=11, lawyer_password="Demo-pass-2026")
    with session.ws.read() as s:
        out = {
            "cases": s.execute(
                select(Case.id, Case.opened_on, Case.closed_on, Case.status, Case.outcome)
            ).all(),
            "consultations": s.execute(
                select(
                    Consultation.case_id,
                    Consultation.held_on,
                    Consultation.follow_up_on,
                    Consultation.follow_up_done_at,
                )
            ).all(),
            "deadlines": s.execute(select(Deadline.due_on, Deadline.done)).all(),
            "clients": s.execute(select(Client.gender, Client.birth_year)).all(),
        }
    session.close()
    yield out


def _day(text: str) -> date:
    return date.fromisoformat(text)


def test_consultations_spread_over_three_years_on_working_days(rows: Rows) -> None:
    now = today()
    held = [_day(r.held_on) for r in rows["consultations"]]
    assert min(held) >= now - timedelta(days=HISTORY_DAYS)
    assert min(held) <= now - timedelta(days=HISTORY_DAYS - 45)
    assert max(held) <= now
    months = Counter((d.year, d.month) for d in held)
    assert len(months) >= 36  # every month of the three years has some
    assert all(d.weekday() < 5 and (d.month, d.day) not in HOLIDAYS for d in held)
    # no case piles its consultations on its opening day
    per_case: dict[str, list[date]] = {}
    for r in rows["consultations"]:
        per_case.setdefault(r.case_id, []).append(_day(r.held_on))
    several = [days for days in per_case.values() if len(days) > 1]
    assert sum(len(set(days)) == 1 for days in several) <= 0.02 * len(several)


def test_no_consultation_before_its_case_opens_or_after_it_closes(
    rows: Rows,
) -> None:
    cases = {r.id: r for r in rows["cases"]}
    for r in rows["consultations"]:
        case = cases[r.case_id]
        assert case.opened_on <= r.held_on <= today().isoformat()
        assert case.closed_on is None or r.held_on <= case.closed_on


def test_monthly_counts_follow_the_seasons_and_the_center_grows(rows: Rows) -> None:
    held = [_day(r.held_on) for r in rows["consultations"]]
    this_month = today().replace(day=1)
    full = [d for d in held if d < this_month]
    by_month = Counter(d.month for d in full)
    assert by_month[8] < 0.75 * by_month[10]  # the August holidays against October
    autumn = by_month[9] + by_month[10] + by_month[11]
    summer = by_month[6] + by_month[7] + by_month[8]
    assert autumn > 1.15 * summer
    monthly = Counter((d.year, d.month) for d in full)
    counts = sorted(monthly.values())
    assert counts[-3] > 1.8 * counts[2]  # the months differ, not a flat line
    opened = [_day(r.opened_on) for r in rows["cases"]]
    now = today()
    last_year = sum(d > now - timedelta(days=365) for d in opened)
    first_year = sum(d <= now - timedelta(days=2 * 365) for d in opened)
    assert last_year > 1.2 * first_year


def test_cases_last_weeks_to_months_and_most_are_closed(rows: Rows) -> None:
    cases = rows["cases"]
    closed = [r for r in cases if r.status == "closed"]
    assert 0.75 * len(cases) <= len(closed) <= 0.95 * len(cases)
    assert all(r.outcome and r.closed_on for r in closed)
    assert all(r.outcome is None and r.closed_on is None for r in cases if r.status != "closed")
    lasted = [(_day(r.closed_on) - _day(r.opened_on)).days for r in closed]
    assert 14 <= statistics.median(lasted) <= 120
    assert sum(d > 180 for d in lasted) > 0  # some go on for months (courts)
    open_ones = [r for r in cases if r.status != "closed"]
    assert any(_day(r.opened_on) < today() - timedelta(days=180) for r in open_ones)


def test_follow_ups_lie_ahead_and_few_are_overdue(rows: Rows) -> None:
    now = today().isoformat()
    held_by_case: dict[str, list[str]] = {}
    for r in rows["consultations"]:
        held_by_case.setdefault(r.case_id, []).append(r.held_on)
    past = [r for r in rows["consultations"] if r.follow_up_on and r.follow_up_on < now]
    # overdue: not done, and no later consultation on the case met it
    overdue = [
        r
        for r in past
        if r.follow_up_done_at is None
        and not any(h >= r.follow_up_on and h > r.held_on for h in held_by_case[r.case_id])
    ]
    ahead = [r for r in rows["consultations"] if r.follow_up_on and r.follow_up_on >= now]
    assert 0 < len(overdue) <= 0.03 * len(past)
    assert len(ahead) > 5 * len(overdue)
    # most open cases have their next step ahead
    open_cases = {r.id for r in rows["cases"] if r.status != "closed"}
    with_next = {r.case_id for r in ahead}
    assert len(open_cases & with_next) >= 0.6 * len(open_cases)
    deadlines = rows["deadlines"]
    late = sum(due < now and not done for due, done in deadlines)
    coming = sum(due >= now and not done for due, done in deadlines)
    assert 0 < late < coming


def test_people_look_like_azerbaijani_legal_aid_clients(rows: Rows) -> None:
    genders = Counter(r.gender for r in rows["clients"])
    assert 0.5 <= genders["female"] / CLIENTS <= 0.65
    year = today().year
    ages = [year - r.birth_year for r in rows["clients"] if r.birth_year]
    assert 35 <= statistics.median(ages) <= 50
    assert 0.1 <= sum(18 <= a <= 29 for a in ages) / len(ages) <= 0.35  # youth
