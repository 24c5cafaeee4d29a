"""Background work for the GUI: one small helper, so the GUI thread never runs SQL.

:class:`TaskRunner` runs a callable on a worker thread and delivers its result or error back on
the GUI thread through Qt signals (queued connections). Work that writes to the store goes
through a pool of exactly one thread, so database writes from the GUI are serialized; reads run
on a second small pool. Long work receives a :class:`Progress` it can report to and check for
cancellation.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from legalaid_desktop.tracebacks import redacted_traceback

log = logging.getLogger(__name__)


@dataclass
class Progress:
    """Handed to long tasks: report with :meth:`report`, stop early when :attr:`cancelled`."""

    _emit: Callable[[int, int], None]
    _cancel: threading.Event = field(default_factory=threading.Event)

    def report(self, done: int, total: int) -> None:
        self._emit(done, total)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)
    finished = Signal()


class Task(QRunnable):
    """One unit of background work. Keep the object to cancel it or to connect more slots."""

    def __init__(self, fn: Callable[..., Any], wants_progress: bool, action: str = "") -> None:
        super().__init__()
        self.action = action
        self.setAutoDelete(False)
        self.signals = _Signals()
        self._fn = fn
        self.progress = Progress(self.signals.progress.emit)
        self._wants_progress = wants_progress

    def run(self) -> None:
        try:
            result = self._fn(self.progress) if self._wants_progress else self._fn()
        except BaseException as exc:
            exc.__traceback_text__ = redacted_traceback(exc)  # type: ignore[attr-defined]
            exc.__action__ = self.action  # type: ignore[attr-defined]
            self._deliver(self.signals.failed, exc)
        else:
            self._deliver(self.signals.done, result)
        finally:
            self._deliver(self.signals.finished)

    @staticmethod
    def _deliver(signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:
            # "Signal source has been deleted": the program is shutting down and nobody is
            # left to receive the result.
            log.debug("task result dropped: its receiver is gone")

    def cancel(self) -> None:
        self.progress.cancel()


class TaskRunner(QObject):
    """Runs service calls off the GUI thread.

    ``on_error`` defaults to :attr:`error_handler` (the main window shows a readable dialog).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(2)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._live: set[Task] = set()
        self.error_handler: Callable[[BaseException], None] = _log_error

    def run(
        self,
        fn: Callable[..., Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        write: bool = False,
        progress: bool = False,
        action: str = "",
    ) -> Task:
        """Run ``fn()`` (or ``fn(progress)`` when ``progress`` is true) in the background.

        ``action`` is a short code naming the work (``"login"``, ``"verify"``); the error
        handler logs it instead of any data (it is set on the exception as ``__action__``).
        """
        task = Task(fn, progress, action)
        if on_done is not None:
            task.signals.done.connect(on_done)
        task.signals.failed.connect(on_error or self.error_handler)
        if on_progress is not None:
            task.signals.progress.connect(on_progress)
        self._live.add(task)
        task.signals.finished.connect(lambda: self._live.discard(task))
        (self._writer if write else self._readers).start(task)
        return task

    def busy(self) -> bool:
        return bool(self._live)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every task has finished (used when closing and in tests)."""
        ok = self._writer.waitForDone(msecs)
        return self._readers.waitForDone(msecs) and ok


def _log_error(exc: BaseException) -> None:
    log.error("background task failed: %s", type(exc).__name__)
