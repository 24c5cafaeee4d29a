"""Results of the global search and of the conflict-of-interest check (DESIGN.md §3, §4).

Plain frozen values handed to the front ends; never live database rows.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ConflictHit", "SearchHit"]


@dataclass(frozen=True)
class SearchHit:
    """One record found by the global search.

    Attributes:
        kind: ``"client"``, ``"case"``, ``"consultation"`` or ``"party"``.
        ref_id: Id of the client, case, consultation or party.
        case_number: The case's number (for a case, a consultation or a party), else ``None``.
        title: First line to show: a client's or party's name, a case's number.
        subtitle: Second line: region and birth year, legal area and client, date and notes...
        score: Relevance, higher is better (only comparable within one search).
    """

    kind: str
    ref_id: str
    case_number: str | None
    title: str
    subtitle: str
    score: float


@dataclass(frozen=True)
class ConflictHit:
    """A client or case party whose name may be the same person (or family) as a new name.

    Attributes:
        kind: ``"client"`` or ``"party"``.
        ref_id: Id of the client or party.
        name: The name as stored.
        score: 0..100; higher means more likely the same person.
        level: ``"exact"`` (score ≥ 90), ``"strong"`` (≥ 70) or ``"possible"`` (≥ 50).
        reasons: Human-readable, translated reasons, strongest first.
        case_numbers: The numbers of the cases involved: a client's cases, a party's case.
        role: A party's role (``adverse``, ``institution``, ``witness``, ``representative``);
            ``None`` for a client.
        birth_year: A client's birth year if known; ``None`` for a party.
    """

    kind: str
    ref_id: str
    name: str
    score: int
    level: str
    reasons: tuple[str, ...]
    case_numbers: tuple[str, ...]
    role: str | None
    birth_year: int | None
