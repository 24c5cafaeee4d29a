"""Random choices for the demo generator: weighted picks, workdays, and the distributions.

The distributions (legal areas, outcomes, consultation modes and lengths, how many cases,
consultations and parties) are the mix seen at Azerbaijani legal-aid centers; the names, places
and texts are in :mod:`legalaid_desktop.devtools.demo.pools`.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from typing import Any, Final, TypeVar

T = TypeVar("T")


class Weighted:
    """A weighted choice that costs one random number and one bisection."""

    __slots__ = ("_cum", "_items", "_total")

    def __init__(self, pairs: Iterable[tuple[Any, float]]) -> None:
        items: list[Any] = []
        cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            if weight <= 0:
                continue
            total += weight
            items.append(item)
            cum.append(total)
        self._items = items
        self._cum = cum
        self._total = total

    def pick(self, rng: random.Random) -> Any:
        return self._items[bisect(self._cum, rng.random() * self._total)]


def weighted(pairs: Iterable[tuple[T, float]]) -> Weighted:
    return Weighted(pairs)


def one(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def weekday(ordinal: int) -> int:
    """Monday 0 .. Sunday 6 of a proleptic Gregorian ordinal."""
    return (ordinal + 6) % 7


def workday_back(ordinal: int, floor: int) -> int:
    """Move a Saturday or Sunday back to the Friday before, but not before ``floor``."""
    wd = weekday(ordinal)
    if wd >= 5:
        ordinal -= wd - 4
    return max(ordinal, floor)


# ================================================================================================
# Legal areas and other distributions
# ================================================================================================

AREA_WEIGHTS: Final[tuple[tuple[str, float], ...]] = (
    ("credit", 18), ("property", 14), ("family", 13), ("labour", 12), ("social", 11),
    ("utilities", 5), ("civil_registration", 5), ("administrative", 4.5), ("inheritance", 4.5),
    ("corruption", 5), ("migration", 1.5), ("tax", 1.2), ("criminal", 1.5), ("consumer", 1.3),
    ("health", 0.9), ("education", 0.8), ("other", 0.8),
)  # fmt: skip

OUTCOMES: Final = weighted(
    [
        ("advice_given", 30), ("document_prepared", 20), ("referred_advocate", 8),
        ("referred_state_body", 6), ("referred_other_org", 4), ("negotiated", 5),
        ("complaint_filed", 6), ("resolved_full", 8), ("resolved_partial", 5),
        ("not_resolved", 3), ("withdrawn", 2), ("lost_contact", 2.5), ("not_eligible", 0.5),
    ]
)  # fmt: skip
CORRUPTION_OUTCOMES: Final = weighted(
    [
        ("advice_given", 20), ("document_prepared", 10), ("referred_state_body", 20),
        ("complaint_filed", 25), ("resolved_full", 6), ("resolved_partial", 6),
        ("not_resolved", 8), ("withdrawn", 3), ("lost_contact", 2),
    ]
)  # fmt: skip

AMOUNTS: Final = (20, 30, 50, 50, 100, 100, 150, 200, 200, 300, 500, 500, 800, 1000, 1500, 3000)

MODES: Final = weighted(
    [("in_person", 55), ("phone", 26), ("online", 6), ("outreach", 7), ("hotline", 6)]
)
MINUTES: Final[dict[str, tuple[int, ...]]] = {
    "in_person": (20, 25, 30, 30, 40, 45, 45, 60, 60, 75, 90),
    "phone": (5, 10, 10, 15, 15, 20, 25, 30),
    "online": (20, 30, 30, 45, 60),
    "outreach": (15, 20, 30, 30, 40),
    "hotline": (5, 10, 15, 15, 20),
}

CONSULT_COUNTS: Final = weighted(
    [(1, 20), (2, 21), (3, 20), (4, 15), (5, 10), (6, 6), (7, 4), (8, 2), (9, 1), (10, 1)]
)
CASE_COUNTS: Final = weighted([(1, 62), (2, 27), (3, 8), (4, 3)])
PARTY_COUNTS: Final = weighted([(0, 22), (1, 58), (2, 20)])

GRANT_DONORS: Final = ("EU-LA", "NED", "OSF-AZ", "UNDP-A2J")
