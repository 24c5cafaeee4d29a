"""The Reports screen (issue 18): pick a measure, one or two dimensions, a period and filters;
the figure is computed in the background (StatisticsService.figures) and shown as a table, with
the previous period beside it, and as a chart; saved definitions are rerun from the top row;
the shown table is exported to XLSX or CSV (StatisticsService.export, audited).

Managers, administrators and HQ analysts see every figure of their store (at HQ: a center
filter and a one-click center comparison); a lawyer sees only their own figures (the service
narrows them; the screen offers no other lawyer). See docs/statistics.md.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from legalaid_desktop.domain.errors import InputRejected
from legalaid_desktop.gui.application import set_role
from legalaid_desktop.gui.context import GuiContext
from legalaid_desktop.gui.errors import log_error, user_message
from legalaid_desktop.gui.models.figures import FigureTableModel
from legalaid_desktop.gui.pages.base import Page
from legalaid_desktop.gui.pages.reports_form import ReportForm
from legalaid_desktop.gui.pages.reports_saved import SavedReports
from legalaid_desktop.gui.tasks import QueryOp, WriteOp
from legalaid_desktop.gui.widgets.feedback import busy_bar, message_label, show_message
from legalaid_desktop.gui.widgets.figure_chart import FigureChart
from legalaid_desktop.i18n import _, ngettext
from legalaid_desktop.i18n.dates import today
from legalaid_desktop.i18n.formatting import format_integer
from legalaid_desktop.services.report_definitions import ReportChoices, SavedReport
from legalaid_desktop.statistics.definitions import COUNTING_RULES, Dimension
from legalaid_desktop.statistics.query import FigureQuery
from legalaid_desktop.statistics.table import FigureTable


class ReportsPage(Page):
    """See the module's docstring."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.table: FigureTable | None = None
        self._asked: FigureQuery | None = None  # the figure being computed
        self._shown: FigureQuery | None = None  # the figure the table shows
        self.question: QMessageBox | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 18px; font-weight: 600;")  # as the other lists
        self.form = ReportForm(ctx)
        self.saved = SavedReports(ctx, self.form.spec)
        self.saved.run_saved.connect(self.run_saved)
        self.saved.message.connect(self._show_error)
        self.run_button = QPushButton()
        self.run_button.setDefault(True)
        self.run_button.setAutoDefault(True)
        self.run_button.clicked.connect(self.run)
        self.compare_button = QPushButton()
        self.compare_button.clicked.connect(self.compare_centers)
        self.compare_button.hide()  # HQ only, once the choices arrived
        self.export_button = QPushButton()
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        self.busy = busy_bar()
        self.busy.setFixedWidth(80)
        self.message = message_label()
        self.note = QLabel()
        self.note.setWordWrap(True)
        set_role(self.note, "muted")
        self.model = FigureTableModel()
        self.view = QTableView()
        self.view.setObjectName("figures")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.setMinimumSize(380, 320)
        self.chart = FigureChart()
        self.chart.setMinimumWidth(400)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.form.anonymized)
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.busy)
        result = QHBoxLayout()
        result.addWidget(self.view, 5)
        result.addWidget(self.chart, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.saved)
        layout.addWidget(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.note)
        layout.addLayout(result, 1)
        self.setFocusProxy(self.form.measure)
        self.retranslate()
        self.refresh()

    def title(self) -> str:
        return _("Reports")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in the pickers runs the report (a page has no default button)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.run_button.isEnabled():
            self.run()
            event.accept()
            return
        super().keyPressEvent(event)

    def refresh(self) -> None:
        """Read the filter choices and the saved reports (in the background)."""
        QueryOp(
            self.ctx.tasks,
            self.ctx.services.report_definitions.choices,
            success=self._choices_arrived,
            failure=self._failed,
            action="report_choices",
            parent=self,
        ).latest("choices").run()
        self.saved.reload()

    def _choices_arrived(self, choices: ReportChoices) -> None:
        self.form.set_choices(choices)
        self.compare_button.setVisible(choices.hq and self.form.all_figures)

    # -- running --------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.busy.isVisible() or self.ctx.tasks.latest(self, "figures") is not None

    def run(self) -> None:
        """Compute the figure the pickers describe, off the GUI thread."""
        try:
            spec = self.form.spec()
        except InputRejected as exc:
            self._show_error(str(exc))
            return
        self._compute(spec.query(today(), lang=self.ctx.language))

    def _compute(self, query: FigureQuery) -> None:
        self._asked = query
        self._show_error("")
        self._set_busy(True)
        QueryOp(
            self.ctx.tasks,
            partial(self.ctx.services.statistics.figures, query),
            success=self._arrived,
            failure=self._failed,
            action="statistics",
            parent=self,
        ).latest("figures").run()

    def run_saved(self, report: SavedReport) -> None:
        self.form.set_spec(report.spec)
        self.run()

    def compare_centers(self) -> None:
        """HQ: the chosen measure by center, in one click."""
        self.form.first.setCurrentIndex(max(self.form.first.findData(Dimension.CENTER.value), 0))
        self.form.second.setCurrentIndex(0)
        self.run()

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.run_button.setEnabled(not busy)
        self.compare_button.setEnabled(not busy)
        self.export_button.setEnabled(not busy and self.table is not None)

    def _arrived(self, table: FigureTable) -> None:
        self._set_busy(False)
        self.table = table
        self._shown = self._asked
        self.model.set_table(table)
        self._fit_columns()
        self.chart.set_table(table)
        self.view.setMinimumHeight(max(320, self.chart.minimumHeight()))
        self.export_button.setEnabled(True)
        self._show_note()
        self.status_message.emit(_("The figures are ready."))

    def _fit_columns(self) -> None:
        """Figures as wide as they need; labels at most 220 pixels (whole in the tooltip)."""
        width = len(self.table.by) if self.table is not None else 0
        for column in range(self.model.columnCount()):
            self.view.resizeColumnToContents(column)
            if column < width:
                self.view.setColumnWidth(column, min(self.view.columnWidth(column), 220))

    def _failed(self, exc: BaseException) -> None:
        log_error(exc, getattr(exc, "__action__", "reports"))
        self._set_busy(False)
        self._show_error(user_message(exc))

    def _show_error(self, text: str) -> None:
        show_message(self.message, text.splitlines()[0] if text else "")

    def _show_note(self) -> None:
        table = self.table
        if table is None:
            self.note.setText("")
            return
        parts = [_(COUNTING_RULES[table.measure])]
        if "lawyer" in table.filters and not self.form.all_figures:
            parts.append(_("Only your own figures."))
        if table.anonymized:
            parts.append(
                ngettext(
                    "Anonymized: {n} client without consent to anonymized statistics was left "
                    'out; counts of 1 to 4 are shown as "<5", a figure hidden with one as "x".',
                    "Anonymized: {n} clients without consent to anonymized statistics were "
                    'left out; counts of 1 to 4 are shown as "<5", a figure hidden with one as '
                    '"x".',
                    table.left_out,
                ).format(n=format_integer(table.left_out))
            )
        self.note.setText(" ".join(parts))

    # -- export ---------------------------------------------------------------------------------

    def export(self) -> None:
        """Ask where, then write the shown table (XLSX or CSV)."""
        if self.table is None:
            return
        name = f"{self.table.measure.value}-{self.table.period.code.replace('..', '_')}.xlsx"
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self,
            _("Export the figures"),
            name,
            _("Excel workbook (*.xlsx)") + ";;" + _("CSV, UTF-8 (*.csv)"),
        )
        if chosen:
            self.export_to(Path(chosen), "csv" if "csv" in chosen_filter.lower() else None)

    def export_to(self, path: Path, fmt: str | None = None) -> None:
        """Write the shown table to ``path`` (the format from its extension unless ``fmt``);
        figures that are not anonymized are confirmed first: the file is not encrypted."""
        if self.table is None:
            return
        fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")
        if self.table.anonymized:
            self._write(path, fmt)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Export the figures"),
            _(
                "These figures are not anonymized: they are exact, for the network's own "
                "management. The file {file} is not encrypted. Export it?"
            ).format(file=path.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(partial(self._write, path, fmt))
        self.question = box
        box.open()

    def _write(self, path: Path, fmt: str) -> None:
        table = self.table
        if table is None:
            return
        self.export_button.setEnabled(False)
        WriteOp(
            self.ctx.tasks,
            partial(self.ctx.services.statistics.export, table, path, fmt),
            success=partial(self._written, path),
            failure=self._export_failed,
            action="statistics_export",
            parent=self,
        ).run()

    def _written(self, path: Path, rows: int) -> None:
        self.export_button.setEnabled(True)
        self.status_message.emit(
            ngettext("{n} line written to {file}.", "{n} lines written to {file}.", rows).format(
                n=format_integer(rows), file=str(path)
            )
        )

    def _export_failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(self.table is not None)
        self._failed(exc)

    # -- texts ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.heading.setText(_("Reports"))
        self.run_button.setText(_("&Run"))
        self.run_button.setToolTip(_("Compute the figure (Enter)"))
        self.compare_button.setText(_("&Compare centers"))
        self.compare_button.setToolTip(_("The measure by center, every center of the network"))
        self.export_button.setText(_("E&xport…"))
        self.view.setAccessibleName(_("Figures"))
        self.chart.setAccessibleName(_("Chart of the figures"))
        self.form.retranslate()
        self.saved.retranslate()
        self.model.retranslate()
        self._show_note()
        shown = self._shown
        if shown is not None and shown.lang != self.ctx.language and not self.running:
            # the labels of the rows and the chart were made in the old language: count the
            # same figure again (the same period, even if the pickers have changed since)
            self._compute(replace(shown, lang=self.ctx.language))
