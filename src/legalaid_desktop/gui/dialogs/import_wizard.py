"""The import wizard: a center's spreadsheet of clients into the store (issue 20, managers).

Pages: the file (and a saved mapping, if any) → the header row and what each column is (a
combo per column, guessed from its title; defaults for a region and a gender; the order of
day and month) → the values no rule reads (a region misspelt, a center's own abbreviation) →
the preview, every problem on its cell → the import, with progress and Stop; likely duplicates
come back for a decision per row (merge, keep both, skip) before the import runs again → the
summary. The file is read, previewed and imported in the background (``gui/tasks.py``); the
mapping can be saved and loaded at any step (it holds no client data, docs/import.md). The
later pages are in :mod:`legalaid_desktop.gui.dialogs.import_pages`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from legalaid_desktop.domain.errors import LegalAidError
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.tasks import QueryOp
from legalaid_desktop.gui.widgets.code_combo import CodeCombo
from legalaid_desktop.gui.widgets.feedback import MUTED, busy_bar, message_label, show_message
from legalaid_desktop.gui.widgets.save_dialog import save_file_dialog
from legalaid_desktop.i18n import _
from legalaid_desktop.spreadsheet_import.cells import Table, column_letter
from legalaid_desktop.spreadsheet_import.fields import FIELDS
from legalaid_desktop.spreadsheet_import.headers import column_titles
from legalaid_desktop.spreadsheet_import.mapping import ImportMapping, save_mapping, validated
from legalaid_desktop.spreadsheet_import.values import DateOrder, blank, text_of

if TYPE_CHECKING:
    from legalaid_desktop.spreadsheet_import.preview import Preview

__all__ = ["ColumnsPage", "FilePage", "ImportWizard", "open_import_wizard"]

_SAMPLES = 3
_SAMPLE_ROWS = 200


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class FilePage(QWizardPage):
    """Choose the spreadsheet (XLSX, ODS, CSV) and, if there is one, a saved mapping."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.intro = _label("")
        self.path = QLineEdit(self)
        self.path.setReadOnly(True)
        self.choose_button = QPushButton(self)
        self.choose_button.clicked.connect(self.ask_file)
        self.mapping_button = QPushButton(self)
        self.mapping_button.clicked.connect(self.ask_mapping)
        self.mapping_label = _label("")
        self.mapping_label.setStyleSheet(MUTED)
        self.sheet = QComboBox(self)
        self.sheet_label = QLabel(self)
        self.sheet_label.setBuddy(self.sheet)
        self.sheet.activated.connect(lambda _i: self._read())
        self.status = _label("")
        self.busy = busy_bar()
        self.error = message_label()
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(self.choose_button)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet_label)
        sheet_row.addWidget(self.sheet, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(row)
        layout.addLayout(sheet_row)
        layout.addWidget(self.mapping_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.mapping_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.sheet.hide()
        self.sheet_label.hide()

    def retranslate(self) -> None:
        self.setTitle(_("The spreadsheet"))
        self.intro.setText(
            _(
                "Choose the spreadsheet in which the center kept its clients (XLSX, ODS or "
                "CSV). Nothing is written before the last step. The file is read, never changed; "
                "it stays your responsibility: keep it safe, or delete it once imported."
            )
        )
        self.path.setPlaceholderText(_("No file chosen"))
        self.choose_button.setText(_("&Choose file…"))
        self.mapping_button.setText(_("&Load a saved mapping…"))
        self.sheet_label.setText(_("&Sheet:"))

    def ask_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self,
            _("Import clients from a spreadsheet"),
            "",
            _("Spreadsheets (*.xlsx *.xlsm *.ods *.csv *.txt);;All files (*)"),
        )
        if chosen:
            self.choose(Path(chosen))

    def ask_mapping(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Load a saved mapping"), "", _("Mappings (*.json);;All files (*)")
        )
        if chosen:
            self.load_mapping(Path(chosen))

    def choose(self, path: Path) -> None:
        """Read the spreadsheet at ``path`` (in the background)."""
        self.path.setText(str(path))
        self._wizard.path = path
        self.sheet.clear()
        self._read()

    def load_mapping(self, path: Path) -> None:
        """Use the mapping file at ``path`` (checked in the background); the file is read
        again with its sheet, encoding and delimiter."""
        imports = self._wizard.ctx.services.imports
        QueryOp(
            self._wizard.ctx.tasks,
            lambda: imports.load_mapping(path),
            success=lambda mapping: self._mapping_loaded(path, mapping),
            failure=self._failed,
            action="import_mapping",
            parent=self,
        ).latest("mapping").run()

    def _mapping_loaded(self, path: Path, mapping: ImportMapping) -> None:
        self._wizard.mapping = mapping
        self._wizard.loaded_mapping = True
        self.mapping_label.setText(_("Mapping: {file}").format(file=path.name))
        if self._wizard.path is not None:
            self._read()

    def _read(self) -> None:
        path = self._wizard.path
        if path is None:
            return
        imports = self._wizard.ctx.services.imports
        mapping = self._wizard.mapping if self._wizard.loaded_mapping else None
        sheet = self.sheet.currentText() if self.sheet.count() > 1 else None
        if sheet:
            mapping = replace(mapping or ImportMapping(columns={}), sheet=sheet)

        def work() -> tuple[Table, ImportMapping, dict[str, str]]:
            table = imports.read(path, mapping)
            guessed = mapping if mapping and mapping.columns else imports.guess_mapping(table)
            return table, guessed, imports.lawyers()

        self._wizard.table = None
        self.completeChanged.emit()
        show_message(self.error, "")
        self.status.setText(_("Reading the file…"))
        self.busy.show()
        QueryOp(
            self._wizard.ctx.tasks,
            work,
            success=self._read_done,
            failure=self._failed,
            action="import_read",
            parent=self,
        ).latest("read").run()

    def _read_done(self, result: tuple[Table, ImportMapping, dict[str, str]]) -> None:
        table, mapping, self._wizard.lawyers = result
        self.busy.hide()
        self._wizard.table = table
        if not self._wizard.loaded_mapping or table.sheet != (mapping.sheet or table.sheet):
            mapping = replace(mapping, sheet=table.sheet or None)
        self._wizard.mapping = mapping
        if len(table.sheets) > 1 and self.sheet.count() == 0:
            self.sheet.addItems(list(table.sheets))
        self.sheet.setCurrentText(table.sheet)
        self.sheet.setVisible(len(table.sheets) > 1)
        self.sheet_label.setVisible(len(table.sheets) > 1)
        where = (
            _("sheet '{sheet}'").format(sheet=table.sheet) if table.sheet else table.kind.upper()
        )
        self.status.setText(
            _("Read {file}: {rows} rows, {columns} columns ({where}).").format(
                file=table.file_name, rows=len(table.rows), columns=table.width, where=where
            )
        )
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "import_read")
        self.busy.hide()
        self.status.setText("")
        show_message(self.error, user_message(exc))

    def isComplete(self) -> bool:
        return self._wizard.table is not None


