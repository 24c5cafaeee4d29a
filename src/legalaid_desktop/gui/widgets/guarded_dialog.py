"""The base of every dialog that takes input: focus on the first field, no silent loss of input.

Two things every form must do the same way (issue 17):

- **Focus starts on the first input field**, never on a button. Qt gives a new window's focus
  to the first widget of its focus chain, and the chain follows the order of creation: a base
  class that makes its Save/Cancel buttons before the subclass makes its fields would start on
  Cancel, where the space bar of the first typed name presses it.
- **Esc or closing the window with unsaved input asks** "Discard what you typed?" (the answer
  that keeps the input is the default); an untouched form closes at once. What counts as input
  is what the user could change: the text of line edits and text areas, spin boxes and date
  fields, check boxes and radio buttons, the choice in combo boxes. A snapshot is taken when the
  dialog is first shown (after the subclass filled in a stored record) and again when the user
  leaves; a combo box whose items arrived in the background since then is left out of the
  comparison (its choice counts from the moment the items arrived). The Cancel button is an
  explicit choice and closes without asking, as do programmatic :meth:`reject` calls (code that
  closes a dialog of its own accord calls ``reject()``, not ``close()``, which asks).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from legalaid_desktop.i18n import _

Snapshot = dict[int, tuple[Any, ...]]


def _is_field(widget: QWidget) -> bool:
    """Whether ``widget`` takes typed or chosen input (not a push button, not a label)."""
    if isinstance(widget, QAbstractButton):
        return widget.isCheckable()
    return isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox | QComboBox)


def _inner(widget: QWidget) -> bool:
    """A line edit that is part of a spin box or combo box (the outer widget counts)."""
    parent = widget.parentWidget()
    return isinstance(widget, QLineEdit) and isinstance(parent, QAbstractSpinBox | QComboBox)


def first_field(dialog: QWidget) -> QWidget | None:
    """The first input field of ``dialog`` in its tab order that can take the focus now."""
    start = dialog.nextInFocusChain()
    widget = start
    seen = 0
    while widget is not None and widget is not dialog and seen < 2000:
        seen += 1
        if (
            _is_field(widget)
            and not _inner(widget)
            and widget.isVisibleTo(dialog)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not (isinstance(widget, QLineEdit) and widget.isReadOnly())
        ):
            return widget
        widget = widget.nextInFocusChain()
    return None


def _entry(widget: QWidget) -> tuple[Any, ...] | None:
    """What the user could have changed in one field (``None`` for a widget that is no field)."""
    if isinstance(widget, QLineEdit | QAbstractSpinBox):
        return ("text", widget.text())
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return ("text", widget.toPlainText())
    if isinstance(widget, QComboBox):
        return ("combo", widget.count(), widget.currentIndex(), widget.currentText())
    if isinstance(widget, QAbstractButton):
        return ("checked", widget.isChecked())
    return None


def snapshot(dialog: QWidget) -> Snapshot:
    """What the user could have changed in ``dialog``, by widget."""
    values: Snapshot = {}
    for widget in dialog.findChildren(QWidget):
        if _is_field(widget) and not _inner(widget):
            entry = _entry(widget)
            if entry is not None:
                values[id(widget)] = entry
    return values


def differs(before: Snapshot, now: Snapshot) -> bool:
    """Whether the user changed something between two snapshots."""
    for key, value in now.items():
        old = before.get(key)
        if old is None:
            # a field that appeared later: it counts once it holds something
            if value[0] == "text" and value[1]:
                return True
            continue
        if value[0] == "combo" and old[1] != value[1]:
            continue  # its items arrived in the background since the first snapshot
        if old != value:
            return True
    return False


class GuardedDialog(QDialog):
    """A dialog that starts on its first field and asks before Esc/close discards input.

    Attributes:
        discard_box: The open "Discard what you typed?" question, if any (tests answer it).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._baseline: Snapshot | None = None
        self._watched_combos: set[int] = set()
        self.discard_box: QMessageBox | None = None

    # -- focus ----------------------------------------------------------------------------------

    def initial_focus(self) -> QWidget | None:
        """The widget that gets the focus when the dialog opens: the field a subclass gave the
        focus to before showing (e.g. the notes of a consultation), else the first field."""
        chosen = self.focusWidget()
        if chosen is not None and chosen is not self and _is_field(chosen) and chosen.isEnabled():
            return chosen
        return first_field(self)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._baseline is None:
            field = self.initial_focus()
            if field is not None:
                field.setFocus(Qt.FocusReason.OtherFocusReason)
            self.mark_clean()

    # -- unsaved input --------------------------------------------------------------------------

    def mark_clean(self) -> None:
        """What the fields hold now counts as nothing typed (e.g. after loading a record)."""
        self._baseline = snapshot(self)
        for combo in self.findChildren(QComboBox):
            if id(combo) in self._watched_combos:
                continue
            self._watched_combos.add(id(combo))
            model = combo.model()
            rebase = partial(self._items_arrived, combo)
            model.rowsInserted.connect(rebase)
            model.rowsRemoved.connect(rebase)
            model.modelReset.connect(rebase)

    def _items_arrived(self, combo: QComboBox, *_args: object) -> None:
        """A combo box's items were (re)loaded in the background: its choice once they are
        all in (the filling code sets it right after) is its untouched state."""

        def rebase() -> None:
            if self._baseline is not None and id(combo) in self._baseline:
                entry = _entry(combo)
                if entry is not None:
                    self._baseline[id(combo)] = entry

        QTimer.singleShot(0, self, rebase)

    def has_unsaved_input(self) -> bool:
        """Whether leaving now would lose something the user typed or chose."""
        if self._baseline is None:
            return False
        return differs(self._baseline, snapshot(self))

    def leave(self) -> None:
        """Esc or the window's close button: close, asking first if input would be lost."""
        if self.discard_box is not None:
            return
        if not self.has_unsaved_input():
            self.reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Discard what you typed?"),
            _("Discard what you typed?"),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setInformativeText(_("What you typed in this form has not been saved."))
        discard = box.addButton(_("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(_("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_result: int) -> None:
            self.discard_box = None
            if box.clickedButton() is discard:
                self.reject()
            box.deleteLater()

        box.finished.connect(answered)
        self.discard_box = box
        box.open()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            event.accept()
            self.leave()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible() and self.has_unsaved_input():
            event.ignore()
            self.leave()
            return
        super().closeEvent(event)
