"""Conflict-check results grouped for a decision: the same person first, the family folded.

The scoring (:mod:`legalaid_desktop.search.conflicts`) returns up to 25 hits, best first. Most
names share a surname with dozens of people, so a flat list is noise. :func:`group_hits`
splits the hits into

- ``same_person``: the *exact* and *strong* hits (with their reasons): one of them may be the
  person named, or a party against them, and saving needs a recorded decision
  (:mod:`legalaid_desktop.services.conflict_decisions`);
- ``same_surname``: the *possible* hits (mostly people who only share the surname), shown
  folded as one line "same surname: N people" that opens on demand, never a reason to stop.

Qt-free and SQL-free: the GUI banner, the standalone check and the CLI use the same groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from legalaid_desktop.domain.search import ConflictHit

__all__ = ["DECISION_LEVELS", "ConflictGroups", "group_hits", "needs_decision"]

DECISION_LEVELS: Final = frozenset({"exact", "strong"})
"""The match levels at which saving a client or adding a party needs a conflict decision."""


@dataclass(frozen=True)
class ConflictGroups:
    """The hits of one check, grouped.

    Attributes:
        same_person: Exact and strong hits, best first (each needs attention).
        same_surname: Possible hits (people who only share the surname, or weaker), best first.
    """

    same_person: tuple[ConflictHit, ...]
    same_surname: tuple[ConflictHit, ...]

    @property
    def needs_decision(self) -> bool:
        """Whether a strong or exact match calls for a recorded decision."""
        return bool(self.same_person)

    @property
    def empty(self) -> bool:
        return not self.same_person and not self.same_surname

    def __len__(self) -> int:
        return len(self.same_person) + len(self.same_surname)


def needs_decision(hit: ConflictHit) -> bool:
    """Whether one hit is strong or exact."""
    return hit.level in DECISION_LEVELS


def group_hits(hits: Sequence[ConflictHit]) -> ConflictGroups:
    """Split ``hits`` (best first) into the same person and the folded surname group."""
    person = tuple(h for h in hits if needs_decision(h))
    others = tuple(h for h in hits if not needs_decision(h))
    return ConflictGroups(same_person=person, same_surname=others)
