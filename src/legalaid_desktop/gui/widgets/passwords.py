"""Password entry: a Caps Lock guess and a new password typed twice with a strength meter."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain import validation
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.widgets.feedback import check, message_label, show_message
from legalaid_desktop.i18n import N_, _

STRENGTH_LABELS: tuple[str, ...] = (
    N_("Too weak"),
    N_("Weak"),
    N_("Fair"),
    N_("Good"),
    N_("Strong"),
)


class CapsLockWatcher(QObject):
    """Guesses whether Caps Lock is on from the letters typed into the watched fields.

    Qt has no portable way to read the Caps Lock state (``queryKeyboardModifiers`` does not
    report it). The heuristic: a typed letter whose case is the opposite of what the Shift key
    says (an upper-case letter without Shift, a lower-case one with Shift) means Caps Lock is
    on; a letter whose case agrees with Shift means it is off. Keys that are not cased letters
    (digits, punctuation, letters of scripts without case) change nothing, so the warning stays
    as it was until the next letter. The Caps Lock key itself flips the current guess.

    Signals:
        changed(bool): the guess changed (``True``: Caps Lock seems to be on).
    """

    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on = False

    def watch(self, widget: QWidget) -> None:
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self.observe(event)
        return False

    def observe(self, event: QKeyEvent) -> None:
        """Update the guess from one key press."""
        if event.key() == Qt.Key.Key_CapsLock:
            self._set(not self.on)
            return
        text = event.text()
        if len(text) != 1 or not text.isalpha() or text.lower() == text.upper():
            return
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self._set(text.isupper() != shift)

    def _set(self, on: bool) -> None:
        if on != self.on:
            self.on = on
            self.changed.emit(on)


class NewPasswordFields(QWidget):
    """A new password typed twice, with a strength meter and messages as you type.

    Signals:
        changed(): the fields changed (re-check :meth:`is_valid`).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.username = ""
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(10)
        self.strength = QLabel()
        set_role(self.strength, "muted")
        self.password_message = message_label()
        self.repeat_message = message_label()
        self.caps = CapsLockWatcher(self)
        self.caps.watch(self.password)
        self.caps.watch(self.repeat)
        self.caps_warning = QLabel()
        set_role(self.caps_warning, "warning")
        self.caps_warning.hide()
        self.caps.changed.connect(self.caps_warning.setVisible)

        meter_row = QHBoxLayout()
        meter_row.setContentsMargins(0, 0, 0, 0)
        meter_row.addWidget(self.meter, 1)
        meter_row.addWidget(self.strength)
        first = QVBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(self.password)
        first.addLayout(meter_row)
        first.addWidget(self.password_message)
        second = QVBoxLayout()
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(self.repeat)
        second.addWidget(self.repeat_message)
        second.addWidget(self.caps_warning)

        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.password_label = QLabel()
        self.repeat_label = QLabel()
        self.password_label.setBuddy(self.password)
        self.repeat_label.setBuddy(self.repeat)
        self.form.addRow(self.password_label, first)
        self.form.addRow(self.repeat_label, second)

        self.password.textChanged.connect(self._update)
        self.repeat.textChanged.connect(self._update)
        self.retranslate()
        self._update()

    def retranslate(self) -> None:
        self.password_label.setText(_("&Password:"))
        self.repeat_label.setText(_("&Repeat password:"))
        self.password.setAccessibleName(_("New password"))
        self.repeat.setAccessibleName(_("Repeat the new password"))
        self.caps_warning.setText(_("Caps Lock seems to be on."))
        self._update()

    def set_username(self, username: str) -> None:
        """Whose password this is: a password containing the name is refused as it is typed."""
        if username != self.username:
            self.username = username
            self._update()

    def _problem(self, value: str) -> str:
        return check(partial(validation.new_password, username=self.username.strip()), value)

    def _update(self) -> None:
        value = self.password.text()
        score = validation.password_strength(value)
        self.meter.setValue(score)
        self.strength.setText(_(STRENGTH_LABELS[score]) if value else "")
        show_message(self.password_message, self._problem(value) if value else "")
        mismatch = bool(self.repeat.text()) and self.repeat.text() != value
        show_message(self.repeat_message, _("The passwords differ.") if mismatch else "")
        self.changed.emit()

    def is_valid(self) -> bool:
        value = self.password.text()
        return not self._problem(value) and self.repeat.text() == value

    def value(self) -> str:
        return self.password.text()

    def clear(self) -> None:
        self.password.clear()
        self.repeat.clear()
