"""Work that only reads: a write transaction started inside it is a bug, caught where it starts.

The GUI runs reads on a pool of reader threads beside one writer thread, so that writes never
overlap (:class:`~legalaid_desktop.gui.tasks.QueryOp` and ``WriteOp``). A service call that
writes — even an audit entry — slipped into a read would race the writer for the database lock.
The reader wraps its call in :func:`reading_only`; :meth:`Workspace.write
<legalaid_desktop.services.workspace.Workspace.write>` asks :func:`refuse_write_if_reading`
first and fails at once, naming the mistake, instead of sometimes waiting on a lock.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

_state = threading.local()


class WriteInReadOnlyWork(RuntimeError):
    """A write transaction was started inside :func:`reading_only` (a programming error)."""


@contextlib.contextmanager
def reading_only() -> Iterator[None]:
    """On this thread, until the block ends, starting a write transaction raises."""
    previous = getattr(_state, "reading", False)
    _state.reading = True
    try:
        yield
    finally:
        _state.reading = previous


def refuse_write_if_reading() -> None:
    """Raise :class:`WriteInReadOnlyWork` if this thread is inside :func:`reading_only`."""
    if getattr(_state, "reading", False):
        raise WriteInReadOnlyWork(
            "a write transaction was started by work that only reads (use a WriteOp)"
        )
