"""The clients an anonymized figure may count, kept between reads while the consents stay the
same.

Selecting them (:data:`~legalaid_desktop.services.statistics_sql.ELIGIBLE`: a consent covering
anonymized statistics in force on the period's last day, processing not withdrawn) takes about
100 ms at HQ scale, a fifth of an anonymized table (docs/statistics.md "Speed"). The selection
depends on the consents alone, and every write to them, whoever makes it (a screen, a bundle's
merge, an import, raw SQL), raises ``consent_generation.n`` by a trigger
(``store.models.figures.ConsentGeneration``). So a selection is kept with the number it was
made at, and given again only while the number read *in the same read transaction* as the
figure is that one: a withdrawal is seen by the next figure, as before.

What is kept is client ids (random UUIDs, no name), in this process's memory only, for the last
few period ends asked; a store without the number (its row deleted) is never served from here.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy.orm import Session

from legalaid_desktop.services.statistics_sql import ELIGIBLE

__all__ = ["KeptEligible", "select_eligible"]

GENERATION = "SELECT n FROM consent_generation WHERE id = 1"


class KeptEligible:
    """The eligible clients of the last :attr:`SIZE` period ends, each with the consents'
    generation it was selected at. Shared by the reads of one store (thread-safe)."""

    SIZE = 4
    """A report's period end and the previous period's, and a second report's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[int, frozenset[str]]] = {}

    def get(self, end: str, generation: int) -> frozenset[str] | None:
        with self._lock:
            got = self._kept.get(end)
        return got[1] if got is not None and got[0] == generation else None

    def put(self, end: str, generation: int, clients: frozenset[str]) -> None:
        with self._lock:
            self._kept.pop(end, None)
            self._kept[end] = (generation, clients)
            while len(self._kept) > self.SIZE:
                del self._kept[next(iter(self._kept))]  # the one asked longest ago


def select_eligible(s: Session, end: str, kept: KeptEligible | None = None) -> frozenset[str]:
    """The ids of the clients whose consent covers anonymized statistics on ``end`` (an ISO
    day), as this read sees the consents; from ``kept`` when the consents are unchanged since
    it was selected there."""
    cursor: Any = s.connection().connection.cursor()  # the DB-API's: plain tuples
    try:
        generation: int | None = None
        if kept is not None:
            row = cursor.execute(GENERATION).fetchone()  # before the selection: see the module
            generation = None if row is None else int(row[0])
            if generation is not None and (hit := kept.get(end, generation)) is not None:
                return hit
        clients = frozenset(r[0] for r in cursor.execute(ELIGIBLE, {"end": end}))
        if kept is not None and generation is not None:
            kept.put(end, generation, clients)
        return clients
    finally:
        cursor.close()
