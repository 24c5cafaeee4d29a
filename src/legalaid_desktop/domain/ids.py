"""Record identifiers: RFC 9562 UUID version 7 (DESIGN.md §3).

Every synchronized row gets an id generated locally, with no shared counter. A version 7 UUID
starts with a 48-bit Unix timestamp in milliseconds, so ids sort roughly by creation time and
index well; the remaining 74 bits (``rand_a`` and ``rand_b``) are random.

Within one process the ids are strictly increasing, even when many are made in the same
millisecond or the wall clock steps backwards. This follows RFC 9562 §6.2, method 2
("monotonic random"): when the clock has not moved forward, the previous 74-bit random field is
incremented by a random amount instead of drawing a fresh one, and the timestamp is carried over
from the previous id. A fresh random field is drawn with its top bit clear, leaving room for about
2**41 increments before it could overflow; if it ever does, the timestamp is advanced by one
millisecond (RFC 9562 §6.2, "counter rollover handling").

The canonical form is the lowercase ``8-4-4-4-12`` hex string. Because every field sits at a
fixed position, string order equals the order of the 128-bit values.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__ = ["Uuid7Generator", "is_uuid7", "new_id", "uuid7_time"]

_TIMESTAMP_BITS = 48
_RANDOM_BITS = 74  # 12 bits of rand_a + 62 bits of rand_b
_RAND_B_BITS = 62
_MAX_TIMESTAMP = (1 << _TIMESTAMP_BITS) - 1
_RANDOM_LIMIT = 1 << _RANDOM_BITS
_SEED_BITS = _RANDOM_BITS - 1  # top bit clear: headroom for increments (RFC 9562 §6.2)
_INCREMENT_BITS = 32  # each step adds 1 .. 2**32
_VERSION = 0x7
_VARIANT = 0b10

_CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _wall_clock_ms() -> int:
    """Milliseconds since the Unix epoch from the system clock."""
    return time.time_ns() // 1_000_000


def _pack(timestamp_ms: int, random_74: int) -> str:
    """Lay out a version 7 UUID and return its canonical string.

    Args:
        timestamp_ms: The 48-bit ``unix_ts_ms`` field.
        random_74: The 74 random bits, ``rand_a`` (high 12) followed by ``rand_b`` (low 62).

    Returns:
        The lowercase ``8-4-4-4-12`` form.
    """
    rand_a = random_74 >> _RAND_B_BITS
    rand_b = random_74 & ((1 << _RAND_B_BITS) - 1)
    value = (
        (timestamp_ms << 80)
        | (_VERSION << 76)
        | (rand_a << 64)
        | (_VARIANT << _RAND_B_BITS)
        | rand_b
    )
    return str(uuid.UUID(int=value))


class Uuid7Generator:
    """A thread-safe source of strictly increasing version 7 UUIDs.

    The module-level :func:`new_id` uses one shared instance; a separate instance with an injected
    clock is useful in tests.

    Args:
        now_ms: Returns the current Unix time in milliseconds. Defaults to the system clock.
    """

    def __init__(self, now_ms: Callable[[], int] = _wall_clock_ms) -> None:
        self._now_ms = now_ms
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_random = 0

    def new_id(self) -> str:
        """Return a new id, greater than every id this generator returned before.

        Returns:
            The canonical lowercase string of a fresh version 7 UUID.

        Raises:
            ValueError: The clock reads beyond the 48-bit timestamp range (year 10889).
        """
        with self._lock:
            now = max(self._now_ms(), 0)
            if now > self._last_ms:
                self._last_ms = now
                self._last_random = secrets.randbits(_SEED_BITS)
            else:
                # Same millisecond, or the clock went backwards: keep the previous timestamp and
                # step the random field forward by a random, non-zero amount.
                self._last_random += 1 + secrets.randbits(_INCREMENT_BITS)
                if self._last_random >= _RANDOM_LIMIT:
                    self._last_ms += 1
                    self._last_random = secrets.randbits(_SEED_BITS)
            if self._last_ms > _MAX_TIMESTAMP:
                raise ValueError("the clock is beyond the range of a version 7 UUID")
            return _pack(self._last_ms, self._last_random)

    def _after_fork_in_child(self) -> None:
        """Give a forked child its own lock and random state, so it cannot echo its parent."""
        self._lock = threading.Lock()
        self._last_random = secrets.randbits(_SEED_BITS)


_default_generator = Uuid7Generator()
if hasattr(os, "register_at_fork"):  # POSIX only; Windows has no fork
    os.register_at_fork(after_in_child=_default_generator._after_fork_in_child)


def new_id() -> str:
    """Return a new record id: a version 7 UUID, strictly increasing within this process.

    Returns:
        The canonical lowercase ``8-4-4-4-12`` string, e.g.
        ``"019a4f2c-7b3e-7c41-9a0d-5e6f7a8b9c0d"``.
    """
    return _default_generator.new_id()


def is_uuid7(s: object) -> bool:
    """Tell whether ``s`` is a version 7 UUID in canonical form.

    Only the form :func:`new_id` produces is accepted: 36 characters, lowercase hex, hyphens at
    the standard positions, version 7 and the RFC 9562 variant. Uppercase, braces, ``urn:uuid:``
    prefixes and surrounding whitespace are refused, so that one id has exactly one spelling.

    Args:
        s: The value to test; anything that is not a ``str`` is refused.

    Returns:
        True if ``s`` is a canonical version 7 UUID string.
    """
    return isinstance(s, str) and _CANONICAL.fullmatch(s) is not None


def uuid7_time(s: str) -> datetime:
    """Return the creation time embedded in a version 7 UUID.

    Args:
        s: A canonical version 7 UUID string (see :func:`is_uuid7`).

    Returns:
        The timestamp as an aware UTC datetime, exact to the millisecond.

    Raises:
        ValueError: ``s`` is not a canonical version 7 UUID string, or its time lies beyond
            what :class:`datetime` can hold (after the year 9999).
    """
    if not is_uuid7(s):
        raise ValueError(f"not a version 7 UUID: {s!r}")
    timestamp_ms = uuid.UUID(s).int >> 80
    try:
        return _EPOCH + timedelta(milliseconds=timestamp_ms)
    except OverflowError:
        raise ValueError(f"the time in this UUID is out of range: {s!r}") from None
