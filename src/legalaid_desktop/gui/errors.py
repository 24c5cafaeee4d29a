"""Readable error dialogs, and the error handler of background tasks.

A :class:`~legalaid_desktop.domain.errors.LegalAidError` carries a message written for the user,
shown as is. Anything else is a bug: the user sees "Something went wrong" and the exception's
type, with the traceback behind a "Details" button (to copy into a report). That traceback
holds no exception message (:mod:`legalaid_desktop.tracebacks`): a message may quote a
statement's values or what was typed, and "Copy details" ends up in e-mails and bug reports.

Logging never includes client data: only the exception type and the short action code of the
task (``login``, ``verify``...). Exception messages are not logged, because a database or
validation error may quote what was typed.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.errors import LegalAidError
from legalaid_desktop.gui.application import monospace_font
from legalaid_desktop.i18n import _
from legalaid_desktop.tracebacks import redacted_traceback

log = logging.getLogger("legalaid_desktop.gui")
_unparented: set[ErrorDialog] = set()


def user_message(exc: BaseException) -> str:
    """What the user is told about ``exc``."""
    if isinstance(exc, LegalAidError):
        return str(exc)
    return _("Something went wrong ({kind}). Your data was not changed by this error.").format(
        kind=type(exc).__name__
    )


def traceback_text(exc: BaseException) -> str:
    """The traceback recorded by the task runner, or one formatted here: without messages
    either way (:func:`~legalaid_desktop.tracebacks.redacted_traceback`)."""
    text = getattr(exc, "__traceback_text__", None)
    if isinstance(text, str) and text:
        return text
    return redacted_traceback(exc)


def log_error(exc: BaseException, action: str = "") -> None:
    """Log that ``action`` failed with the type of ``exc`` (never its message: no client data)."""
    action = action or str(getattr(exc, "__action__", "") or "task")
    if isinstance(exc, LegalAidError):
        log.info("%s refused: %s", action, type(exc).__name__)
    else:
        log.error("%s failed: %s", action, type(exc).__name__)


class ErrorDialog(QDialog):
    """The message, and the traceback in a collapsible, copyable "Details" area."""

    def __init__(self, exc: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("LegalAid Desktop"))
        self.setMinimumWidth(460)
        expected = isinstance(exc, LegalAidError)

        icon = QLabel()
        kind = (
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if expected
            else QStyle.StandardPixmap.SP_MessageBoxCritical
        )
        icon.setPixmap(self.style().standardIcon(kind).pixmap(40, 40))
        self.message = QLabel(user_message(exc))
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon, 0)
        top.addWidget(self.message, 1)

        self.details = QPlainTextEdit(traceback_text(exc))
        self.details.setReadOnly(True)
        self.details.setFont(monospace_font(QApplication.font().pointSizeF() * 0.9))
        self.details.setMinimumHeight(180)
        self.details.setAccessibleName(_("Error details"))
        self.details.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.details_button = QPushButton(_("Details"))
        self.details_button.setCheckable(True)
        self.details_button.toggled.connect(self._toggle_details)
        self.copy_button = QPushButton(_("Copy details"))
        self.copy_button.clicked.connect(self._copy)
        self.copy_button.hide()
        buttons.addButton(self.details_button, QDialogButtonBox.ButtonRole.HelpRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.HelpRole)
        buttons.accepted.connect(self.accept)
        # A refusal the user can fix needs no traceback; keep the button for bugs only.
        self.details_button.setVisible(not expected)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.copy_button.setVisible(shown)
        self.adjustSize()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


def show_error(parent: QWidget | None, exc: BaseException, action: str = "") -> ErrorDialog:
    """Log ``exc`` (type only) and show it in a window-modal :class:`ErrorDialog`.

    The dialog is opened without a nested event loop (``open()``, not ``exec()``), so a result
    arriving from another task is not delayed, and it deletes itself when closed.
    """
    log_error(exc, action)
    dialog = ErrorDialog(exc, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:  # nothing else keeps a window-less dialog alive until it is closed
        _unparented.add(dialog)
        dialog.finished.connect(lambda _result: _unparented.discard(dialog))
    dialog.open()
    return dialog


def make_error_handler(
    parent: Callable[[], QWidget | None],
) -> Callable[[BaseException], None]:
    """An error handler for :attr:`TaskRunner.error_handler` that shows the dialog over
    ``parent()`` (the window in front when the error comes back)."""

    def handle(exc: BaseException) -> None:
        show_error(parent(), exc)

    return handle


def install_excepthook(parent: Callable[[], QWidget | None]) -> None:
    """Show unexpected exceptions raised in Qt slots on the GUI thread instead of only printing
    them; keep the previous hook for everything else."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if QApplication.instance() is None or not isinstance(exc, Exception):
            previous(kind, exc, tb)
            return
        if exc.__traceback__ is None:
            exc.__traceback__ = tb
        exc.__traceback_text__ = redacted_traceback(exc)  # type: ignore[attr-defined]
        try:
            show_error(parent(), exc, "ui")
        except Exception:
            previous(kind, exc, tb)

    sys.excepthook = hook
