"""Lists of row ids cut into batches, one ``IN (...)`` query each.

SQLite binds at most 32,766 variables per statement (999 before 3.32); 500 keeps every query
well under either limit and its plan cheap.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

BATCH = 500
"""Row ids per query."""

T = TypeVar("T")


def batches(items: Sequence[T], size: int = BATCH) -> Iterator[list[T]]:
    """``items`` in order, ``size`` at a time (the last batch holds the rest)."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
