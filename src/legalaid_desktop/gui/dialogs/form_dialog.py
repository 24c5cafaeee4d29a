"""The base of every form dialog: fields with messages, validation as you type, background save.

A subclass adds its fields with :meth:`FormDialog.add_field`, says what is wrong in
:meth:`FormDialog.validate` and what saving means in :meth:`FormDialog.save_call`. The base shows
each message under its field once the field was touched, keeps Save disabled while anything is
invalid, runs the save on the single writer thread and puts a service's ``ValidationError`` back
at its field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.errors import LegalAidError, ValidationError
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.tasks import Change, WriteOp
from legalaid_desktop.gui.widgets.client_picker import ClientPicker
from legalaid_desktop.gui.widgets.dates import OptionalDateEdit
from legalaid_desktop.gui.widgets.field_error import FieldError
from legalaid_desktop.gui.widgets.guarded_dialog import GuardedDialog
from legalaid_desktop.i18n import _

LabelText = Callable[[], str]


@dataclass
class _Field:
    label: QLabel
    widget: QWidget
    error: FieldError
    text: LabelText


def plain(label: str) -> str:
    """A label without its mnemonic marker and colon (for accessible names and messages)."""
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(":").strip()


def new_form() -> QFormLayout:
    """A form layout whose fields grow with the dialog and whose labels sit on the left."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    return form