class ColumnsPage(QWizardPage):
    """Where the header is, and what each column is imported as (guessed, to check)."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.intro = _label("")
        self.header_row = QSpinBox(self)
        self.header_row.setRange(0, 20)
        self.header_rows = QSpinBox(self)
        self.header_rows.setRange(1, 5)
        self.date_order = QComboBox(self)
        ctx = wizard.ctx
        self.region = CodeCombo(ctx, "regions", empty_text=lambda: _("No default"), parent=self)
        self.gender = CodeCombo(ctx, "genders", empty_text=lambda: _("No default"), parent=self)
        self.labels = {name: QLabel(self) for name in ("row", "rows", "order", "region", "gender")}
        form = QFormLayout()
        for name, widget in (
            ("row", self.header_row),
            ("rows", self.header_rows),
            ("order", self.date_order),
            ("region", self.region),
            ("gender", self.gender),
        ):
            self.labels[name].setBuddy(widget)
            form.addRow(self.labels[name], widget)
        self.table = QTableWidget(0, 4, self)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self.ask_save)
        self.saved = _label("")
        self.saved.setStyleSheet(MUTED)
        self.error = message_label()
        self.combos: list[QComboBox] = []
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        self.header_row.valueChanged.connect(lambda _v: self._fill_titles())
        self.header_rows.valueChanged.connect(lambda _v: self._fill_titles())

    def retranslate(self) -> None:
        self.setTitle(_("Columns"))
        self.intro.setText(
            _(
                "What each column holds, guessed from its title: check it. A column left as "
                '"not imported" is not read. A client\'s name is one column, or its parts '
                "(surname, given name, father's name); a row with a legal area or a summary "
                "also opens a case."
            )
        )
        self.labels["row"].setText(_("&Last header row:"))
        self.labels["rows"].setText(_("Header &rows:"))
        self.labels["order"].setText(_("&Dates like 05/06/1985:"))
        self.labels["region"].setText(_("Region where none is given:"))
        self.labels["gender"].setText(_("Gender where none is given:"))
        self.region.retranslate()
        self.gender.retranslate()
        order = self.date_order.currentData()
        self.date_order.clear()
        self.date_order.addItem(_("Decide from the column (ask if it cannot tell)"), None)
        self.date_order.addItem(_("Day first (05.06 is 5 June)"), DateOrder.DMY.value)
        self.date_order.addItem(_("Month first (05/06 is May 6)"), DateOrder.MDY.value)
        self.date_order.setCurrentIndex(max(0, self.date_order.findData(order)))
        self.table.setHorizontalHeaderLabels(
            [_("Column"), _("Title"), _("Examples"), _("Imported as")]
        )
        self.save_button.setText(_("&Save the mapping…"))
        self.save_button.setToolTip(
            _("Keep these choices in a file for the next time (it holds no client data)")
        )

    def initializePage(self) -> None:
        mapping, table = self._wizard.mapping, self._wizard.table
        if mapping is None or table is None:
            return
        for spin, value in (
            (self.header_row, mapping.header_row),
            (self.header_rows, mapping.header_rows),
        ):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.date_order.setCurrentIndex(
            max(
                0,
                self.date_order.findData(mapping.date_order.value if mapping.date_order else None),
            )
        )
        self.region.set_code(mapping.defaults.get("region"))
        self.gender.set_code(mapping.defaults.get("gender"))
        self._fill(table, mapping)

    def _fill(self, table: Table, mapping: ImportMapping) -> None:
        self.table.setRowCount(table.width)
        self.combos = []
        for col in range(table.width):
            letter = column_letter(col)
            self.table.setItem(col, 0, QTableWidgetItem(letter))
            combo = QComboBox(self.table)
            combo.addItem(_("— not imported —"), None)
            for spec in FIELDS:
                combo.addItem(spec.title, spec.name)
            combo.setCurrentIndex(max(0, combo.findData(mapping.columns.get(letter))))
            combo.setAccessibleName(_("Column {column} is imported as").format(column=letter))
            self.table.setCellWidget(col, 3, combo)
            self.combos.append(combo)
            samples = [
                text_of(row[col])
                for row in table.rows[mapping.header_row : mapping.header_row + _SAMPLE_ROWS]
                if not blank(row[col])
            ][:_SAMPLES]
            self.table.setItem(col, 2, QTableWidgetItem(" · ".join(s[:40] for s in samples)))
        self._fill_titles()
        self.table.setColumnWidth(0, 70)
        self.table.setColumnWidth(1, 240)
        self.table.setColumnWidth(3, 220)

    def _fill_titles(self) -> None:
        table = self._wizard.table
        if table is None:
            return
        titles = column_titles(table, self.header_row.value(), self.header_rows.value())
        for col, title in enumerate(titles):
            self.table.setItem(col, 1, QTableWidgetItem(title))

    def current_mapping(self) -> ImportMapping:
        """The mapping as the page shows it (the values map and the file's settings kept)."""
        base = self._wizard.mapping or ImportMapping(columns={})
        table = self._wizard.table
        header_row, header_rows = self.header_row.value(), self.header_rows.value()
        titles = column_titles(table, header_row, header_rows) if table is not None else []
        columns = {
            column_letter(col): str(combo.currentData())
            for col, combo in enumerate(self.combos)
            if combo.currentData()
        }
        defaults = {k: v for k, v in base.defaults.items() if k not in ("region", "gender")}
        for name, combo in (("region", self.region), ("gender", self.gender)):
            if combo.code():
                defaults[name] = str(combo.code())
        order = self.date_order.currentData()
        return replace(
            base,
            columns=columns,
            headers={
                k: titles[i]
                for i, k in ((self._index(k), k) for k in columns)
                if header_row > 0 and i < len(titles)
            },
            header_row=header_row,
            header_rows=header_rows,
            defaults=defaults,
            date_order=DateOrder(order) if order else None,
        )

    @staticmethod
    def _index(letter: str) -> int:
        from legalaid_desktop.spreadsheet_import.cells import column_index

        return column_index(letter)

    def validatePage(self) -> bool:
        try:
            mapping = validated(self.current_mapping(), self._wizard.ctx.catalog)
        except LegalAidError as exc:
            show_message(self.error, str(exc))
            return False
        show_message(self.error, "")
        self._wizard.mapping = mapping
        return True

    def ask_save(self) -> None:
        save_file_dialog(
            self.window(),
            _("Save the mapping"),
            "mapping.json",
            [(_("Mappings (*.json)"), "json")],
            self.save_to,
        )

    def save_to(self, path: Path) -> None:
        """Write the mapping as the page shows it to ``path`` (it holds no client data)."""
        try:
            mapping = validated(self.current_mapping(), self._wizard.ctx.catalog)
            save_mapping(mapping, path)
        except (LegalAidError, OSError) as exc:
            show_message(
                self.error, user_message(exc) if isinstance(exc, LegalAidError) else str(exc)
            )
            return
        self._wizard.mapping = mapping
        self.saved.setText(_("Saved to {path}.").format(path=path))


class ImportWizard(QWizard):
    """The import wizard (see the module docstring).

    Signals:
        imported(object): the import was done (its :class:`ImportReport`).
    """

    imported = Signal(object)

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        from legalaid_desktop.gui.dialogs.import_pages import PreviewPage, RunPage, ValuesPage

        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.table: Table | None = None
        self.mapping: ImportMapping | None = None
        self.loaded_mapping = False
        self.lawyers: dict[str, str] = {}
        self.preview: Preview | None = None
        self.discard_box: QMessageBox | None = None
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setMinimumSize(900, 640)
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.values_page = ValuesPage(self)
        self.preview_page = PreviewPage(self)
        self.run_page = RunPage(self)
        self.pages = (
            self.file_page,
            self.columns_page,
            self.values_page,
            self.preview_page,
            self.run_page,
        )
        for page in self.pages:
            self.addPage(page)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Import clients from a spreadsheet"))
        for page in self.pages:
            page.retranslate()
        self.setButtonText(QWizard.WizardButton.FinishButton, _("&Close"))
        self.setButtonText(QWizard.WizardButton.NextButton, _("&Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< &Back"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))

    def has_unsaved_work(self) -> bool:
        """Whether closing now would lose choices the user made: a file was read and the
        wizard is past its first page, and nothing was imported yet."""
        return self.table is not None and self.currentId() > 0 and self.run_page.report is None

    def reject(self) -> None:
        """Escape (or closing the window) stops a running import first (nothing is written);
        a second press closes, asking first when the column and value choices would be lost
        (the rule of every input dialog, gui/widgets/guarded_dialog.py)."""
        if self.run_page.stop():
            return
        if self.discard_box is not None:
            return
        if not self.has_unsaved_work():
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            _("Close the import?"),
            _("Close the import?"),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setInformativeText(
            _(
                "Nothing was imported. The choices made for the columns and values are lost "
                "unless the mapping was saved."
            )
        )
        discard = box.addButton(_("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(_("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered(_result: int) -> None:
            self.discard_box = None
            if box.clickedButton() is discard:
                QWizard.reject(self)
            box.deleteLater()

        box.finished.connect(answered)
        self.discard_box = box
        box.open()


def open_import_wizard(ctx: GuiContext, parent: QWidget) -> ImportWizard:
    """Open the import wizard (window-modal, deleted when closed)."""
    wizard = ImportWizard(ctx, parent)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard
