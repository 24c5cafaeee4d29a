"""The Qt binding must keep Python's reference counts straight.

PySide6 6.12.0 (abi3 wheels) on Python 3.11 drops a reference to ``True`` at every
``Signal.emit()`` and to ``None`` at every Python override called from C++ (``QRunnable.run``,
event handlers). On 3.11 these objects are not immortal, so a GUI process dies with "Fatal
Python error: none_dealloc" or "bool_dealloc" after a few thousand signals: seconds after
login. Pytest processes hold so many references that the other GUI tests may still pass, which
is why this is checked directly. 6.11.3 is fine.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

EMITS = 500


@pytest.fixture(autouse=True)
def no_collection() -> Iterator[None]:
    """No garbage collection while references are counted: a collection of what an earlier test
    left (a ReportLab document rendered on the main thread leaves cycles holding ``None``)
    would drop references in the middle of a count and look like the binding's bug."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _Emitter(QObject):
    ping = Signal()


class _Noop(QRunnable):
    def run(self) -> None:
        pass


def test_signal_emit_keeps_reference_counts(qapp: object) -> None:
    emitter = _Emitter()
    seen: list[int] = []
    emitter.ping.connect(lambda: seen.append(1))
    before = sys.getrefcount(True)
    for _ in range(EMITS):
        emitter.ping.emit()
    assert len(seen) == EMITS
    lost = before - sys.getrefcount(True)
    assert lost < EMITS // 10, (
        f"Signal.emit() lost {lost} references to True in {EMITS} calls: this PySide6 build "
        "corrupts reference counts on this Python (use PySide6 < 6.12 on Python 3.11)"
    )


def test_python_overrides_keep_reference_counts(qapp: object) -> None:
    pool = QThreadPool()
    runnables = [_Noop() for _ in range(EMITS)]
    before = sys.getrefcount(None)
    for runnable in runnables:
        runnable.setAutoDelete(False)
        pool.start(runnable)
    pool.waitForDone()
    lost = before - sys.getrefcount(None)
    assert lost < EMITS // 10, (
        f"QRunnable.run() lost {lost} references to None in {EMITS} calls: this PySide6 build "
        "corrupts reference counts on this Python (use PySide6 < 6.12 on Python 3.11)"
    )
