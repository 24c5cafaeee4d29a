"""Tests for :mod:`legalaid_desktop.domain.ids` (UUID version 7 record ids)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalaid_desktop.domain.ids import Uuid7Generator, is_uuid7, new_id, uuid7_time

MAX_MS = (1 << 48) - 1
# Milliseconds that a datetime can represent (up to the end of the year 9999).
MAX_DATETIME_MS = 253_402_300_799_999


def test_version_and_variant_bits() -> None:
    for _ in range(200):
        s = new_id()
        u = uuid.UUID(s)
        assert u.version == 7
        assert u.variant == uuid.RFC_4122
        assert (u.int >> 76) & 0xF == 0x7
        assert (u.int >> 62) & 0b11 == 0b10
        assert s == str(u)  # canonical lowercase 8-4-4-4-12
        assert is_uuid7(s)


def test_strictly_increasing_in_a_tight_loop() -> None:
    ids = [new_id() for _ in range(10_000)]
    assert all(a < b for a, b in pairwise(ids))
    ints = [uuid.UUID(s).int for s in ids]
    assert all(a < b for a, b in pairwise(ints))


def test_time_roundtrip_against_wall_clock() -> None:
    before = datetime.now(UTC)
    s = new_id()
    after = datetime.now(UTC)
    t = uuid7_time(s)
    assert t.tzinfo is UTC
    assert before - timedelta(milliseconds=1) <= t <= after


@given(st.integers(min_value=0, max_value=MAX_DATETIME_MS))
def test_time_roundtrip(ms: int) -> None:
    s = Uuid7Generator(now_ms=lambda: ms).new_id()
    assert is_uuid7(s)
    expected = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    assert uuid7_time(s) == expected
    assert uuid.UUID(s).int >> 80 == ms


@settings(max_examples=50)  # list-valued examples are the slow ones
@given(st.lists(st.integers(min_value=0, max_value=MAX_MS), min_size=1, max_size=30))
def test_monotonic_under_any_clock(readings: list[int]) -> None:
    it = iter(readings)
    gen = Uuid7Generator(now_ms=lambda: next(it))
    ids = [gen.new_id() for _ in readings]
    assert all(is_uuid7(s) for s in ids)
    assert all(a < b for a, b in pairwise(ids))
    # The timestamp never goes back, and never runs ahead of the highest clock reading seen.
    times = [uuid.UUID(s).int >> 80 for s in ids]
    assert times == sorted(times)
    assert times[-1] == max(readings)


def test_random_field_overflow_advances_timestamp() -> None:
    gen = Uuid7Generator(now_ms=lambda: 1_000)
    first = gen.new_id()
    gen._last_random = (1 << 74) - 1  # force a rollover on the next call
    second = gen.new_id()
    assert first < second
    assert uuid.UUID(second).int >> 80 == 1_001


def test_clock_beyond_range_is_refused() -> None:
    gen = Uuid7Generator(now_ms=lambda: MAX_MS + 1)
    with pytest.raises(ValueError):
        gen.new_id()


def test_thread_safe_unique_and_ordered_per_thread() -> None:
    results: list[list[str]] = [[] for _ in range(4)]

    def work(out: list[str]) -> None:
        out.extend(new_id() for _ in range(1_000))

    threads = [threading.Thread(target=work, args=(r,)) for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    all_ids = [s for r in results for s in r]
    assert len(set(all_ids)) == len(all_ids)
    for r in results:
        assert all(a < b for a, b in pairwise(r))


@pytest.mark.parametrize(
    "value",
    [
        "",
        "not-a-uuid",
        # fixed values (a v4 and a v1), so that every pytest-xdist worker collects the same ids
        "2f1d7c8e-5b4a-4c3d-9e2f-1a0b9c8d7e6f",
        "2e363476-f198-11f1-8acd-02fc00000001",
        "019a4f2c-7b3e-7c41-9a0d-5e6f7a8b9c0d".upper(),
        "{019a4f2c-7b3e-7c41-9a0d-5e6f7a8b9c0d}",
        "urn:uuid:019a4f2c-7b3e-7c41-9a0d-5e6f7a8b9c0d",
        "019a4f2c7b3e7c419a0d5e6f7a8b9c0d",
        "019a4f2c-7b3e-7c41-9a0d-5e6f7a8b9c0d\n",
        " 019a4f2c-7b3e-7c41-9a0d-5e6f7a8b9c0d",
        "019a4f2c-7b3e-7c41-ca0d-5e6f7a8b9c0d",  # wrong variant
        "019a4f2c-7b3e-7c41-7a0d-5e6f7a8b9c0d",  # wrong variant
        "019a4f2c-7b3e-8c41-9a0d-5e6f7a8b9c0d",  # version 8
    ],
)
def test_is_uuid7_refuses(value: str) -> None:
    assert not is_uuid7(value)
    with pytest.raises(ValueError):
        uuid7_time(value)


@pytest.mark.parametrize("value", [None, 7, b"019a4f2c-7b3e-7c41-9a0d-5e6f7a8b9c0d"])
def test_is_uuid7_refuses_non_strings(value: object) -> None:
    assert not is_uuid7(value)


def test_known_value() -> None:
    # RFC 9562 appendix A.6 example: 2022-02-22 19:22:22 UTC.
    s = "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"
    assert is_uuid7(s)
    assert uuid7_time(s) == datetime(2022, 2, 22, 19, 22, 22, tzinfo=UTC)


def test_time_beyond_datetime_range() -> None:
    s = Uuid7Generator(now_ms=lambda: MAX_MS).new_id()
    assert is_uuid7(s)
    with pytest.raises(ValueError):
        uuid7_time(s)
