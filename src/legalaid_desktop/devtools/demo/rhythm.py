"""The rhythm of a center's year for the demo data: which days it works, and how busy it is.

A real network's figures are not flat: clients come on working days, fewer in August (the
holidays), around Novruz and the New Year, more in autumn; a center grows from the day it
opened, and the centers of smaller towns opened later than Baku's and Ganja's. :class:`Calendar`
holds a weight for every day of the demo's history (0 on weekends and public holidays) and
picks opening days by those weights, so that monthly figures and charts show what a real
network's would.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date
from typing import Final

from legalaid_desktop.devtools.demo.chance import weekday

HISTORY_DAYS: Final = 3 * 365
"""How far back the demo's history goes, in days before the base date."""

MONTH_WEIGHTS: Final[dict[int, float]] = {
    1: 0.8,  # New Year holidays, then a slow start
    2: 1.0,
    3: 0.8,  # Novruz: the holiday week and the days around it
    4: 1.05,
    5: 0.95,
    6: 0.9,
    7: 0.8,
    8: 0.55,  # summer holidays
    9: 1.15,
    10: 1.25,
    11: 1.2,
    12: 0.95,
}
"""How busy a month is, against an average month (autumn is the busiest season)."""

HOLIDAYS: Final[frozenset[tuple[int, int]]] = frozenset(
    {
        (1, 1), (1, 2),  # New Year
        (3, 8),  # Women's Day
        (3, 20), (3, 21), (3, 22), (3, 23), (3, 24),  # Novruz
        (5, 9), (5, 28), (6, 15), (6, 26),  # Victory, Independence, Salvation, Army
        (11, 8), (11, 9),  # Victory Day, Flag Day
        (12, 31),  # Solidarity of World Azerbaijanis
    }
)  # fmt: skip
"""Azerbaijan's fixed public holidays (month, day): no consultations are held."""

QUIET: Final[frozenset[tuple[int, int]]] = frozenset(
    {(1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (3, 17), (3, 18), (3, 19), (3, 25), (3, 26)}
)
"""Working days around the New Year and Novruz, when few people come (a third of the usual)."""

CENTER_START_DAYS: Final[dict[str, int]] = {
    "baku": HISTORY_DAYS,
    "ganja": HISTORY_DAYS,
    "sheki": 900,
    "lankaran": 900,
    "quba": 720,
    "shamkir": 640,
    "goychay": 540,
    "imishli": 480,
    "kurdamir": 420,
    "astara": 400,
}
"""How many days before the base date each town's center opened (the others: three years)."""

RAMP_DAYS: Final = 120
"""A center opened within the history: in its first months its flow of clients rises from a
fifth to its usual level."""


def day_weight(ordinal: int, opened: int, base: int) -> float:
    """How busy day ``ordinal`` is at a center that opened on ``opened``; 0 when it is closed."""
    if ordinal < opened or weekday(ordinal) >= 5:
        return 0.0
    d = date.fromordinal(ordinal)
    key = (d.month, d.day)
    if key in HOLIDAYS:
        return 0.0
    weight = MONTH_WEIGHTS[d.month] * (0.33 if key in QUIET else 1.0)
    if weekday(ordinal) == 0:
        weight *= 1.1  # Mondays: the weekend's problems
    # Growth: word of mouth and outreach bring more clients every year (half again over three
    # years); a new center starts small.
    weight *= 0.6 + 0.4 * min(1.0, max(0.0, (ordinal - (base - HISTORY_DAYS)) / (HISTORY_DAYS)))
    if opened > base - HISTORY_DAYS and ordinal - opened < RAMP_DAYS:
        weight *= 0.2 + 0.8 * (ordinal - opened) / RAMP_DAYS
    return weight


class Calendar:
    """The working days of one center from its opening to well after the base date.

    :meth:`pick` draws a day up to the base date by the days' weights (one random number and
    one bisection); :meth:`forward` moves a day to the next working day, also after the base
    date (where the consultations of an open case are planned).
    """

    AHEAD: Final = HISTORY_DAYS
    """Days after the base date that :meth:`forward` knows."""

    def __init__(self, base: int, opened: int) -> None:
        self.base = base
        self.opened = opened
        self.first = opened
        cum: list[float] = []
        total = 0.0
        for ordinal in range(opened, base + 1):
            total += day_weight(ordinal, opened, base)
            cum.append(total)
        self._cum = cum
        self._total = total
        last = base + self.AHEAD
        nxt = [last] * (last - opened + 1)
        following = last
        for ordinal in range(last, opened - 1, -1):
            d = date.fromordinal(ordinal)
            if weekday(ordinal) < 5 and (d.month, d.day) not in HOLIDAYS:
                following = ordinal
            nxt[ordinal - opened] = following
        self._next = nxt

    def pick(self, rng: random.Random, after: int | None = None) -> int:
        """A working day from ``after`` (default: the center's opening) to the base date."""
        low = 0.0
        if after is not None and after > self.first:
            if after > self.base:
                return self.last_workday()
            low = self._cum[after - self.first - 1]
            if low >= self._total:
                return self.last_workday()
        x = low + rng.random() * (self._total - low)
        return self.first + min(bisect_right(self._cum, x), len(self._cum) - 1)

    def forward(self, ordinal: int) -> int:
        """``ordinal`` if the center works that day, else its next working day."""
        if ordinal < self.first:
            ordinal = self.first
        index = ordinal - self.first
        if index >= len(self._next):
            return ordinal
        return self._next[index]

    def last_workday(self) -> int:
        """The last working day up to the base date."""
        ordinal = self.base
        while ordinal > self.first and self.forward(ordinal) != ordinal:
            ordinal -= 1
        return ordinal


def center_calendar(place: str | None, base: int) -> Calendar:
    """The calendar of the center in ``place`` (a town of ``resources/demo/places.json``)."""
    days = CENTER_START_DAYS.get(place or "", HISTORY_DAYS)
    return Calendar(base, base - days)
