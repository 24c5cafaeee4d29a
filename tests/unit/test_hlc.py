"""Tests for :mod:`legalaid_desktop.domain.hlc` (hybrid logical clocks)."""

from __future__ import annotations

import threading
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_desktop.domain.errors import SyncError
from legalaid_desktop.domain.hlc import (
    COUNTER_MAX,
    DEFAULT_MAX_DRIFT_MS,
    HLC,
    WALL_MS_MAX,
    ClockDriftError,
    HybridClock,
)

DAY_MS = 24 * 60 * 60 * 1000
TEN_YEARS_MS = 3653 * DAY_MS
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z

nodes = st.text(
    alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-",
    min_size=1,
    max_size=8,
)
# Wall times far enough below WALL_MS_MAX that a few counter rollovers cannot reach it.
walls = st.integers(min_value=0, max_value=WALL_MS_MAX - 1_000)
stamps = st.builds(HLC, walls, st.integers(min_value=0, max_value=COUNTER_MAX), nodes)


class FakeClock:
    """A wall clock that returns whatever the test sets."""

    def __init__(self, ms: int) -> None:
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


# --- stamps and their encoding ---------------------------------------------------------------


@given(stamps)
def test_encode_decode_roundtrip(stamp: HLC) -> None:
    encoded = stamp.encode()
    assert HLC.decode(encoded) == stamp
    assert HLC.decode(encoded).encode() == encoded


@given(stamps, stamps)
def test_string_order_is_stamp_order(a: HLC, b: HLC) -> None:
    assert (a.encode() < b.encode()) == (a < b)
    assert (a.encode() == b.encode()) == (a == b)


@settings(max_examples=50)  # list-valued examples are the slow ones
@given(st.lists(stamps, max_size=10))
def test_sorting_encoded_strings_sorts_stamps(items: list[HLC]) -> None:
    assert [HLC.decode(s) for s in sorted(h.encode() for h in items)] == sorted(items)


def test_encoding_layout() -> None:
    assert HLC(0x019A4F2C7B3E, 2, "GNJ").encode() == "019a4f2c7b3e0002GNJ"
    assert HLC(0, 0, "BAK").encode() == "0000000000000000BAK"


def test_node_breaks_ties() -> None:
    assert HLC(5, 1, "BAK") < HLC(5, 1, "GNJ")
    assert HLC(5, 1, "GNJ") < HLC(5, 2, "BAK")
    assert HLC(5, COUNTER_MAX, "QBA") < HLC(6, 0, "BAK")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "019a4f2c7b3e0002",  # no node
        "019A4F2C7B3E0002GNJ",  # uppercase hex
        "19a4f2c7b3e0002GNJ",  # short wall
        "019a4f2c7b3e 002GNJ",
        "019a4f2c7b3e0002GNJ\n",
        "019a4f2c7b3e0002G NJ",
        "019a4f2c7b3e0002Gəncə",
        "+19a4f2c7b3e0002GNJ",
        "019a4f2c7b3e0002" + "N" * 65,
    ],
)
def test_decode_refuses_malformed(text: str) -> None:
    with pytest.raises(ValueError):
        HLC.decode(text)


@pytest.mark.parametrize(
    ("wall", "counter", "node", "error"),
    [
        (-1, 0, "BAK", ValueError),
        (WALL_MS_MAX + 1, 0, "BAK", ValueError),
        (0, -1, "BAK", ValueError),
        (0, COUNTER_MAX + 1, "BAK", ValueError),
        (0, 0, "", ValueError),
        (0, 0, "a b", ValueError),
        (True, 0, "BAK", TypeError),
        (1.5, 0, "BAK", TypeError),
        (0, 0, 7, TypeError),
    ],
)
def test_stamp_validation(wall: object, counter: object, node: object, error: type) -> None:
    with pytest.raises(error):
        HLC(wall, counter, node)  # type: ignore[arg-type]


def test_stamp_is_frozen() -> None:
    stamp = HLC(1, 2, "BAK")
    with pytest.raises(AttributeError):
        stamp.counter = 3  # type: ignore[misc]
    assert hash(stamp) == hash(HLC(1, 2, "BAK"))


