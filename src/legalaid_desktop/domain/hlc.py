"""Hybrid logical clocks for field-level last-writer-wins merging (DESIGN.md §3, §6).

A stamp (:class:`HLC`) is ``(wall_ms, counter, node)``: the physical time in milliseconds the
clock had reached, a counter that orders events within the same millisecond, and the id of the
node that issued it, which breaks ties so that every node picks the same winner. Stamps compare
in that field order, and :meth:`HLC.encode` gives a string whose plain string order is the same.

:class:`HybridClock` issues stamps for local changes (:meth:`HybridClock.now`) and merges the
stamps carried in incoming bundles (:meth:`HybridClock.observe`). Its stamps never go backwards,
even if the computer's clock does, and a clock rebuilt after a restart with
:meth:`HybridClock.restore` continues after the last stamp it had issued. A remote stamp dated
too far ahead of this computer's clock is refused with :class:`ClockDriftError` rather than
merged: one computer with a wrong date must not drag every clock into the future, where its
edits would win every later conflict.

The module does no I/O; persisting :attr:`HybridClock.last` is the caller's job.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

from legalaid_desktop.domain.errors import SyncError
from legalaid_desktop.i18n import _, ngettext

__all__ = [
    "COUNTER_MAX",
    "DEFAULT_MAX_DRIFT_MS",
    "HLC",
    "NODE_PATTERN",
    "WALL_MS_MAX",
    "ClockDriftError",
    "HybridClock",
]

WALL_MS_MAX = (1 << 48) - 1
"""Largest ``wall_ms``: 12 hex digits, enough until the year 10889."""

COUNTER_MAX = (1 << 16) - 1
"""Largest ``counter``: 4 hex digits. One event more in the same ms advances ``wall_ms``."""

DEFAULT_MAX_DRIFT_MS = 24 * 60 * 60 * 1000
"""How far ahead of the local clock a remote stamp may be before it is refused: one day."""

NODE_PATTERN = r"[0-9A-Za-z._-]{1,64}"
"""What a node id may look like: a node code such as ``GNJ``, or a UUID."""

_WALL_HEX = 12
_COUNTER_HEX = 4
_NODE_RE = re.compile(NODE_PATTERN)
_ENCODED_RE = re.compile(
    rf"(?P<wall>[0-9a-f]{{{_WALL_HEX}}})(?P<counter>[0-9a-f]{{{_COUNTER_HEX}}})(?P<node>{NODE_PATTERN})"
)

_MS_PER_MINUTE = 60 * 1000
_MS_PER_HOUR = 60 * _MS_PER_MINUTE
_MS_PER_DAY = 24 * _MS_PER_HOUR


def _wall_clock_ms() -> int:
    """Milliseconds since the Unix epoch from the system clock."""
    return time.time_ns() // 1_000_000


def _check_int(name: str, value: object, maximum: int) -> None:
    """Raise unless ``value`` is an ``int`` (not a ``bool``) in ``0 .. maximum``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value <= maximum:
        raise ValueError(f"{name} out of range 0..{maximum}: {value}")


def _check_node(node: object) -> None:
    """Raise unless ``node`` is a valid node id (see :data:`NODE_PATTERN`)."""
    if not isinstance(node, str):
        raise TypeError(f"node must be a str, not {type(node).__name__}")
    if _NODE_RE.fullmatch(node) is None:
        raise ValueError(f"not a valid node id: {node!r}")


