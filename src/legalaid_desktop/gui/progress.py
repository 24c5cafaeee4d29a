"""Long work with a progress dialog: the task reports, the user may cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from legalaid_desktop.gui.tasks import Progress, Task, TaskRunner
from legalaid_desktop.i18n import _


def run_with_progress(
    tasks: TaskRunner,
    parent: QWidget | None,
    label: str,
    fn: Callable[[Progress], Any],
    *,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    write: bool = False,
    cancellable: bool = True,
    action: str = "",
) -> tuple[Task, QProgressDialog]:
    """Run ``fn(progress)`` in the background behind a window-modal :class:`QProgressDialog`.

    The dialog appears only if the work takes longer than half a second. Cancel asks the task to
    stop (``progress.cancelled`` becomes true); the task decides where stopping is safe, and the
    dialog closes when it has really finished.

    Returns:
        The task and its dialog (tests drive both).
    """
    dialog = QProgressDialog(label, _("Cancel") if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(_("Please wait"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(500)
    dialog.setAutoClose(True)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)

    def report(done: int, total: int) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        else:
            dialog.setMaximum(0)

    task = tasks.run(
        fn,
        on_done=on_done,
        on_error=on_error,
        on_progress=report,
        write=write,
        progress=True,
        action=action,
    )

    def cancel() -> None:
        task.cancel()
        dialog.setLabelText(_("Stopping…"))

    dialog.canceled.connect(cancel)
    task.signals.finished.connect(dialog.reset)
    task.signals.finished.connect(dialog.deleteLater)
    return task, dialog
