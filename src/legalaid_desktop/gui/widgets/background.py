"""Background service calls owned by one widget, where only the newest call of a kind counts.

Typing fires one conflict check per pause, a filter change reloads a list, a case is shown after
another: an older request may finish after a newer one. :class:`BackgroundCalls` numbers the
requests of each kind and delivers only the newest one's result, so a stale answer never
overwrites a fresh one. It lives as a child of the widget, so results that arrive after the
widget was closed are dropped with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from legalaid_desktop.gui.tasks import TaskRunner
from legalaid_desktop.tracebacks import redacted_traceback

OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]


class BackgroundCalls(QObject):
    """Runs service calls through the task runner; per kind, only the newest result arrives.

    Signals:
        busy_changed(str, bool): a kind started or stopped waiting for its newest call.
    """

    busy_changed = Signal(str, bool)

    def __init__(self, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._serial: dict[str, int] = {}
        self._waiting: dict[str, tuple[int, OnDone, OnError | None]] = {}

    def run(
        self,
        kind: str,
        fn: Callable[[], Any],
        on_done: OnDone,
        on_error: OnError | None = None,
        *,
        write: bool = False,
    ) -> None:
        """Run ``fn()`` in the background; an earlier call of ``kind`` becomes stale.

        Args:
            kind: Calls of the same kind replace each other ("load", "save", "conflicts").
            fn: The service call; runs on a worker thread.
            on_done: Receives the result on the GUI thread.
            on_error: Receives the exception; the runner's error handler if not given.
            write: True when ``fn`` writes to the store (runs on the single writer).
        """
        serial = self._serial.get(kind, 0) + 1
        self._serial[kind] = serial
        was_busy = kind in self._waiting
        self._waiting[kind] = (serial, on_done, on_error)
        if not was_busy:
            self.busy_changed.emit(kind, True)

        def call() -> tuple[str, int, Any, BaseException | None]:
            try:
                return kind, serial, fn(), None
            except Exception as exc:
                exc.__traceback_text__ = redacted_traceback(exc)  # type: ignore[attr-defined]
                return kind, serial, None, exc

        self._tasks.run(call, on_done=self._deliver, write=write)

    def cancel(self, kind: str) -> None:
        """Forget the call of ``kind`` in flight: its result will be dropped."""
        if self._waiting.pop(kind, None) is not None:
            self.busy_changed.emit(kind, False)

    def busy(self, kind: str) -> bool:
        """Whether the newest call of ``kind`` has not finished yet."""
        return kind in self._waiting

    def _deliver(self, packet: tuple[str, int, Any, BaseException | None]) -> None:
        kind, serial, result, exc = packet
        waiting = self._waiting.get(kind)
        if waiting is None or waiting[0] != serial:
            return  # stale: a newer call of this kind was made, or it was cancelled
        del self._waiting[kind]
        self.busy_changed.emit(kind, False)
        _serial, on_done, on_error = waiting
        if exc is None:
            on_done(result)
        else:
            (on_error or self._tasks.error_handler)(exc)