@dataclass(frozen=True, order=True, slots=True)
class HLC:
    """One hybrid-logical-clock stamp. Stamps order by ``wall_ms``, then ``counter``, then ``node``.

    Attributes:
        wall_ms: Physical time reached by the issuing clock, in ms since the Unix epoch
            (``0 .. WALL_MS_MAX``).
        counter: Orders events within one ``wall_ms`` (``0 .. COUNTER_MAX``).
        node: Id of the issuing node (matches :data:`NODE_PATTERN`); breaks ties.

    Raises:
        TypeError: A field has the wrong type.
        ValueError: A field is out of range or the node id is malformed.
    """

    wall_ms: int
    counter: int
    node: str

    def __post_init__(self) -> None:
        _check_int("wall_ms", self.wall_ms, WALL_MS_MAX)
        _check_int("counter", self.counter, COUNTER_MAX)
        _check_node(self.node)

    def encode(self) -> str:
        """Return the compact string form: 12 hex digits of ``wall_ms``, 4 of ``counter``, node.

        The hex digits are lowercase and fixed-width, so comparing two encoded strings gives the
        same answer as comparing the stamps.

        Returns:
            For example ``"019a4f2c7b3e0002GNJ"``.
        """
        return f"{self.wall_ms:0{_WALL_HEX}x}{self.counter:0{_COUNTER_HEX}x}{self.node}"

    @classmethod
    def decode(cls, s: str) -> Self:
        """Parse the form written by :meth:`encode`.

        Only the exact canonical form is accepted (lowercase hex, no spaces, no signs), so that
        ``HLC.decode(s).encode() == s`` always holds.

        Args:
            s: An encoded stamp.

        Returns:
            The stamp.

        Raises:
            ValueError: ``s`` is not an encoded stamp.
        """
        match = _ENCODED_RE.fullmatch(s) if isinstance(s, str) else None
        if match is None:
            raise ValueError(f"not an encoded clock stamp: {s!r}")
        return cls(int(match["wall"], 16), int(match["counter"], 16), match["node"])


