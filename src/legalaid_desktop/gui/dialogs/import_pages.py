"""The later pages of the import wizard: values, preview, import (and duplicates).

* :class:`ValuesPage`: the values of reference columns (and lawyers) no rule reads, each with
  a choice of what it is (a close spelling is offered; "leave it" keeps it a problem);
* :class:`PreviewPage`: every row as it would be imported; a cell with a problem is tinted and
  says what is wrong and what was expected; the list of problems; "import the other rows";
* :class:`RunPage`: the import in one transaction with progress and Stop (which rolls it back);
  rows that may be clients already here come back as a table with a decision per row (merge
  into the client, keep both, skip the row), then the import runs again; then the summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from legalaid_desktop.domain.errors import DuplicatesUndecided, ImportCancelled
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.models.import_preview import PreviewModel, problem_text
from legalaid_desktop.gui.tasks import Change, Progress, QueryOp, WriteOp
from legalaid_desktop.gui.widgets.feedback import MUTED, busy_bar, message_label, show_message
from legalaid_desktop.gui.widgets.table import ListTable
from legalaid_desktop.i18n import N_, _, ngettext
from legalaid_desktop.services.import_report import (
    Action,
    Decision,
    ImportReport,
    OnDuplicate,
    RowOutcome,
    summary_lines,
)
from legalaid_desktop.spreadsheet_import.fields import BY_NAME, Kind

if TYPE_CHECKING:
    from legalaid_desktop.gui.dialogs.import_wizard import ImportWizard
    from legalaid_desktop.spreadsheet_import.preview import Preview

__all__ = ["PreviewPage", "RunPage", "ValuesPage"]

_LISTED = 500
"""Problems listed under the preview (every cell shows its own in the table)."""


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _start_preview(page: QWizardPage, wizard: ImportWizard, done: object, failed: object) -> None:
    imports, table, mapping = wizard.ctx.services.imports, wizard.table, wizard.mapping
    assert table is not None and mapping is not None
    QueryOp(
        wizard.ctx.tasks,
        lambda: imports.preview(table, mapping),
        success=done,  # type: ignore[arg-type]
        failure=failed,  # type: ignore[arg-type]
        action="import_preview",
        parent=page,
    ).latest("preview").run()


class ValuesPage(QWizardPage):
    """What the values no rule reads stand for."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.intro = _label()
        self.status = _label()
        self.busy = busy_bar()
        self.error = message_label()
        self.table = QTableWidget(0, 4, self)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.combos: list[tuple[str, str, QComboBox]] = []
        self.ready = False
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error)

    def retranslate(self) -> None:
        self.setTitle(_("Values"))
        self.intro.setText(
            _(
                "These values of the spreadsheet are not names of the lists (a misspelt "
                "region, a center's own abbreviation). Say what each one is: the choice goes "
                "into the mapping. A value left as it is stays a problem of its rows."
            )
        )
        self.table.setHorizontalHeaderLabels(
            [_("Column"), _("Value in the file"), _("Rows"), _("Read as")]
        )

    def initializePage(self) -> None:
        self.ready = False
        self.table.setRowCount(0)
        self.completeChanged.emit()
        show_message(self.error, "")
        self.status.setText(_("Reading every row…"))
        self.busy.show()
        _start_preview(self, self._wizard, self._previewed, self._failed)

    def _previewed(self, preview: Preview) -> None:
        self.busy.hide()
        self._wizard.preview = preview
        unknown = preview.unknown_values
        self.status.setText(
            _("Every value was recognized.")
            if not unknown
            else ngettext(
                "{n} value is not recognized.", "{n} values are not recognized.", len(unknown)
            ).format(n=len(unknown))
        )
        self.table.setRowCount(len(unknown))
        self.combos = []
        ctx = self._wizard.ctx
        for row, value in enumerate(unknown):
            spec = BY_NAME[value.field]
            self.table.setItem(row, 0, QTableWidgetItem(spec.title))
            self.table.setItem(row, 1, QTableWidgetItem(value.value))
            rows = ", ".join(str(r) for r in value.rows)
            more = "…" if value.count > len(value.rows) else ""
            self.table.setItem(row, 2, QTableWidgetItem(f"{value.count} ({rows}{more})"))
            combo = QComboBox(self.table)
            combo.addItem(_("— leave it (a problem) —"), None)
            if spec.kind is Kind.CODE:
                choices = ctx.catalog[spec.reference].choices(ctx.language)
            else:
                choices = [(u, u) for u in sorted(self._wizard.lawyers)]
            for code, label in choices:
                combo.addItem(label, code)
            offered = value.suggestion or (value.candidates[0] if value.candidates else None)
            if offered is not None:
                combo.setCurrentIndex(max(0, combo.findData(offered)))
            combo.setAccessibleName(_("{value} is read as").format(value=value.value))
            self.table.setCellWidget(row, 3, combo)
            self.combos.append((value.field, value.value, combo))
        self.ready = True
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "import_preview")
        self.busy.hide()
        self.status.setText("")
        show_message(self.error, user_message(exc))

    def isComplete(self) -> bool:
        return self.ready

    def validatePage(self) -> bool:
        mapping = self._wizard.mapping
        assert mapping is not None
        for field, raw, combo in self.combos:
            code = combo.currentData()
            mapping = mapping.with_value(field, raw, str(code) if code else None)
        self._wizard.mapping = mapping
        return True


