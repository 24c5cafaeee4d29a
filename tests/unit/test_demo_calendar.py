"""The demo's calendar: working days only, busier in autumn, new town centers start later."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from legalaid_desktop.devtools.demo.rhythm import (
    HISTORY_DAYS,
    HOLIDAYS,
    Calendar,
    center_calendar,
    day_weight,
)

BASE = date(2026, 12, 5).toordinal()


def _is_workday(ordinal: int) -> bool:
    d = date.fromordinal(ordinal)
    return d.weekday() < 5 and (d.month, d.day) not in HOLIDAYS


def test_days_are_picked_only_on_working_days_within_the_history() -> None:
    calendar = center_calendar("ganja", BASE)
    rng = random.Random(3)
    days = [calendar.pick(rng) for _ in range(20_000)]
    assert all(_is_workday(d) for d in days)
    assert BASE - HISTORY_DAYS <= min(days) < BASE - HISTORY_DAYS + 30
    assert max(days) <= BASE
    novruz = [
        d for d in days if date.fromordinal(d).month == 3 and 20 <= date.fromordinal(d).day <= 24
    ]
    assert not novruz


def test_a_day_after_another_is_not_before_it() -> None:
    calendar = center_calendar("ganja", BASE)
    rng = random.Random(4)
    for after in (BASE - 900, BASE - 30, BASE - 1, BASE, BASE + 20):
        for _ in range(200):
            day = calendar.pick(rng, after)
            assert _is_workday(day)
            assert day >= min(after, calendar.last_workday())
            assert day <= BASE


def test_forward_moves_to_the_next_working_day_also_after_the_base_date() -> None:
    calendar = center_calendar("ganja", BASE)
    saturday = date(2027, 3, 20).toordinal()  # Novruz, and a Saturday
    assert date.fromordinal(calendar.forward(saturday)) == date(2027, 3, 25)
    monday = date(2026, 12, 7).toordinal()
    assert calendar.forward(monday) == monday


def test_seasons_growth_and_holidays_show_in_the_counts() -> None:
    calendar = center_calendar("baku", BASE)
    rng = random.Random(5)
    months = Counter(date.fromordinal(calendar.pick(rng)).month for _ in range(60_000))
    assert months[8] < 0.6 * months[10]  # August holidays against October
    assert months[3] < months[4] and months[1] < months[2]  # Novruz, New Year
    assert months[9] + months[10] + months[11] > 1.3 * (months[6] + months[7] + months[8])
    years = Counter((BASE - calendar.pick(rng)) // 365 for _ in range(60_000))  # 0: the last year
    assert years[0] > 1.2 * years[2]


def test_a_small_town_center_opened_later_and_starts_small() -> None:
    baku, town = center_calendar("baku", BASE), center_calendar("imishli", BASE)
    assert town.opened > baku.opened
    assert day_weight(town.opened - 7, town.opened, BASE) == 0
    rng = random.Random(6)
    days = [town.pick(rng) for _ in range(20_000)]
    assert min(days) >= town.opened
    first_month = sum(d < town.opened + 30 for d in days)
    last_month = sum(d > BASE - 30 for d in days)
    assert first_month < 0.5 * last_month
    assert Calendar(BASE, BASE - 10).pick(rng) >= BASE - 10
