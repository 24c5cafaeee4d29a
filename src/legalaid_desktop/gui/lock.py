"""Locking: the idle watcher and the lock screen.

Idle means no key press, mouse click, mouse move or wheel anywhere in the application, seen by
an application-wide event filter. The filter only records the time (cheap: it sees every
event); a timer checks now and then whether the idle time has passed.

When the main window locks it destroys its pages, closes the store (which wipes the database key)
and keeps only the data folder and the user name; the lock screen then asks for the password and
the main window logs in again in the background.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.widgets.feedback import busy_bar, message_label, show_message
from legalaid_desktop.gui.widgets.passwords import CapsLockWatcher
from legalaid_desktop.i18n import _

ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Emits :attr:`idle` once after ``timeout`` seconds without user input.

    Signals:
        idle(): the user has been idle for the timeout; emitted once until :meth:`reset`.
    """

    idle = Signal()

    def __init__(self, timeout_seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last = time.monotonic()
        self._fired = False
        self._timeout = timeout_seconds
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._check)
        self._installed = False
        self.set_timeout(timeout_seconds)

    @property
    def timeout(self) -> float:
        return self._timeout

    def set_timeout(self, seconds: float) -> None:
        """Change the idle time; checks run a few times per period (at most every 5 s)."""
        self._timeout = max(0.05, float(seconds))
        self._timer.setInterval(max(20, min(5000, int(self._timeout * 1000 / 4))))

    def start(self, filter_delay_ms: int = 0) -> None:
        """Start counting idle time; watch input from ``filter_delay_ms`` on.

        An application-wide Python event filter makes PySide build the Python type of every
        kind of object that receives an event, about a tenth of a second at first; the main
        window delays it until after its first paint. Idle time counts from now either way.
        """
        self.reset()
        self._timer.start()
        if filter_delay_ms > 0:
            QTimer.singleShot(filter_delay_ms, self._install)
        else:
            self._install()

    def _install(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._installed and self._timer.isActive():
            app.installEventFilter(self)
            self._installed = True

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def reset(self) -> None:
        self._last = time.monotonic()
        self._fired = False

    def idle_seconds(self) -> float:
        return time.monotonic() - self._last

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self._last = time.monotonic()
            self._fired = False
        return False

    def _check(self) -> None:
        if not self._fired and self.idle_seconds() >= self._timeout:
            self._fired = True
            self.idle.emit()


def padlock(size: int, color: QColor) -> QPixmap:
    """A plain padlock drawn in ``color`` (the style has no lock icon)."""
    ratio = 2.0
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(color, size * 0.09)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    shackle = QRectF(size * 0.28, size * 0.08, size * 0.44, size * 0.5)
    painter.drawArc(shackle, 0, 180 * 16)
    middle, bottom = shackle.center().y(), size * 0.45
    painter.drawLine(QPointF(shackle.left(), middle), QPointF(shackle.left(), bottom))
    painter.drawLine(QPointF(shackle.right(), middle), QPointF(shackle.right(), bottom))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(size * 0.16, size * 0.44, size * 0.68, size * 0.5), 4, 4)
    painter.end()
    return pixmap


class LockScreen(QWidget):
    """Shows only who is logged in and a password field.

    Signals:
        unlock_requested(str): the password typed (the main window logs in with it).
        quit_requested(): the user wants to leave the program instead.
        switch_requested(): another person wants to log in (a shared computer): the session
            ends and the login window comes back.
    """

    unlock_requested = Signal(str)
    quit_requested = Signal()
    switch_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = ""
        self.full_name = ""
        self.icon = QLabel()
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        set_role(self.title, "heading")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who = QLabel()
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who.setWordWrap(True)
        set_role(self.who, "subheading")
        self.instruction = QLabel()
        self.instruction.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.instruction.setWordWrap(True)
        set_role(self.instruction, "muted")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.returnPressed.connect(self._submit)
        self.caps = CapsLockWatcher(self)
        self.caps.watch(self.password)
        self.caps_warning = QLabel()
        set_role(self.caps_warning, "warning")
        self.caps_warning.hide()
        self.caps.changed.connect(self.caps_warning.setVisible)
        self.message = message_label()
        self.progress = busy_bar()
        self.unlock_button = QPushButton()
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        self.quit_button = QPushButton()
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.quit_requested)
        self.switch_button = QPushButton()
        self.switch_button.setAutoDefault(False)
        self.switch_button.clicked.connect(self.switch_requested)

        card = QFrame()
        set_role(card, "card")
        card.setFixedWidth(420)
        buttons = QHBoxLayout()
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(10)
        inner.addWidget(self.icon)
        inner.addWidget(self.title)
        inner.addWidget(self.who)
        inner.addWidget(self.instruction)
        inner.addSpacing(6)
        inner.addWidget(self.password)
        inner.addWidget(self.caps_warning)
        inner.addWidget(self.message)
        inner.addWidget(self.progress)
        inner.addLayout(buttons)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        self.icon.setPixmap(padlock(48, self.palette().color(QPalette.ColorRole.WindowText)))
        self.title.setText(_("Locked"))
        self.who.setText(f"{self.full_name} ({self.username})" if self.username else "")
        self.instruction.setText(_("Type your password to continue."))
        self.password.setAccessibleName(_("Password"))
        self.password.setPlaceholderText(_("Password"))
        self.caps_warning.setText(_("Caps Lock seems to be on."))
        self.unlock_button.setText(_("&Unlock"))
        self.quit_button.setText(_("&Quit"))
        self.switch_button.setText(_("S&witch user"))
        self.switch_button.setToolTip(
            _("End this session and log in as someone else (a shared computer).")
        )

    def set_user(self, username: str, full_name: str) -> None:
        self.username = username
        self.full_name = full_name
        self.retranslate()

    def reset(self) -> None:
        """Ready for a new unlock: empty password, no message."""
        self.password.clear()
        show_message(self.message, "")
        self.set_busy(False)
        self.password.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.password.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.password.clear()
        show_message(self.message, text)
        self.password.setFocus()

    def _submit(self) -> None:
        password = self.password.text()
        if not password:
            show_message(self.message, _("Type your password."))
            return
        self.set_busy(True)
        show_message(self.message, "")
        self.password.clear()
        self.unlock_requested.emit(password)