class PreviewPage(QWizardPage):
    """The rows as they would be imported, problems on their cells."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.summary = _label()
        self.busy = busy_bar()
        self.error = message_label()
        self.model = PreviewModel(self)
        self.table = ListTable(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.problems = QListWidget(self)
        self.problems.setMaximumHeight(140)
        self.problems.currentRowChanged.connect(self._show_problem)
        self.skip_invalid = QCheckBox(self)
        self.skip_invalid.toggled.connect(lambda _c: self.completeChanged.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.busy)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.skip_invalid)
        layout.addWidget(self.error)

    def retranslate(self) -> None:
        self.setTitle(_("Preview"))
        self.skip_invalid.setText(
            _("Import the rows without problems and leave out the others (they are listed)")
        )
        self.table.setAccessibleName(_("Rows as they will be imported"))
        self.problems.setAccessibleName(_("Problems"))

    def initializePage(self) -> None:
        self.model.set_preview(None)
        self.problems.clear()
        self.completeChanged.emit()
        show_message(self.error, "")
        self.summary.setText(_("Reading every row…"))
        self.busy.show()
        _start_preview(self, self._wizard, self._previewed, self._failed)

    def _previewed(self, preview: Preview) -> None:
        self.busy.hide()
        self._wizard.preview = preview
        self.model.set_preview(preview)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 260))
        invalid = len(preview.invalid)
        self.summary.setText(
            _(
                "Rows: {rows}. Ready to import: {ready}. With problems: {invalid}. Empty rows "
                "skipped: {empty}. A tinted cell has a problem: point at it to read it."
            ).format(
                rows=len(preview.rows),
                ready=len(preview.valid),
                invalid=invalid,
                empty=preview.empty_rows,
            )
        )
        blocking = [p for p in preview.problems if p.blocking]
        notes = [p for p in preview.problems if not p.blocking]
        for problem in (blocking + notes)[:_LISTED]:
            where = (
                _("Row {row}, {column} ({header})").format(
                    row=problem.row, column=problem.column, header=problem.header
                )
                if problem.column
                else _("Row {row}").format(row=problem.row)
            )
            item = QListWidgetItem(f"{where}: {problem_text(problem)}")
            item.setData(Qt.ItemDataRole.UserRole, (problem.row, problem.field))
            self.problems.addItem(item)
        self.problems.setVisible(bool(blocking or notes))
        self.skip_invalid.setVisible(bool(invalid))
        self.completeChanged.emit()

    def _show_problem(self, index: int) -> None:
        item = self.problems.item(index)
        preview = self._wizard.preview
        if item is None or preview is None:
            return
        row, field = item.data(Qt.ItemDataRole.UserRole)
        position = next((i for i, r in enumerate(preview.rows) if r.row == row), 0)
        column = 0
        if field in self.model.fields:
            column = 1 + self.model.fields.index(field)
        elif field in ("surname", "given_name", "father_name") and "full_name" in self.model.fields:
            column = 1 + self.model.fields.index("full_name")
        target = self.model.index(position, column, QModelIndex())
        self.table.setCurrentIndex(target)
        self.table.scrollTo(target)

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, "import_preview")
        self.busy.hide()
        self.summary.setText("")
        show_message(self.error, user_message(exc))

    def isComplete(self) -> bool:
        preview = self._wizard.preview
        if preview is None or self.model.preview is None or not preview.valid:
            return False
        return not preview.invalid or self.skip_invalid.isChecked()


_CHOICES = (
    (OnDuplicate.MERGE, N_("Merge into it")),
    (OnDuplicate.KEEP, N_("Keep both")),
    (OnDuplicate.SKIP, N_("Skip the row")),
)


class RunPage(QWizardPage):
    """The import, the decisions on likely duplicates, the summary."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setCommitPage(False)
        self.intro = _label()
        self.start_button = QPushButton(self)
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self)
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.hide()
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.status = _label()
        self.status.setStyleSheet(MUTED)
        self.error = message_label()
        self.result = _label()
        self.duplicates = QTableWidget(0, 4, self)
        self.duplicates.verticalHeader().hide()
        self.duplicates.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.duplicates.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.duplicates.setColumnWidth(1, 240)
        self.duplicates.setColumnWidth(3, 200)
        self.duplicates.hide()
        self.all_buttons = {action: QPushButton(self) for action, _t in _CHOICES}
        for action, button in self.all_buttons.items():
            button.clicked.connect(lambda _c=False, a=action: self.set_all(a))
            button.hide()
        self.decisions: dict[int, QComboBox] = {}
        self.task: WriteOp | None = None
        self.report: ImportReport | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        for button in self.all_buttons.values():
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.duplicates, 1)
        layout.addWidget(self.result)
        layout.addWidget(self.error)
        layout.addStretch(0)

    def retranslate(self) -> None:
        self.setTitle(_("Import"))
        self.intro.setText(
            _(
                "All the rows are written in one step, as if typed in at intake, or none: "
                "Stop leaves the records as they were. Each client is checked against the "
                "clients already here; a row that may be one of them waits for your decision."
            )
        )
        self.start_button.setText(_("&Import"))
        self.stop_button.setText(_("&Stop"))
        self.stop_button.setToolTip(_("Stop the import: nothing is written"))
        labels = {
            OnDuplicate.MERGE: _("All: &merge"),
            OnDuplicate.KEEP: _("All: &keep both"),
            OnDuplicate.SKIP: _("All: s&kip"),
        }
        for action, button in self.all_buttons.items():
            button.setText(labels[action])
        self.duplicates.setHorizontalHeaderLabels(
            [_("Row"), _("In the file"), _("May be"), _("Decision")]
        )
        self.progress.setAccessibleName(_("Progress"))

    def initializePage(self) -> None:
        self.report = None
        self.result.setText("")
        show_message(self.error, "")
        self.start_button.setEnabled(True)

    @property
    def running(self) -> bool:
        return self.task is not None

    def chosen(self) -> dict[int, Decision]:
        return {
            row: Decision(OnDuplicate(str(combo.currentData())))
            for row, combo in self.decisions.items()
            if combo.currentData()
        }

    def set_all(self, action: OnDuplicate) -> None:
        for combo in self.decisions.values():
            index = combo.findData(action.value)
            if index >= 0:
                combo.setCurrentIndex(index)

    def start(self) -> None:
        """Run the import in the background (progress, Stop)."""
        wizard = self._wizard
        if self.running or wizard.table is None or wizard.mapping is None:
            return
        imports, table, mapping = wizard.ctx.services.imports, wizard.table, wizard.mapping
        decisions = self.chosen()
        skip_invalid = wizard.preview_page.skip_invalid.isChecked()

        def work(progress: Progress) -> ImportReport:
            return imports.run(
                table,
                mapping,
                decisions=decisions,
                skip_invalid=skip_invalid,
                progress=progress.report,
                cancelled=lambda: progress.cancelled,
            )

        show_message(self.error, "")
        self.result.setText("")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(_("Importing…"))
        self._set_running(True)
        self.task = (
            WriteOp(
                wizard.ctx.tasks,
                work,
                changes={Change.CLIENTS, Change.CASES},
                success=self._done,
                failure=self._failed,
                action="import_clients",
            )
            .with_progress(self._progressed)
            .run()
        )

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.status.setText(_("Row {done} of {total}…").format(done=done, total=total))

    def stop(self) -> bool:
        """Ask a running import to stop (rolled back); ``False`` if none runs."""
        if self.task is None:
            return False
        self.task.cancel()
        self.status.setText(_("Stopping…"))
        return True

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running and self.report is None)
        self.stop_button.setVisible(running)
        for combo in self.decisions.values():
            combo.setEnabled(not running)
        back = self._wizard.button(self._wizard.WizardButton.BackButton)
        back.setEnabled(not running and self.report is None)
        self.completeChanged.emit()

    def _finished(self) -> None:
        self.task = None
        self.progress.hide()
        self.status.setText("")

    def _done(self, report: ImportReport) -> None:
        self._finished()
        self.report = report
        self._set_running(False)
        self.duplicates.setEnabled(False)
        for button in self.all_buttons.values():
            button.hide()
        self.result.setText(
            _("Imported from {file}:").format(file=report.file_name)
            + "\n"
            + "\n".join(f"  {label}: {n}" for label, n in summary_lines(report))
        )
        self._wizard.imported.emit(report)
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self._finished()
        self._set_running(False)
        if isinstance(exc, DuplicatesUndecided) and isinstance(exc.report, ImportReport):
            self._ask(exc.report)
            return
        log_error(exc, "import_clients")
        if isinstance(exc, ImportCancelled):
            show_message(self.error, _("Stopped: nothing was imported."))
        else:
            show_message(self.error, user_message(exc))

    def _ask(self, report: ImportReport) -> None:
        """The rows that may be clients already here, each with a decision to take."""
        waiting = [o for o in report.duplicates if o.action is Action.UNDECIDED]
        show_message(
            self.error,
            ngettext(
                "{n} row may be a client already here: decide, then press Import again.",
                "{n} rows may be clients already here: decide for each, then press Import again.",
                len(waiting),
            ).format(n=len(waiting)),
            "info",
        )
        kept = self.chosen()
        self.duplicates.setRowCount(len(waiting))
        self.decisions = {}
        for row, outcome in enumerate(waiting):
            self._fill_row(row, outcome, kept.get(outcome.row))
        self.duplicates.show()
        for button in self.all_buttons.values():
            button.show()

    def _fill_row(self, row: int, outcome: RowOutcome, kept: Decision | None) -> None:
        best = outcome.candidates[0]
        self.duplicates.setItem(row, 0, QTableWidgetItem(str(outcome.row)))
        self.duplicates.setItem(row, 1, QTableWidgetItem(outcome.name))
        likes = "; ".join(
            _("{name} ({ref}, {level} {score})").format(
                name=c.name, ref=c.ref, level=c.level, score=c.score
            )
            for c in outcome.candidates
        )
        item = QTableWidgetItem(likes)
        item.setToolTip("\n".join([likes, *best.reasons]))
        self.duplicates.setItem(row, 2, item)
        combo = QComboBox(self.duplicates)
        combo.addItem(_("— decide —"), None)
        for action, label in _CHOICES:
            if action is OnDuplicate.MERGE and not any(c.mergeable for c in outcome.candidates):
                continue
            combo.addItem(_(label), action.value)
        preset = kept.action.value if kept else None
        combo.setCurrentIndex(max(0, combo.findData(preset)))
        combo.setAccessibleName(_("Decision for row {row}").format(row=outcome.row))
        self.duplicates.setCellWidget(row, 3, combo)
        self.decisions[outcome.row] = combo

    def isComplete(self) -> bool:
        return self.report is not None and not self.running
