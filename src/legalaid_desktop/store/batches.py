"""Lists of row ids cut into batches, one ``IN (...)`` query each.

SQLite binds at most 32,766 variables per statement (999 before 3.32); 500 keeps every query
well under either limit and its plan cheap.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

BATCH = 500
"""Row ids per query (read at each call: a test may set it to 1 to force several batches)."""

T = TypeVar("T")


def batches(items: Sequence[T], size: int | None = None) -> Iterator[list[T]]:
    """``items`` in order, ``size`` (default :data:`BATCH`) at a time; the last holds the rest."""
    step = BATCH if size is None else size
    for start in range(0, len(items), step):
        yield list(items[start : start + step])