def _describe_duration(ms: int) -> str:
    """Render a positive duration for a person, in whole days, hours or minutes."""
    if ms >= 2 * _MS_PER_DAY:
        days = ms // _MS_PER_DAY
        return ngettext("{n} day", "{n} days", days).format(n=days)
    if ms >= _MS_PER_HOUR:
        hours = ms // _MS_PER_HOUR
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    minutes = max(1, -(-ms // _MS_PER_MINUTE))
    return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


class ClockDriftError(SyncError):
    """A remote clock stamp is too far in the future and was set aside.

    Args:
        remote: The refused stamp.
        local_wall_ms: This computer's clock when the stamp was checked, in ms.
        max_drift_ms: The largest lead that is accepted, in ms.

    Attributes:
        remote: The refused stamp.
        local_wall_ms: This computer's clock when the stamp was checked, in ms.
        max_drift_ms: The largest lead that is accepted, in ms.
        ahead_ms: How far the stamp was ahead of this computer's clock, in ms.
    """

    def __init__(self, remote: HLC, local_wall_ms: int, max_drift_ms: int) -> None:
        self.remote = remote
        self.local_wall_ms = local_wall_ms
        self.max_drift_ms = max_drift_ms
        self.ahead_ms = remote.wall_ms - local_wall_ms
        super().__init__(
            _(
                "A change from node {node} is dated {ahead} ahead of this computer's clock, "
                "more than the {limit} allowed. It was set aside and not applied. Check the date "
                "and time on both computers."
            ).format(
                node=remote.node,
                ahead=_describe_duration(self.ahead_ms),
                limit=_describe_duration(max_drift_ms),
            )
        )


class HybridClock:
    """A thread-safe hybrid logical clock for one node.

    Every stamp it returns is strictly greater than every stamp it returned, observed or was
    restored to before, whatever the wall clock does.

    Args:
        node: This node's id (matches :data:`NODE_PATTERN`).
        now_ms: Returns the current Unix time in milliseconds. Defaults to the system clock.
        max_drift_ms: How far ahead of ``now_ms()`` a remote stamp may be and still be merged.

    Raises:
        TypeError: ``node`` or ``max_drift_ms`` has the wrong type.
        ValueError: ``node`` is malformed or ``max_drift_ms`` is negative.
    """

    def __init__(
        self,
        node: str,
        now_ms: Callable[[], int] = _wall_clock_ms,
        max_drift_ms: int = DEFAULT_MAX_DRIFT_MS,
    ) -> None:
        _check_node(node)
        _check_int("max_drift_ms", max_drift_ms, WALL_MS_MAX)
        self._node = node
        self._now_ms = now_ms
        self._max_drift_ms = max_drift_ms
        self._lock = threading.Lock()
        self._last = HLC(0, 0, node)

    @classmethod
    def restore(
        cls,
        node: str,
        last_stamp: HLC | None,
        now_ms: Callable[[], int] = _wall_clock_ms,
        max_drift_ms: int = DEFAULT_MAX_DRIFT_MS,
    ) -> Self:
        """Rebuild a clock after a restart from the last stamp that was persisted.

        The new clock never issues a stamp less than or equal to ``last_stamp``, even if the
        wall clock now reads earlier than it did.

        Args:
            node: This node's id.
            last_stamp: The value of :attr:`last` saved before shutdown, or None for a new node.
            now_ms: Returns the current Unix time in milliseconds.
            max_drift_ms: As for the constructor.

        Returns:
            The restored clock.
        """
        clock = cls(node, now_ms=now_ms, max_drift_ms=max_drift_ms)
        if last_stamp is not None:
            clock._last = last_stamp
        return clock

    @property
    def node(self) -> str:
        """This node's id."""
        return self._node

    @property
    def max_drift_ms(self) -> int:
        """How far ahead of the local clock a remote stamp may be, in ms."""
        return self._max_drift_ms

    @property
    def last(self) -> HLC:
        """The latest stamp issued (or restored to); ``HLC(0, 0, node)`` before the first one.

        Persist this to carry the clock across a restart (see :meth:`restore`).
        """
        with self._lock:
            return self._last

    def now(self) -> HLC:
        """Stamp a local event (a change made here, or a bundle being sent).

        Returns:
            A stamp strictly greater than :attr:`last`, which becomes the new :attr:`last`.

        Raises:
            ValueError: The clock has run past :data:`WALL_MS_MAX` (the year 10889).
        """
        with self._lock:
            physical = self._now_ms()
            last = self._last
            if physical > last.wall_ms:
                wall, counter = physical, 0
            else:
                wall, counter = last.wall_ms, last.counter + 1
            self._last = self._make(wall, counter)
            return self._last

    def observe(self, remote: HLC) -> HLC:
        """Merge a stamp received from another node (a receive event).

        Args:
            remote: The stamp carried by the incoming change.

        Returns:
            A stamp strictly greater than both the previous :attr:`last` and ``remote``, which
            becomes the new :attr:`last`.

        Raises:
            ClockDriftError: ``remote`` is more than :attr:`max_drift_ms` ahead of this
                computer's clock. The clock is left unchanged.
            ValueError: The clock would run past :data:`WALL_MS_MAX` (the year 10889).
        """
        with self._lock:
            physical = self._now_ms()
            if remote.wall_ms - physical > self._max_drift_ms:
                raise ClockDriftError(remote, physical, self._max_drift_ms)
            last = self._last
            wall = max(physical, last.wall_ms, remote.wall_ms)
            if wall == last.wall_ms == remote.wall_ms:
                counter = max(last.counter, remote.counter) + 1
            elif wall == last.wall_ms:
                counter = last.counter + 1
            elif wall == remote.wall_ms:
                counter = remote.counter + 1
            else:
                counter = 0
            self._last = self._make(wall, counter)
            return self._last

    def check(self, remote: HLC) -> bool:
        """Tell whether :meth:`observe` would accept ``remote`` now, without changing anything.

        Args:
            remote: A stamp received from another node.

        Returns:
            False if ``remote`` is more than :attr:`max_drift_ms` ahead of this computer's clock.
        """
        return remote.wall_ms - self._now_ms() <= self._max_drift_ms

    def _make(self, wall: int, counter: int) -> HLC:
        """Build this node's stamp, moving to the next millisecond if the counter is used up."""
        if counter > COUNTER_MAX:
            wall, counter = wall + 1, 0
        return HLC(wall, counter, self._node)