# --- local events ----------------------------------------------------------------------------


@settings(max_examples=50)  # list-valued examples are the slow ones
@given(st.lists(st.integers(min_value=0, max_value=2 * T0), min_size=1, max_size=40))
def test_now_is_strictly_monotonic_under_any_wall_clock(readings: list[int]) -> None:
    it = iter(readings)
    clock = HybridClock("BAK", now_ms=lambda: next(it))
    issued = [clock.now() for _ in readings]
    assert all(a < b for a, b in pairwise(issued))
    assert all(h.node == "BAK" for h in issued)
    assert clock.last == issued[-1]
    # Never behind the wall clock, never ahead of the highest reading (no rollover here).
    assert all(h.wall_ms >= r for h, r in zip(issued, readings, strict=True))
    assert issued[-1].wall_ms == max(readings)


def test_now_follows_wall_clock_and_counts_within_a_millisecond() -> None:
    wall = FakeClock(T0)
    clock = HybridClock("BAK", now_ms=wall)
    assert clock.now() == HLC(T0, 0, "BAK")
    assert clock.now() == HLC(T0, 1, "BAK")
    wall.ms = T0 - 5_000  # the wall clock steps back
    assert clock.now() == HLC(T0, 2, "BAK")
    wall.ms = T0 + 1
    assert clock.now() == HLC(T0 + 1, 0, "BAK")


def test_counter_overflow_moves_to_next_millisecond() -> None:
    clock = HybridClock.restore("BAK", HLC(T0, COUNTER_MAX - 1, "BAK"), now_ms=lambda: T0)
    assert clock.now() == HLC(T0, COUNTER_MAX, "BAK")
    assert clock.now() == HLC(T0 + 1, 0, "BAK")
    assert clock.now() == HLC(T0 + 1, 1, "BAK")


def test_fresh_clock_last() -> None:
    clock = HybridClock("BAK", now_ms=lambda: 0)
    assert clock.last == HLC(0, 0, "BAK")
    assert clock.now() == HLC(0, 1, "BAK")  # still after the initial zero stamp
    assert clock.last == HLC(0, 1, "BAK")


