"""Background work for the GUI: one operation object, so the GUI thread never runs SQL.

Every service call a screen makes is an operation, in the manner of Anki's ``QueryOp`` and
``CollectionOp``::

    QueryOp(ctx.tasks, users.list, success=self._users_arrived).run()
    WriteOp(ctx.tasks, save, changes={Change.CLIENTS}, success=self._saved).run()

* A :class:`QueryOp` runs on a small pool of reader threads, inside
  :func:`~legalaid_desktop.services.read_only.reading_only`: a service call in it that starts a
  write transaction fails at once (a bug: it belongs in a WriteOp).
* A :class:`WriteOp` always runs on the single writer thread, so two writes from the GUI never
  overlap. After it succeeds, :attr:`TaskRunner.changed` carries the kinds of records it
  changed (:class:`Change`); the screens that show those records subscribe and reload.
* ``success`` receives the result and ``failure`` the exception, both on the GUI thread;
  without ``failure`` the runner's :attr:`TaskRunner.error_handler` shows the error.
* ``with_progress(on_progress)`` hands the work a :class:`Progress` to report to and to check
  for :meth:`cancel`; cancelling asks the work to stop, and its outcome (usually a
  "cancelled" error from the service) still arrives.
* ``latest(kind)`` (with a ``parent``): only the newest operation of that kind for that parent
  delivers; an older one that finishes later is dropped, as is one :meth:`discard`-ed.
* The outcome reaches ``success`` and ``failure`` through Qt signals: if they are methods of a
  widget that is gone, or the operation's ``parent`` is gone, a late result is dropped.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Self

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from legalaid_desktop.services.read_only import reading_only
from legalaid_desktop.tracebacks import redacted_traceback

log = logging.getLogger(__name__)

OnSuccess = Callable[[Any], None]
OnFailure = Callable[[BaseException], None]
OnProgress = Callable[[int, int], None]


class Change(StrEnum):
    """The kinds of records a write changes; screens reload when a kind they show changed."""

    CLIENTS = "clients"
    CASES = "cases"
    CAMPAIGNS = "campaigns"  # campaigns and which cases they link
    AGENDA = "agenda"  # consultations and deadlines
    DOCUMENTS = "documents"
    USERS = "users"
    SYNC = "sync"  # nodes, bundles, conflicts, quarantine
    BACKUPS = "backups"  # backup files made outside the data folder, the reminder's limit


@dataclass
class Progress:
    """Handed to long work: report with :meth:`report`, stop early when :attr:`cancelled`."""

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


class _Job(QRunnable):
    """The part of an operation that runs on a worker thread."""

    def __init__(
        self, fn: Callable[..., Any], progress: Progress | None, action: str, writes: bool
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _Signals()
        self._fn = fn
        self._progress = progress
        self._action = action
        self._writes = writes

    def run(self) -> None:
        try:
            guard = contextlib.nullcontext() if self._writes else reading_only()
            with guard:
                result = self._fn(self._progress) if self._progress is not None else self._fn()
        except BaseException as exc:
            exc.__traceback_text__ = redacted_traceback(exc)  # type: ignore[attr-defined]
            exc.__action__ = self._action  # type: ignore[attr-defined]
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


class Op(QObject):
    """What both kinds of operation share (for type hints).

    Make a :class:`QueryOp` or a :class:`WriteOp`.

    Signals:
        progressed(int, int): the work reported progress (``with_progress`` only).
        finished(): the operation is over and its outcome was delivered (or dropped).
    """

    progressed = Signal(int, int)
    finished = Signal()
    # The outcome goes through signals, so that Qt drops it when the receiving widget is gone.
    _succeeded_signal = Signal(object)
    _failed_signal = Signal(object)
    _writes: ClassVar[bool] = False

    def __init__(
        self,
        runner: TaskRunner,
        fn: Callable[..., Any],
        *,
        success: OnSuccess | None = None,
        failure: OnFailure | None = None,
        action: str = "",
        parent: QObject | None = None,
    ) -> None:
        """``action`` is a short code naming the work (``"login"``, ``"verify"``); the error
        handler logs it instead of any data (it is set on the exception as ``__action__``)."""
        super().__init__(parent)
        self._runner = runner
        self._fn = fn
        if success is not None:
            self._succeeded_signal.connect(success)
        self._failure = failure
        self.action = action
        self.progress: Progress | None = None
        self._latest_key: tuple[int, str] | None = None
        self._started = False
        self._discarded = False
        self._pending = False

    def with_progress(self, on_progress: OnProgress | None = None) -> Self:
        """The work receives a :class:`Progress`; ``on_progress(done, total)`` hears it."""
        self.progress = Progress(self.progressed.emit)
        if on_progress is not None:
            self.progressed.connect(on_progress)
        return self

    def latest(self, kind: str) -> Self:
        """Only the newest operation of ``kind`` started for the same parent delivers."""
        owner = self.parent()
        if owner is None:
            raise ValueError("latest() needs an operation with a parent")
        self._latest_key = (id(owner), kind)
        return self

    def run(self) -> Self:
        """Start the work in the background (once)."""
        if self._started:
            raise RuntimeError("an operation runs once")
        self._started = True
        self._pending = True
        job = _Job(self._fn, self.progress, self.action, self._writes)
        job.signals.done.connect(self._succeeded)
        job.signals.failed.connect(self._failed)
        self._failed_signal.connect(self._failure or self._runner.error_handler)
        self._runner._start(self, job, self._writes)
        return self

    def cancel(self) -> None:
        """Ask the work to stop (it sees ``progress.cancelled``); its outcome still arrives."""
        if self.progress is not None:
            self.progress.cancel()

    def discard(self) -> None:
        """Forget this operation: whatever it ends with is dropped."""
        self._discarded = True
        self._runner._forget(self)

    @property
    def pending(self) -> bool:
        """Started, not discarded, and its outcome not delivered yet."""
        return self._pending and not self._discarded

    def _current(self) -> bool:
        return not self._discarded and self._runner._is_latest(self)

    def _settle(self) -> bool:
        """Whether the outcome should be delivered; the operation stops being waited for."""
        current = self._current()
        self._pending = False
        self._runner._forget(self)
        return current

    def _succeeded(self, result: Any) -> None:
        if not self._settle():
            return
        self._succeeded_signal.emit(result)
        self._after_success()

    def _failed(self, exc: BaseException) -> None:
        if self._settle():
            self._failed_signal.emit(exc)

    def _after_success(self) -> None:
        """Hook for :class:`WriteOp` (announces what changed)."""


class QueryOp(Op):
    """Reads in the background, on the reader pool; it cannot reach the single writer.

    For a call that only reads. A call that records something (even a "viewed" entry in the
    audit log) is a :class:`WriteOp`.
    """


class WriteOp(Op):
    """Writes in the background, always on the single writer thread (writes never overlap).

    ``changes``: the kinds of records the write changes; once it succeeded the runner's
    :attr:`TaskRunner.changed` announces them (after ``success`` ran), and the screens that
    show them reload. Empty for a write nobody else shows (an audit entry, closing).
    """

    _writes = True

    def __init__(
        self,
        runner: TaskRunner,
        fn: Callable[..., Any],
        *,
        changes: Iterable[Change] = (),
        success: OnSuccess | None = None,
        failure: OnFailure | None = None,
        action: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(runner, fn, success=success, failure=failure, action=action, parent=parent)
        self.changes = frozenset(changes)

    def _after_success(self) -> None:
        if self.changes:
            self._runner.changed.emit(self.changes)


class TaskRunner(QObject):
    """The thread pools operations run on: readers, and exactly one writer.

    Signals:
        changed(frozenset[Change]): a :class:`WriteOp` succeeded and changed these kinds.

    ``error_handler`` receives the failures of operations without their own ``failure``
    (the main window shows a readable dialog).
    """

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._readers = QThreadPool(self)
        self._readers.setMaxThreadCount(2)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._live: dict[Op, _Job] = {}
        self._latest: dict[tuple[int, str], Op] = {}
        self.error_handler: OnFailure = _log_error

    def _start(self, op: Op, job: _Job, write: bool) -> None:
        self._live[op] = job
        if op._latest_key is not None:
            self._latest[op._latest_key] = op
        job.signals.finished.connect(lambda: self._finished(op))
        (self._writer if write else self._readers).start(job)

    def _finished(self, op: Op) -> None:
        self._live.pop(op, None)
        self._forget(op)
        try:
            op._pending = False
            op.finished.emit()
        except RuntimeError:
            log.debug("operation finished after its parent was closed")

    def _forget(self, op: Op) -> None:
        key = op._latest_key
        if key is not None and self._latest.get(key) is op:
            del self._latest[key]

    def _is_latest(self, op: Op) -> bool:
        key = op._latest_key
        return key is None or self._latest.get(key) is op

    def latest(self, owner: QObject, kind: str) -> Op | None:
        """The operation of ``kind`` for ``owner`` still waited for (``None``: none)."""
        return self._latest.get((id(owner), kind))

    def busy(self) -> bool:
        return bool(self._live)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until every operation's work has finished (used when closing and in tests)."""
        ok = self._writer.waitForDone(msecs)
        return self._readers.waitForDone(msecs) and ok


def _log_error(exc: BaseException) -> None:
    log.error("background task failed: %s", type(exc).__name__)
