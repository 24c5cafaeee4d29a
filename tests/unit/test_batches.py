"""store/batches.py: every id in exactly one query, in order, none beyond the size."""

from __future__ import annotations

import pytest

from legalaid_desktop.store.batches import BATCH, batches


@pytest.mark.parametrize(
    ("count", "size", "lengths"),
    [
        (0, 3, []),
        (1, 3, [1]),
        (3, 3, [3]),
        (7, 3, [3, 3, 1]),
        (BATCH * 2 + 1, BATCH, [BATCH, BATCH, 1]),
    ],
)
def test_every_item_once_in_order(count: int, size: int, lengths: list[int]) -> None:
    items = [f"id-{i:05d}" for i in range(count)]
    cut = list(batches(items, size))
    assert [len(b) for b in cut] == lengths
    assert [i for b in cut for i in b] == items


def test_the_default_size_stays_under_sqlites_old_variable_limit() -> None:
    items = list(range(2_000))
    assert BATCH == 500
    assert [len(b) for b in batches(items)] == [500, 500, 500, 500]
    assert list(batches(tuple("abc"), 2)) == [["a", "b"], ["c"]]  # any sequence, lists out


def test_the_size_is_read_at_each_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests set BATCH to 1 to drive a query path through several batches
    (test_sync_ownership.py): the setting must reach every caller."""
    from legalaid_desktop.store import batches as module

    monkeypatch.setattr(module, "BATCH", 2)
    assert [len(b) for b in batches(list("abcde"))] == [2, 2, 1]