class FormDialog(GuardedDialog):
    """A dialog of labelled fields saved in the background.

    It opens on its first field and asks before Esc or closing the window discards what was
    typed (:class:`GuardedDialog`).

    Signals:
        saved(object): what the service returned after a successful save.
    """

    saved = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_value: Any = None
        self._fields: dict[str, _Field] = {}
        self._touched: set[str] = set()
        self._server_errors: dict[str, str] = {}
        self._saving = False
        self.setModal(True)
        self.setMinimumWidth(520)
        self.outer = QVBoxLayout(self)
        self.form = new_form()
        self.general_error = FieldError(self)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #5f6368;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)
        QShortcut(QKeySequence("Ctrl+S"), self, self.submit)

    @property
    def save_button(self) -> Any:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def finish_layout(self) -> None:
        """Put the form, the messages and the buttons in place (call once, after the fields)."""
        self.outer.addLayout(self.form)
        self.outer.addStretch(1)
        self.outer.addWidget(self.general_error)
        self.outer.addWidget(self.hint)
        self.outer.addWidget(self.buttons)

    def fit_height(self) -> None:
        """Grow to show content that appeared (a warning, a section), never past the screen's
        available height (the Save button must stay on it); shrink only to get back on it."""
        layout = self.layout()
        if layout is None:
            return
        needed = layout.totalSizeHint().height()
        if layout.hasHeightForWidth():
            needed = max(needed, layout.totalHeightForWidth(self.width()))
        limit = self.height_limit()
        if needed > self.height() or self.height() > limit:
            self.resize(self.width(), max(min(needed, limit), self.minimumHeight()))

    def height_limit(self) -> int:
        """The tallest this dialog may be: its screen's available height, less the title bar."""
        screen = self.screen()
        if screen is None:
            return 1 << 20
        frame = self.frameGeometry().height() - self.geometry().height()
        return screen.availableGeometry().height() - max(frame, 0)

    def fit_later(self, *_args: object) -> None:
        """:meth:`fit_height` once the layout has caught up."""
        QTimer.singleShot(0, self, self.fit_height)  # not after the dialog is gone

    # -- fields ---------------------------------------------------------------------------------

    def add_field(
        self, name: str, text: LabelText, widget: QWidget, form: QFormLayout | None = None
    ) -> QWidget:
        """Add a labelled field whose changes re-run the validation.

        Args:
            name: The field's name, as the services name it in ``ValidationError.field``.
            text: Returns the label in the current language.
            widget: The input.
            form: The form to add the row to (the dialog's main form if not given).
        """
        label = QLabel(self)
        label.setBuddy(widget)
        error = FieldError(self)
        cell = QWidget(self)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        (form or self.form).addRow(label, cell)
        self._fields[name] = _Field(label, widget, error, text)
        self._connect_changes(name, widget)
        return widget

    def field_widget(self, name: str) -> QWidget:
        return self._fields[name].widget

    def field_error(self, name: str) -> str:
        """The message shown at ``name`` ('' when none)."""
        error = self._fields[name].error
        return "" if error.isHidden() else error.text()

    def set_row_visible(self, name: str, visible: bool) -> None:
        field = self._fields[name]
        field.label.setVisible(visible)
        cell = field.widget.parentWidget()
        if cell is not None:
            cell.setVisible(visible)

    def _connect_changes(self, name: str, widget: QWidget) -> None:
        def changed(*_args: object) -> None:
            self.field_changed(name)

        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(changed)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(changed)
        elif isinstance(widget, QComboBox):
            widget.activated.connect(changed)
            widget.currentIndexChanged.connect(lambda *_a: self.revalidate())
        elif isinstance(widget, QAbstractSpinBox):
            widget.editingFinished.connect(changed)
            if hasattr(widget, "valueChanged"):
                widget.valueChanged.connect(lambda *_a: self.revalidate())
            if hasattr(widget, "dateChanged"):
                widget.dateChanged.connect(changed)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(changed)
        elif isinstance(widget, OptionalDateEdit):
            widget.changed.connect(changed)
        elif isinstance(widget, ClientPicker):
            widget.client_chosen.connect(changed)

    def field_changed(self, name: str) -> None:
        """The user changed ``name``: show its messages from now on and check again."""
        self._touched.add(name)
        self._server_errors.pop(name, None)
        self.general_error.show_message(None)
        self.revalidate()

    def touch_all(self) -> None:
        """Show every field's message (e.g. when editing a stored record)."""
        self._touched.update(self._fields)
        self.revalidate()

    # -- validation -----------------------------------------------------------------------------

    def validate(self) -> dict[str, str]:
        """What is wrong now, by field name (override)."""
        return {}

    def revalidate(self) -> bool:
        """Show the messages and enable Save only when everything is valid."""
        errors = self.validate()
        untouched: list[str] = []
        for name, field in self._fields.items():
            message = self._server_errors.get(name)
            if message is None and name in errors:
                if name in self._touched:
                    message = errors[name]
                elif field.widget.isVisibleTo(self):
                    untouched.append(plain(field.text()))
            field.error.show_message(message)
            field.widget.setAccessibleDescription(message or "")
        valid = not errors
        self.save_button.setEnabled(valid and not self._saving)
        if untouched and not self._saving:
            self.hint.setText(_("To save, fill in: {fields}.").format(fields=", ".join(untouched)))
            self.hint.show()
        else:
            self.hint.hide()
        return valid

    # -- saving ---------------------------------------------------------------------------------

    #: What saving the form changes (the screens showing those records reload).
    changes: ClassVar[frozenset[Change]] = frozenset()

    def save_call(self) -> Callable[[], Any]:
        """The service call that saves the form (override); runs on the writer thread."""
        raise NotImplementedError

    def submit(self) -> None:
        """Save in the background if the form is valid."""
        if self._saving:
            return
        if not self.revalidate():
            self.touch_all()
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self.general_error.show_message(None)
        WriteOp(
            self.ctx.tasks,
            self.save_call(),
            changes=self.changes,
            success=self._saved,
            failure=self._failed,
            parent=self,
        ).latest("save").run()

    def saving(self) -> bool:
        return self._saving

    def _saved(self, result: Any) -> None:
        self._saving = False
        self.result_value = result
        self.mark_clean()  # saved: nothing typed is unsaved any more
        self.saved.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        if isinstance(exc, ValidationError) and exc.field in self._fields:
            self._server_errors[exc.field] = str(exc)
            self._fields[exc.field].widget.setFocus()
        elif isinstance(exc, LegalAidError):
            self.general_error.show_message(str(exc))
        else:
            self.general_error.show_message(_("This could not be saved. Nothing was changed."))
            self.ctx.tasks.error_handler(exc)
        self.revalidate()

    # -- texts ----------------------------------------------------------------------------------

    def window_title(self) -> str:
        """The dialog's title in the current language (override)."""
        return ""

    def retranslate_extra(self) -> None:
        """Texts beyond the field labels (override)."""

    def retranslate(self) -> None:
        """Re-read every visible string in the current language."""
        self.setWindowTitle(self.window_title())
        for field in self._fields.values():
            text = field.text()
            field.label.setText(text if text.endswith(":") else f"{text}:")
            field.widget.setAccessibleName(plain(text))
        self.save_button.setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.retranslate_extra()
        self.revalidate()
