"""The saved-reports row of the Reports screen: pick a saved definition, run it again, save the
current choice under a name, delete one. The definitions are the user's own, on this computer
(services/report_definitions.py); every call runs in the background."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QInputDialog, QLabel, QPushButton, QWidget

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import QueryOp, WriteOp
from legalaid_desktop.gui.widgets.dialogs import confirm
from legalaid_desktop.i18n import _
from legalaid_desktop.services.report_definitions import SavedReport
from legalaid_desktop.statistics.report_spec import ReportSpec


class SavedReports(QWidget):
    """See the module's docstring.

    Signals:
        run_saved(object): the user wants this :class:`SavedReport` shown and run.
        message(str): one line for the screen's message label (``""`` clears it).
    """

    run_saved = Signal(object)
    message = Signal(str)

    def __init__(
        self, ctx: GuiContext, current: Callable[[], ReportSpec], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._current = current
        self.saved: list[SavedReport] = []
        self.name_dialog: QInputDialog | None = None
        self.label = QLabel()
        self.combo = QComboBox()
        self.combo.setObjectName("saved_reports")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(18)
        self.label.setBuddy(self.combo)
        self.run_button = QPushButton()
        self.save_button = QPushButton()
        self.delete_button = QPushButton()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.combo, 1)
        for button in (self.run_button, self.save_button, self.delete_button):
            row.addWidget(button)
        self.run_button.clicked.connect(self.run_chosen)
        self.save_button.clicked.connect(self.ask_name)
        self.delete_button.clicked.connect(self.delete_chosen)
        self.retranslate()
        self._update()

    def reload(self) -> None:
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.report_definitions.list,
            success=self._arrived,
            failure=self._failed,
            action="report_definitions",
            parent=self,
        ).latest("list").run()

    def _arrived(self, saved: list[SavedReport], chosen: str | None = None) -> None:
        keep = chosen or self.chosen_id()
        self.saved = list(saved)
        self.combo.clear()
        for report in self.saved:
            self.combo.addItem(report.name, report.id)
        self.combo.setCurrentIndex(max(self.combo.findData(keep), 0))
        self._update()

    def _update(self) -> None:
        has = bool(self.saved)
        self.combo.setEnabled(has)
        self.run_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def chosen(self) -> SavedReport | None:
        return next((r for r in self.saved if r.id == self.combo.currentData()), None)

    def chosen_id(self) -> str | None:
        value = self.combo.currentData()
        return value if isinstance(value, str) else None

    def run_chosen(self) -> None:
        report = self.chosen()
        if report is not None:
            self.run_saved.emit(report)

    def ask_name(self) -> QInputDialog:
        """Ask for the name (the chosen report's offered: saving under it replaces it)."""
        current = self.chosen()
        dialog = QInputDialog(self)
        dialog.setWindowTitle(_("Save the report"))
        dialog.setLabelText(_("Name (the same name replaces that report):"))
        dialog.setTextValue(current.name if current is not None else "")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self.save)
        self.name_dialog = dialog
        dialog.open()
        return dialog

    def save(self, name: str) -> None:
        """Save the current choice under ``name`` (in the background)."""
        try:
            spec = self._current()
        except InputRejected as exc:
            self.message.emit(str(exc))
            return
        WriteOp(
            self.ctx.tasks,
            partial(self.ctx.services.report_definitions.save, name, spec),
            success=self._saved,
            failure=self._failed,
            action="report_definition_save",
            parent=self,
        ).run()

    def _saved(self, report: SavedReport) -> None:
        self.message.emit("")
        others = [r for r in self.saved if r.id != report.id]
        self._arrived(sorted([*others, report], key=lambda r: r.name.casefold()), report.id)

    def delete_chosen(self, ask: bool = True) -> None:
        report = self.chosen()
        if report is None:
            return
        question = _("Delete the saved report \u201c{name}\u201d?").format(name=report.name)
        if ask and not confirm(self, _("Delete the saved report"), question):
            return
        WriteOp(
            self.ctx.tasks,
            partial(self.ctx.services.report_definitions.delete, report.id),
            success=lambda _r: self.reload(),
            failure=self._failed,
            action="report_definition_delete",
            parent=self,
        ).run()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "report_definitions")
        self.message.emit(user_message(exc))

    def retranslate(self) -> None:
        self.label.setText(_("Sa&ved reports:"))
        self.run_button.setText(_("R&erun"))
        self.save_button.setText(_("Save repor&t…"))
        self.delete_button.setText(_("&Delete"))
        self.run_button.setToolTip(_("Show the saved report and compute it for today"))
