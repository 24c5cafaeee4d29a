"""The process feed: items made in a spawned process arrive in order; failures are reported."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from legalaid_desktop.devtools.demo.process_feed import feed
from legalaid_desktop.domain.errors import BackgroundWorkFailed, ValidationError


def squares(n: int) -> Iterator[tuple[int, int, int]]:
    """Items with the producing process's id, to tell where they were made."""
    for i in range(n):
        yield i, i * i, os.getpid()


def fails_after(n: int) -> Iterator[int]:
    yield from range(n)
    raise ValidationError("the third item is wrong", field="item")


class _Unpicklable(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a} {b}")


def fails_unpicklably(n: int) -> Iterator[int]:
    yield n
    raise _Unpicklable("cannot", "pickle")


def dies(n: int) -> Iterator[int]:
    yield n
    os._exit(7)


def forever(marker: str) -> Iterator[int]:
    """Writes its pid to ``marker``, then makes items without end."""
    Path(marker).write_text(str(os.getpid()))
    i = 0
    while True:
        yield i
        i += 1


def test_items_arrive_in_order_from_another_process() -> None:
    with feed(squares, 500) as items:
        got = list(items)
    assert [(i, sq) for i, sq, _pid in got] == [(i, i * i) for i in range(500)]
    assert {pid for _i, _sq, pid in got} != {os.getpid()}


def test_in_process_gives_the_same_items_made_here() -> None:
    with feed(squares, 50, in_process=True) as items:
        got = list(items)
    assert [(i, sq) for i, sq, _pid in got] == [(i, i * i) for i in range(50)]
    assert {pid for _i, _sq, pid in got} == {os.getpid()}


def test_an_exception_there_is_raised_here_as_it_was() -> None:
    seen: list[int] = []
    with (
        pytest.raises(ValidationError, match="the third item is wrong"),
        feed(fails_after, 2) as items,
    ):
        for item in items:
            seen.append(item)
    assert seen == [0, 1]


def test_an_exception_that_cannot_travel_is_reported_by_its_text() -> None:
    with (
        pytest.raises(BackgroundWorkFailed, match="cannot pickle"),
        feed(fails_unpicklably, 1) as items,
    ):
        list(items)


def test_a_process_that_dies_is_reported() -> None:
    with pytest.raises(BackgroundWorkFailed, match="exit code 7"), feed(dies, 1) as items:
        list(items)


def test_leaving_early_stops_the_other_process(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    with feed(forever, str(marker)) as items:
        assert next(items) == 0
        assert next(items) == 1
        pid = int(marker.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the feed process is still running")