def test_now_is_thread_safe() -> None:
    clock = HybridClock("BAK", now_ms=lambda: T0)  # frozen wall clock: every stamp uses the counter
    results: list[list[HLC]] = [[] for _ in range(4)]

    def work(out: list[HLC]) -> None:
        out.extend(clock.now() for _ in range(2_000))

    threads = [threading.Thread(target=work, args=(r,)) for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [h for r in results for h in r]
    assert len(set(everything)) == len(everything) == 8_000
    for r in results:
        assert all(a < b for a, b in pairwise(r))
    assert clock.last == max(everything)


# --- receive events --------------------------------------------------------------------------


@given(
    local_wall=st.integers(min_value=0, max_value=2 * T0),
    local_ops=st.integers(min_value=0, max_value=3),
    remote=stamps.filter(lambda h: h.wall_ms <= 2 * T0 + DEFAULT_MAX_DRIFT_MS),
    physical=st.integers(min_value=0, max_value=2 * T0),
)
def test_observe_exceeds_local_and_remote(
    local_wall: int, local_ops: int, remote: HLC, physical: int
) -> None:
    wall = FakeClock(local_wall)
    clock = HybridClock("GNJ", now_ms=wall)
    for _ in range(local_ops):
        clock.now()
    before = clock.last
    wall.ms = physical
    if not clock.check(remote):
        with pytest.raises(ClockDriftError):
            clock.observe(remote)
        assert clock.last == before
        return
    merged = clock.observe(remote)
    assert merged > before
    assert merged > remote
    assert merged.node == "GNJ"
    assert merged.wall_ms >= physical
    assert clock.last == merged
    assert clock.now() > merged


def test_observe_same_millisecond_takes_larger_counter() -> None:
    clock = HybridClock.restore("GNJ", HLC(T0, 3, "GNJ"), now_ms=lambda: T0 - 10)
    assert clock.observe(HLC(T0, 7, "BAK")) == HLC(T0, 8, "GNJ")
    assert clock.observe(HLC(T0, 2, "BAK")) == HLC(T0, 9, "GNJ")
    assert clock.observe(HLC(T0 + 4, 1, "BAK")) == HLC(T0 + 4, 2, "GNJ")


def test_observe_counter_overflow() -> None:
    clock = HybridClock("GNJ", now_ms=lambda: T0)
    merged = clock.observe(HLC(T0 + 10, COUNTER_MAX, "BAK"))
    assert merged == HLC(T0 + 11, 0, "GNJ")


# --- restart ---------------------------------------------------------------------------------


@settings(max_examples=50)  # list-valued examples are the slow ones
@given(
    persisted=stamps,
    readings=st.lists(st.integers(min_value=0, max_value=WALL_MS_MAX - 1_000), max_size=20),
)
def test_restart_never_goes_back(persisted: HLC, readings: list[int]) -> None:
    it = iter(readings)
    clock = HybridClock.restore("BAK", persisted, now_ms=lambda: next(it))
    assert clock.last == persisted
    previous = persisted
    for _ in readings:
        stamp = clock.now()
        assert stamp > previous
        previous = stamp


def test_restart_roundtrip_through_encoded_string() -> None:
    wall = FakeClock(T0)
    clock = HybridClock("BAK", now_ms=wall)
    for _ in range(5):
        clock.now()
    saved = clock.last.encode()
    wall.ms = T0 - DAY_MS  # the computer comes back up with its clock a day slow
    restored = HybridClock.restore("BAK", HLC.decode(saved), now_ms=wall)
    assert restored.now() == HLC(T0, 5, "BAK")


def test_restore_without_a_stamp_is_a_fresh_clock() -> None:
    clock = HybridClock.restore("BAK", None, now_ms=lambda: T0)
    assert clock.last == HLC(0, 0, "BAK")
    assert clock.now() == HLC(T0, 0, "BAK")


# --- bounded drift ---------------------------------------------------------------------------


def test_remote_ten_years_ahead_is_refused_and_clock_unchanged() -> None:
    wall = FakeClock(T0)
    clock = HybridClock("GNJ", now_ms=wall)
    clock.now()
    before = clock.last
    future = HLC(T0 + TEN_YEARS_MS, 0, "BAK")
    assert not clock.check(future)
    with pytest.raises(ClockDriftError) as caught:
        clock.observe(future)
    assert clock.last == before
    err = caught.value
    assert isinstance(err, SyncError)
    assert err.remote == future
    assert err.ahead_ms == TEN_YEARS_MS
    assert err.max_drift_ms == DEFAULT_MAX_DRIFT_MS
    assert err.exit_code == 1
    assert "BAK" in str(err) and "3653 days" in str(err) and "24 hours" in str(err)
    # The next local stamp carries on from before, untouched by the refused one.
    assert clock.now() == HLC(T0, 1, "GNJ")


def test_remote_within_drift_is_accepted() -> None:
    clock = HybridClock("GNJ", now_ms=lambda: T0)
    edge = HLC(T0 + DEFAULT_MAX_DRIFT_MS, 4, "BAK")
    assert clock.check(edge)
    assert clock.observe(edge) == HLC(T0 + DEFAULT_MAX_DRIFT_MS, 5, "GNJ")
    just_over = HLC(T0 + DEFAULT_MAX_DRIFT_MS + 1, 0, "BAK")
    assert not clock.check(just_over)
    with pytest.raises(ClockDriftError):
        clock.observe(just_over)


def test_custom_drift_limit() -> None:
    clock = HybridClock("GNJ", now_ms=lambda: T0, max_drift_ms=60_000)
    assert clock.max_drift_ms == 60_000
    assert clock.check(HLC(T0 + 60_000, 0, "BAK"))
    with pytest.raises(ClockDriftError, match="2 minutes"):
        clock.observe(HLC(T0 + 90_000, 0, "BAK"))


@pytest.mark.parametrize(("node", "drift"), [("", 1), ("a/b", 1), ("BAK", -1)])
def test_clock_validation(node: str, drift: int) -> None:
    with pytest.raises(ValueError):
        HybridClock(node, max_drift_ms=drift)
